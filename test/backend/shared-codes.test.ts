// The check the native loader runs on the addon's codes(): every entry that differs from TypeScript's
// numbering is named with both values. (That the real addon matches: test/backend/native-loader.test.ts.)

import { describe, expect, it } from 'vitest';

import { checkAddonCodes, SHARED_CODES, type CodeTable } from '../../src/backend/shared-codes.js';
import { BackendError } from '../../src/util/errors.js';

function thrown(fn: () => void): BackendError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BackendError);
    return err as BackendError;
  }
  throw new Error('expected a BackendError');
}

describe('checkAddonCodes', () => {
  it('accepts an equal copy', () => {
    expect(() => checkAddonCodes(SHARED_CODES, structuredClone(SHARED_CODES))).not.toThrow();
  });

  it('names each differing entry with the TypeScript and native values', () => {
    const native = structuredClone(SHARED_CODES) as Record<string, Record<string, number> | number>;
    (native.Activation as Record<string, number>).gelu = 5;
    delete (native.Loss as Record<string, number>).huber;
    (native.TrainStatus as Record<string, number>).stalled = 4;
    native.PLAN_HEADER = 25;
    (native.OPTIMIZER_SLOTS as Record<string, number>)['2'] = 1;
    const err = thrown(() => checkAddonCodes(SHARED_CODES, native));
    expect(err.code).toBe('ERR_NNTRAIN_BACKEND');
    const lines = err.message.split('\n');
    expect(lines[0]).toMatch(/differs from TypeScript's in 5 entries/);
    expect(lines).toContain('  Activation.gelu: TypeScript 4, native 5');
    expect(lines).toContain('  Loss.huber: TypeScript 2, native absent');
    expect(lines).toContain('  TrainStatus.stalled: TypeScript absent, native 4');
    expect(lines).toContain('  PLAN_HEADER: TypeScript 24, native 25');
    expect(lines).toContain('  OPTIMIZER_SLOTS.2: TypeScript 2, native 1');
    expect(err.message).toContain('npm run build:native');
  });

  it('compares nested groups and scalars of any table, and a non-number as a difference', () => {
    const ts: CodeTable = { A: { x: 0, y: 1 }, W: 3 };
    expect(() => checkAddonCodes(ts, { A: { x: 0, y: 1 }, W: 3 })).not.toThrow();
    expect(thrown(() => checkAddonCodes(ts, { A: { x: 0, y: '1' }, W: 3 })).message).toContain('  A.y: TypeScript 1, native "1"\n');
    const lines = thrown(() => checkAddonCodes(ts, { A: 0, W: 3 })).message.split('\n');
    expect(lines).toEqual(expect.arrayContaining(['  A.x: TypeScript 0, native absent', '  A.y: TypeScript 1, native absent', '  A: TypeScript absent, native 0']));
  });

  it('refuses an addon without codes()', () => {
    expect(thrown(() => checkAddonCodes(SHARED_CODES, undefined)).message).toMatch(/reports no codes\(\)/);
  });
});

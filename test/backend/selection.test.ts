// Backend choice: the option, then NNTRAIN_BACKEND, then native with one warned fallback to js.
// Each case runs in a child process because the choice is cached per process.

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { nativeAvailable } from '../../src/backend/index.js';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../helpers/run-script.js';
import { transpiled } from '../helpers/transpiled.js';

function run(code: string, env: Record<string, string | undefined>): string {
  const childEnv: Record<string, string | undefined> = { ...process.env, NNTRAIN_BACKEND: undefined, ...env };
  // the transpiled library, not tsx: a tsx start costs about a second per process
  const js = code.replace("'./src/backend/index.ts'", `'${pathToFileURL(transpiled('src/backend/index.ts')).href}'`);
  return execFileSync(process.execPath, ['--input-type=module', '-e', js], {
    cwd: ROOT,
    env: childEnv as NodeJS.ProcessEnv,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const PROBE = `
import { getBackend } from './src/backend/index.ts';
const warnings = [];
process.on('warning', (w) => warnings.push(w.code + ': ' + w.message));
const report = (label, fn) => { try { console.log(label + '=' + fn().name); } catch (e) { console.log(label + '!' + e.name + '|' + e.code + '|' + e.message.split('\\n')[0]); } };
report('auto1', () => getBackend());
report('auto2', () => getBackend());
report('native', () => getBackend('native'));
report('js', () => getBackend('js'));
report('bad', () => getBackend('gpu'));
await new Promise((r) => setImmediate(r));
console.log('warnings=' + warnings.length);
for (const w of warnings) console.log('warning ' + w);
`;

describe('backend selection', () => {
  it('falls back to js with exactly one warning when the addon cannot load', () => {
    // An unknown NNTRAIN_KERNEL makes the addon refuse to load, which stands in for a missing binary.
    const out = run(PROBE, { NNTRAIN_KERNEL: 'bogus' });
    expect(out).toContain('auto1=js');
    expect(out).toContain('auto2=js');
    expect(out).toMatch(/native!BackendError\|ERR_NNTRAIN_BACKEND\|/);
    expect(out).toContain('js=js');
    expect(out).toMatch(/bad!ConfigError\|ERR_NNTRAIN_CONFIG\|Unknown backend 'gpu'/);
    expect(out).toContain('warnings=1');
    expect(out).toMatch(/warning NNTRAIN_NATIVE_UNAVAILABLE: nntrain: using the js backend because the native addon could not load/);
  });

  it('honours NNTRAIN_BACKEND and names it when it is wrong', () => {
    expect(run(PROBE, { NNTRAIN_BACKEND: 'js' })).toContain('auto1=js');
    expect(run(PROBE, { NNTRAIN_BACKEND: 'jss' })).toMatch(/auto1!ConfigError\|ERR_NNTRAIN_CONFIG\|Unknown NNTRAIN_BACKEND 'jss'. Did you mean 'js'\?/);
  });

  it.skipIf(!nativeAvailable())('uses native by default when the addon loads, without a warning', () => {
    const out = run(PROBE, {});
    expect(out).toContain('auto1=native');
    expect(out).toContain('warnings=0');
  });
});

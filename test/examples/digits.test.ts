// `npm run demo` reaches its target on every available backend: test accuracy >= 0.95 on held-out digits.

import { describe, expect, it } from 'vitest';
import { nativeAvailable } from '../../src/backend/index.js';
import { runTs } from '../helpers/run-script.js';

const backends = ['js', ...(nativeAvailable() ? ['native'] : [])];

// the backends' runs are independent processes: run them at once
describe.concurrent.each(backends)('demo on the %s backend', (backend) => {
  it('prints progress per epoch and ends with test accuracy >= 0.95', async () => {
    const result = await runTs('examples/digits.ts', { NNTRAIN_BACKEND: backend }, 180_000);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.some((line) => /^Epoch \d+\/\d+/.test(line))).toBe(true);
    const last = lines[lines.length - 1];
    expect(last).toMatch(/^test accuracy: 0\.\d{4}$/);
    expect(Number(last.split(': ')[1])).toBeGreaterThanOrEqual(0.95);
  }, 200_000);
});

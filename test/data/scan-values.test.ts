import { describe, expect, it } from 'vitest';
import { getBackend, nativeAvailable } from '../../src/backend/index.js';
import { scanValues } from '../../src/data/validate-data.js';
import { DataError } from '../../src/index.js';

// scanValues checks every value with a fast all-finite pass first and locates the first bad value only
// when that pass fails: the location must be exact wherever the value sits (unrolled body, tail, later slice).
// The pass is JS's own loop, or a backend's sumSquares.
const BACKENDS = [['JS loop', undefined] as const, ['js sumSquares', getBackend('js')] as const, ...(nativeAvailable() ? [['native sumSquares', getBackend('native')] as const] : [])];
describe.each(BACKENDS)('scanValues finds the first non-finite value (%s)', (_, backend) => {
  const rows = 1100;
  const cols = 1001; // rows * cols = 1,101,100: more than one scan slice (2^20) and not a multiple of 4
  const cases: [number, number][] = [
    [0, 0],
    [0, 3],
    [517, 222],
    [1047, 736], // in the second slice
    [rows - 1, cols - 1], // the scalar tail of the last slice
  ];
  for (const bad of [NaN, Infinity, -Infinity]) {
    for (const [r, c] of cases) {
      it(`${bad} at row ${r}, column ${c}`, async () => {
        const data = new Float32Array(rows * cols).fill(1.5);
        data[r * cols + c] = bad;
        data[(rows - 1) * cols + cols - 1] = r === rows - 1 ? bad : -3.4e38; // a large finite value elsewhere
        const err = await scanValues({ data, rows, cols }, 'x', null, backend).then(() => null, (e: unknown) => e);
        expect(err).toBeInstanceOf(DataError);
        expect((err as DataError).message).toBe(`x contains ${bad} at row ${r}, column ${c}: every value must be finite`);
      });
    }
  }
  it('accepts all-finite data including the float32 extremes and -0', async () => {
    const data = Float32Array.from({ length: 4099 }, (_, i) => [3.4028234663852886e38, -3.4028234663852886e38, 1e-45, -0][i % 4]);
    await expect(scanValues({ data, rows: 4099, cols: 1 }, 'x', null, backend)).resolves.toBeUndefined();
  });
});

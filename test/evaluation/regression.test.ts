// Regression metrics: hand-computed cases (sklearn's documentation examples), the constant-target R²
// convention, and input errors.

import { describe, expect, it } from 'vitest';
import { regressionMetrics, matrix, ConfigError, DataError, ShapeError } from '../../src/index.js';
import { checkClose, checkScalar } from '../helpers/check.js';

describe('regressionMetrics', () => {
  it('one output: MSE, RMSE, MAE, R² (sklearn example)', () => {
    const r = regressionMetrics([2.5, 0, 2, 8], [3, -0.5, 2, 7]);
    // errors 0.5, −0.5, 0, −1; mean target 2.875, SS_tot = 29.1875, SS_res = 1.5
    checkScalar(r.mse, 0.375, 1e-15, 'mse');
    checkScalar(r.rmse, Math.sqrt(0.375), 1e-15, 'rmse');
    checkScalar(r.mae, 0.5, 1e-15, 'mae');
    checkScalar(r.r2, 1 - 1.5 / 29.1875, 1e-15, 'r2');
    expect(r).toMatchObject({ task: 'regression', samples: 4, outputs: 1, outputNames: ['0'] });
    expect(r.perOutput).toHaveLength(1);
  });

  it('several outputs: per output, then uniform means (sklearn example)', () => {
    const r = regressionMetrics(
      [
        [0, 2],
        [-1, 2],
        [8, -5],
      ],
      [
        [0.5, 1],
        [-1, 1],
        [7, -6],
      ],
      { outputNames: ['a', 'b'] },
    );
    checkClose(r.perOutput.map((m) => m.mse), [1.25 / 3, 1], 1e-15, 'mse');
    checkClose(r.perOutput.map((m) => m.mae), [0.5, 1], 1e-15, 'mae');
    // output a: mean 6.5/3, SS_tot = 38.1667; output b: mean −4/3, SS_tot = 32.6667 (float64 of the sums below)
    const ssTotA = (0.5 - 6.5 / 3) ** 2 + (-1 - 6.5 / 3) ** 2 + (7 - 6.5 / 3) ** 2;
    const ssTotB = (1 + 4 / 3) ** 2 * 2 + (-6 + 4 / 3) ** 2;
    checkClose(r.perOutput.map((m) => m.r2), [1 - 1.25 / ssTotA, 1 - 3 / ssTotB], 1e-14, 'r2');
    checkScalar(r.mse, (1.25 / 3 + 1) / 2, 1e-15, 'mean mse'); // sklearn: 0.7083…
    checkScalar(r.mae, 0.75, 1e-15, 'mean mae');
    checkScalar(r.rmse, (Math.sqrt(1.25 / 3) + 1) / 2, 1e-15, 'rmse = mean of per-output RMSEs');
    expect(r.outputNames).toEqual(['a', 'b']);
  });

  it('constant target: R² is 1 for exact predictions, 0 otherwise (never NaN or −Infinity)', () => {
    expect(regressionMetrics([2, 2, 2], [2, 2, 2]).r2).toBe(1);
    const off = regressionMetrics([1, 2, 3], [2, 2, 2]);
    expect(off.r2).toBe(0);
    checkScalar(off.mse, 2 / 3, 1e-15, 'mse');
    expect(regressionMetrics([0.5], [0.25]).r2).toBe(0); // one row is a constant target
  });

  it('R² is negative when worse than the mean', () => {
    checkScalar(regressionMetrics([3, 1], [1, 3]).r2, 1 - 8 / 2, 1e-15, 'r2');
  });

  it('accepts a Matrix with a longer buffer (a view)', () => {
    const p = { data: Float32Array.from([1, 2, 99]), rows: 2, cols: 1 };
    expect(regressionMetrics(p, matrix([1, 2])).mse).toBe(0);
  });

  it('errors: NaN names the row, shapes are named, options are checked', () => {
    let err: unknown;
    try {
      regressionMetrics([[1, 2], [3, NaN]], [[1, 2], [3, 4]]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).message).toBe('predictions contains NaN at row 1, column 1: every value must be finite');
    expect((err as DataError).row).toBe(1);
    expect(() => regressionMetrics([1, 2], [1, -Infinity])).toThrow(/targets contains -Infinity at row 1, column 0/);
    expect(() => regressionMetrics([[1, 2]], [1])).toThrow(ShapeError);
    expect(() => regressionMetrics([[1, 2]], [1])).toThrow('targets has shape [1, 1] but predictions has shape [1, 2]: one target column per output');
    expect(() => regressionMetrics([1, 2, 3], [1, 2])).toThrow('targets has shape [2, 1] but predictions has shape [3, 1]');
    expect(() => regressionMetrics([], [])).toThrow(DataError);
    expect(() => regressionMetrics([1], [1], { outputNames: ['a', 'b'] })).toThrow(ConfigError);
  });
});

// weightedHeadline: scikit-learn's sample_weight means of accuracy (classification) and of squared and
// absolute errors (regression), worked by hand.

import { describe, expect, it } from 'vitest';
import { weightedHeadline } from '../../src/evaluation/index.js';
import { ShapeError } from '../../src/util/errors.js';

describe('weightedHeadline', () => {
  it('accuracy weighs each row: rows 0 and 2 right of weights 1, 3, 0, 4', () => {
    const scores = { data: Float32Array.from([0.9, 0.1, 0.2, 0.8, 0.3, 0.7, 0.6, 0.4]), rows: 4, cols: 2 };
    const w = Float32Array.from([1, 3, 0, 4]);
    expect(weightedHeadline(scores, [0, 0, 1, 1], w, 'classification')).toEqual({ weighted_accuracy: 1 / 8 });
    const sigmoid = { data: Float32Array.from([0.9, 0.2]), rows: 2, cols: 1 };
    expect(weightedHeadline(sigmoid, [1, 1], Float32Array.from([3, 1]), 'classification')).toEqual({ weighted_accuracy: 0.75 });
  });

  it('regression: weighted mse, rmse and mae', () => {
    const r = weightedHeadline([[1], [2], [4]], [[0], [2], [2]], Float32Array.from([1, 5, 2]), 'regression');
    expect(r.weighted_mse).toBeCloseTo((1 + 0 + 2 * 4) / 8, 12);
    expect(r.weighted_rmse).toBeCloseTo(Math.sqrt(9 / 8), 12);
    expect(r.weighted_mae).toBeCloseTo((1 + 0 + 2 * 2) / 8, 12);
    expect(() => weightedHeadline([[1]], [[1]], Float32Array.from([1, 2]), 'regression')).toThrow(ShapeError);
  });
});

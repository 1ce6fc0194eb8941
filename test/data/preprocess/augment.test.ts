// Augmentation of the training split: Gaussian noise statistics and layout, random oversampling (balances,
// copies only existing rows), and SMOTE (points on segments to one of the k nearest same-class rows).

import { describe, expect, it } from 'vitest';
import { DataError, ShapeError } from '../../../src/util/errors.js';
import type { Matrix } from '../../../src/data/matrix.js';
import { addGaussianNoise, classIndices, randomOversample, smote, tileRows } from '../../../src/data/preprocess/index.js';
import { checkExact } from '../../helpers/check.js';
import { expectConfigError } from '../../helpers/errors.js';
import { countValues, imbalancedLabels, oneHot, randomMatrix, thrown } from './helpers.js';

const column = (labels: ArrayLike<number>): Matrix => ({ data: Float32Array.from(labels), rows: labels.length, cols: 1 });

describe('addGaussianNoise', () => {
  it('adds N(0, stddev²) noise: mean and std of the differences match', () => {
    const x = randomMatrix(2000, 10, 1);
    const original = x.data.slice();
    const out = addGaussianNoise(x, { stddev: 0.3, seed: 4, copies: 2 });
    checkExact(x.data, original, 'x untouched');
    expect([out.rows, out.cols]).toEqual([4000, 10]);
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < out.data.length; i++) {
      const d = out.data[i] - x.data[i % x.data.length];
      sum += d;
      sq += d * d;
    }
    const n = out.data.length;
    const mean = sum / n;
    const std = Math.sqrt(sq / n - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.01); // standard error 0.3/√40000 = 0.0015
    expect(Math.abs(std - 0.3)).toBeLessThan(0.006); // σ/√(2n) = 0.001: six standard errors
  });

  it('stacks the original first, then whole copies, so tileRows(y) matches; excluded columns stay clean', () => {
    const x = randomMatrix(5, 3, 2);
    const out = addGaussianNoise(x, { stddev: 1, copies: 2, includeOriginal: true, exclude: [1], seed: 1 });
    expect(out.rows).toBe(15);
    checkExact(out.data.subarray(0, 15), x.data, 'original block');
    for (let r = 0; r < 15; r++) expect(out.data[r * 3 + 1]).toBe(x.data[(r % 5) * 3 + 1]);
    expect(out.data[5 * 3]).not.toBe(x.data[0]);
    expect(tileRows(column([0, 1, 2, 3, 4]), 3).data[7]).toBe(2);
    checkExact(addGaussianNoise(x, { stddev: 1, seed: 1 }).data, addGaussianNoise(x, { stddev: 1, seed: 1 }).data, 'seeded');
  });

  it('names bad options', () => {
    const x = randomMatrix(2, 2, 1);
    expectConfigError(() => addGaussianNoise(x, { stddev: 0 }), 'Expected number > 0 for stddev but received 0');
    expectConfigError(() => addGaussianNoise(x, { stddev: 1, copies: 0 }), 'Expected integer >= 1 for copies but received 0');
    expectConfigError(() => addGaussianNoise(x, { stddev: 1, exclude: [2] }), 'Expected column indices in [0, 2) for data with 2 columns for exclude but received 2');
  });
});

describe('randomOversample', () => {
  const labels = imbalancedLabels(300, 4, 3);
  const x = randomMatrix(300, 4, 5);

  it.each([
    ['an index column', column(labels)],
    ['one-hot rows', oneHot(labels, 4)],
  ])('balances the classes by copying existing rows (labels as %s)', (_, y) => {
    const out = randomOversample(x, y, { seed: 2 });
    const counts = countValues(classIndices(out.y));
    const majority = Math.max(...countValues(labels).values());
    for (const n of counts.values()) expect(n).toBe(majority);
    for (let r = 0; r < out.x.rows; r++) {
      const s = out.sourceRows[r];
      checkExact(out.x.data.subarray(r * 4, r * 4 + 4), x.data.subarray(s * 4, s * 4 + 4), `row ${r}`);
      checkExact(out.y.data.subarray(r * y.cols, (r + 1) * y.cols), y.data.subarray(s * y.cols, (s + 1) * y.cols), `y row ${r}`);
    }
    checkExact(out.x.data.subarray(0, x.data.length), x.data, 'originals first');
  });

  it('reaches a given ratio of the majority and is seeded', () => {
    const out = randomOversample(x, column(labels), { ratio: 0.5, seed: 1 });
    const before = countValues(labels);
    const target = Math.ceil(0.5 * Math.max(...before.values()));
    for (const [c, n] of countValues(classIndices(out.y))) expect(n).toBe(Math.max(before.get(c) as number, target));
    checkExact(out.sourceRows, randomOversample(x, column(labels), { ratio: 0.5, seed: 1 }).sourceRows, 'seeded');
    expectConfigError(() => randomOversample(x, column(labels), { ratio: 1.5 }), 'Expected number in (0, 1] for ratio but received 1.5');
    expect(thrown(() => randomOversample(x, column([0, 1])))).toBeInstanceOf(ShapeError);
  });
});

/** Squared Euclidean distance between rows a and b of x, in float64. */
function dist2(x: Matrix, a: number, b: number): number {
  let d = 0;
  for (let c = 0; c < x.cols; c++) d += (x.data[a * x.cols + c] - x.data[b * x.cols + c]) ** 2;
  return d;
}

describe('smote', () => {
  const labels = imbalancedLabels(240, 3, 8);
  const x = randomMatrix(240, 5, 9);

  it.each([1, 3, 5])('puts every synthetic point on a segment to one of the k = %i nearest rows of its class', (k) => {
    const out = smote(x, column(labels), { k, seed: 4 });
    const counts = countValues(classIndices(out.y));
    const majority = Math.max(...countValues(labels).values());
    for (const n of counts.values()) expect(n).toBe(majority);
    const { base, neighbour, gap } = out.synthetic;
    for (let s = 0; s < base.length; s++) {
      const row = x.rows + s;
      const [i, nn, u] = [base[s], neighbour[s], gap[s]];
      expect(labels[i]).toBe(labels[nn]); // never between classes
      expect(out.y.data[row]).toBe(labels[i]);
      expect(u >= 0 && u < 1).toBe(true);
      // collinear: out = x_i + u·(x_nn − x_i) in every column (float32 rounding)
      for (let c = 0; c < 5; c++) {
        const xi = x.data[i * 5 + c];
        const expected = xi + u * (x.data[nn * 5 + c] - xi);
        expect(Math.abs(out.x.data[row * 5 + c] - expected)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(expected)));
      }
      // nn is among the k nearest rows of the same class (ties allowed)
      const same = [...Array(x.rows).keys()].filter((r) => r !== i && labels[r] === labels[i]);
      const kth = same.map((r) => dist2(x, i, r)).sort((a, b) => a - b)[Math.min(k, same.length) - 1];
      expect(dist2(x, i, nn)).toBeLessThanOrEqual(kth);
    }
    checkExact(out.x.data.subarray(0, x.data.length), x.data, 'originals first');
  });

  it('uses the rows that exist when a class has fewer than k + 1, and errors with one row', () => {
    const tiny: Matrix = { data: Float32Array.from([0, 0, 1, 1, 2, 2, 3, 3, 10, 10, 11, 11]), rows: 6, cols: 2 };
    const out = smote(tiny, column([0, 0, 0, 0, 1, 1]), { k: 5, seed: 1 });
    expect(out.x.rows).toBe(8);
    for (const nn of out.synthetic.neighbour) expect([4, 5]).toContain(nn);
    const err = thrown(() => smote(tiny, column([0, 0, 0, 0, 0, 1]))) as DataError;
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toBe(
      'SMOTE needs at least 2 rows of a class to interpolate between, but class 1 has 1 (row 5); raise it with randomOversample, gather more data, or drop the class',
    );
  });

  it('is seeded, and names bad options and non-finite inputs', () => {
    const a = smote(x, column(labels), { seed: 3 });
    checkExact(a.x.data, smote(x, column(labels), { seed: 3 }).x.data, 'seeded');
    expect(Array.from(a.x.data)).not.toEqual(Array.from(smote(x, column(labels), { seed: 4 }).x.data));
    expectConfigError(() => smote(x, column(labels), { k: 0 }), 'Expected integer >= 1 for k but received 0');
    expectConfigError(() => smote(x, column(labels), { neighbours: 3 } as never), "Unknown option 'neighbours' for smote. Valid options: k, seed, ratio, labelColumn");
    const withNaN: Matrix = { data: x.data.slice(), rows: x.rows, cols: x.cols };
    const minority = labels.indexOf(0);
    withNaN.data[minority * 5 + 2] = NaN;
    expect(thrown(() => smote(withNaN, column(labels))).message).toBe(
      `x contains NaN at row ${minority}, column 2: SMOTE needs finite values (impute first)`,
    );
  });
});

// trainTestSplit: the four parts row for row, exact test sizes for fractions and counts, reproducible per
// seed, stratified class shares (from y, one-hot y or given labels), the input forms it takes, and the
// messages of bad arguments.

import { describe, expect, it } from 'vitest';
import { ShapeError, DataError } from '../../../src/util/errors.js';
import { stratifiedSplit, trainTestSplit } from '../../../src/data/preprocess/index.js';
import { expectConfigError } from '../../helpers/errors.js';
import { oneHot, randomMatrix, thrown } from './helpers.js';

const x = randomMatrix(150, 3, 1);
const labels = Array.from({ length: 150 }, (_, r) => Math.floor(r / 50)); // 3 classes of 50, iris-like
const count = (m: { data: Float32Array }, v: number) => m.data.filter((c) => c === v).length;

describe('trainTestSplit', () => {
  it('returns x and y row for row, split into disjoint parts covering every row', () => {
    const s = trainTestSplit(x, labels, { testSize: 0.2, seed: 3 });
    expect([s.xTrain.rows, s.xTest.rows, s.yTrain.rows, s.yTest.rows]).toEqual([120, 30, 120, 30]);
    expect([s.xTrain.cols, s.yTrain.cols]).toEqual([3, 1]);
    const all = [...s.trainIndices, ...s.testIndices].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 150 }, (_, i) => i));
    s.testIndices.forEach((r, i) => {
      expect(Array.from(s.xTest.data.subarray(i * 3, i * 3 + 3))).toEqual(Array.from(x.data.subarray(r * 3, r * 3 + 3)));
      expect(s.yTest.data[i]).toBe(labels[r]);
    });
  });

  it('is reproducible per seed and differs across seeds; testSize defaults to 0.25 and may be a row count', () => {
    const a = trainTestSplit(x, labels, { seed: 9 });
    expect(a.testIndices.length).toBe(37); // 37.5: the half row goes to training
    expect(trainTestSplit(x, labels, { seed: 9 }).testIndices).toEqual(a.testIndices);
    expect(trainTestSplit(x, labels, { seed: 10 }).testIndices).not.toEqual(a.testIndices);
    for (const n of [1, 7, 149]) expect(trainTestSplit(x, labels, { testSize: n, seed: 2 }).testIndices.length).toBe(n);
  });

  it('stratify keeps each class share: from y, from one-hot y, or from given labels', () => {
    const s = trainTestSplit(x, labels, { testSize: 0.2, seed: 5, stratify: true });
    expect([0, 1, 2].map((c) => count(s.yTest, c))).toEqual([10, 10, 10]);
    expect(s.testIndices).toEqual(stratifiedSplit(labels, { testFraction: 0.2, seed: 5 }).test);
    const hot = trainTestSplit(x, oneHot(labels, 3), { testSize: 0.2, seed: 5, stratify: true });
    expect(hot.testIndices).toEqual(s.testIndices);
    expect(hot.yTest.cols).toBe(3);
    const byGiven = trainTestSplit(x, x, { testSize: 0.2, seed: 5, stratify: Int32Array.from(labels) });
    expect(byGiven.testIndices).toEqual(s.testIndices);
  });

  it('takes rows of numbers, typed-array rows and flat arrays', () => {
    const rows = Array.from({ length: 10 }, (_, r) => [r, r * 2]);
    const a = trainTestSplit(rows, Float64Array.from(rows, (r) => r[0]), { testSize: 3, seed: 1 });
    const b = trainTestSplit(rows.map((r) => Float64Array.from(r)), rows.map((r) => r[0]), { testSize: 3, seed: 1 });
    expect(a).toEqual(b);
    a.testIndices.forEach((r, i) => expect([a.xTest.data[2 * i], a.yTest.data[i]]).toEqual([r, r]));
  });

  it('names what is wrong', () => {
    expectConfigError(() => trainTestSplit(x, labels, { testSize: 0 }), 'Expected number in (0, 1) for testSize but received 0');
    expectConfigError(() => trainTestSplit(x, labels, { testSize: 150 }), 'Expected a row count in [1, 149] (x has 150 rows) or a fraction in (0, 1) for testSize but received 150');
    expect(thrown(() => trainTestSplit(x, labels, { testSize: 0.2, stratifyBy: true } as never)).message).toMatch(/Unknown option 'stratifyBy' for trainTestSplit/);
    const rows = thrown(() => trainTestSplit(x, labels.slice(1)));
    expect(rows).toBeInstanceOf(ShapeError);
    expect(rows.message).toBe('x has 150 rows but y has 149: every input row needs one target row');
    expect(thrown(() => trainTestSplit(x, labels, { stratify: labels.slice(2) })).message).toBe('stratify has 148 labels but x has 150 rows: give one class per row');
    expect(thrown(() => trainTestSplit(x, labels.map((l) => l + 0.5), { stratify: true }))).toBeInstanceOf(DataError);
    const empty = thrown(() => trainTestSplit([[1], [2], [3]], [0, 1, 0], { testSize: 0.1 }));
    expect(empty).toBeInstanceOf(DataError);
    expect(empty.message).toBe('trainTestSplit of 3 rows with testSize 0.1 leaves the test part empty');
    expect(thrown(() => trainTestSplit('x' as never, labels)).message).toMatch(/Expected a Matrix, rows of numbers or one number per row for x but received 'x'/);
  });
});

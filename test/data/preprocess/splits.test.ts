// Hold-out splits: reproducible per seed and different across seeds, disjoint and covering, exact sizes,
// stratified class shares within one row, time order (by rows and by a column with ties), the gather
// helpers, and the messages of bad fractions.

import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/util/errors.js';
import type { Matrix } from '../../../src/data/matrix.js';
import {
  classIndices,
  gatherRows,
  randomSplit,
  splitData,
  stratifiedSplit,
  timeSplit,
  tileRows,
  type SplitIndices,
} from '../../../src/data/preprocess/index.js';
import { expectConfigError } from '../../helpers/errors.js';
import { countValues, imbalancedLabels, oneHot, randomMatrix, thrown } from './helpers.js';

const parts = (s: SplitIndices) => [s.train, s.validation, s.test];
const same = (a: SplitIndices, b: SplitIndices) => parts(a).every((p, i) => p.length === parts(b)[i].length && p.every((v, j) => v === parts(b)[i][j]));

/** Every index in [0, rows) is in at most one part; with `cover`, in exactly one. */
function expectDisjoint(s: SplitIndices, rows: number, cover = true): void {
  const seen = new Uint8Array(rows);
  for (const p of parts(s)) for (const r of p) seen[r]++;
  expect(seen.every((n) => n <= 1)).toBe(true);
  if (cover) expect(seen.every((n) => n === 1)).toBe(true);
}

describe('randomSplit', () => {
  it('is reproducible for a seed, different for another, disjoint, covering and sized by largest remainder', () => {
    const a = randomSplit(1001, { testFraction: 0.2, validationFraction: 0.15, seed: 3 });
    expect(same(a, randomSplit(1001, { testFraction: 0.2, validationFraction: 0.15, seed: 3 }))).toBe(true);
    expect(same(a, randomSplit(1001, { testFraction: 0.2, validationFraction: 0.15, seed: 4 }))).toBe(false);
    expectDisjoint(a, 1001);
    expect(parts(a).map((p) => p.length)).toEqual([651, 150, 200]); // 650.65 / 150.15 / 200.2: the left-over row to the largest remainder
    for (const p of parts(a)) expect(p.every((v, i) => i === 0 || p[i - 1] < v)).toBe(true);
  });

  it('train/test only, and subsampling with a trainFraction', () => {
    const s = randomSplit(10, { testFraction: 0.3 });
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([7, 0, 3]);
    const sub = randomSplit(100, { trainFraction: 0.5, testFraction: 0.2, seed: 1 });
    expect([sub.train.length, sub.test.length]).toEqual([50, 20]);
    expectDisjoint(sub, 100, false);
  });

  it('names bad fractions and options', () => {
    expectConfigError(() => randomSplit(10, { testFraction: 1.5 }), 'Expected number in (0, 1) for testFraction but received 1.5');
    expectConfigError(() => randomSplit(10, { testFraction: 0 }), 'Expected number in (0, 1) for testFraction but received 0');
    expectConfigError(() => randomSplit(10, {} as never), 'Expected number in (0, 1) for testFraction but received undefined');
    expectConfigError(
      () => randomSplit(10, { testFraction: 0.5, validationFraction: 0.5 }),
      'Expected number < 1 (the rest is the training part) for validationFraction + testFraction but received 1',
    );
    expectConfigError(
      () => randomSplit(10, { trainFraction: 0.6, validationFraction: 0.2, testFraction: 0.3 }),
      'Expected number <= 1 for trainFraction + validationFraction + testFraction but received 1.1',
    );
    expectConfigError(() => randomSplit(10, { testFraction: 0.2, seed: -1 }), 'Expected integer in [0, 4294967295] for seed but received -1');
    expectConfigError(() => randomSplit(10.5, { testFraction: 0.2 }), 'Expected integer in [0, 4294967295] for rows but received 10.5');
    expectConfigError(
      () => randomSplit(10, { testFraction: 0.2, testFracton: 0.1 } as never),
      "Unknown option 'testFracton' for randomSplit. Did you mean 'testFraction'? Valid options: testFraction, validationFraction, trainFraction, seed",
    );
  });

  it('accepts fractions that sum to exactly 1', () => {
    const s = randomSplit(10, { trainFraction: 0.7, validationFraction: 0.2, testFraction: 0.1 });
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([7, 2, 1]);
  });
});

describe('stratifiedSplit', () => {
  const labels = imbalancedLabels(997, 5, 11);
  const shares = { train: 0.6, validation: 0.15, test: 0.25 };

  it.each([
    ['an index column', labels],
    ['one-hot rows', oneHot(labels, 5)],
  ])('keeps every class within one row of its share per part (labels as %s)', (_, y) => {
    const s = stratifiedSplit(y as Float32Array | Matrix, { testFraction: shares.test, validationFraction: shares.validation, seed: 2 });
    expectDisjoint(s, 997);
    const total = countValues(labels);
    for (const [name, p] of [['train', s.train], ['validation', s.validation], ['test', s.test]] as const) {
      const counts = countValues(Array.from(p, (r) => labels[r]));
      for (const [c, n] of total) expect(Math.abs((counts.get(c) ?? 0) - n * shares[name]), `class ${c} in ${name}`).toBeLessThanOrEqual(1);
    }
    expect(same(s, stratifiedSplit(y as Float32Array | Matrix, { testFraction: 0.25, validationFraction: 0.15, seed: 2 }))).toBe(true);
    expect(same(s, stratifiedSplit(y as Float32Array | Matrix, { testFraction: 0.25, validationFraction: 0.15, seed: 5 }))).toBe(false);
  });

  it('puts every class with >= 2 rows in train, and a single-row class in train', () => {
    const y = [0, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3];
    for (let seed = 0; seed < 20; seed++) {
      const s = stratifiedSplit(y, { trainFraction: 0.2, validationFraction: 0.4, testFraction: 0.4, seed });
      const inTrain = new Set(Array.from(s.train, (r) => y[r]));
      expect([...inTrain].sort()).toEqual([0, 1, 2, 3]);
      expectDisjoint(s, y.length);
      for (const [p, share] of [[s.validation, 0.4], [s.test, 0.4]] as const) {
        const counts = countValues(Array.from(p, (r) => y[r]));
        for (const [c, n] of countValues(y)) expect(Math.abs((counts.get(c) ?? 0) - n * share)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('reads labels from a column of a Matrix and rejects non-labels', () => {
    const m: Matrix = { data: Float32Array.from([9, 0, 9, 1, 9, 0, 9, 1]), rows: 4, cols: 2 };
    expect(Array.from(classIndices(m, 1))).toEqual([0, 1, 0, 1]);
    const s = stratifiedSplit(m, { testFraction: 0.5, labelColumn: 1 });
    expect(s.test.length).toBe(2);
    const err = thrown(() => stratifiedSplit([0, 1.5, 1], { testFraction: 0.5 })) as DataError;
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toBe('labels has 1.5 at row 1: class labels must be integers >= 0');
    expectConfigError(() => classIndices(m, 2), 'Expected integer in [0, 1] for labelColumn but received 2');
  });
});

describe('timeSplit', () => {
  it('by row order: earliest rows train, latest test', () => {
    const s = timeSplit(10, { testFraction: 0.2, validationFraction: 0.1 });
    expect(Array.from(s.train)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(s.validation)).toEqual([7]);
    expect(Array.from(s.test)).toEqual([8, 9]);
  });

  it('by a column, stable for ties, indices in time order', () => {
    const times = [5, 1, 3, 3, 0, 9, 3, 1];
    const x: Matrix = { data: Float32Array.from(times.flatMap((t, r) => [r * 10, t])), rows: 8, cols: 2 };
    const s = timeSplit(x, { column: 1, testFraction: 0.25 });
    expect(Array.from(s.train)).toEqual([4, 1, 7, 2, 3, 6]); // 0, 1, 1, 3, 3, 3: ties by row order
    expect(Array.from(s.test)).toEqual([0, 5]);
    const all = [...s.train, ...s.test];
    for (let i = 1; i < all.length; i++) expect(times[all[i - 1]] <= times[all[i]]).toBe(true);
  });

  it('leaves out the earliest rows when the fractions sum to less than 1', () => {
    const s = timeSplit(10, { trainFraction: 0.5, testFraction: 0.2 });
    expect(Array.from(s.train)).toEqual([3, 4, 5, 6, 7]);
    expect(Array.from(s.test)).toEqual([8, 9]);
  });

  it('rejects a NaN time and a column without a Matrix', () => {
    const x: Matrix = { data: Float32Array.from([1, NaN, 2]), rows: 3, cols: 1 };
    expect(thrown(() => timeSplit(x, { column: 0, testFraction: 0.5 })).message).toBe(
      'The time column 0 has NaN at row 1: every row needs a time',
    );
    expectConfigError(() => timeSplit(3, { column: 0, testFraction: 0.5 }), 'The column option of timeSplit needs a Matrix: pass the data, not a row count');
    expectConfigError(() => timeSplit(x, { column: 1, testFraction: 0.5 }), 'Expected integer in [0, 0] for column but received 1');
  });
});

describe('gathering', () => {
  it('materializes every part as {x, y} row for row', () => {
    const x = randomMatrix(30, 3, 1);
    const y: Matrix = { data: Float32Array.from({ length: 30 }, (_, i) => i), rows: 30, cols: 1 };
    const split = randomSplit(30, { testFraction: 0.3, validationFraction: 0.2, seed: 9 });
    const data = splitData({ x, y }, split);
    for (const name of ['train', 'validation', 'test'] as const) {
      const { x: px, y: py } = data[name];
      expect(py.rows).toBe(split[name].length);
      split[name].forEach((r, i) => {
        expect(py.data[i]).toBe(r);
        expect(Array.from(px.data.subarray(i * 3, i * 3 + 3))).toEqual(Array.from(x.data.subarray(r * 3, r * 3 + 3)));
      });
    }
  });

  it('tiles rows and checks indices', () => {
    const m: Matrix = { data: Float32Array.from([1, 2, 3, 4]), rows: 2, cols: 2 };
    expect(Array.from(tileRows(m, 2).data)).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
    expectConfigError(() => gatherRows(m, [0, 2]), 'Expected integer in [0, 1] for indices[1] but received 2');
    expect(thrown(() => splitData({ x: m, y: { data: new Float32Array(3), rows: 3, cols: 1 } }, randomSplit(2, { testFraction: 0.5 }))).message).toBe(
      'x has 2 rows but y has 3: every input row needs one target row',
    );
  });
});

// k-fold, stratified k-fold, leave-one-out and the streaming hash split.

import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../../src/util/errors.js';
import { hashSplit, hashSplitIndices, hashSplitter, kFold, leaveOneOut, SplitPart, type Fold } from '../../../src/data/preprocess/index.js';
import { expectConfigError } from '../../helpers/errors.js';
import { countValues, imbalancedLabels, oneHot, thrown } from './helpers.js';

/** Each row in exactly one test fold, train = the complement, and test fold sizes within one row. */
function expectPartition(folds: Iterable<Fold>, rows: number): Fold[] {
  const list = [...folds];
  const inTest = new Uint32Array(rows);
  for (const { train, test } of list) {
    expect(train.length + test.length).toBe(rows);
    const mark = new Uint8Array(rows);
    for (const r of test) {
      inTest[r]++;
      mark[r] = 1;
    }
    for (const r of train) expect(mark[r]).toBe(0);
  }
  expect(inTest.every((n) => n === 1)).toBe(true);
  const sizes = list.map((f) => f.test.length);
  expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  return list;
}

const asArrays = (folds: Iterable<Fold>) => [...folds].map((f) => Array.from(f.test));

describe('kFold', () => {
  it.each([
    [10, 3],
    [11, 5],
    [100, 7],
    [2, 2],
  ])('partitions %i rows into %i folds, contiguous when not shuffled', (rows, k) => {
    const folds = expectPartition(kFold(rows, { k }), rows);
    expect(folds.length).toBe(k);
    for (const f of folds) expect(f.test.every((v, i) => i === 0 || v === f.test[i - 1] + 1)).toBe(true);
  });

  it('shuffles reproducibly per seed', () => {
    const a = asArrays(kFold(50, { k: 4, shuffle: true, seed: 1 }));
    expect(asArrays(kFold(50, { k: 4, shuffle: true, seed: 1 }))).toEqual(a);
    expect(asArrays(kFold(50, { k: 4, shuffle: true, seed: 2 }))).not.toEqual(a);
    expectPartition(kFold(50, { k: 4, shuffle: true, seed: 1 }), 50);
  });

  it.each([false, true])('stratified (shuffle %s): each class within one row per fold', (shuffle) => {
    const labels = imbalancedLabels(403, 4, 6);
    for (const stratify of [labels, oneHot(labels, 4)]) {
      const k = 6;
      const folds = expectPartition(kFold(403, { k, shuffle, seed: 3, stratify }), 403);
      const total = countValues(labels);
      for (const [c, n] of total) {
        const perFold = folds.map((f) => Array.from(f.test).filter((r) => labels[r] === c).length);
        expect(Math.max(...perFold) - Math.min(...perFold), `class ${c}`).toBeLessThanOrEqual(1);
        expect(perFold.reduce((a, b) => a + b, 0)).toBe(n);
      }
    }
  });

  it('gives a fold by number and names bad options', () => {
    const folds = kFold(9, { k: 3 });
    expect(Array.from(folds.at(1).test)).toEqual([3, 4, 5]);
    expectConfigError(() => kFold(10, { k: 11 }), 'Expected integer in [2, 10] for k but received 11');
    expectConfigError(() => kFold(10, { k: 1 }), 'Expected integer in [2, 10] for k but received 1');
    expectConfigError(() => kFold(10, { shuffle: 1 } as never), 'Expected boolean for shuffle but received 1');
    expectConfigError(() => folds.at(3), 'Expected integer in [0, 2] for fold but received 3');
    expect(thrown(() => kFold(10, { stratify: [0, 1] }))).toBeInstanceOf(ShapeError);
  });
});

describe('leaveOneOut', () => {
  it('has one fold per row, each testing that row alone', () => {
    const folds = expectPartition(leaveOneOut(7), 7);
    expect(folds.length).toBe(7);
    folds.forEach((f, i) => expect(Array.from(f.test)).toEqual([i]));
    expectConfigError(() => leaveOneOut(1), 'Expected integer in [2, 4294967295] for rows but received 1');
  });
});

describe('hashSplit', () => {
  const fractions = { testFraction: 0.2, validationFraction: 0.1 };

  it('keeps part sizes within a percent of the fractions on 100k rows', () => {
    for (const seed of [0, 1, 12345]) {
      const s = hashSplitIndices(100_000, seed, fractions);
      expect(Math.abs(s.train.length / 100_000 - 0.7), `seed ${seed} train`).toBeLessThan(0.01);
      expect(Math.abs(s.validation.length / 100_000 - 0.1), `seed ${seed} validation`).toBeLessThan(0.01);
      expect(Math.abs(s.test.length / 100_000 - 0.2), `seed ${seed} test`).toBeLessThan(0.01);
      expect(s.train.length + s.validation.length + s.test.length).toBe(100_000);
    }
  });

  it('is a pure function of (row, seed, fractions), and another seed moves rows', () => {
    const partOf = hashSplitter(7, fractions);
    let moved = 0;
    const other = hashSplitter(8, fractions);
    for (let r = 0; r < 2000; r++) {
      expect(hashSplit(r, 7, fractions)).toBe(partOf(r));
      if (partOf(r) !== other(r)) moved++;
    }
    expect(moved).toBeGreaterThan(500);
    const s = hashSplitIndices(2000, 7, fractions);
    for (const r of s.test) expect(partOf(r)).toBe(SplitPart.test);
    expect(partOf(2 ** 40 + 3)).toBeGreaterThanOrEqual(0); // row numbers past 2^32
  });

  it('leaves the rest unused when the fractions sum to less than 1', () => {
    const partOf = hashSplitter(1, { trainFraction: 0.1, testFraction: 0.1 });
    const counts = countValues(Array.from({ length: 50_000 }, (_, r) => partOf(r)));
    expect(Math.abs((counts.get(SplitPart.unused) ?? 0) / 50_000 - 0.8)).toBeLessThan(0.01);
    expect(counts.get(SplitPart.validation)).toBeUndefined();
  });

  it('names bad arguments', () => {
    expectConfigError(() => hashSplit(-1, 0, fractions), 'Expected integer >= 0 for rowNumber but received -1');
    expectConfigError(() => hashSplit(1.5, 0, fractions), 'Expected integer >= 0 for rowNumber but received 1.5');
    expectConfigError(() => hashSplit(0, 0, { testFraction: 1.5 }), 'Expected number in (0, 1) for testFraction but received 1.5');
    expectConfigError(() => hashSplitter(0.5, fractions), 'Expected integer in [0, 4294967295] for seed but received 0.5');
  });
});

// The fractions of a train/validation/test split, checked once, and their rounding to whole rows by the
// largest-remainder method (Hamilton's apportionment): part sizes sum to exactly the row count and each is
// within one row of its exact share.

import { checkNumber, invalid } from '../../util/validate.js';

/** The parts of a split. Every fraction is in (0, 1) and they sum to at most 1. */
export interface SplitFractions {
  /** The share of rows in the test part, in (0, 1). Required. */
  testFraction: number;
  /** The share in the validation part, in (0, 1). Default: no validation part. */
  validationFraction?: number;
  /**
   * The share in the training part, in (0, 1). Default: all the rest (1 − validation − test). When given and
   * the three sum to less than 1, the remaining rows are in no part (subsampling).
   */
  trainFraction?: number;
}

/** Part numbers: the index arrays of a split and what hashSplit returns. `unused` is in no part. */
export const SplitPart = { train: 0, validation: 1, test: 2, unused: -1 } as const;

/** A split as sorted (or, for time splits, time-ordered) row indices per part. */
export interface SplitIndices {
  train: Uint32Array;
  /** Empty when no validationFraction was given. */
  validation: Uint32Array;
  test: Uint32Array;
}

/** The option names of {@link SplitFractions}, for readOptions. */
export const FRACTION_KEYS = ['testFraction', 'validationFraction', 'trainFraction'] as const;

/** Rounding slack for sums such as 0.7 + 0.2 + 0.1. */
const SUM_SLACK = 1e-9;

/**
 * [train, validation, test, unused] shares summing to 1.
 * @throws ConfigError naming the fraction (`Expected number in (0, 1) for testFraction but received 1.5`)
 *   or the sum that exceeds 1.
 */
export function parseFractions(o: Partial<SplitFractions>): [number, number, number, number] {
  const open = { min: 0, max: 1, minOpen: true, maxOpen: true };
  const test = checkNumber('testFraction', o.testFraction, open);
  const validation = o.validationFraction === undefined ? 0 : checkNumber('validationFraction', o.validationFraction, open);
  if (o.trainFraction === undefined) {
    if (validation + test >= 1 - SUM_SLACK) {
      throw invalid('validationFraction + testFraction', 'number < 1 (the rest is the training part)', validation + test);
    }
    return [1 - validation - test, validation, test, 0];
  }
  const train = checkNumber('trainFraction', o.trainFraction, open);
  const sum = train + validation + test;
  if (sum > 1 + SUM_SLACK) throw invalid('trainFraction + validationFraction + testFraction', 'number <= 1', sum);
  return [train, validation, test, Math.max(0, 1 - sum)];
}

/**
 * Whole-row sizes for `n` rows and `shares` (summing to 1): each part gets ⌊n·share⌋, and the rows left
 * over go one each to the parts with the largest remainders (ties: the earlier part, so train first).
 * Every size is within one row of n·share and the sizes sum to n.
 */
export function apportion(n: number, shares: readonly number[]): number[] {
  const exact = shares.map((s) => n * s);
  const sizes = exact.map((q) => Math.floor(q + SUM_SLACK)); // 0.7·10 = 6.999… is 7
  let left = n - sizes.reduce((a, b) => a + b, 0);
  const order = exact.map((q, i) => ({ i, rem: q - sizes[i] })).sort((a, b) => b.rem - a.rem || a.i - b.i);
  // left >= 0: the floors sum to at most n + parts·slack < n + 1. The remainders sum to left, each below 1.
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) sizes[order[k].i]++;
  return sizes;
}

/**
 * Sizes for one class of a stratified split: {@link apportion}, then the class is kept in the training part
 * when it has a row to spare. A class of 1 row goes to train; a class of >= 2 rows whose train share rounded
 * to 0 takes one row from a part that was rounded up (so that part stays within one row of its share).
 */
export function apportionClass(n: number, shares: readonly number[]): number[] {
  const sizes = apportion(n, shares);
  if (n === 0 || sizes[0] > 0) return sizes;
  if (n === 1) return shares.map((_, i) => (i === 0 ? 1 : 0));
  let from = -1;
  sizes.forEach((size, i) => {
    if (i > 0 && size > n * shares[i] && (from < 0 || size - n * shares[i] > sizes[from] - n * shares[from])) from = i;
  });
  if (from < 0) from = sizes.indexOf(Math.max(...sizes)); // unreachable when the train share is > 0
  sizes[from]--;
  sizes[0]++;
  return sizes;
}

// Cross-validation folds: k-fold (optionally stratified, optionally shuffled) and leave-one-out, as lazy
// iterables of {train, test} row indices. A fold's arrays are built when it is reached (O(rows) each), so
// leave-one-out over n rows holds one fold at a time, not n² indices.

import { checkSeed, UINT32_MAX } from './args.js';
import { classIndices, groupByClass, type LabelInput } from './labels.js';
import { ShapeError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { checkBoolean, checkInteger, invalid, readOptions } from '../../util/validate.js';

/** One fold: train on `train`, evaluate on `test` (both ascending row indices). */
export interface Fold {
  /** 0-based fold number. */
  fold: number;
  train: Uint32Array;
  test: Uint32Array;
}

/** Options of kFold. */
export interface KFoldOptions {
  /** Number of folds, integer in [2, rows]. Default 5. */
  k?: number;
  /** Assign rows to folds in a seeded random order instead of by row order. Default false. */
  shuffle?: boolean;
  /** uint32 seed of the shuffle. Default 0. */
  seed?: number;
  /** Class labels (an index column, one-hot rows or a Matrix with labelColumn): keep each class's share in every fold. */
  stratify?: LabelInput;
  /** With a multi-column `stratify` Matrix: the column holding class indices. */
  labelColumn?: number;
}

/** The folds of a cross-validation: iterate them, or take one with `at(i)`. */
export class Folds implements Iterable<Fold> {
  /** Number of folds. */
  readonly length: number;
  private readonly foldOf: Uint32Array; // fold of each row
  private readonly sizes: Uint32Array; // test rows per fold

  /**
   * Folds from an assignment of rows to folds (`foldOf[r]` in [0, length)), e.g. for grouped folds that
   * kFold does not make.
   * @throws ConfigError for a fold number outside [0, length).
   */
  constructor(foldOf: Uint32Array, length: number) {
    this.length = checkInteger('length', length, { min: 1 });
    this.foldOf = foldOf;
    this.sizes = new Uint32Array(length);
    foldOf.forEach((f, r) => {
      if (f >= length) throw invalid(`foldOf[${r}]`, `integer in [0, ${length - 1}]`, f);
      this.sizes[f]++;
    });
  }

  /** Fold `i` in [0, length): its test rows are the rows assigned to it, its train rows all the others. */
  at(i: number): Fold {
    checkInteger('fold', i, { min: 0, max: this.length - 1 });
    const n = this.foldOf.length;
    const test = new Uint32Array(this.sizes[i]);
    const train = new Uint32Array(n - this.sizes[i]);
    let t = 0;
    let u = 0;
    for (let r = 0; r < n; r++) {
      if (this.foldOf[r] === i) test[t++] = r;
      else train[u++] = r;
    }
    return { fold: i, train, test };
  }

  *[Symbol.iterator](): Iterator<Fold> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }
}

/**
 * k-fold cross-validation over `rows` rows: each row is in the test part of exactly one fold, and test
 * fold sizes differ by at most one row.
 * - Plain: the (optionally shuffled) row order is cut into k contiguous blocks, the first rows % k blocks one
 *   row longer (scikit-learn's KFold).
 * - Stratified (`stratify` given): rows are listed class by class (ascending class, row order or shuffled
 *   within a class) and dealt to folds round-robin over the whole list, so each class's rows per fold and
 *   the fold sizes each differ by at most one. A class with fewer than k rows is missing from some test folds.
 * @example for (const { train, test } of kFold(x.rows, { k: 5, shuffle: true, seed: 1 })) { ... }
 * @throws ConfigError for k outside [2, rows] or other bad options; ShapeError when `stratify` has another
 *   row count; DataError for bad labels.
 */
export function kFold(rows: number, options: KFoldOptions = {}): Folds {
  const o = readOptions<KFoldOptions>('kFold', options, ['k', 'shuffle', 'seed', 'stratify', 'labelColumn']);
  const n = checkInteger('rows', rows, { min: 2, max: UINT32_MAX });
  const k = checkInteger('k', o.k ?? 5, { min: 2, max: n });
  const shuffle = checkBoolean('shuffle', o.shuffle ?? false);
  const rng = new Rng(checkSeed(o.seed));
  const foldOf = new Uint32Array(n);
  if (o.stratify === undefined) {
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (shuffle) rng.shuffle(order);
    const small = Math.floor(n / k);
    const big = n % k; // folds [0, big) have small + 1 rows
    for (let p = 0; p < n; p++) {
      foldOf[order[p]] = p < big * (small + 1) ? Math.floor(p / (small + 1)) : big + Math.floor((p - big * (small + 1)) / small);
    }
  } else {
    const classes = classIndices(o.stratify, o.labelColumn, 'stratify');
    if (classes.length !== n) throw new ShapeError(`stratify has ${classes.length} rows but rows is ${n}: give one label per row`);
    let p = 0;
    for (const members of groupByClass(classes).members) {
      const order = members.slice();
      if (shuffle) rng.shuffle(order);
      for (const r of order) foldOf[r] = p++ % k;
    }
  }
  return new Folds(foldOf, k);
}

/**
 * Leave-one-out: `rows` folds, fold i testing on row i alone and training on the other rows (k-fold with
 * k = rows). Each fold's train array is built when reached.
 * @throws ConfigError for rows < 2.
 */
export function leaveOneOut(rows: number): Folds {
  const n = checkInteger('rows', rows, { min: 2, max: UINT32_MAX });
  const foldOf = new Uint32Array(n);
  for (let i = 0; i < n; i++) foldOf[i] = i;
  return new Folds(foldOf, n);
}

// Missing-value imputation: NaN cells are filled with the training split's column mean (numeric columns) or
// most frequent value (a categorical index column, or a one-hot group as a whole). Fitted like the scalers
// (fit, or partialFit per block) and stored with a model, so prediction fills gaps the way training did.

import { checkBlock, checkColumnList, checkFittedInput, columnMask, outputFor } from './args.js';
import { ColumnStats, type ColumnStatsJSON } from './column-stats.js';
import { ConfigError, DataError } from '../../util/errors.js';
import { invalid, readOptions } from '../../util/validate.js';
import type { Matrix } from '../matrix.js';

/** Options of `new Imputer(options)`. Columns not listed anywhere are numeric: filled with their mean. */
export interface ImputerOptions {
  /** Columns holding a category index (or any discrete code): filled with their most frequent value. Default []. */
  categorical?: readonly number[];
  /**
   * Groups of columns that one-hot encode one categorical field (at least 2 columns each): a row with a NaN in
   * any cell of a group gets the whole group set to the most frequent category's one-hot row. Default [].
   */
  oneHotGroups?: readonly (readonly number[])[];
  /** Columns left untouched, NaN included (e.g. a target). Default []. */
  exclude?: readonly number[];
}

/** The state imputerFromJSON restores (after checking it). */
export interface ImputerState {
  cols: number;
  stats: ColumnStatsJSON;
  /** Per categorical column, [value, count] pairs. */
  categoryCounts: [number, number][][];
  /** Per one-hot group, rows seen per member column. */
  groupCounts: number[][];
}

/** A fitted imputer as JSON (what toJSON writes and imputerFromJSON reads). */
export interface ImputerJSON extends ImputerState {
  format: 'nntrain.imputer';
  version: 1;
  categorical: number[];
  oneHotGroups: number[][];
  exclude: number[];
}

/**
 * Fills NaN cells with statistics of the training split:
 * - numeric columns: the mean of the column's non-NaN training values (float64, stored as float32);
 * - `categorical` columns: the most frequent training value (ties: the smallest value);
 * - `oneHotGroups`: a row's category is the argmax of its group; rows with a NaN or no positive cell in the
 *   group are not counted. A row with any NaN in the group gets the mode's one-hot row (ties: the first column).
 * A column that had no values at all in the training data cannot be filled: transform throws DataError when
 * it meets a NaN there (rather than inventing a number). Fit on the training split only, apply to any split.
 * @example
 * ```ts
 * const imputer = new Imputer({ categorical: [3], oneHotGroups: [[4, 5, 6]] }).fit(x, split.train);
 * imputer.transform(x, x); // fills every split's NaN cells in place
 * ```
 */
export class Imputer {
  readonly categorical: readonly number[];
  readonly oneHotGroups: readonly (readonly number[])[];
  readonly exclude: readonly number[];
  private width: number | undefined;
  private stats: ColumnStats | null = null;
  private categoryCounts: Map<number, number>[] = [];
  private groupCounts: Float64Array[] = [];
  private rowsSeen = 0;

  /** @throws ConfigError for an unknown option, a bad column list, a group of < 2 columns or a column listed twice. */
  constructor(options?: ImputerOptions) {
    const o = readOptions<ImputerOptions>('Imputer', options, ['categorical', 'oneHotGroups', 'exclude']);
    this.categorical = checkColumnList('categorical', o.categorical);
    this.exclude = checkColumnList('exclude', o.exclude);
    const groups: unknown = o.oneHotGroups ?? [];
    if (!Array.isArray(groups)) throw invalid('oneHotGroups', 'an array of column lists', groups);
    this.oneHotGroups = groups.map((g: unknown, i) => {
      const list = checkColumnList(`oneHotGroups[${i}]`, g);
      if (list.length < 2) throw invalid(`oneHotGroups[${i}]`, 'a list of at least 2 columns', g);
      return list;
    });
    const owner = new Map<number, string>();
    const claim = (c: number, by: string) => {
      const prev = owner.get(c);
      if (prev !== undefined) throw new ConfigError(`Column ${c} is listed in both ${prev} and ${by}: give each column one role`);
      owner.set(c, by);
    };
    this.categorical.forEach((c) => claim(c, 'categorical'));
    this.exclude.forEach((c) => claim(c, 'exclude'));
    this.oneHotGroups.forEach((g, i) => g.forEach((c) => claim(c, `oneHotGroups[${i}]`)));
  }

  /** The width of the data the imputer was fitted on; undefined before any fit. */
  get cols(): number | undefined {
    return this.width;
  }

  /**
   * Forgets earlier statistics and fits on the rows `rows` of `x` (default all).
   * @throws ShapeError for a non-Matrix; ConfigError for a listed column or row index out of range;
   *   DataError for ±Infinity (naming row and column).
   */
  fit(x: Matrix, rows?: ArrayLike<number>): this {
    this.width = undefined;
    this.stats = null;
    this.rowsSeen = 0;
    return this.partialFit(x, rows);
  }

  /**
   * Adds one block of training rows; blocks in any sizes give the statistics of one fit (means within
   * float64 rounding). A block that throws leaves the imputer as it was.
   */
  partialFit(block: Matrix, rows?: ArrayLike<number>): this {
    const { m, subset } = checkBlock(block, rows, this.width, 'imputer');
    const n = subset ? subset.length : m.rows;
    const rowOf = (i: number) => (subset ? subset[i] : i);
    const stats = this.stats ?? new ColumnStats(m.cols, this.meanMask(m.cols));
    const categoryCounts = this.categorical.map((c) => {
      const counts = new Map<number, number>(); // this block's, merged below once nothing can throw
      for (let i = 0; i < n; i++) {
        const v = m.data[rowOf(i) * m.cols + c];
        if (v !== v) continue; // NaN: missing
        if (v === Infinity || v === -Infinity) {
          const row = this.rowsSeen + rowOf(i);
          throw new DataError(`x contains ${v} at row ${row}, column ${c}: categories must be finite`, { row, column: c });
        }
        counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      return counts;
    });
    stats.addBlock(m, subset, 'x', this.rowsSeen); // merges only after the whole block passed
    if (this.width === undefined) this.start(m.cols, stats);
    categoryCounts.forEach((counts, k) => {
      for (const [v, c] of counts) this.categoryCounts[k].set(v, (this.categoryCounts[k].get(v) ?? 0) + c);
    });
    this.oneHotGroups.forEach((group, k) => {
      const counts = this.groupCounts[k];
      for (let i = 0; i < n; i++) {
        const best = groupArgmax(m.data, rowOf(i) * m.cols, group);
        if (best >= 0) counts[best]++;
      }
    });
    this.rowsSeen += n;
    return this;
  }

  /**
   * Fills the NaN cells of `x` into `out` (a new Matrix by default, or any Matrix of x's shape, `x` itself
   * for in place). Returns `out`.
   * @throws ConfigError before a fit; ShapeError for another width; DataError for a NaN in a column that
   *   had no training values (naming row and column).
   */
  transform(x: Matrix, out?: Matrix): Matrix {
    const fill = this.fillValues();
    const m = checkFittedInput(x, fill.length, 'imputer', 'transform');
    const o = outputFor(m, out, 'transform');
    const src = m.data;
    const dst = o.data;
    if (dst !== src) dst.set(src);
    const cols = m.cols;
    const single = this.singleColumns(cols);
    const groups = this.oneHotGroups;
    for (let r = 0; r < m.rows; r++) {
      const base = r * cols;
      for (let j = 0; j < single.length; j++) {
        const c = single[j];
        if (src[base + c] === src[base + c]) continue; // not NaN
        if (Number.isNaN(fill[c])) throw noValues(r, c);
        dst[base + c] = fill[c];
      }
      for (let g = 0; g < groups.length; g++) {
        const group = groups[g];
        if (!group.some((c) => Number.isNaN(src[base + c]))) continue;
        if (Number.isNaN(fill[group[0]])) throw noValues(r, group[0]);
        for (const c of group) dst[base + c] = fill[c];
      }
    }
    return o;
  }

  /**
   * The value each column's NaN cells get: the mean or mode; 1 at a group's mode column and 0 at its other
   * columns; NaN for excluded columns and for columns with no training values.
   * @throws ConfigError before a fit.
   */
  fillValues(): Float64Array {
    const cols = this.width;
    if (cols === undefined) throw new ConfigError('The imputer has not been fitted: call fit(x) or partialFit(block) on the training split first');
    const s = this.stats as ColumnStats;
    const fill = new Float64Array(cols).fill(NaN);
    for (let c = 0; c < cols; c++) if (s.count[c] > 0) fill[c] = Math.fround(s.mean[c]);
    this.categorical.forEach((c, k) => {
      let best = NaN;
      let bestCount = 0;
      for (const [v, n] of this.categoryCounts[k]) {
        if (n > bestCount || (n === bestCount && v < best)) [best, bestCount] = [v, n];
      }
      fill[c] = best;
    });
    this.oneHotGroups.forEach((group, k) => {
      const counts = this.groupCounts[k];
      let best = -1;
      for (let j = 0; j < group.length; j++) if (counts[j] > 0 && (best < 0 || counts[j] > counts[best])) best = j;
      if (best >= 0) group.forEach((c, j) => (fill[c] = j === best ? 1 : 0));
    });
    return fill;
  }

  /** The fitted state as plain arrays (imputerFromJSON checks and restores it). @throws ConfigError before a fit. */
  state(): ImputerState {
    this.fillValues(); // throws before a fit
    return {
      cols: this.width as number,
      stats: (this.stats as ColumnStats).toJSON(),
      categoryCounts: this.categoryCounts.map((counts) => [...counts].sort((a, b) => a[0] - b[0])),
      groupCounts: this.groupCounts.map((counts) => Array.from(counts)),
    };
  }

  /** The fitted imputer as plain JSON (JSON.stringify calls this). @throws ConfigError before a fit. */
  toJSON(): ImputerJSON {
    return {
      format: 'nntrain.imputer',
      version: 1,
      categorical: [...this.categorical],
      oneHotGroups: this.oneHotGroups.map((g) => [...g]),
      exclude: [...this.exclude],
      ...this.state(),
    };
  }

  /** Replaces the fitted state with a checked one (imputerFromJSON's last step). */
  loadState(state: ImputerState): this {
    this.start(state.cols, ColumnStats.fromArrays(state.stats, this.meanMask(state.cols)));
    this.categoryCounts = state.categoryCounts.map((pairs) => new Map(pairs));
    this.groupCounts = state.groupCounts.map((counts) => Float64Array.from(counts));
    this.rowsSeen = 0;
    return this;
  }

  private start(cols: number, stats: ColumnStats): void {
    this.width = cols;
    this.stats = stats;
    this.categoryCounts = this.categorical.map(() => new Map<number, number>());
    this.groupCounts = this.oneHotGroups.map((g) => new Float64Array(g.length));
  }

  /** 1 for the numeric (mean) columns; checks every listed column against the width. */
  private meanMask(cols: number): Uint8Array {
    const mask = new Uint8Array(cols).fill(1);
    const clear = (option: string, list: readonly number[]) => {
      columnMask(option, list, cols).forEach((listed, c) => {
        if (listed) mask[c] = 0;
      });
    };
    clear('categorical', this.categorical);
    clear('exclude', this.exclude);
    this.oneHotGroups.forEach((g, i) => clear(`oneHotGroups[${i}]`, g));
    return mask;
  }

  /** Mean and categorical columns: filled cell by cell. */
  private singleColumns(cols: number): Int32Array {
    const grouped = new Set(this.oneHotGroups.flat());
    const list: number[] = [];
    for (let c = 0; c < cols; c++) if (!grouped.has(c) && !this.exclude.includes(c)) list.push(c);
    return Int32Array.from(list);
  }
}

/** The member index of the largest cell of `group` in the row at `base`; −1 for a NaN or no positive cell. */
function groupArgmax(data: Float32Array, base: number, group: readonly number[]): number {
  let best = -1;
  let bestValue = 0;
  for (let j = 0; j < group.length; j++) {
    const v = data[base + group[j]];
    if (v !== v) return -1;
    if (v > bestValue) [best, bestValue] = [j, v];
  }
  return best;
}

function noValues(row: number, column: number): DataError {
  return new DataError(
    `x has a missing value at row ${row}, column ${column} but the training data had no values in that column to impute from`,
    { row, column },
  );
}

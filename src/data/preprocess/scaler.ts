// Feature scalers: standard (z-score), min-max and none, fitted on the training split only and stored with
// a model for inference. Each is an affine map per column, out = (x − center) / scale, from float64
// statistics (column-stats.ts) that one fit or many partialFit blocks produce alike.

import { checkBlock, checkColumnList, checkFittedInput, columnMask, outputFor } from './args.js';
import { ColumnStats, type ColumnStatsJSON } from './column-stats.js';
import { ConfigError } from '../../util/errors.js';
import { checkChoice, invalid, isNumber, readOptions } from '../../util/validate.js';
import type { Matrix } from '../matrix.js';

/** The scaling rules; see {@link Scaler}. */
export type ScalerKind = 'standard' | 'minMax' | 'none';

/** Every ScalerKind. */
export const SCALER_KINDS: readonly ScalerKind[] = ['standard', 'minMax', 'none'];

/** Options every scaler takes. */
export interface ScalerOptions {
  /**
   * Columns passed through unchanged and left out of the statistics (one-hot or index columns, an id),
   * as 0-based indices. Default [] (every column is scaled).
   */
  exclude?: readonly number[];
}

/** Options of `scalers.minMax`. */
export interface MinMaxScalerOptions extends ScalerOptions {
  /** The [low, high] range the training minimum and maximum map to, finite with low < high. Default [0, 1]. */
  featureRange?: readonly [number, number];
}

/** A fitted scaler as JSON (what toJSON writes and scalerFromJSON reads). */
export interface ScalerJSON {
  format: 'nntrain.scaler';
  version: 1;
  kind: ScalerKind;
  /** The width of the data it was fitted on. */
  cols: number;
  exclude: number[];
  /** minMax only. */
  featureRange?: [number, number];
  /** Float64 column statistics (count, mean, M2, min, max); null for 'none', which keeps none. */
  stats: ColumnStatsJSON | null;
}

/** Per-column statistics of the training data, as float64 copies. */
export interface ScalerStatistics {
  /** Non-missing (non-NaN) values seen per column (0 for excluded columns). */
  count: Float64Array;
  mean: Float64Array;
  /** Population standard deviation (ddof 0). */
  std: Float64Array;
  min: Float64Array;
  max: Float64Array;
}

/**
 * A per-column affine scaler, out = (x − center) / scale, computed in float64 and stored as float32:
 * - `standard`: center = mean, scale = population std (ddof 0), so the training columns get mean 0, std 1.
 * - `minMax`: scale = (max − min) / (high − low), center = min − low·scale, so the training min maps to
 *   `low` and the max to `high` (later data may fall outside the range: no clipping).
 * - `none`: the identity (a placeholder that keeps a pipeline's shape; it keeps no statistics).
 * A constant column (std 0, or max = min) gets scale 1, so it becomes 0 (standard) or `low` (minMax)
 * instead of a division by zero; a column with no values in the training data (all NaN) gets center 0 and
 * scale 1. NaN cells are missing values: skipped by the statistics and left NaN by transform (impute
 * before or after scaling). Excluded columns are copied unchanged.
 *
 * Fit on the training split only: `fit(x, split.train)` uses just those rows, without a copy. For data
 * that arrives in blocks, `partialFit(block)` for each training block gives the statistics of one fit over
 * all of them (within float64 rounding).
 * @example
 * ```ts
 * const scaler = scalers.standard({ exclude: [7, 8, 9] }).fit(x, split.train);
 * scaler.transform(x, x); // in place
 * const saved = JSON.stringify(scaler); // scalerFromJSON(saved) restores it
 * ```
 */
export class Scaler {
  readonly kind: ScalerKind;
  readonly exclude: readonly number[];
  /** [low, high] of minMax; [0, 1] for the other kinds, where it is unused. */
  readonly featureRange: readonly [number, number];
  private width: number | undefined;
  private stats: ColumnStats | null = null;
  private rowsSeen = 0;
  private affine: { center: Float64Array; scale: Float64Array } | null = null; // derived from stats, cached

  /** @throws ConfigError for an unknown kind or option, or a bad `exclude` / `featureRange`. */
  constructor(kind: ScalerKind, options?: MinMaxScalerOptions) {
    this.kind = checkChoice('scaler kind', kind, SCALER_KINDS);
    const keys = kind === 'minMax' ? ['exclude', 'featureRange'] : ['exclude'];
    const o = readOptions<MinMaxScalerOptions>(`scalers.${kind}`, options, keys);
    this.exclude = checkColumnList('exclude', o.exclude);
    this.featureRange = checkRange(o.featureRange);
  }

  /** The width of the data the scaler was fitted on; undefined before any fit. */
  get cols(): number | undefined {
    return this.width;
  }

  /** True once fit or partialFit has seen data. */
  get fitted(): boolean {
    return this.width !== undefined;
  }

  /**
   * Forgets previous statistics and fits on the rows `rows` of `x` (default all; pass the training split's
   * indices to fit on the training rows without gathering them).
   * @throws ShapeError for a non-Matrix; ConfigError for an excluded column or row index out of range;
   *   DataError for ±Infinity (naming row and column).
   */
  fit(x: Matrix, rows?: ArrayLike<number>): this {
    this.width = undefined;
    this.stats = null;
    this.rowsSeen = 0;
    return this.partialFit(x, rows);
  }

  /**
   * Adds one block of training rows (all of `block`, or the rows `rows` of it) to the statistics. Any
   * sequence of blocks gives the same statistics as one fit over their rows, up to float64 rounding. A
   * block that throws leaves the scaler as it was.
   * @throws as {@link Scaler.fit}, and ShapeError when the width differs from earlier blocks.
   */
  partialFit(block: Matrix, rows?: ArrayLike<number>): this {
    const { m, subset } = checkBlock(block, rows, this.width, 'scaler');
    if (this.width === undefined) {
      const mask = columnMask('exclude', this.exclude, m.cols);
      const stats = this.kind === 'none' ? null : new ColumnStats(m.cols, mask.map((e) => 1 - e));
      stats?.addBlock(m, subset, 'x', 0); // may throw: the scaler stays unfitted
      this.width = m.cols;
      this.stats = stats;
    } else {
      this.stats?.addBlock(m, subset, 'x', this.rowsSeen); // merges only after the whole block passed
    }
    this.rowsSeen += subset ? subset.length : m.rows;
    this.affine = null;
    return this;
  }

  /**
   * Scales `x` into `out`: a new Matrix by default, or any Matrix of x's shape, including `x` itself (in
   * place, no allocation). Returns `out`.
   * @throws ConfigError before a fit; ShapeError for a width other than the fitted one or a bad `out`.
   */
  transform(x: Matrix, out?: Matrix): Matrix {
    return this.apply(x, out, 'transform', false);
  }

  /** Undoes {@link Scaler.transform}: x = out·scale + center (in float64, stored as float32). */
  inverseTransform(x: Matrix, out?: Matrix): Matrix {
    return this.apply(x, out, 'inverseTransform', true);
  }

  /** The per-column center and scale of out = (x − center) / scale (excluded columns: 0 and 1). */
  parameters(): { center: Float64Array; scale: Float64Array } {
    const { center, scale } = this.affineMap('parameters');
    return { center: center.slice(), scale: scale.slice() };
  }

  /** The training statistics per column. @throws ConfigError before a fit or for kind 'none'. */
  statistics(): ScalerStatistics {
    this.affineMap('statistics');
    const s = this.stats;
    if (s === null) throw new ConfigError("A 'none' scaler keeps no statistics");
    const std = Float64Array.from(s.count, (_, c) => Math.sqrt(s.variance(c)));
    const empty = (v: number, c: number) => (s.count[c] === 0 ? NaN : v);
    return { count: s.count.slice(), mean: s.mean.map(empty), std: std.map(empty), min: s.min.map(empty), max: s.max.map(empty) };
  }

  /** The fitted scaler as plain JSON (JSON.stringify calls this). @throws ConfigError before a fit. */
  toJSON(): ScalerJSON {
    const width = this.requireFitted('toJSON');
    return {
      format: 'nntrain.scaler',
      version: 1,
      kind: this.kind,
      cols: width,
      exclude: [...this.exclude],
      ...(this.kind === 'minMax' ? { featureRange: [this.featureRange[0], this.featureRange[1]] as [number, number] } : {}),
      stats: this.stats ? this.stats.toJSON() : null,
    };
  }

  /** Rebuilds a fitted scaler from checked JSON parts (used by scalerFromJSON). */
  static restore(kind: ScalerKind, options: MinMaxScalerOptions, cols: number, stats: ColumnStatsJSON | null): Scaler {
    return new Scaler(kind, options).loadStatistics(cols, stats);
  }

  /** Replaces the fitted state with checked statistics of `cols` columns (restore's and fitScaler's last step). */
  loadStatistics(cols: number, stats: ColumnStatsJSON | null): this {
    const mask = columnMask('exclude', this.exclude, cols);
    this.width = cols;
    this.stats = this.kind === 'none' || stats === null ? null : ColumnStats.fromArrays(stats, mask.map((e) => 1 - e));
    this.rowsSeen = 0;
    this.affine = null;
    return this;
  }

  private apply(x: Matrix, out: Matrix | undefined, name: string, inverse: boolean): Matrix {
    const { center, scale } = this.affineMap(name);
    const m = checkFittedInput(x, center.length, 'scaler', name);
    const o = outputFor(m, out, name);
    const src = m.data;
    const dst = o.data;
    if (dst !== src) dst.set(src); // excluded columns pass through
    if (this.kind === 'none') return o;
    const cols = m.cols;
    const active = this.activeColumns(cols);
    for (let r = 0; r < m.rows; r++) {
      const base = r * cols;
      for (let j = 0; j < active.length; j++) {
        const c = active[j];
        const v = src[base + c];
        dst[base + c] = inverse ? v * scale[c] + center[c] : (v - center[c]) / scale[c];
      }
    }
    return o;
  }

  private activeColumns(cols: number): Int32Array {
    const excluded = new Set(this.exclude);
    const list: number[] = [];
    for (let c = 0; c < cols; c++) if (!excluded.has(c)) list.push(c);
    return Int32Array.from(list);
  }

  private requireFitted(what: string): number {
    if (this.width === undefined) {
      throw new ConfigError(`The ${this.kind} scaler has not been fitted: call fit(x) or partialFit(block) on the training split before ${what}()`);
    }
    return this.width;
  }

  private affineMap(what: string): { center: Float64Array; scale: Float64Array } {
    const cols = this.requireFitted(what);
    if (this.affine) return this.affine;
    const center = new Float64Array(cols);
    const scale = new Float64Array(cols).fill(1);
    const s = this.stats;
    if (s !== null) {
      const [low, high] = this.featureRange;
      for (let c = 0; c < cols; c++) {
        if (s.count[c] === 0) continue; // excluded, or no values: identity
        if (this.kind === 'standard') {
          const std = Math.sqrt(s.variance(c));
          center[c] = s.mean[c];
          scale[c] = std > 0 ? std : 1;
        } else {
          const range = s.max[c] - s.min[c];
          scale[c] = range > 0 ? range / (high - low) : 1;
          center[c] = s.min[c] - low * scale[c];
        }
      }
    }
    this.affine = { center, scale };
    return this.affine;
  }
}

function checkRange(value: unknown): readonly [number, number] {
  if (value === undefined) return [0, 1];
  if (!Array.isArray(value) || value.length !== 2 || !isNumber(value[0]) || !isNumber(value[1]) || !(value[0] < value[1])) {
    throw invalid('featureRange', 'an array [low, high] of finite numbers with low < high', value);
  }
  return [value[0], value[1]];
}

// Per-column statistics in float64 (count, mean, M2 = Σ(x − mean)², min, max) accumulated block by block:
// the engine of the scalers and of the mean imputer, in memory (one block) and streaming (many).
//
// Within a block the moments come from two passes (the block mean first, then Σ(x − mean)²), which does
// not suffer the cancellation of Σx² − n·mean²; blocks are merged with Chan et al.'s pairwise update
//   n = na + nb,  δ = mean_b − mean_a,  mean = mean_a + δ·nb/n,  M2 = M2a + M2b + δ²·na·nb/n,
// so a streaming pass over blocks of any sizes gives the statistics of one pass over the whole data up
// to float64 rounding (relative differences around 1e-15, not bit-identical). min/max are exact.
// NaN cells are missing values: skipped, so each column has its own count.

import { DataError } from '../../util/errors.js';
import type { Matrix } from '../matrix.js';

/** Statistics of `cols` columns as plain arrays: the serialized form (a column with count 0 stores zeros). */
export interface ColumnStatsJSON {
  count: number[];
  mean: number[];
  m2: number[];
  min: number[];
  max: number[];
}

/** Running float64 statistics of the columns of a matrix; columns outside `include` are left at count 0. */
export class ColumnStats {
  readonly cols: number;
  readonly count: Float64Array;
  readonly mean: Float64Array;
  readonly m2: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  private readonly include: Uint8Array;

  /** `include[c] = 1` for the columns to accumulate (default: every column). */
  constructor(cols: number, include?: Uint8Array) {
    this.cols = cols;
    this.count = new Float64Array(cols);
    this.mean = new Float64Array(cols);
    this.m2 = new Float64Array(cols);
    this.min = new Float64Array(cols).fill(Infinity);
    this.max = new Float64Array(cols).fill(-Infinity);
    this.include = include ?? new Uint8Array(cols).fill(1);
  }

  /**
   * Adds the rows `rows` of `m` (default all) as one block. `firstRow` numbers the block's rows in error
   * messages (the rows seen before it in a stream).
   * @throws DataError for ±Infinity in an included column (NaN is missing and skipped), naming row and column.
   */
  addBlock(m: Matrix, rows: ArrayLike<number> | undefined, name: string, firstRow = 0): void {
    const { cols, include } = this;
    const { data } = m;
    const n = rows ? rows.length : m.rows;
    const count = new Float64Array(cols);
    const sum = new Float64Array(cols);
    const min = new Float64Array(cols).fill(Infinity);
    const max = new Float64Array(cols).fill(-Infinity);
    for (let i = 0; i < n; i++) { // pass 1: counts, sums, extremes
      const base = (rows ? rows[i] : i) * cols;
      for (let c = 0; c < cols; c++) {
        const v = data[base + c];
        if (include[c] === 0 || v !== v) continue; // excluded, or NaN (missing)
        if (v === Infinity || v === -Infinity) {
          const r = rows ? rows[i] : i;
          throw new DataError(
            `${name} contains ${v} at row ${firstRow + r}, column ${c}: statistics need finite values (NaN is read as missing)`,
            { row: firstRow + r, column: c },
          );
        }
        count[c]++;
        sum[c] += v;
        if (v < min[c]) min[c] = v;
        if (v > max[c]) max[c] = v;
      }
    }
    const mean = new Float64Array(cols);
    for (let c = 0; c < cols; c++) mean[c] = count[c] > 0 ? sum[c] / count[c] : 0;
    const m2 = new Float64Array(cols);
    for (let i = 0; i < n; i++) { // pass 2: Σ(x − block mean)²
      const base = (rows ? rows[i] : i) * cols;
      for (let c = 0; c < cols; c++) {
        const v = data[base + c];
        if (include[c] === 0 || v !== v) continue;
        const d = v - mean[c];
        m2[c] += d * d;
      }
    }
    for (let c = 0; c < cols; c++) this.mergeColumn(c, count[c], mean[c], m2[c], min[c], max[c]);
  }

  /** Merges another accumulator over the same columns into this one (Chan's update, per column). */
  merge(other: ColumnStats): void {
    for (let c = 0; c < this.cols; c++) {
      this.mergeColumn(c, other.count[c], other.mean[c], other.m2[c], other.min[c], other.max[c]);
    }
  }

  private mergeColumn(c: number, nb: number, meanB: number, m2B: number, minB: number, maxB: number): void {
    if (nb === 0) return;
    const na = this.count[c];
    if (na === 0) {
      this.count[c] = nb;
      this.mean[c] = meanB;
      this.m2[c] = m2B;
    } else {
      const n = na + nb;
      const delta = meanB - this.mean[c];
      this.count[c] = n;
      this.mean[c] += delta * (nb / n);
      this.m2[c] += m2B + delta * delta * ((na * nb) / n);
    }
    if (minB < this.min[c]) this.min[c] = minB;
    if (maxB > this.max[c]) this.max[c] = maxB;
  }

  /** Population variance M2/count (ddof 0, as scikit-learn's StandardScaler); 0 for an empty column. */
  variance(c: number): number {
    return this.count[c] > 0 ? this.m2[c] / this.count[c] : 0;
  }

  /** Plain arrays for JSON; min/max of an empty column are written as 0 (JSON has no Infinity). */
  toJSON(): ColumnStatsJSON {
    const empty = (c: number) => this.count[c] === 0;
    return {
      count: Array.from(this.count),
      mean: Array.from(this.mean),
      m2: Array.from(this.m2),
      min: Array.from(this.min, (v, c) => (empty(c) ? 0 : v)),
      max: Array.from(this.max, (v, c) => (empty(c) ? 0 : v)),
    };
  }

  /** Rebuilds from checked arrays of length `cols` (see {@link ColumnStats.toJSON}). */
  static fromArrays(json: ColumnStatsJSON, include?: Uint8Array): ColumnStats {
    const s = new ColumnStats(json.count.length, include);
    for (let c = 0; c < s.cols; c++) {
      if (json.count[c] === 0) continue; // stays empty: min/max +∞/−∞ so a later merge takes the other side
      s.count[c] = json.count[c];
      s.mean[c] = json.mean[c];
      s.m2[c] = json.m2[c];
      s.min[c] = json.min[c];
      s.max[c] = json.max[c];
    }
    return s;
  }
}

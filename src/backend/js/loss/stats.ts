// Per-batch metric sums (codes.ts Stat) from the model output and the targets (twin of
// native/kernels/loss/stats.cc). Sums, not means, so rows of different batch sizes add up exactly.

import { LabelMode, Stat, type LabelModeCode } from '../../codes.js';

/** Index of the first maximum of row r (NaNs never win; an all-NaN row gives 0). */
function argmaxRow(x: Float32Array, o: number, cols: number): number {
  let best = 0;
  let bestVal = x[o];
  for (let j = 1; j < cols; j++) {
    const v = x[o + j];
    if (v > bestVal || (bestVal !== bestVal && v === v)) {
      bestVal = v;
      best = j;
    }
  }
  return best;
}

/**
 * Adds the metric sums of one batch into stats[at .. at+STATS_WIDTH): accuracy (by labelMode), binary
 * accuracy (per element, pred > threshold vs target > 0.5), |error|, error² and their counts. Sparse targets
 * (rows,1) are compared as one-hot rows for the elementwise sums. Loss entries and `rows` are the caller's.
 */
export function accumulateStats(stats: Float64Array, at: number, pred: Float32Array, target: Float32Array, rows: number, cols: number, labelMode: LabelModeCode, threshold: number): void {
  const sparse = labelMode === LabelMode.sparse;
  let acc = 0;
  let bin = 0;
  let abs = 0;
  let sq = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const label = sparse ? target[r] : -1;
    for (let j = 0; j < cols; j++) {
      const p = pred[o + j];
      const t = sparse ? (j === label ? 1 : 0) : target[o + j];
      if (p > threshold === t > 0.5) bin++;
      const e = p - t;
      abs += Math.abs(e);
      sq += e * e;
    }
    if (sparse) {
      if (argmaxRow(pred, o, cols) === label) acc++;
    } else if (labelMode === LabelMode.onehot) {
      if (argmaxRow(pred, o, cols) === argmaxRow(target, o, cols)) acc++;
    }
  }
  const elements = rows * cols;
  if (labelMode === LabelMode.binary) {
    stats[at + Stat.accCorrect] += bin;
    stats[at + Stat.accCount] += elements;
  } else if (labelMode !== LabelMode.regression) {
    stats[at + Stat.accCorrect] += acc;
    stats[at + Stat.accCount] += rows;
  }
  stats[at + Stat.binCorrect] += bin;
  stats[at + Stat.binCount] += elements;
  stats[at + Stat.absErrSum] += abs;
  stats[at + Stat.sqErrSum] += sq;
  stats[at + Stat.errCount] += elements;
}

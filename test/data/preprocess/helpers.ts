// Shared data builders and float64 references for the preprocessing tests.

import type { Matrix } from '../../../src/data/matrix.js';
import { Rng } from '../../../src/util/rng.js';

/** A (rows, cols) matrix of N(offset_c, scale_c²) values; column c has offset 10^(c % 5) and scale (c + 1)/2. */
export function randomMatrix(rows: number, cols: number, seed: number, nanRate = 0): Matrix {
  const rng = new Rng(seed);
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      data[r * cols + c] = rng.uniform() < nanRate ? NaN : 10 ** (c % 5) + ((c + 1) / 2) * rng.normal();
    }
  }
  return { data, rows, cols };
}

/** Column statistics in float64 by the textbook two-pass formulas over the non-NaN cells. */
export function referenceStats(m: Matrix): { count: number[]; mean: number[]; std: number[]; min: number[]; max: number[] } {
  const out = { count: [] as number[], mean: [] as number[], std: [] as number[], min: [] as number[], max: [] as number[] };
  for (let c = 0; c < m.cols; c++) {
    const v: number[] = [];
    for (let r = 0; r < m.rows; r++) if (!Number.isNaN(m.data[r * m.cols + c])) v.push(m.data[r * m.cols + c]);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    out.count.push(v.length);
    out.mean.push(mean);
    out.std.push(Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length));
    out.min.push(Math.min(...v));
    out.max.push(Math.max(...v));
  }
  return out;
}

/** Integer class labels 0..classes−1 with class c drawn with weight c + 1 (imbalanced). */
export function imbalancedLabels(rows: number, classes: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const total = (classes * (classes + 1)) / 2;
  const labels = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let u = rng.uniform() * total;
    let c = 0;
    while (u >= c + 1) u -= ++c;
    labels[r] = Math.min(c, classes - 1);
  }
  return labels;
}

/** The one-hot rows of integer labels. */
export function oneHot(labels: ArrayLike<number>, classes: number): Matrix {
  const data = new Float32Array(labels.length * classes);
  for (let r = 0; r < labels.length; r++) data[r * classes + labels[r]] = 1;
  return { data, rows: labels.length, cols: classes };
}

/** The error `fn` throws (fails the test when it does not throw). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to throw');
}

/** Counts of each value. */
export function countValues(values: ArrayLike<number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < values.length; i++) counts.set(values[i], (counts.get(values[i]) ?? 0) + 1);
  return counts;
}

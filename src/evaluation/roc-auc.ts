// ROC AUC as the Mann–Whitney U statistic: the probability that a random positive row scores higher than
// a random negative row, ties counting one half. This equals the trapezoid area under the ROC curve whose
// tied scores form one diagonal step (sklearn's roc_auc_score), computed exactly in O(n log n).

import { ShapeError } from '../util/errors.js';

/**
 * Binary ROC AUC of `scores` against `positive` (1 = positive row, anything else = negative):
 *
 *   AUC = U / (n₊ · n₋),   U = Σ over positive rows p of (#negatives scoring < p + ½ · #negatives scoring = p)
 *
 * the Mann–Whitney U statistic, which equals the rank form (R₊ − n₊(n₊ + 1)/2) with tied scores sharing
 * their mean rank. U is counted by merging the sorted positive and negative scores (O(n log n), native
 * numeric sorts); its integer-and-half sums are exact in float64 for n < 2^26.
 * Returns NaN when there are no positive or no negative rows (the AUC is undefined).
 * @example binaryRocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) // 0.75
 * @throws ShapeError when the arrays differ in length.
 */
export function binaryRocAuc(scores: ArrayLike<number>, positive: ArrayLike<number>): number {
  const n = scores.length;
  if (positive.length !== n) throw new ShapeError(`binaryRocAuc: ${n} scores but ${positive.length} labels`);
  let nPos = 0;
  for (let i = 0; i < n; i++) if (positive[i] === 1) nPos++;
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;

  const pos = new Float64Array(nPos);
  const neg = new Float64Array(nNeg);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (positive[i] === 1) pos[a++] = scores[i];
    else neg[b++] = scores[i];
  }
  pos.sort(); // typed-array sort is numeric
  neg.sort();
  let u = 0;
  let below = 0; // negatives < current positive score
  let upTo = 0; // negatives <= current positive score
  for (let i = 0; i < nPos; i++) {
    const s = pos[i];
    while (below < nNeg && neg[below] < s) below++;
    if (upTo < below) upTo = below;
    while (upTo < nNeg && neg[upTo] <= s) upTo++;
    u += below + 0.5 * (upTo - below);
  }
  return u / (nPos * nNeg);
}

/**
 * One-vs-rest ROC AUC of every class: class k's AUC uses column k of the (rows, classes) row-major
 * `scores` against "true class is k". For one column (a sigmoid), class 1 uses the score and class 0
 * its negation (the same ranking as 1 − p). NaN for a class whose AUC is undefined.
 */
export function rocAucPerClass(scores: Float32Array, rows: number, cols: number, yTrue: Int32Array, classes: number): number[] {
  const column = new Float64Array(rows);
  const positive = new Uint8Array(rows);
  const out: number[] = [];
  for (let k = 0; k < classes; k++) {
    for (let r = 0; r < rows; r++) {
      column[r] = cols === 1 ? (k === 1 ? scores[r] : -scores[r]) : scores[r * cols + k];
      positive[r] = yTrue[r] === k ? 1 : 0;
    }
    out.push(binaryRocAuc(column, positive));
  }
  return out;
}

/**
 * The headline AUC from the per-class AUCs: class 1's AUC for two classes (the binary case), else the
 * macro mean over the classes whose AUC is defined (a class absent from the truth is left out); NaN when
 * none is defined.
 */
export function summaryRocAuc(perClass: readonly number[]): number {
  if (perClass.length === 2) return perClass[1];
  let sum = 0;
  let count = 0;
  for (const v of perClass) {
    if (Number.isNaN(v)) continue;
    sum += v;
    count++;
  }
  return count === 0 ? NaN : sum / count;
}

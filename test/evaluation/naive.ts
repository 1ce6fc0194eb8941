// Independent naive reimplementations of the evaluation metrics, written from the textbook definitions
// (pairwise AUC, explicit counts per class, float64 formulas), for the random-data comparisons.

/** Textbook AUC: over all (positive, negative) pairs, 1 when the positive scores higher, ½ on a tie. O(n²). */
export function pairwiseAuc(scores: readonly number[], positive: readonly boolean[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!positive[i]) continue;
    for (let j = 0; j < scores.length; j++) {
      if (positive[j]) continue;
      pairs++;
      if (scores[i] > scores[j]) wins += 1;
      else if (scores[i] === scores[j]) wins += 0.5;
    }
  }
  return pairs === 0 ? NaN : wins / pairs;
}

export interface NaiveClassification {
  accuracy: number;
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
  macro: { precision: number; recall: number; f1: number };
  weighted: { precision: number; recall: number; f1: number };
}

/** Per-class counts by filtering rows, P/R/F1 with 0 on zero division, macro over the labels seen in truth ∪ predictions. */
export function naiveClassification(truth: readonly number[], pred: readonly number[], classes: number): NaiveClassification {
  const n = truth.length;
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  const support: number[] = [];
  const seen: boolean[] = [];
  for (let k = 0; k < classes; k++) {
    const tp = truth.filter((t, i) => t === k && pred[i] === k).length;
    const predictedK = pred.filter((p) => p === k).length;
    const trueK = truth.filter((t) => t === k).length;
    const p = predictedK === 0 ? 0 : tp / predictedK;
    const r = trueK === 0 ? 0 : tp / trueK;
    precision.push(p);
    recall.push(r);
    f1.push(p + r === 0 ? 0 : (2 * p * r) / (p + r));
    support.push(trueK);
    seen.push(trueK > 0 || predictedK > 0);
  }
  const labels = [...Array(classes).keys()].filter((k) => seen[k]);
  const mean = (xs: number[]) => labels.reduce((s, k) => s + xs[k], 0) / labels.length;
  const wmean = (xs: number[]) => xs.reduce((s, x, k) => s + x * support[k], 0) / n;
  return {
    accuracy: truth.filter((t, i) => t === pred[i]).length / n,
    precision,
    recall,
    f1,
    support,
    macro: { precision: mean(precision), recall: mean(recall), f1: mean(f1) },
    weighted: { precision: wmean(precision), recall: wmean(recall), f1: wmean(f1) },
  };
}

/** MSE, MAE and R² of one column in float64 from plain arrays (R² by the sklearn force_finite rule). */
export function naiveRegression(y: readonly number[], p: readonly number[]): { mse: number; mae: number; r2: number } {
  const n = y.length;
  const mean = y.reduce((s, v) => s + v, 0) / n;
  const ssRes = y.reduce((s, v, i) => s + (v - p[i]) ** 2, 0);
  const ssTot = y.reduce((s, v) => s + (v - mean) ** 2, 0);
  return {
    mse: ssRes / n,
    mae: y.reduce((s, v, i) => s + Math.abs(v - p[i]), 0) / n,
    r2: ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot,
  };
}

// The confusion matrix and the per-class and averaged precision/recall/F1 derived from it. These work on
// class indices alone, so cross-validation and ensembles can reuse them on their own predictions.

import { DataError, ShapeError } from '../util/errors.js';
import type { AveragedMetrics, ClassMetrics } from './types.js';

/**
 * The C × C confusion matrix: `m[t][p]` counts rows with true class t and predicted class p
 * (rows = truth, columns = prediction, as sklearn).
 * @example confusionMatrix([0, 1, 1], [0, 1, 0], 2) // [[1, 0], [1, 1]]
 * @throws ShapeError when the arrays differ in length.
 * @throws DataError for a class index outside [0, classes) (naming the row).
 */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, classes: number): number[][] {
  if (yTrue.length !== yPred.length) {
    throw new ShapeError(`confusionMatrix: ${yTrue.length} true labels but ${yPred.length} predicted labels`);
  }
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let r = 0; r < yTrue.length; r++) {
    const t = yTrue[r];
    const p = yPred[r];
    for (const [v, what] of [[t, 'true'], [p, 'predicted']] as const) {
      if (!(Number.isInteger(v) && v >= 0 && v < classes)) {
        throw new DataError(`confusionMatrix: ${what} label ${v} at row ${r} is not an integer in [0, ${classes})`, { row: r });
      }
    }
    m[t][p]++;
  }
  return m;
}

/**
 * Per-class metrics from a confusion matrix, with TP = m[k][k], FP = Σ_t m[t][k] − TP,
 * FN = Σ_p m[k][p] − TP. Zero division gives 0, without a warning (sklearn's zero_division=0):
 * precision of a class never predicted, recall of a class absent from the truth, and F1 when both are 0.
 */
export function perClassMetrics(confusion: readonly (readonly number[])[]): ClassMetrics[] {
  const c = confusion.length;
  const out: ClassMetrics[] = [];
  for (let k = 0; k < c; k++) {
    const tp = confusion[k][k];
    let predicted = 0;
    let support = 0;
    for (let j = 0; j < c; j++) {
      predicted += confusion[j][k];
      support += confusion[k][j];
    }
    const fp = predicted - tp;
    const fn = support - tp;
    out.push({
      precision: safeDiv(tp, predicted),
      recall: safeDiv(tp, support),
      f1: safeDiv(2 * tp, 2 * tp + fp + fn),
      support,
    });
  }
  return out;
}

/**
 * Macro average: the unweighted mean over the classes that occur in the truth or in the predictions
 * (support > 0 or predicted at least once), as sklearn with its default labels; a class that occurs
 * nowhere does not pull the mean down. 0 when no class occurs.
 */
export function macroAverage(perClass: readonly ClassMetrics[], confusion: readonly (readonly number[])[]): AveragedMetrics {
  const sum = { precision: 0, recall: 0, f1: 0 };
  let count = 0;
  for (let k = 0; k < perClass.length; k++) {
    let predicted = 0;
    for (let t = 0; t < confusion.length; t++) predicted += confusion[t][k];
    if (perClass[k].support === 0 && predicted === 0) continue;
    sum.precision += perClass[k].precision;
    sum.recall += perClass[k].recall;
    sum.f1 += perClass[k].f1;
    count++;
  }
  return { precision: safeDiv(sum.precision, count), recall: safeDiv(sum.recall, count), f1: safeDiv(sum.f1, count) };
}

/** Weighted average: Σ_k support_k · metric_k / Σ_k support_k (0 when there are no rows). */
export function weightedAverage(perClass: readonly ClassMetrics[]): AveragedMetrics {
  const sum = { precision: 0, recall: 0, f1: 0 };
  let total = 0;
  for (const m of perClass) {
    sum.precision += m.support * m.precision;
    sum.recall += m.support * m.recall;
    sum.f1 += m.support * m.f1;
    total += m.support;
  }
  return { precision: safeDiv(sum.precision, total), recall: safeDiv(sum.recall, total), f1: safeDiv(sum.f1, total) };
}

/** Σ_k m[k][k] / Σ m: the fraction of rows predicted correctly (0 for an empty matrix). */
export function accuracyFromConfusion(confusion: readonly (readonly number[])[]): number {
  let correct = 0;
  let total = 0;
  for (let t = 0; t < confusion.length; t++) {
    correct += confusion[t][t];
    for (const v of confusion[t]) total += v;
  }
  return safeDiv(correct, total);
}

/** a / b, or 0 when b is 0 (the zero-division convention of every metric here). */
function safeDiv(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

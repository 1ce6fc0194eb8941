// Headline metrics weighted per row, as scikit-learn's sample_weight: accuracy for classification,
// mse, rmse and mae for regression, each a weighted mean Σ w·value / Σ w (NaN when the weights sum to 0).
// The full report (per class, confusion, ROC AUC, r2) stays unweighted.

import { ShapeError } from '../util/errors.js';
import { predictedClasses, toMatrix, trueClasses, type EvaluationInput } from './inputs.js';

/**
 * `weighted_accuracy` (classification: scores as classificationMetrics takes them) or `weighted_mse`,
 * `weighted_rmse`, `weighted_mae` (regression, over every output) of predictions against `yTrue`.
 * @example weightedHeadline(probs, labels, w, 'classification') // { weighted_accuracy: 0.91 }
 * @throws ShapeError when `weights` has another length than the rows; as classificationMetrics for bad labels.
 */
export function weightedHeadline(predictions: EvaluationInput, yTrue: EvaluationInput, weights: Float32Array, task: 'classification' | 'regression'): Record<string, number> {
  const p = toMatrix(predictions, 'predictions');
  const t = toMatrix(yTrue, 'yTrue');
  if (weights.length !== p.rows || t.rows !== p.rows) throw new ShapeError(`weights has ${weights.length} entries and yTrue ${t.rows} rows but the predictions have ${p.rows}: give one per row`);
  let total = 0;
  for (let r = 0; r < weights.length; r++) total += weights[r];
  if (task === 'classification') {
    const classes = p.cols === 1 ? 2 : p.cols;
    const truth = trueClasses(t, p, classes, 'yTrue');
    const predicted = predictedClasses(p, 0.5);
    let right = 0;
    for (let r = 0; r < p.rows; r++) if (truth[r] === predicted[r]) right += weights[r];
    return { weighted_accuracy: right / total };
  }
  if (t.cols !== p.cols) throw new ShapeError(`yTrue has ${t.cols} columns but the predictions have ${p.cols}`);
  let squared = 0;
  let absolute = 0;
  for (let r = 0; r < p.rows; r++) {
    for (let c = 0; c < p.cols; c++) {
      const d = p.data[r * p.cols + c] - t.data[r * t.cols + c];
      squared += weights[r] * d * d;
      absolute += weights[r] * Math.abs(d);
    }
  }
  const mse = squared / (total * p.cols);
  return { weighted_mse: mse, weighted_rmse: Math.sqrt(mse), weighted_mae: absolute / (total * p.cols) };
}

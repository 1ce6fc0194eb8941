// Regression metrics: MSE, RMSE, MAE and R² per output and averaged over outputs, in float64 from the
// float32 predictions and targets.

import { ShapeError } from '../util/errors.js';
import { readOptions } from '../util/validate.js';
import { checkFinite, checkSameRows, resolveNames, shapeText, toMatrix, type EvaluationInput } from './inputs.js';
import type { RegressionMetrics, RegressionResult } from './types.js';

/** Options of {@link regressionMetrics}. */
export interface RegressionOptions {
  /** One name per output column, for the formatters and the report (default '0', '1', …). */
  outputNames?: readonly string[];
}

const OPTION_KEYS = ['outputNames'] as const;

/**
 * Regression metrics of predictions (N, K) against targets of the same shape (a flat array is one
 * column). Per output k, over rows i:
 *
 *   MSE = Σ(yᵢ − ŷᵢ)² / N    RMSE = √MSE    MAE = Σ|yᵢ − ŷᵢ| / N
 *   R² = 1 − SS_res / SS_tot,  SS_res = Σ(yᵢ − ŷᵢ)²,  SS_tot = Σ(yᵢ − ȳ)²  (ȳ the mean target)
 *
 * R² of a constant target (SS_tot = 0) is 1 when the predictions are exact and 0 otherwise (sklearn's
 * force_finite=True), so it is never NaN or −∞. R² can be negative (worse than predicting the mean).
 * The top-level values are uniform means over outputs (for RMSE the mean of the per-output RMSEs, as
 * sklearn's multioutput='uniform_average'). Sums run in float64, the target mean in a separate pass.
 *
 * @example const r = regressionMetrics(await model.predict(x), yTest); // { mse, rmse, mae, r2, perOutput, … }
 * @throws ShapeError for inputs of the wrong type or differing shapes (naming both).
 * @throws DataError for NaN/Infinity (naming the row and column) or empty inputs.
 * @throws ConfigError for outputNames of the wrong length.
 */
export function regressionMetrics(predictions: EvaluationInput, yTrue: EvaluationInput, options?: RegressionOptions): RegressionResult {
  const opts = readOptions<RegressionOptions>('regressionMetrics', options, OPTION_KEYS);
  const p = toMatrix(predictions, 'predictions');
  const y = toMatrix(yTrue, 'targets');
  checkSameRows(p, 'predictions', y, 'targets');
  if (p.cols !== y.cols) {
    throw new ShapeError(`targets has shape ${shapeText(y)} but predictions has shape ${shapeText(p)}: one target column per output`);
  }
  checkFinite(p, 'predictions');
  checkFinite(y, 'targets');
  const outputNames = resolveNames(opts.outputNames, p.cols, 'outputNames', 'output');

  const perOutput: RegressionMetrics[] = [];
  for (let k = 0; k < p.cols; k++) perOutput.push(outputMetrics(p.data, y.data, p.rows, p.cols, k));
  const mean = (key: keyof RegressionMetrics) => perOutput.reduce((s, m) => s + m[key], 0) / perOutput.length;
  return {
    task: 'regression',
    samples: p.rows,
    outputs: p.cols,
    outputNames,
    mse: mean('mse'),
    rmse: mean('rmse'),
    mae: mean('mae'),
    r2: mean('r2'),
    perOutput,
  };
}

/** The metrics of column k of row-major (rows, cols) predictions `p` and targets `y`. */
function outputMetrics(p: Float32Array, y: Float32Array, rows: number, cols: number, k: number): RegressionMetrics {
  let ySum = 0;
  for (let r = 0; r < rows; r++) ySum += y[r * cols + k];
  const yMean = ySum / rows;
  let ssRes = 0;
  let absSum = 0;
  let ssTot = 0;
  for (let r = 0; r < rows; r++) {
    const t = y[r * cols + k];
    const e = t - p[r * cols + k];
    ssRes += e * e;
    absSum += Math.abs(e);
    ssTot += (t - yMean) * (t - yMean);
  }
  const mse = ssRes / rows;
  return { mse, rmse: Math.sqrt(mse), mae: absSum / rows, r2: rSquared(ssRes, ssTot) };
}

/** 1 − ssRes/ssTot; for ssTot = 0: 1 when ssRes = 0, else 0. */
function rSquared(ssRes: number, ssTot: number): number {
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

// The headline metrics: the few numbers a person reads first, as ordered name → value pairs (for JSON,
// cross-validation means and the report) and as the `name: value` lines the CLI prints.

import type { EvaluationResult } from './types.js';

/**
 * The headline metrics of a result, in print order, keys in snake_case:
 * - classification: accuracy, macro_precision, macro_recall, macro_f1, weighted_f1, roc_auc
 *   (roc_auc is NaN when undefined: a single class in the truth);
 * - regression: mse, rmse, mae, r2 (uniform means over outputs).
 * The set of keys depends only on the task, so scripts can rely on it.
 * @example headlineValues(result) // { accuracy: 0.965, macro_precision: 0.96, …, roc_auc: 0.998 }
 */
export function headlineValues(result: EvaluationResult): Record<string, number> {
  if (result.task === 'regression') return { mse: result.mse, rmse: result.rmse, mae: result.mae, r2: result.r2 };
  return {
    accuracy: result.accuracy,
    macro_precision: result.macro.precision,
    macro_recall: result.macro.recall,
    macro_f1: result.macro.f1,
    weighted_f1: result.weighted.f1,
    roc_auc: result.rocAuc,
  };
}

/**
 * One `name: value` line per headline metric (see {@link headlineValues}), values formatted by
 * {@link formatMetricValue}.
 * @example headlineMetrics(result) // ['accuracy: 0.9650', 'macro_precision: 0.9612', …]
 */
export function headlineMetrics(result: EvaluationResult, digits = 4): string[] {
  return Object.entries(headlineValues(result)).map(([name, value]) => `${name}: ${formatMetricValue(value, digits)}`);
}

/**
 * A metric value for people: `digits` decimals (default 4, as `accuracy: 0.9650`); a non-zero value below
 * 1e-3 in magnitude in exponent form (`2.500e-5`), as the per-epoch progress lines; NaN as `nan`,
 * ±Infinity as `inf` / `-inf`.
 */
export function formatMetricValue(value: number, digits = 4): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential(3);
  return value.toFixed(digits);
}

// Plain-text tables of an evaluation result for terminals and logs: the per-class report (sklearn's
// classification_report layout), the confusion matrix, and the per-output regression table.

import { formatMetricValue } from './headline.js';
import { resolveNames } from './inputs.js';
import type { ClassificationResult, EvaluationResult, RegressionResult } from './types.js';

/** Options of the text formatters. */
export interface EvaluationFormatOptions {
  /** Names to print instead of the result's labelNames / outputNames (same length). */
  labelNames?: readonly string[];
  /** Decimals of metric values (default 4). */
  digits?: number;
}

/**
 * The per-class table: precision, recall, F1 and support of each class, then accuracy and the macro
 * and weighted averages.
 * @example
 *               precision  recall  f1-score  support
 *        setosa    1.0000  1.0000    1.0000       10
 *    versicolor    0.9000  0.9000    0.9000       10
 *     virginica    0.9000  0.9000    0.9000       10
 *
 *      accuracy                      0.9333       30
 *     macro avg    0.9333  0.9333    0.9333       30
 *  weighted avg    0.9333  0.9333    0.9333       30
 * @throws ConfigError for labelNames of the wrong length.
 */
export function formatClassificationReport(result: ClassificationResult, options: EvaluationFormatOptions = {}): string {
  const names = resolveNames(options.labelNames ?? result.labelNames, result.classes, 'labelNames', 'class').map(printable);
  const f = (v: number) => formatMetricValue(v, options.digits ?? 4);
  const header = ['', 'precision', 'recall', 'f1-score', 'support'];
  const rows: string[][] = result.perClass.map((m, k) => [names[k], f(m.precision), f(m.recall), f(m.f1), String(m.support)]);
  const total = String(result.samples);
  const summary: string[][] = [
    ['accuracy', '', '', f(result.accuracy), total],
    ['macro avg', f(result.macro.precision), f(result.macro.recall), f(result.macro.f1), total],
    ['weighted avg', f(result.weighted.precision), f(result.weighted.recall), f(result.weighted.f1), total],
  ];
  return table([header, ...rows, null, ...summary], 'right');
}

/**
 * The confusion matrix with true classes as rows and predicted classes as columns.
 * @example
 *  true \ predicted  setosa  versicolor  virginica
 *  setosa                10           0          0
 *  versicolor             0           9          1
 *  virginica              0           1          9
 * @throws ConfigError for labelNames of the wrong length.
 */
export function formatConfusionMatrix(result: ClassificationResult, options: EvaluationFormatOptions = {}): string {
  const names = resolveNames(options.labelNames ?? result.labelNames, result.classes, 'labelNames', 'class').map(printable);
  const header = ['true \\ predicted', ...names];
  const rows = result.confusion.map((counts, t) => [names[t], ...counts.map(String)]);
  return table([header, ...rows], 'left');
}

/**
 * The regression table: MSE, RMSE, MAE and R² of each output and their means (the mean row only for
 * several outputs).
 * @throws ConfigError for labelNames (output names here) of the wrong length.
 */
export function formatRegressionReport(result: RegressionResult, options: EvaluationFormatOptions = {}): string {
  const names = resolveNames(options.labelNames ?? result.outputNames, result.outputs, 'labelNames', 'output').map(printable);
  const f = (v: number) => formatMetricValue(v, options.digits ?? 4);
  const line = (name: string, m: { mse: number; rmse: number; mae: number; r2: number }) => [name, f(m.mse), f(m.rmse), f(m.mae), f(m.r2)];
  const rows: (string[] | null)[] = [['output', 'mse', 'rmse', 'mae', 'r2'], ...result.perOutput.map((m, k) => line(names[k], m))];
  if (result.outputs > 1) rows.push(null, line('mean', result));
  return table(rows, 'left');
}

/** The full text of a result: the per-class report and the confusion matrix, or the regression table. */
export function formatEvaluation(result: EvaluationResult, options: EvaluationFormatOptions = {}): string {
  if (result.task === 'regression') return formatRegressionReport(result, options);
  return `${formatClassificationReport(result, options)}\n\n${formatConfusionMatrix(result, options)}`;
}

/** A name with control characters (newlines, escapes) replaced, so one name stays on one line. */
function printable(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f]/g, '?'); // eslint-disable-line no-control-regex
}

/**
 * Rows of cells as aligned columns two spaces apart; `null` is an empty line. The first column is aligned
 * `firstColumn`, the others to the right. Trailing spaces are trimmed.
 */
function table(rows: readonly (readonly string[] | null)[], firstColumn: 'left' | 'right'): string {
  const widths: number[] = [];
  for (const row of rows) row?.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) => {
      if (row === null) return '';
      const cells = row.map((cell, i) => (i === 0 && firstColumn === 'left' ? cell.padEnd(widths[i]) : cell.padStart(widths[i])));
      return cells.join('  ').trimEnd();
    })
    .join('\n');
}

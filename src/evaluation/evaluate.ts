// One entry point for the CLI's `evaluate`, `cv` and `tune`: the task (known from the model's loss) picks
// classification or regression metrics.

import { ConfigError } from '../util/errors.js';
import { checkChoice, isPlainObject } from '../util/validate.js';
import { classificationMetrics } from './classification.js';
import type { EvaluationInput } from './inputs.js';
import { regressionMetrics } from './regression.js';
import type { EvaluationResult } from './types.js';

/** The two kinds of evaluation. */
export type EvaluationTask = 'classification' | 'regression';

/** Options of {@link evaluatePredictions}. */
export interface EvaluatePredictionsOptions {
  /** 'classification' (binary or multi-class losses) or 'regression' (mse, mae, huber). Required. */
  task: EvaluationTask;
  /** Classification: the sigmoid decision threshold (default 0.5, class 1 when score > threshold). */
  threshold?: number;
  /** Classification: one name per class. */
  labelNames?: readonly string[];
  /** Regression: one name per output. */
  outputNames?: readonly string[];
}

/**
 * {@link classificationMetrics} or {@link regressionMetrics} of `predictions` (the model's outputs,
 * (N, outputs)) against `targets`, chosen by `options.task`. Options that belong to the other task are
 * ignored, so a caller can pass the same options object for every model.
 * @example
 * const result = evaluatePredictions(pred, y, { task: 'classification', labelNames });
 * for (const line of headlineMetrics(result)) console.log(line); // accuracy: 0.9650 …
 * @throws ConfigError for a missing or unknown task, and as the chosen function.
 * @throws ShapeError, DataError as the chosen function.
 */
export function evaluatePredictions(predictions: EvaluationInput, targets: EvaluationInput, options: EvaluatePredictionsOptions): EvaluationResult {
  if (!isPlainObject(options)) throw new ConfigError('evaluatePredictions needs an options object with a task: classification or regression');
  const task = checkChoice('task', options.task, ['classification', 'regression'] as const);
  if (task === 'regression') {
    return regressionMetrics(predictions, targets, options.outputNames === undefined ? {} : { outputNames: options.outputNames });
  }
  const opts: { threshold?: number; labelNames?: readonly string[] } = {};
  if (options.threshold !== undefined) opts.threshold = options.threshold;
  if (options.labelNames !== undefined) opts.labelNames = options.labelNames;
  return classificationMetrics(predictions, targets, opts);
}

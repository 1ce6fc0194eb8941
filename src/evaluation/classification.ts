// Classification metrics from predicted scores and true labels: accuracy, per-class and averaged
// precision/recall/F1, the confusion matrix and ROC AUC, in one pass over checked inputs.

import { checkNumber, readOptions } from '../util/validate.js';
import { accuracyFromConfusion, confusionMatrix, macroAverage, perClassMetrics, weightedAverage } from './confusion.js';
import { checkFinite, checkSameRows, predictedClasses, resolveNames, toMatrix, trueClasses, type EvaluationInput } from './inputs.js';
import { rocAucPerClass, summaryRocAuc } from './roc-auc.js';
import type { ClassificationResult } from './types.js';

/** Options of {@link classificationMetrics}. */
export interface ClassificationOptions {
  /**
   * Decision threshold for one sigmoid column: class 1 when score > threshold (the rule of the
   * training-time binaryAccuracy). Default 0.5; use 0 for logits. Ignored for several columns (argmax).
   */
  threshold?: number;
  /** One name per class, used by the formatters and the report (default '0', '1', …). */
  labelNames?: readonly string[];
}

const OPTION_KEYS = ['threshold', 'labelNames'] as const;

/**
 * Classification metrics of predicted scores against true labels.
 *
 * - `scores`: (N, C) class scores — probabilities or logits, C ≥ 2, predicted class = argmax (first wins
 *   on ties) — or (N, 1) sigmoid outputs of a binary model (C = 2, predicted class = score > threshold).
 * - `yTrue`: class indices (N, 1) or a flat array of N indices, integers in [0, C); or one-hot rows (N, C).
 *
 * Conventions (as sklearn, zero_division=0, no warnings): a precision, recall or F1 whose denominator is
 * 0 is 0; the macro average runs over the classes present in the truth or the predictions; the weighted
 * average weighs each class by its support. ROC AUC is exact (Mann–Whitney, ties count ½): for binary,
 * the AUC of the class-1 score; for more classes, the macro mean of the one-vs-rest AUCs of the classes
 * present in the truth; NaN when the truth holds a single class.
 *
 * @example
 * const r = classificationMetrics(await model.predict(x), yTest, { labelNames: ['setosa', 'versicolor', 'virginica'] });
 * r.accuracy; r.macro.f1; r.confusion[trueClass][predictedClass]; r.rocAuc;
 * @throws ShapeError for inputs of the wrong type, differing row counts or a label width that is neither 1
 *   nor C (naming both shapes).
 * @throws DataError for NaN/Infinity in either input, labels outside [0, C), rows that are not one-hot,
 *   or empty inputs (naming the row and column).
 * @throws ConfigError for a bad option (threshold not finite, labelNames of the wrong length).
 */
export function classificationMetrics(scores: EvaluationInput, yTrue: EvaluationInput, options?: ClassificationOptions): ClassificationResult {
  const opts = readOptions<ClassificationOptions>('classificationMetrics', options, OPTION_KEYS);
  const threshold = opts.threshold === undefined ? 0.5 : checkNumber('threshold', opts.threshold);
  const s = toMatrix(scores, 'predictions');
  const y = toMatrix(yTrue, 'targets');
  checkSameRows(s, 'predictions', y, 'targets');
  checkFinite(s, 'predictions');
  checkFinite(y, 'targets');

  const classes = s.cols === 1 ? 2 : s.cols;
  const labelNames = resolveNames(opts.labelNames, classes, 'labelNames', 'class');
  const truth = trueClasses(y, s, classes, 'targets');
  const predicted = predictedClasses(s, threshold);

  const confusion = confusionMatrix(truth, predicted, classes);
  const perClass = perClassMetrics(confusion);
  const aucs = rocAucPerClass(s.data, s.rows, s.cols, truth, classes);
  return {
    task: 'classification',
    samples: s.rows,
    classes,
    labelNames,
    threshold: s.cols === 1 ? threshold : null,
    accuracy: accuracyFromConfusion(confusion),
    perClass,
    macro: macroAverage(perClass, confusion),
    weighted: weightedAverage(perClass),
    confusion,
    rocAuc: summaryRocAuc(aucs),
    rocAucPerClass: aucs,
  };
}

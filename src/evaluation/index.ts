// Evaluation metrics of predictions against targets: classification and regression, headline values
// and text tables. Re-exports only.

export { classificationMetrics, type ClassificationOptions } from './classification.js';
export { regressionMetrics, type RegressionOptions } from './regression.js';
export { evaluatePredictions, type EvaluatePredictionsOptions, type EvaluationTask } from './evaluate.js';
export { confusionMatrix, perClassMetrics, macroAverage, weightedAverage, accuracyFromConfusion } from './confusion.js';
export { binaryRocAuc, rocAucPerClass, summaryRocAuc } from './roc-auc.js';
export { headlineValues, headlineMetrics, formatMetricValue } from './headline.js';
export { weightedHeadline } from './weighted.js';
export { formatClassificationReport, formatConfusionMatrix, formatRegressionReport, formatEvaluation, type EvaluationFormatOptions } from './format.js';
export type { EvaluationInput } from './inputs.js';
export type { ClassMetrics, AveragedMetrics, ClassificationResult, RegressionMetrics, RegressionResult, EvaluationResult } from './types.js';

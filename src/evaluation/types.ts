// The results of the evaluation metrics: plain objects of numbers, arrays and strings, so they print, go
// through JSON.stringify (an undefined metric is NaN, which JSON writes as null) and feed the report.

/** Precision, recall, F1 and support of one class (one-vs-rest counts from the confusion matrix). */
export interface ClassMetrics {
  /** TP / (TP + FP); 0 when the class is never predicted. */
  precision: number;
  /** TP / (TP + FN); 0 when the class is absent from the truth. */
  recall: number;
  /** 2·TP / (2·TP + FP + FN) (= 2PR / (P + R)); 0 when that denominator is 0. */
  f1: number;
  /** Rows whose true class is this one (TP + FN). */
  support: number;
}

/** Precision, recall and F1 averaged over classes. */
export interface AveragedMetrics {
  precision: number;
  recall: number;
  f1: number;
}

/** The result of {@link classificationMetrics}. */
export interface ClassificationResult {
  task: 'classification';
  /** Rows evaluated (N). */
  samples: number;
  /** Number of classes C: the prediction width, or 2 for one sigmoid column. */
  classes: number;
  /** One name per class (default '0', '1', …). */
  labelNames: string[];
  /** The decision threshold for one sigmoid column (class 1 when score > threshold), else null. */
  threshold: number | null;
  /** Correct predictions / N. */
  accuracy: number;
  /** Per-class metrics, indexed by class. */
  perClass: ClassMetrics[];
  /** Unweighted mean over the classes that occur in the truth or the predictions (sklearn's default labels). */
  macro: AveragedMetrics;
  /** Mean over classes weighted by support (classes absent from the truth weigh 0). */
  weighted: AveragedMetrics;
  /** confusion[t][p] = rows of true class t predicted as class p (C × C). */
  confusion: number[][];
  /**
   * ROC AUC. Binary (one sigmoid column, or two columns): the AUC of the class-1 score. More classes: the
   * macro mean of the one-vs-rest AUCs over the classes whose AUC is defined. NaN when no class has both
   * positive and negative rows (a single class in the truth).
   */
  rocAuc: number;
  /** One-vs-rest AUC of each class from its own score column (1 − score for class 0 of a sigmoid); NaN when undefined. */
  rocAucPerClass: number[];
}

/** MSE, RMSE, MAE and R² of one output (or their averages over outputs). */
export interface RegressionMetrics {
  /** mean((y − ŷ)²) */
  mse: number;
  /** √MSE (averaged over outputs: the mean of the per-output RMSEs, as sklearn) */
  rmse: number;
  /** mean(|y − ŷ|) */
  mae: number;
  /**
   * 1 − SS_res / SS_tot with SS_res = Σ(y − ŷ)², SS_tot = Σ(y − ȳ)². For a constant target (SS_tot = 0):
   * 1 when the predictions are exact (SS_res = 0), else 0 (sklearn's force_finite convention).
   */
  r2: number;
}

/** The result of {@link regressionMetrics}: averages are uniform over outputs. */
export interface RegressionResult extends RegressionMetrics {
  task: 'regression';
  /** Rows evaluated (N). */
  samples: number;
  /** Number of outputs K. */
  outputs: number;
  /** One name per output (default '0', '1', …). */
  outputNames: string[];
  /** Metrics of each output, indexed by output. */
  perOutput: RegressionMetrics[];
}

/** What {@link evaluatePredictions} returns; tell them apart by `task`. */
export type EvaluationResult = ClassificationResult | RegressionResult;

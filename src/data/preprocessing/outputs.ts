// A model's output rows in the target's terms: for classes, the probability of each class and the
// predicted one (argmax; for one sigmoid output, p > 0.5 as evaluation and binaryAccuracy decide); for
// regression, the value. `nntrain predict` and loadPredictor both decide through this file.

import type { Matrix } from '../matrix.js';
import type { TargetInfo } from './target-info.js';

/** A classification model's prediction for one row. */
export interface ClassPrediction {
  /** The predicted class's name. */
  label: string;
  /** Each class's probability, by class name. */
  probabilities: Record<string, number>;
}

/** A regression model's prediction for one row, in the target's units. */
export interface ValuePrediction {
  value: number;
}

/** One row's prediction: ClassPrediction for a classifier, ValuePrediction for a regression. */
export type Prediction = ClassPrediction | ValuePrediction;

/** Row r's class probabilities (one per label) and the predicted class's index. */
export function classScores(outputs: Matrix, r: number): { best: number; probs: number[] } {
  const { data, cols } = outputs;
  if (cols === 1) {
    const p = data[r];
    return { best: p > 0.5 ? 1 : 0, probs: [1 - p, p] };
  }
  const probs = Array.from(data.subarray(r * cols, (r + 1) * cols));
  let best = 0;
  for (let c = 1; c < probs.length; c++) if (probs[c] > probs[best]) best = c;
  return { best, probs };
}

/** The predictions of output rows in the data's units (regression values already mapped back). */
export function decodeOutputs(outputs: Matrix, target: TargetInfo): Prediction[] {
  const out: Prediction[] = new Array<Prediction>(outputs.rows);
  const labels = target.task === 'regression' ? null : target.labels;
  for (let r = 0; r < outputs.rows; r++) {
    if (labels === null) {
      out[r] = { value: outputs.data[r * outputs.cols] };
      continue;
    }
    const { best, probs } = classScores(outputs, r);
    const probabilities: Record<string, number> = {};
    labels.forEach((l, c) => (probabilities[l] = probs[c]));
    out[r] = { label: labels[best], probabilities };
  }
  return out;
}

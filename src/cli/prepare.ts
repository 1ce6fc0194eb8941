// Data preparation shared by train, cv, tune and ensemble: a seeded validation split (stratified for
// classes, so a file sorted by class still validates on every class), the preprocessing fitted on the
// training rows only, and the matrices the model trains and is evaluated on.

import { gatherRows, randomSplit, stratifiedSplit } from '../data/preprocess/index.js';
import type { Matrix } from '../data/matrix.js';
import type { LabeledData, TrainingData } from './data.js';
import { Preprocessor } from './preprocessing.js';
import type { TrainConfig } from './train-config.js';

/** Inputs and targets ready for the model, and the true targets in the data's units. */
export interface ModelData {
  /** Scaled inputs. */
  x: Matrix;
  /** Targets as the model trains on them (class indices, or standardized values). */
  y: Matrix;
  /** Targets as in the file (class indices, or values), for the evaluation metrics. */
  yTrue: Matrix;
}

/** A training split with its fitted preprocessing. */
export interface PreparedSplit {
  pre: Preprocessor;
  train: ModelData;
  validation: ModelData | null;
}

/**
 * Splits `rows` (default: every row) into training and validation rows: stratified by class for
 * classification, random for regression, seeded; each part in ascending row order.
 */
export function splitRows(data: TrainingData, fraction: number, seed: number, rows?: Uint32Array): { train: Uint32Array; validation: Uint32Array } {
  const all = rows ?? Uint32Array.from({ length: data.rows }, (_, i) => i);
  if (fraction === 0) return { train: all, validation: new Uint32Array(0) };
  // the held-out part is the split's "test" part: the one a single fraction names
  const split =
    data.target.task === 'regression'
      ? randomSplit(all.length, { testFraction: fraction, seed })
      : stratifiedSplit(gatherRows(data.y, all), { testFraction: fraction, seed });
  return { train: split.train.map((i) => all[i]), validation: split.test.map((i) => all[i]) };
}

/** Rows of a labeled file through a fitted preprocessor. */
export function modelData(pre: Preprocessor, x: Matrix, y: Matrix): ModelData {
  return { x: pre.inputs(x), y: pre.targets(y), yTrue: y };
}

/**
 * Fits the preprocessing on `trainRows` of `data` and applies it to them and to the validation data
 * (rows of `data`, another file, or none).
 */
export function prepareSplit(data: TrainingData, trainRows: Uint32Array, validation: Uint32Array | LabeledData | null, scale: TrainConfig['scale']): PreparedSplit {
  const trainX = gatherRows(data.x, trainRows);
  const trainY = gatherRows(data.y, trainRows);
  const pre = Preprocessor.fit(data, { x: trainX, y: trainY }, scale);
  let val: ModelData | null = null;
  if (validation instanceof Uint32Array) {
    if (validation.length > 0) val = modelData(pre, gatherRows(data.x, validation), gatherRows(data.y, validation));
  } else if (validation !== null) {
    val = modelData(pre, validation.x, validation.y);
  }
  return { pre, train: modelData(pre, trainX, trainY), validation: val };
}

/** Indices as a one-hot (rows, classes) matrix, for categoricalCrossentropy. */
export function oneHot(y: Matrix, classes: number): Matrix {
  const data = new Float32Array(y.rows * classes);
  for (let r = 0; r < y.rows; r++) data[r * classes + y.data[r]] = 1;
  return { data, rows: y.rows, cols: classes };
}

// evaluateModel: loss and metrics of a TrainableModel over in-memory x/y or a Dataset, the data checked
// against the model first and the model built for their width. Sequential.evaluate hands off here.

import { isDataset, type Dataset } from '../data/dataset.js';
import { inputWidthOf, scanValues, toInputMatrix, toTargetMatrix } from '../data/validate-data.js';
import { checkDataset } from './data-checks.js';
import { runEvaluate, runEvaluateDataset } from './evaluate.js';
import { parseBatchOptions, type EvaluateOptions } from './fit-options.js';
import type { TrainableModel } from './trainable-model.js';
import type { TrainingData } from './train-model.js';

/** Loss (with the L1/L2 penalty) and compiled metrics of `model` over `data` (see Sequential.evaluate). */
export async function evaluateModel(model: TrainableModel, data: TrainingData, options: EvaluateOptions): Promise<Record<string, number>> {
  const { batchSize } = parseBatchOptions('evaluate', options, 32);
  model.requireCompiled('evaluate');
  if (isDataset(data)) return evaluateDataset(model, data, batchSize);
  const width = model.inputWidth ?? inputWidthOf(data.x);
  const rule = model.targetRule(width);
  const xs = toInputMatrix(data.x, width, 'x', false);
  const ys = toTargetMatrix(data.y, xs.rows, rule, 'y', false);
  await scanValues(xs, 'x', null, model.backend);
  await scanValues(ys, 'y', rule, model.backend);
  model.build(width);
  return runEvaluate(model.runtime(), xs, ys, batchSize);
}

function evaluateDataset(model: TrainableModel, dataset: Dataset, batchSize: number): Promise<Record<string, number>> {
  const width = model.inputWidth ?? dataset.inputWidth;
  const rule = model.targetRule(width);
  checkDataset(dataset, width, rule, 'the dataset');
  model.build(width);
  return runEvaluateDataset(model.runtime(), dataset, rule, batchSize);
}

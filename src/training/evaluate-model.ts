// evaluateModel: loss and metrics of a TrainableModel over in-memory x/y or a Dataset, the data checked
// against the model first and the model built for their width. Sequential.evaluate hands off here. With
// distributed: 'mpi', each process evaluates its own rows and the sums are added over the processes.

import { distributedContext } from '../backend/mpi-context.js';
import { isDataset, type Dataset } from '../data/dataset.js';
import { inputWidthOf, scanValues, toInputMatrix, toTargetMatrix } from '../data/validate-data.js';
import { checkDataset } from './data-checks.js';
import { acquireFit } from './distributed/fit-lock.js';
import { evaluateDatasetStats, evaluateStats, evaluationLogs, sumOverRanks } from './evaluate.js';
import { parseEvaluateOptions, type EvaluateOptions } from './fit-options.js';
import type { TrainingRuntime } from './runtime.js';
import type { TrainableModel } from './trainable-model.js';
import type { TrainingData } from './train-model.js';

/** Loss (with the L1/L2 penalty) and compiled metrics of `model` over `data` (see Sequential.evaluate). */
export async function evaluateModel(model: TrainableModel, data: TrainingData, options: EvaluateOptions): Promise<Record<string, number>> {
  const { batchSize, distributed } = parseEvaluateOptions(options);
  if (distributed === null) {
    const { rt, stats } = await evaluateHere(model, data, batchSize);
    return evaluationLogs(rt, stats);
  }
  const { mpi } = distributedContext();
  const release = acquireFit(); // its collectives must not interleave with a distributed fit's
  try {
    const done: { rt?: TrainingRuntime } = {};
    const stats = await sumOverRanks(
      (sums) => mpi.allreduce(sums, 'sum', 'the all-reduce of the sums of a distributed evaluate'),
      async () => {
        const here = await evaluateHere(model, data, batchSize);
        done.rt = here.rt;
        return here.stats;
      },
    );
    if (done.rt === undefined) throw new RangeError('evaluate: no runtime after a successful evaluation');
    return evaluationLogs(done.rt, stats);
  } finally {
    release();
  }
}

/** The stats sums of this process's data, and the runtime that computed them. */
async function evaluateHere(model: TrainableModel, data: TrainingData, batchSize: number): Promise<{ rt: TrainingRuntime; stats: Float64Array }> {
  model.requireCompiled('evaluate');
  if (isDataset(data)) return evaluateDataset(model, data, batchSize);
  const width = model.inputWidth ?? inputWidthOf(data.x);
  const rule = model.targetRule(width);
  const xs = toInputMatrix(data.x, width, 'x', false);
  const ys = toTargetMatrix(data.y, xs.rows, rule, 'y', false);
  await scanValues(xs, 'x', null, model.backend);
  await scanValues(ys, 'y', rule, model.backend);
  model.build(width);
  const rt = model.runtime();
  return { rt, stats: await evaluateStats(rt, xs, ys, batchSize) };
}

async function evaluateDataset(model: TrainableModel, dataset: Dataset, batchSize: number): Promise<{ rt: TrainingRuntime; stats: Float64Array }> {
  const width = model.inputWidth ?? dataset.inputWidth;
  const rule = model.targetRule(width);
  checkDataset(dataset, width, rule, 'the dataset');
  model.build(width);
  const rt = model.runtime();
  return { rt, stats: await evaluateDatasetStats(rt, dataset, rule, batchSize) };
}

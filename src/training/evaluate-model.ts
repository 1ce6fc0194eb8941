// evaluateModel: loss and metrics of a TrainableModel over in-memory x/y or a Dataset, the data checked
// against the model first and the model built for their width. Sequential.evaluate hands off here. With
// distributed: 'mpi', each process evaluates its own rows and the sums are added over the processes.

import { STATS_WIDTH } from '../backend/codes.js';
import { distributedContext } from '../backend/mpi-context.js';
import { isDataset, type Dataset } from '../data/dataset.js';
import { inputWidthOf, scanValues, toInputMatrix, toTargetMatrix } from '../data/validate-data.js';
import { ConfigError } from '../util/errors.js';
import { checkDataset } from './data-checks.js';
import { acquireFit } from './distributed/fit-lock.js';
import { evaluateDatasetStats, evaluateStats, evaluationLogs, sumOverRanks } from './evaluate.js';
import { parseEvaluateOptions, type EvaluateOptions } from './fit-options.js';
import { modelPenalty } from './penalty.js';
import type { TrainingRuntime } from './runtime.js';
import { parseSampleWeight, rowWeights } from './row-weights.js';
import type { TrainableModel } from './trainable-model.js';
import type { TrainingData } from './train-model.js';

/** Loss (with the L1/L2 penalty) and compiled metrics of `model` over `data` (see Sequential.evaluate). */
export async function evaluateModel(model: TrainableModel, data: TrainingData, options: EvaluateOptions): Promise<Record<string, number>> {
  const { batchSize, distributed, sampleWeight } = parseEvaluateOptions(options);
  if (distributed === null) {
    const { rt, stats, penalty } = await evaluateHere(model, data, batchSize, sampleWeight);
    return evaluationLogs(rt, stats, '', penalty);
  }
  const { mpi } = distributedContext();
  const release = acquireFit(); // its collectives must not interleave with a distributed fit's
  try {
    const done: { rt?: TrainingRuntime; penalty?: number } = {};
    const stats = await sumOverRanks(
      (sums) => mpi.allreduce(sums, 'sum', 'the all-reduce of the sums of a distributed evaluate'),
      async () => {
        const here = await evaluateHere(model, data, batchSize, sampleWeight);
        done.rt = here.rt;
        done.penalty = here.penalty;
        return here.stats;
      },
      STATS_WIDTH + model.customMetricNames.length,
    );
    if (done.rt === undefined) throw new RangeError('evaluate: no runtime after a successful evaluation');
    return evaluationLogs(done.rt, stats, '', done.penalty);
  } finally {
    release();
  }
}

/** What one process's evaluation gives: the stats sums, the model's penalty (of the same weights) and the runtime. */
interface Evaluated {
  rt: TrainingRuntime;
  stats: Float64Array;
  penalty: number;
}

/** The stats sums of this process's data, and the runtime that computed them. */
async function evaluateHere(model: TrainableModel, data: TrainingData, batchSize: number, sampleWeight: unknown): Promise<Evaluated> {
  model.requireCompiled('evaluate');
  if (isDataset(data)) {
    if (sampleWeight !== undefined) {
      throw new ConfigError("evaluate: sampleWeight gives one weight per row of x in memory; a Dataset's rows carry their own weights (csvDataset's weight column, or blocks with w)");
    }
    return evaluateDataset(model, data, batchSize);
  }
  const width = model.inputWidth ?? inputWidthOf(data.x);
  const rule = model.targetRule(width);
  const xs = toInputMatrix(data.x, width, 'x', false);
  const ys = toTargetMatrix(data.y, xs.rows, rule, 'y', false);
  await scanValues(xs, 'x', null, model.backend);
  await scanValues(ys, 'y', rule, model.backend);
  const weights = sampleWeight === undefined ? null : rowWeights(ys, rule, null, parseSampleWeight('sampleWeight', sampleWeight, xs.rows), 'evaluate');
  model.build(width);
  const rt = model.runtime();
  // held: a fit of this model running beside it takes no step until the stats and penalty are read
  return rt.holdSteps(async () => ({ rt, stats: await evaluateStats(rt, xs, ys, batchSize, weights), penalty: modelPenalty(rt.spec, rt.arena.params) }));
}

async function evaluateDataset(model: TrainableModel, dataset: Dataset, batchSize: number): Promise<Evaluated> {
  const width = model.inputWidth ?? dataset.inputWidth;
  const rule = model.targetRule(width);
  checkDataset(dataset, width, rule, 'the dataset');
  model.build(width);
  const rt = model.runtime();
  return rt.holdSteps(async () => ({ rt, stats: await evaluateDatasetStats(rt, dataset, rule, batchSize), penalty: modelPenalty(rt.spec, rt.arena.params) }));
}

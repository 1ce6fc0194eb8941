// The step executor of a model compiled with a custom loss (losses.custom): the loss is JavaScript, so
// a step cannot run fused inside one native call. Each step is the plan's forwardStep (gather, training
// forward pass, the output copied out), the loss and its gradient in JS, then backwardStep (backward,
// clipping, the norm check, the update and the stats row). The steps run synchronously on the event
// loop's thread; the chunk sizer keeps a chunk near the js backend's target duration.

import { TrainStatus } from '../backend/codes.js';
import type { StepBatch, TrainJob, TrainResult } from '../backend/contract.js';
import { CustomLossRunner, type CustomLoss } from '../losses/index.js';
import { ConfigError } from '../util/errors.js';
import type { TrainingRuntime } from './runtime.js';
import type { StepExecutor } from './step-executor.js';

const EMPTY_F32 = new Float32Array(0);

/** The executor of a fit with a custom loss: one forwardStep / loss / backwardStep per step. */
export function customLossExecutor(rt: TrainingRuntime, maxBatch: number, loss: CustomLoss): StepExecutor {
  const plan = rt.plan(maxBatch);
  const runner = new CustomLossRunner(loss, maxBatch, rt.spec.outputWidth, rt.spec.labelWidth);
  const batch: StepBatch = {
    x: EMPTY_F32, y: EMPTY_F32, weights: null, order: new Uint32Array(0),
    begin: 0, rows: 0, seed: 0, step: 0,
    out: runner.out, target: runner.target, rowWeights: null,
  };
  const steps = (job: TrainJob): TrainResult => {
    if (job.comm !== undefined) throw new ConfigError(`custom loss '${loss.name}': distributed (MPI) training with a custom loss is not supported`);
    const weighted = job.weights !== undefined;
    batch.x = job.x;
    batch.y = job.y;
    batch.weights = job.weights ?? null;
    batch.rowWeights = weighted ? runner.rowWeights : null;
    batch.order = job.order;
    batch.seed = job.seed;
    const n = job.order.length;
    for (let i = 0; i < job.steps; i++) {
      if (Atomics.load(job.control, 0) !== 0) return { stepsDone: i, status: TrainStatus.aborted };
      batch.begin = (job.firstBatch + i) * job.batchSize;
      batch.rows = Math.min(job.batchSize, n - batch.begin);
      batch.step = job.globalStep + i;
      plan.forwardStep(batch);
      const value = runner.lossOf(batch.rows, weighted);
      if (!Number.isFinite(value)) return { stepsDone: i, status: TrainStatus.nonFiniteLoss, detail: runner.problem ?? undefined };
      if (!runner.gradientOf(batch.rows, weighted)) return { stepsDone: i, status: TrainStatus.nonFiniteGradient, detail: runner.problem ?? undefined };
      const status = plan.backwardStep(runner.dOut, batch.rows, value, job.lrs[i], batch.step, job.stats, i);
      if (status !== TrainStatus.ok) return { stepsDone: i, status };
    }
    return { stepsDone: job.steps, status: TrainStatus.ok };
  };
  return {
    run: async (job) => {
      await rt.stepsReleased();
      return rt.exclusive(async () => steps(job));
    },
  };
}

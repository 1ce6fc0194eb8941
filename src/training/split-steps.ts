// The step executor of a model with JavaScript in its step: a custom loss (losses.custom) or custom
// metrics (metrics.custom). Neither can run inside one fused native call, so each step is the plan's
// forwardStep (gather, training forward pass, the output copied out), the custom metrics and the custom
// loss with its gradient in JS, then backwardStep (backward, clipping, the norm check, the update and
// the built-in stats; a built-in loss is computed there). The steps run synchronously on the event
// loop's thread; the chunk sizer keeps a chunk near the js backend's target duration.

import { STATS_WIDTH, TrainStatus } from '../backend/codes.js';
import type { StepBatch, TrainJob, TrainResult } from '../backend/contract.js';
import { CustomLossRunner } from '../losses/index.js';
import { ConfigError } from '../util/errors.js';
import type { TrainingRuntime } from './runtime.js';
import type { StepExecutor } from './step-executor.js';

const EMPTY_F32 = new Float32Array(0);

/** True when a fit of `rt` must run step by step (splitStepExecutor). */
export function needsSplitSteps(rt: TrainingRuntime): boolean {
  return rt.customLoss !== null || rt.customMetrics.length > 0;
}

/**
 * The executor of such a fit. Its jobs' stats rows are STATS_WIDTH + customMetrics.length wide: the
 * built-in sums, then each custom metric's batch value × rows.
 */
export function splitStepExecutor(rt: TrainingRuntime, maxBatch: number): StepExecutor {
  const plan = rt.plan(maxBatch);
  const loss = rt.customLoss;
  const metrics = rt.customMetrics;
  const width = STATS_WIDTH + metrics.length;
  const runner = new CustomLossRunner(loss, maxBatch, rt.spec.outputWidth, rt.spec.labelWidth);
  const builtIn = new Float64Array(STATS_WIDTH); // backwardStep's row, copied into the wide one
  const batch: StepBatch = {
    x: EMPTY_F32, y: EMPTY_F32, weights: null, order: new Uint32Array(0),
    begin: 0, rows: 0, seed: 0, step: 0,
    out: runner.out, target: runner.target, rowWeights: null,
  };
  const steps = (job: TrainJob): TrainResult => {
    if (job.comm !== undefined) throw new ConfigError("distributed: 'mpi' does not support custom losses or metrics yet");
    const weighted = job.weights !== undefined;
    Object.assign(batch, { x: job.x, y: job.y, weights: job.weights ?? null, rowWeights: weighted ? runner.rowWeights : null, order: job.order, seed: job.seed });
    const n = job.order.length;
    for (let i = 0; i < job.steps; i++) {
      if (Atomics.load(job.control, 0) !== 0) return { stepsDone: i, status: TrainStatus.aborted };
      batch.begin = (job.firstBatch + i) * job.batchSize;
      const rows = (batch.rows = Math.min(job.batchSize, n - batch.begin));
      batch.step = job.globalStep + i;
      plan.forwardStep(batch);
      const row = i * width;
      if (metrics.length > 0) {
        const { yPred, yTrue } = runner.viewsFor(rows);
        for (let m = 0; m < metrics.length; m++) job.stats[row + STATS_WIDTH + m] = metrics[m].value(yPred, yTrue) * rows;
      }
      let value = NaN;
      if (loss !== null) {
        value = runner.lossOf(rows, weighted);
        if (!Number.isFinite(value)) return { stepsDone: i, status: TrainStatus.nonFiniteLoss, detail: runner.problem ?? undefined };
        if (!runner.gradientOf(rows, weighted)) return { stepsDone: i, status: TrainStatus.nonFiniteGradient, detail: runner.problem ?? undefined };
      }
      const status = plan.backwardStep(loss !== null ? runner.dOut : null, rows, value, job.lrs[i], batch.step, builtIn, 0);
      if (status !== TrainStatus.ok) return { stepsDone: i, status };
      job.stats.set(builtIn, row);
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

/** The stats row width of a fit of `rt`. */
export function statsWidthOf(rt: TrainingRuntime): number {
  return STATS_WIDTH + rt.customMetrics.length;
}


// How a chunk of optimizer steps runs. Both loops (fit.ts, fit-stream.ts) get their executor from
// stepExecutor() and hand every TrainJob to it through ChunkRunner; today that is one PlanHandle.train
// call, queued behind the model's other plan calls.
//
// Multi-machine (data-parallel) training plugs in here: an executor that, per step, lets the plan compute
// gradients into the arena's flat grads region, all-reduces that one buffer across ranks and then applies
// the update, returning the same TrainResult (see "Where multi-machine training plugs in" in
// ARCHITECTURE.md). The loops, callbacks, checkpoints and resume do not change.

import type { PlanHandle, TrainJob, TrainResult } from '../backend/contract.js';
import type { TrainingRuntime } from './runtime.js';

/** Runs the steps of one TrainJob and reports how many were applied. */
export interface StepExecutor {
  run(job: TrainJob): Promise<TrainResult>;
}

/** The executor of a fit on this process: the plan for `maxBatch` rows, one call per chunk. */
export function stepExecutor(rt: TrainingRuntime, maxBatch: number): StepExecutor {
  const plan: PlanHandle = rt.plan(maxBatch);
  return { run: (job) => rt.exclusive(() => plan.train(job)) };
}

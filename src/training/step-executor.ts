// How a chunk of optimizer steps runs. Both loops (fit.ts, fit-stream.ts) get their executor from
// stepExecutor() and hand every TrainJob to it through ChunkRunner; today that is one PlanHandle.train
// call, queued behind the model's other plan calls; with a custom loss, one step at a time around the
// JS loss or metrics (split-steps.ts).
//
// A distributed (MPI) fit runs through the same executor: its jobs carry `comm`, and the native chunk
// all-reduces each step's gradients itself (see "Many processes (MPI)" in ARCHITECTURE.md), so no JS runs
// between a step's backward and its update.

import type { PlanHandle, TrainJob, TrainResult } from '../backend/contract.js';
import { needsSplitSteps, splitStepExecutor } from './split-steps.js';
import type { TrainingRuntime } from './runtime.js';

/** Runs the steps of one TrainJob and reports how many were applied. */
export interface StepExecutor {
  run(job: TrainJob): Promise<TrainResult>;
}

/** The executor of a fit on this process: the plan for `maxBatch` rows, one call per chunk. */
export function stepExecutor(rt: TrainingRuntime, maxBatch: number): StepExecutor {
  if (needsSplitSteps(rt)) return splitStepExecutor(rt, maxBatch);
  const plan: PlanHandle = rt.plan(maxBatch);
  return {
    run: async (job) => {
      await rt.stepsReleased(); // a predict or evaluate in progress sees one step's weights throughout
      return rt.exclusive(() => plan.train(job));
    },
  };
}

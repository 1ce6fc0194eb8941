// What the training loop needs from a compiled, built model: a TrainableModel's runtime() (for a
// Sequential, its ModelRuntime in src/models/model-runtime.ts), so the loop never reaches into the model's
// private state.

import type { Backend, PlanHandle, PlanSpec } from '../backend/contract.js';
import type { CallbackModel } from '../callbacks/callback.js';
import type { CustomLoss } from '../losses/index.js';
import type { CustomMetric, MetricName } from '../metrics/index.js';
import type { Arena } from '../memory/arena.js';
import type { Optimizer } from '../optimizers/index.js';
import type { LearningRateSchedule } from '../schedules/index.js';

export interface TrainingRuntime {
  readonly backend: Backend;
  readonly spec: PlanSpec;
  readonly arena: Arena;
  readonly optimizer: Optimizer;
  readonly schedule: LearningRateSchedule | null;
  readonly metrics: readonly MetricName[];
  /** The custom loss the model was compiled with (steps then run one at a time around it), or null. */
  readonly customLoss: CustomLoss | null;
  /** Custom metrics (metrics.custom): their sums follow the built-in ones in each stats row. */
  readonly customMetrics: readonly CustomMetric[];
  /** The model as callbacks see it (stopTraining, params, save). */
  readonly model: CallbackModel;
  /** The plan bound to the current arena, created on first use with scratch for `maxBatch` rows. */
  plan(maxBatch: number): PlanHandle;
  /** Optimizer steps taken so far (the `t` of the next step is this + 1). */
  getStep(): number;
  /** Records `steps` completed optimizer steps. */
  advanceStep(steps: number): void;
  /**
   * Runs `fn` when no other plan call of this model is in flight (calls queue in order). Each chunk
   * takes it separately, so a callback or another caller can evaluate/predict between chunks of a fit.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** True when no plan call of this model is queued or running: a synchronous plan call may run now. */
  idle(): boolean;
  /** Runs `fn` (a predict or evaluate) with the fit's steps held, so all of it sees one step's weights. */
  holdSteps<T>(fn: () => Promise<T>): Promise<T>;
  /** Resolves when no predict or evaluate holds the steps; a chunk of steps starts only then. */
  stepsReleased(): Promise<void>;
}

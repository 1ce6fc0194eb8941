// What training needs from a model, and nothing more: trainModel/evaluateModel (train-model.ts,
// evaluate-model.ts) run a whole fit or evaluation through this interface, so training never imports a
// model class. Sequential hands it over (src/models/trainable.ts). The model's config is opaque JSON here
// (compared on resume, stored in checkpoints), as `preprocessing` is to io.

import type { Backend } from '../backend/contract.js';
import type { CallbackModel } from '../callbacks/callback.js';
import type { TargetRule } from '../data/validate-data.js';
import type { JsonObject } from '../io/json-value.js';
import type { TrainingRuntime } from './runtime.js';

/** Optimizer state: the step count t and one copy of each slot (paramCount floats each). */
export interface OptimizerState {
  step: number;
  slots: Float32Array[];
}

/** A model as trainModel and evaluateModel see it. */
export interface TrainableModel {
  readonly backend: Backend;
  /** The model seed (uint32): a run without a seed of its own derives one from it and the step count. */
  readonly seed: number;
  /** The model as callbacks see it (stopTraining, params, save). */
  readonly callbackModel: CallbackModel;
  /** The input width data must have: the built width, else the declared one, else null (the data decide). */
  readonly inputWidth: number | null;
  /** @throws ConfigError when `method` cannot run: not compiled, or no layers. */
  requireCompiled(method: 'fit' | 'evaluate'): void;
  /** What targets must look like for the compiled loss with `inputWidth` inputs (after requireCompiled). */
  targetRule(inputWidth: number): TargetRule;
  /** The name of the custom loss the model was compiled with, or null (built-in loss, or not compiled). */
  readonly customLossName: string | null;
  /** The names of the custom metrics the model was compiled with (their sums widen the stats rows). */
  readonly customMetricNames: readonly string[];
  /** @throws ConfigError while a fit of this model is running. */
  requireIdle(method: string): void;
  /** Runs `fn` as a fit: the model is busy (compile and dispose throw) until its promise settles. */
  whileBusy<T>(fn: () => Promise<T>): Promise<T>;
  /** Creates the weights for `inputWidth` inputs; nothing when already built for it. */
  build(inputWidth: number): void;
  /** What the loop runs on (built and compiled). @throws ConfigError when not compiled. */
  runtime(): TrainingRuntime;

  // What a checkpoint saves (through io's SavableModel) and a resume restores.
  /** The model's config, plain JSON; opaque to training. */
  toConfig(): object;
  readonly params: Float32Array;
  /** @throws ShapeError when the length differs from paramCount. */
  setParams(values: Float32Array): void;
  getOptimizerState(): OptimizerState | null;
  /** @throws ConfigError / ShapeError when the state does not fit the compiled optimizer. */
  setOptimizerState(state: OptimizerState): void;
  /** The data layer's opaque preprocessing, kept with the weights. */
  preprocessing: JsonObject | null;
}

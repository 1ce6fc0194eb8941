// Callback factories (`callbacks.earlyStopping({...})`) and the callback types.

import { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
import { lambdaCallback, type LambdaCallbackOptions } from './lambda.js';
import { ModelCheckpoint, type ModelCheckpointOptions } from './model-checkpoint.js';

export { CallbackList, checkCallbacks, type Callback, type CallbackModel, type CallbackStateEntry, type Logs } from './callback.js';
export { EarlyStopping, type EarlyStoppingOptions, type EarlyStoppingState } from './early-stopping.js';
export { ModelCheckpoint, type ModelCheckpointOptions } from './model-checkpoint.js';
export { type LambdaCallbackOptions } from './lambda.js';
export { type MonitorMode } from './monitor.js';

/**
 * Callback factories. Any object with hook methods (onEpochEnd, onBatchEnd, ...) is also a callback.
 * @example
 * ```ts
 * await model.fit(x, y, { validationSplit: 0.1, callbacks: [
 *   callbacks.earlyStopping({ patience: 3, restoreBestWeights: true }),
 *   callbacks.modelCheckpoint({ path: 'best.nntrain' }),
 * ] });
 * ```
 */
export const callbacks = {
  /** Stop when the monitored value stops improving (Keras semantics). */
  earlyStopping: (options?: EarlyStoppingOptions): EarlyStopping => new EarlyStopping(options),
  /** Save the model every epoch or when the monitored value improves. */
  modelCheckpoint: (options: ModelCheckpointOptions): ModelCheckpoint => new ModelCheckpoint(options),
  /** A callback from plain functions. */
  lambda: (options: LambdaCallbackOptions) => lambdaCallback(options),
};

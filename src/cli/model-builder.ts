// The model a training command builds from its options: hidden dense layers (with batch or layer
// normalization before their activation, dropout and L1/L2), an
// output layer and loss that fit the target (regression → linear + mse, two classes → sigmoid + binary
// cross-entropy, more → softmax + sparse categorical cross-entropy), the optimizer and the schedule.
// A value the library rejects is reported as a usage error naming the flag.

import { layers } from '../layers/index.js';
import { Sequential } from '../models/sequential.js';
import { optimizers } from '../optimizers/index.js';
import { ConfigError } from '../util/errors.js';
import type { TargetInfo } from './pipeline/index.js';
import { UsageError } from './errors.js';
import { scheduleConfig, type RunLength } from './schedule-spec.js';
import { OPTIMIZER_OPTIONS, type TrainConfig } from './train-config.js';

const REGRESSION_LOSSES = ['mse', 'mae', 'huber'];
const CLASSIFICATION_LOSSES = ['binaryCrossentropy', 'sparseCategoricalCrossentropy', 'categoricalCrossentropy'];

/** The loss for the target: --loss, or the default of the task. @throws UsageError for a loss unfit for the task. */
export function lossFor(cfg: Pick<TrainConfig, 'loss'>, target: TargetInfo): string {
  const regression = target.task === 'regression';
  if (cfg.loss === 'auto') return regression ? 'mse' : target.task === 'binary' ? 'binaryCrossentropy' : 'sparseCategoricalCrossentropy';
  const fits = regression ? REGRESSION_LOSSES : target.task === 'binary' ? CLASSIFICATION_LOSSES : CLASSIFICATION_LOSSES.slice(1);
  if (!fits.includes(cfg.loss)) {
    const what = regression ? 'a regression target' : `a ${target.task === 'binary' ? '2' : (target.labels?.length ?? 0)}-class target`;
    throw new UsageError(`--loss ${cfg.loss} does not fit ${what} ('${target.name}'); use one of ${fits.join(', ')}`);
  }
  return cfg.loss;
}

/** Output units of the last layer for the loss. */
function outputUnits(loss: string, target: TargetInfo): number {
  if (target.task === 'regression' || loss === 'binaryCrossentropy') return 1;
  return target.labels?.length ?? 2;
}

/** Runs `fn`; a ConfigError from the library becomes a UsageError that names the flag. */
function asUsage<T>(flag: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConfigError && !(err instanceof UsageError)) throw new UsageError(`${flag}: ${err.message}`);
    throw err;
  }
}

/** The optimizer options given in the config, under the library's names. */
export function optimizerOptions(cfg: TrainConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, { name }] of Object.entries(OPTIMIZER_OPTIONS)) {
    const value = cfg[key as keyof TrainConfig];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * A compiled model for `inputs` features, seeded with `seed`.
 * @throws UsageError for options the library rejects (naming the flag).
 */
export function buildModel(cfg: TrainConfig, inputs: number, target: TargetInfo, seed: number, run: RunLength): Sequential {
  const loss = lossFor(cfg, target);
  const model = new Sequential({ seed, ...(cfg.backend !== undefined ? { backend: cfg.backend } : {}), name: `nntrain-${target.name}` });
  const penalty = cfg.l1 > 0 || cfg.l2 > 0 ? { l1: cfg.l1, l2: cfg.l2 } : undefined;
  const regularizer = penalty === undefined ? {} : { kernelRegularizer: penalty };
  cfg.layers.forEach((units, i) => {
    const first = i === 0 ? { inputShape: [inputs] as [number] } : {};
    if (cfg.norm === 'none') {
      model.add(layers.dense({ units, activation: cfg.activation as never, ...first, ...regularizer }));
    } else {
      // batch norm subtracts each feature's mean, bias included: beta is the shift, and the dense layer has no bias
      model.add(layers.dense({ units, useBias: cfg.norm !== 'batch', ...first, ...regularizer }));
      model.add(cfg.norm === 'batch' ? layers.batchNormalization() : layers.layerNormalization());
      model.add(layers.activation({ activation: cfg.activation as never }));
    }
    if (cfg.dropout > 0) model.add(layers.dropout({ rate: cfg.dropout }));
  });
  const units = outputUnits(loss, target);
  const activation = target.task === 'regression' ? 'linear' : units === 1 ? 'sigmoid' : 'softmax';
  model.add(layers.dense({ units, activation, ...(cfg.layers.length === 0 ? { inputShape: [inputs] } : {}), ...regularizer }));
  const optimizer = asUsage(`--optimizer ${cfg.optimizer}`, () => optimizers[cfg.optimizer as keyof typeof optimizers](optimizerOptions(cfg) as never));
  const schedule = asUsage('--schedule', () => scheduleConfig(cfg.schedule, run));
  const metrics = target.task === 'regression' ? ['mae'] : ['accuracy'];
  asUsage('--schedule', () => model.compile({ optimizer, loss: loss as never, metrics, precision: cfg.precision, ...(schedule !== undefined ? { schedule: schedule as never } : {}) }));
  return model;
}

// Loss name resolution: the `loss` option of compile → code + parameters. The model compiler decides
// fusion with the last activation and the label mode; the kernels live in the backends.

import { Loss, type LossCode, type LossName } from '../backend/codes.js';
import { CustomLoss, type CustomLossOptions } from './custom.js';
import { ConfigError } from '../util/errors.js';
import { checkBoolean, checkChoice, checkKeys, checkNumber, invalid, isPlainObject, isString, orDefault } from '../util/validate.js';

export { CustomLoss, CustomLossRunner, type CustomLossOptions, type LossMatrix } from './custom.js';

/**
 * A loss as the compiler needs it. `delta` is huber's delta (else 0); fromLogits only for cross-entropies.
 * A custom loss has its own name, `custom` set, and the code of mse (the plan's loss is not used: the
 * training loop computes the loss in JS between forward and backward).
 */
export interface ResolvedLoss {
  name: string;
  code: LossCode;
  delta: number;
  fromLogits: boolean;
  custom?: CustomLoss; // only for a custom loss
}

export type CrossentropyName = 'binaryCrossentropy' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy';

/** The serialized form: a name, or an object with the options that differ by loss. */
export type LossConfig =
  | LossName
  | { name: 'mse' | 'mae' }
  | { name: 'huber'; delta: number }
  | { name: CrossentropyName; fromLogits: boolean }
  | { custom: string };

export const LOSS_NAMES = Object.keys(Loss) as LossName[];
const CROSSENTROPIES: readonly LossName[] = ['binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy'];

/**
 * The loss for the `loss` option: a name from codes.ts Loss, or `{ name, delta?, fromLogits? }`.
 * huber: delta > 0, default 1.0. fromLogits (default false): the model's output is logits (the compiler
 * fuses the sigmoid/softmax into the loss); only for the cross-entropies.
 * @throws ConfigError for an unknown name (with a did-you-mean hint), an unknown key, an option the loss
 * does not take, or a bad value.
 */
export function resolveLoss(value: unknown): ResolvedLoss {
  if (value instanceof CustomLoss) return { name: value.name, code: Loss.mse, delta: 0, fromLogits: false, custom: value };
  if (isPlainObject(value) && typeof value.custom === 'string') {
    throw new ConfigError(`The model uses the custom loss '${value.custom}': pass that loss (losses.custom({ name: '${value.custom}', … })) in customObjects`);
  }
  if (isString(value)) return make(checkChoice('loss', value, LOSS_NAMES), {});
  if (isPlainObject(value)) {
    checkKeys('loss', value, ['name', 'delta', 'fromLogits']);
    const { name, ...options } = value;
    return make(checkChoice('loss', name, LOSS_NAMES), options);
  }
  throw invalid('loss', 'a loss name or { name, delta?, fromLogits? }', value);
}

function make(name: LossName, options: { delta?: unknown; fromLogits?: unknown }): ResolvedLoss {
  if (options.delta !== undefined && name !== 'huber') throw new ConfigError(`delta applies only to huber, not to loss '${name}'`);
  if (options.fromLogits !== undefined && !CROSSENTROPIES.includes(name)) {
    throw new ConfigError(`fromLogits applies only to ${CROSSENTROPIES.join(', ')}, not to loss '${name}'`);
  }
  const delta = name === 'huber' ? checkNumber('delta', orDefault(options.delta, 1.0), { min: 0, minOpen: true }) : 0;
  const fromLogits = options.fromLogits === undefined ? false : checkBoolean('fromLogits', options.fromLogits);
  return { name, code: Loss[name], delta, fromLogits };
}

/** The serializable form of a resolved loss (resolveLoss reads it back); a bare name when nothing is set. */
export function lossToConfig(l: ResolvedLoss): LossConfig {
  if (l.custom !== undefined) return { custom: l.custom.name };
  if (l.name === 'huber') return { name: 'huber', delta: l.delta };
  if (l.fromLogits && l.name !== 'mse' && l.name !== 'mae') return { name: l.name as CrossentropyName, fromLogits: true };
  return l.name as LossName;
}

function crossentropy(name: CrossentropyName, options?: { fromLogits?: boolean }): { name: CrossentropyName; fromLogits: boolean } {
  if (options !== undefined && !isPlainObject(options)) throw invalid(`the options of losses.${name}`, 'an options object', options);
  if (options) checkKeys(`losses.${name}`, options, ['fromLogits']);
  return { name, fromLogits: checkBoolean('fromLogits', orDefault(options?.fromLogits, false)) };
}

/**
 * Loss config factories for the `loss` option (validated here, resolved by compile).
 * @example
 * ```ts
 * model.compile({ optimizer: 'adam', loss: losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
 * ```
 */
export const losses = {
  mse: (): { name: 'mse' } => ({ name: 'mse' }),
  mae: (): { name: 'mae' } => ({ name: 'mae' }),
  /** delta > 0, default 1.0. */
  huber: (options?: { delta?: number }): { name: 'huber'; delta: number } => {
    if (options !== undefined && !isPlainObject(options)) throw invalid('the options of losses.huber', 'an options object', options);
    if (options) checkKeys('losses.huber', options, ['delta']);
    return { name: 'huber', delta: checkNumber('delta', orDefault(options?.delta, 1.0), { min: 0, minOpen: true }) };
  },
  binaryCrossentropy: (options?: { fromLogits?: boolean }) => crossentropy('binaryCrossentropy', options),
  categoricalCrossentropy: (options?: { fromLogits?: boolean }) => crossentropy('categoricalCrossentropy', options),
  sparseCategoricalCrossentropy: (options?: { fromLogits?: boolean }) => crossentropy('sparseCategoricalCrossentropy', options),
  /**
   * A loss written in JavaScript (Keras's custom loss function, with its gradient given): `forward`
   * returns each row's loss, `gradient` each row's derivative with respect to the output (see
   * {@link CustomLossOptions}). Batch loss = (1/rows)·Σ w_r·loss_r, as the built-in losses (w: sampleWeight
   * / classWeight, else 1). yPred is the output after the last activation (probabilities, not logits),
   * yTrue has one column per output. On the native backend such a model trains step by step (forward,
   * this loss in JS, backward and update), slower than the fused built-in losses (see the README).
   * Check a gradient with test/helpers/loss-gradcheck.ts's finite differences.
   * @example
   * ```ts
   * const mse = losses.custom({
   *   name: 'myMse',
   *   forward: (p, t, out) => { for (let r = 0; r < p.rows; r++) { let s = 0; for (let j = 0; j < p.cols; j++) s += (p.data[r * p.cols + j] - t.data[r * p.cols + j]) ** 2; out[r] = s / p.cols; } return out; },
   *   gradient: (p, t, d) => { for (let i = 0; i < d.data.length; i++) d.data[i] = (2 * (p.data[i] - t.data[i])) / p.cols; },
   * });
   * model.compile({ optimizer: 'adam', loss: mse });
   * ```
   * @throws ConfigError for a bad or built-in name, or forward/gradient not functions.
   */
  custom: (options: CustomLossOptions): CustomLoss => new CustomLoss(options, LOSS_NAMES),
};

// Optimizer factories and name/config resolution (the `optimizer` option of compile and model files).

import { Optimizer as OptimizerCode, type OptimizerName } from '../backend/codes.js';
import { checkChoice, invalid, isPlainObject, isString } from '../util/validate.js';
import { Adadelta } from './adadelta.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import { Adamax } from './adamax.js';
import { Nadam } from './nadam.js';
import { Radam } from './radam.js';
import { Optimizer } from './optimizer.js';
import { RmsProp } from './rmsprop.js';
import { Sgd } from './sgd.js';
import type {
  AdadeltaOptions,
  AdagradOptions,
  AdamOptions,
  AdamWOptions,
  AdamaxOptions,
  NadamOptions,
  RadamOptions,
  OptimizerConfig,
  RmsPropOptions,
  SgdOptions,
} from './types.js';

export { Optimizer } from './optimizer.js';
export { Sgd } from './sgd.js';
export { Adagrad } from './adagrad.js';
export { Adadelta } from './adadelta.js';
export { RmsProp } from './rmsprop.js';
export { Adam } from './adam.js';
export { AdamW } from './adamw.js';
export { Adamax } from './adamax.js';
export { Nadam } from './nadam.js';
export { Radam } from './radam.js';
export type * from './types.js';

/**
 * Optimizer factories, one per torch.optim rule; each validates its options (see the class docs).
 * @example
 * ```ts
 * model.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'mse' });
 * ```
 */
export const optimizers = {
  sgd: (options?: SgdOptions): Sgd => new Sgd(options),
  adagrad: (options?: AdagradOptions): Adagrad => new Adagrad(options),
  adadelta: (options?: AdadeltaOptions): Adadelta => new Adadelta(options),
  rmsprop: (options?: RmsPropOptions): RmsProp => new RmsProp(options),
  adam: (options?: AdamOptions): Adam => new Adam(options),
  adamw: (options?: AdamWOptions): AdamW => new AdamW(options),
  adamax: (options?: AdamaxOptions): Adamax => new Adamax(options),
  nadam: (options?: NadamOptions): Nadam => new Nadam(options),
  radam: (options?: RadamOptions): Radam => new Radam(options),
};

const NAMES = Object.keys(OptimizerCode) as OptimizerName[];

function create(name: OptimizerName, options: object): Optimizer {
  return optimizers[name](options);
}

/**
 * The optimizer for the `optimizer` option: a name ('adam', with defaults), an Optimizer, or a config
 * object `{ name, ...options }` as getConfig returns.
 * @throws ConfigError for an unknown name (with a did-you-mean hint), unknown option keys or bad values.
 */
export function resolveOptimizer(value: unknown): Optimizer {
  if (value instanceof Optimizer) return value;
  if (isString(value)) return create(checkChoice('optimizer', value, NAMES), {});
  if (isPlainObject(value)) {
    const { name, ...options } = value;
    return create(checkChoice('optimizer', name, NAMES), options);
  }
  throw invalid('optimizer', 'an optimizer name, config object or Optimizer', value);
}

/**
 * Rebuilds an optimizer from getConfig() output (validated again: configs come from files).
 * @throws ConfigError for an unknown name, unknown keys or bad values.
 */
export function optimizerFromConfig(config: OptimizerConfig): Optimizer {
  if (!isPlainObject(config)) throw invalid('optimizer config', 'a config object', config);
  return resolveOptimizer(config);
}

// Initializer factories and name/config resolution (kernelInitializer / biasInitializer options).

import { ConfigError } from '../util/errors.js';
import { checkChoice, invalid, isPlainObject, isString } from '../util/validate.js';
import { ConstantInitializer, type ConstantOptions, constantInitializer } from './constant.js';
import type { Initializer, InitializerConfig, InitializerName } from './initializer.js';
import { RandomNormal, type RandomNormalOptions, RandomUniform, type RandomUniformOptions } from './random.js';
import { VarianceScaling } from './varianceScaling.js';

export type * from './initializer.js';
export type { ConstantOptions } from './constant.js';
export type { RandomNormalOptions, RandomUniformOptions } from './random.js';
export { ConstantInitializer } from './constant.js';
export { RandomNormal, RandomUniform } from './random.js';
export { VarianceScaling, TRUNCATED_NORMAL_STDDEV, truncatedNormal } from './varianceScaling.js';

/**
 * Initializer factories with Keras semantics. glorot* use n = (fanIn + fanOut)/2, he* and lecun* n = fanIn;
 * *Uniform draw U[−√(3s/n), √(3s/n)), *Normal a truncated normal with stddev √(s/n) (s = 2 for he, else 1).
 * @example
 * ```ts
 * layers.dense({ units: 64, activation: 'relu', kernelInitializer: initializers.heNormal() });
 * ```
 */
export const initializers = {
  zeros: (): ConstantInitializer => new ConstantInitializer('zeros', 0),
  ones: (): ConstantInitializer => new ConstantInitializer('ones', 1),
  /** Every element = value (finite, required). */
  constant: (options: ConstantOptions): ConstantInitializer => constantInitializer(options),
  /** N(mean = 0, stddev = 0.05). */
  randomNormal: (options?: RandomNormalOptions): RandomNormal => new RandomNormal(options),
  /** U[minval = −0.05, maxval = 0.05). */
  randomUniform: (options?: RandomUniformOptions): RandomUniform => new RandomUniform(options),
  glorotUniform: (): VarianceScaling => new VarianceScaling('glorotUniform'),
  glorotNormal: (): VarianceScaling => new VarianceScaling('glorotNormal'),
  heUniform: (): VarianceScaling => new VarianceScaling('heUniform'),
  heNormal: (): VarianceScaling => new VarianceScaling('heNormal'),
  lecunNormal: (): VarianceScaling => new VarianceScaling('lecunNormal'),
  lecunUniform: (): VarianceScaling => new VarianceScaling('lecunUniform'),
};

const NAMES = Object.keys(initializers) as InitializerName[];

function create(option: string, name: unknown, options: Record<string, unknown>): Initializer {
  const choice = checkChoice(option, name, NAMES);
  switch (choice) {
    case 'constant':
      return constantInitializer(options as unknown as ConstantOptions);
    case 'randomNormal':
      return new RandomNormal(options);
    case 'randomUniform':
      return new RandomUniform(options);
    default:
      if (Object.keys(options).length > 0) {
        throw new ConfigError(`initializers.${choice} takes no options but received '${Object.keys(options).join("', '")}'`);
      }
      return initializers[choice]();
  }
}

function isInitializer(value: unknown): value is Initializer {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Initializer>;
  return typeof v.fill === 'function' && typeof v.getConfig === 'function' && isString(v.name);
}

/**
 * The initializer for option `option` (e.g. 'kernelInitializer'): a name ('heNormal'), an Initializer, or
 * a config object `{ name, ...options }` as getConfig returns.
 * @throws ConfigError for an unknown name (with a did-you-mean hint), unknown keys or bad values.
 */
export function resolveInitializer(option: string, value: unknown): Initializer {
  if (isInitializer(value)) return value;
  if (isString(value)) return create(option, value, {});
  if (isPlainObject(value)) {
    const { name, ...options } = value;
    return create(option, name, options);
  }
  throw invalid(option, 'an initializer name, config object or Initializer', value);
}

/**
 * Rebuilds an initializer from getConfig() output.
 * @throws ConfigError for an unknown name or bad values.
 */
export function initializerFromConfig(config: InitializerConfig): Initializer {
  return resolveInitializer('initializer', config);
}

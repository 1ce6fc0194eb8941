// Weight penalties (kernelRegularizer / biasRegularizer options), compiled to a PenaltySpec per tensor:
// loss += l1·Σ|w| + l2·Σw², grad += l1·sign(w) + 2·l2·w (Keras convention).

import type { PenaltySpec } from '../backend/contract.js';
import { checkChoice, checkKeys, checkNumber, invalid, isPlainObject, isString, orDefault, readOptions } from '../util/validate.js';

/** An L1/L2 penalty on one tensor (either coefficient may be 0). */
export interface Regularizer {
  l1: number;
  l2: number;
  getConfig(): { name: 'l1l2'; l1: number; l2: number };
}

export type RegularizerConfig = ReturnType<Regularizer['getConfig']>;

/** loss += l1·Σ|w| + l2·Σw² over the tensor it is attached to. */
export class L1L2 implements Regularizer {
  l1: number;
  l2: number;

  /** @throws ConfigError when l1 or l2 is negative or not finite. */
  constructor(l1: number, l2: number, option = 'regularizer') {
    this.l1 = checkNumber(`${option}.l1`, l1, { min: 0 });
    this.l2 = checkNumber(`${option}.l2`, l2, { min: 0 });
  }

  getConfig(): RegularizerConfig {
    return { name: 'l1l2', l1: this.l1, l2: this.l2 };
  }
}

/**
 * Regularizer factories (Keras defaults: l1(0.01), l2(0.01), l1l2({ l1: 0, l2: 0 })).
 * @example
 * ```ts
 * layers.dense({ units: 32, kernelRegularizer: regularizers.l2(1e-4) });
 * ```
 * @throws ConfigError for a negative or non-finite coefficient.
 */
export const regularizers = {
  l1: (l1 = 0.01): L1L2 => new L1L2(checkNumber('l1', l1, { min: 0 }), 0),
  l2: (l2 = 0.01): L1L2 => new L1L2(0, checkNumber('l2', l2, { min: 0 })),
  l1l2: (options: { l1?: number; l2?: number } = {}): L1L2 => {
    readOptions('regularizers.l1l2', options, ['l1', 'l2']);
    return new L1L2(checkNumber('l1', orDefault(options.l1, 0), { min: 0 }), checkNumber('l2', orDefault(options.l2, 0), { min: 0 }));
  },
};

const NAMES = ['l1', 'l2', 'l1l2'] as const;

/**
 * The penalty for option `option` (e.g. 'kernelRegularizer'): undefined/null (none), a Regularizer, a name
 * ('l1', 'l2' with 0.01; 'l1l2' with 0), or an object `{ l1?, l2? }` (a config with name 'l1l2' too).
 * @throws ConfigError for an unknown name or key, or a negative or non-finite coefficient.
 */
export function resolveRegularizer(option: string, value: unknown): PenaltySpec {
  if (value === undefined || value === null) return { l1: 0, l2: 0 };
  if (value instanceof L1L2) return { l1: value.l1, l2: value.l2 };
  if (isString(value)) {
    const name = checkChoice(option, value, NAMES);
    const r = name === 'l1l2' ? regularizers.l1l2() : regularizers[name]();
    return { l1: r.l1, l2: r.l2 };
  }
  if (isPlainObject(value)) {
    // a user Regularizer (l1, l2, getConfig) or a plain {l1, l2} / {name: 'l1l2', l1, l2}
    if (typeof value.getConfig !== 'function') {
      checkKeys(option, value, ['name', 'l1', 'l2']);
      if (value.name !== undefined) checkChoice(`${option}.name`, value.name, ['l1l2'] as const);
    }
    const r = new L1L2((orDefault(value.l1, 0)) as number, (orDefault(value.l2, 0)) as number, option);
    return { l1: r.l1, l2: r.l2 };
  }
  throw invalid(option, 'a regularizer, { l1, l2 } or undefined', value);
}

/**
 * Rebuilds a regularizer from getConfig() output.
 * @throws ConfigError for bad values.
 */
export function regularizerFromConfig(config: RegularizerConfig): L1L2 {
  const { l1, l2 } = resolveRegularizer('regularizer', config);
  return new L1L2(l1, l2);
}

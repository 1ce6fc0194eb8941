// Initializers that write one value everywhere.

import { checkKeys, checkNumber, invalid, isPlainObject } from '../util/validate.js';
import type { Initializer, InitializerConfig } from './initializer.js';

/** Every element = value. `initializers.zeros()` and `.ones()` are the named special cases. */
export class ConstantInitializer implements Initializer {
  readonly name: 'zeros' | 'ones' | 'constant';
  readonly value: number;

  constructor(name: 'zeros' | 'ones' | 'constant', value: number) {
    this.name = name;
    this.value = value;
  }

  fill(out: Float32Array): void {
    out.fill(this.value);
  }

  getConfig(): InitializerConfig {
    return this.name === 'constant' ? { name: 'constant', value: this.value } : { name: this.name };
  }
}

export interface ConstantOptions {
  /** The value of every element, finite (required). */
  value: number;
}

/**
 * `initializers.constant({ value })`.
 * @throws ConfigError when value is missing or not finite, or for an unknown key.
 */
export function constantInitializer(options: ConstantOptions): ConstantInitializer {
  if (!isPlainObject(options)) throw invalid('the options of initializers.constant', 'an options object', options);
  checkKeys('initializers.constant', options, ['value']);
  return new ConstantInitializer('constant', checkNumber('value', options.value));
}

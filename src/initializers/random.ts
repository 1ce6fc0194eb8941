// Initializers with fixed distribution parameters (not scaled by the tensor's fans).

import type { Rng } from '../util/rng.js';
import { ConfigError } from '../util/errors.js';
import { checkNumber, orDefault, readOptions } from '../util/validate.js';
import type { Initializer, InitializerConfig } from './initializer.js';

export interface RandomNormalOptions {
  /** Default 0. */
  mean?: number;
  /** >= 0. Default 0.05. */
  stddev?: number;
}

/** N(mean, stddev²), not truncated (Keras RandomNormal). Draws rng.normal(). */
export class RandomNormal implements Initializer {
  readonly name = 'randomNormal' as const;
  readonly mean: number;
  readonly stddev: number;

  constructor(options?: RandomNormalOptions) {
    const o = readOptions<RandomNormalOptions>('initializers.randomNormal', options, ['mean', 'stddev']);
    this.mean = checkNumber('mean', orDefault(o.mean, 0));
    this.stddev = checkNumber('stddev', orDefault(o.stddev, 0.05), { min: 0 });
  }

  fill(out: Float32Array, _fanIn: number, _fanOut: number, rng: Rng): void {
    for (let i = 0; i < out.length; i++) out[i] = this.mean + this.stddev * rng.normal();
  }

  getConfig(): InitializerConfig {
    return { name: this.name, mean: this.mean, stddev: this.stddev };
  }
}

export interface RandomUniformOptions {
  /** Lower bound (inclusive). Default -0.05. */
  minval?: number;
  /** Upper bound (exclusive), >= minval. Default 0.05. */
  maxval?: number;
}

/** U[minval, maxval) (Keras RandomUniform). Draws rng.uniform53(). */
export class RandomUniform implements Initializer {
  readonly name = 'randomUniform' as const;
  readonly minval: number;
  readonly maxval: number;

  constructor(options?: RandomUniformOptions) {
    const o = readOptions<RandomUniformOptions>('initializers.randomUniform', options, ['minval', 'maxval']);
    this.minval = checkNumber('minval', orDefault(o.minval, -0.05));
    this.maxval = checkNumber('maxval', orDefault(o.maxval, 0.05));
    if (this.maxval < this.minval) {
      throw new ConfigError(`Expected maxval >= minval for initializers.randomUniform but received minval ${this.minval} and maxval ${this.maxval}`);
    }
  }

  fill(out: Float32Array, _fanIn: number, _fanOut: number, rng: Rng): void {
    const width = this.maxval - this.minval;
    for (let i = 0; i < out.length; i++) out[i] = this.minval + width * rng.uniform53();
  }

  getConfig(): InitializerConfig {
    return { name: this.name, minval: this.minval, maxval: this.maxval };
  }
}

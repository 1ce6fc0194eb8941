// The initializer interface and the serialized configs of the built-in initializers.

import type { Rng } from '../util/rng.js';

/**
 * Fills a new tensor before training. All randomness comes from the passed Rng, so a model seed gives the
 * same weights on every backend.
 */
export interface Initializer {
  readonly name: string;
  /** Writes every element of `out`; fanIn/fanOut are the tensor's input and output widths. */
  fill(out: Float32Array, fanIn: number, fanOut: number, rng: Rng): void;
  /** Plain JSON with the name and every option; initializerFromConfig restores it. */
  getConfig(): InitializerConfig;
}

export type VarianceScalingName = 'glorotUniform' | 'glorotNormal' | 'heUniform' | 'heNormal' | 'lecunNormal' | 'lecunUniform';

/** The serialized form of an initializer: its name and parameters (plain JSON, see getConfig). */
export type InitializerConfig =
  | { name: 'zeros' }
  | { name: 'ones' }
  | { name: 'constant'; value: number }
  | { name: 'randomNormal'; mean: number; stddev: number }
  | { name: 'randomUniform'; minval: number; maxval: number }
  | { name: VarianceScalingName };

export type InitializerName = InitializerConfig['name'];

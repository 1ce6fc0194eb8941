// Fan-scaled initializers (Keras VarianceScaling): Glorot/Xavier, He/Kaiming and LeCun.

import type { Rng } from '../util/rng.js';
import type { Initializer, InitializerConfig, VarianceScalingName } from './initializer.js';

/**
 * The standard deviation of a standard normal truncated to [-2, 2]; dividing by it makes the truncated
 * draws have the intended variance (Keras's constant).
 */
export const TRUNCATED_NORMAL_STDDEV = 0.87962566103423978;

/** A standard normal draw, redrawn until |z| <= 2 (Keras/TF truncated_normal). */
export function truncatedNormal(rng: Rng): number {
  for (;;) {
    const z = rng.normal();
    if (z >= -2 && z <= 2) return z;
  }
}

interface Scaling {
  scale: number;
  mode: 'fanIn' | 'fanAvg';
  distribution: 'uniform' | 'truncatedNormal';
}

const SCALINGS: Readonly<Record<VarianceScalingName, Scaling>> = {
  glorotUniform: { scale: 1, mode: 'fanAvg', distribution: 'uniform' },
  glorotNormal: { scale: 1, mode: 'fanAvg', distribution: 'truncatedNormal' },
  heUniform: { scale: 2, mode: 'fanIn', distribution: 'uniform' },
  heNormal: { scale: 2, mode: 'fanIn', distribution: 'truncatedNormal' },
  lecunUniform: { scale: 1, mode: 'fanIn', distribution: 'uniform' },
  lecunNormal: { scale: 1, mode: 'fanIn', distribution: 'truncatedNormal' },
};

/**
 * Variance s / n with n = fanIn, or (fanIn + fanOut) / 2 for Glorot (n at least 1), s = 2 for He, else 1:
 * - uniform: U[−limit, limit) with limit = √(3·s/n)                         (draws rng.uniform53())
 * - normal:  truncated normal (|z| <= 2) times √(s/n) / 0.87962566103423978  (draws rng.normal())
 */
export class VarianceScaling implements Initializer {
  readonly name: VarianceScalingName;

  constructor(name: VarianceScalingName) {
    this.name = name;
  }

  /** The target variance for a tensor with these fans. */
  variance(fanIn: number, fanOut: number): number {
    const { scale, mode } = SCALINGS[this.name];
    const n = mode === 'fanIn' ? fanIn : (fanIn + fanOut) / 2;
    return scale / Math.max(1, n);
  }

  fill(out: Float32Array, fanIn: number, fanOut: number, rng: Rng): void {
    const variance = this.variance(fanIn, fanOut);
    if (SCALINGS[this.name].distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      for (let i = 0; i < out.length; i++) out[i] = (2 * rng.uniform53() - 1) * limit;
    } else {
      const stddev = Math.sqrt(variance) / TRUNCATED_NORMAL_STDDEV;
      for (let i = 0; i < out.length; i++) out[i] = truncatedNormal(rng) * stddev;
    }
  }

  getConfig(): InitializerConfig {
    return { name: this.name };
  }
}

// Adamax: Adam with the infinity norm in place of the second moment.

import { readMomentHyper } from './moments.js';
import { Optimizer, readOptions } from './optimizer.js';
import type { AdamaxConfig, AdamaxOptions } from './types.js';

const KEYS = ['beta1', 'beta2', 'eps', 'weightDecay'] as const;

/**
 * Adamax, exactly as torch.optim.Adamax (t = step, 1-based):
 * ```
 * g   += λ·p                                  (weightDecay λ, an L2 penalty; torch has no decoupled form)
 * m    = β1·m + (1 − β1)·g
 * u    = max(β2·u, |g| + eps)
 * p   −= lr / (1 − β1^t) · m / u
 * ```
 * Hyper: [beta1, beta2, eps, weightDecay]; slots: [m, u].
 * Defaults: learningRate 0.002, beta1 0.9, beta2 0.999, eps 1e-8, weightDecay 0.
 *
 * @example
 * ```ts
 * model.compile({ optimizer: optimizers.adamax({ learningRate: 2e-3 }), loss: 'mse' });
 * ```
 * @throws ConfigError for an unknown option or a value out of range (betas in [0, 1), eps > 0).
 */
export class Adamax extends Optimizer {
  readonly name = 'adamax' as const;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;

  constructor(options?: AdamaxOptions) {
    const o = readOptions<AdamaxOptions>('optimizers.adamax', options, KEYS);
    super(o, 0.002);
    ({ beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay } = readMomentHyper(o));
  }

  getConfig(): AdamaxConfig {
    return { name: this.name, ...this.commonConfig(), beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay };
  }

  protected hyper(): number[] {
    return [this.beta1, this.beta2, this.eps, this.weightDecay];
  }
}

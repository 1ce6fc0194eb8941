// AdamW: Adam with decoupled weight decay (Loshchilov & Hutter).

import { ADAM_KEYS, readAdamHyper } from './adam.js';
import { Optimizer, readOptions } from './optimizer.js';
import type { AdamWConfig, AdamWOptions } from './types.js';

/**
 * AdamW, exactly as torch.optim.AdamW (t = step, 1-based). As Adam, except that the decay shrinks the
 * parameters directly instead of being added to the gradient:
 * ```
 * p   *= 1 − lr·λ                             (weightDecay λ, decoupled)
 * m    = β1·m + (1 − β1)·g
 * v    = β2·v + (1 − β2)·g²
 * bc1  = 1 − β1^t ;  bc2 = 1 − β2^t
 * amsgrad: vmax = max(vmax, v) ; denom = √vmax / √bc2 + eps
 * else:                          denom = √v / √bc2 + eps
 * p   −= (lr / bc1)·m / denom
 * ```
 * Hyper: [beta1, beta2, eps, weightDecay, amsgrad]; slots: [m, v, vmax].
 * Defaults: learningRate 0.001, beta1 0.9, beta2 0.999, eps 1e-8, weightDecay 0.01, amsgrad false.
 *
 * @example
 * ```ts
 * model.compile({ optimizer: optimizers.adamw({ learningRate: 1e-3, weightDecay: 0.05 }), loss: 'mse' });
 * ```
 * @throws ConfigError for an unknown option or a value out of range (betas in [0, 1), eps > 0).
 */
export class AdamW extends Optimizer {
  readonly name = 'adamw' as const;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;

  constructor(options?: AdamWOptions) {
    const o = readOptions<AdamWOptions>('optimizers.adamw', options, ADAM_KEYS);
    super(o, 0.001);
    ({ beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay, amsgrad: this.amsgrad } =
      readAdamHyper(o, 0.01));
  }

  getConfig(): AdamWConfig {
    return {
      name: this.name,
      ...this.commonConfig(),
      beta1: this.beta1,
      beta2: this.beta2,
      eps: this.eps,
      weightDecay: this.weightDecay,
      amsgrad: this.amsgrad,
    };
  }

  protected hyper(): number[] {
    return [this.beta1, this.beta2, this.eps, this.weightDecay, this.amsgrad ? 1 : 0];
  }
}

// AdamW: Adam with decoupled weight decay (Loshchilov & Hutter).

import { Adam } from './adam.js';
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
export class AdamW extends Adam {
  override readonly name = 'adamw' as const;

  constructor(options?: AdamWOptions) {
    super(options, { context: 'optimizers.adamw', defaultWeightDecay: 0.01 });
  }

  override getConfig(): AdamWConfig {
    return { ...super.getConfig(), name: this.name };
  }
}

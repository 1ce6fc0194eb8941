// RAdam: Adam whose adaptive step is rectified by the variance of the second moment (Liu et al. 2019).

import { checkBoolean, orDefault } from '../util/validate.js';
import { readMomentHyper } from './moments.js';
import { Optimizer, readOptions } from './optimizer.js';
import type { RadamConfig, RadamOptions } from './types.js';

const KEYS = ['beta1', 'beta2', 'eps', 'weightDecay', 'decoupledWeightDecay'] as const;

/**
 * RAdam, exactly as torch.optim.RAdam (t = step, 1-based):
 * ```
 * decoupledWeightDecay: p *= 1 − lr·λ   else: g += λ·p      (weightDecay λ)
 * m    = β1·m + (1 − β1)·g
 * v    = β2·v + (1 − β2)·g²
 * bc1  = 1 − β1^t ;  bc2 = 1 − β2^t
 * ρ∞   = 2 / (1 − β2) − 1 ;  ρ_t = ρ∞ − 2t·β2^t / bc2
 * ρ_t > 5: r_t = √((ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t))
 *          p −= lr·r_t·√bc2 / bc1 · m / (√v + eps)
 * else:    p −= lr / bc1 · m                                 (SGD with momentum: the first 5 steps at β2 0.999)
 * ```
 * Hyper: [beta1, beta2, eps, weightDecay, decoupledWeightDecay]; slots: [m, v].
 * Defaults: learningRate 0.001, beta1 0.9, beta2 0.999, eps 1e-8, weightDecay 0, decoupledWeightDecay false.
 *
 * @example
 * ```ts
 * model.compile({ optimizer: optimizers.radam({ learningRate: 1e-3 }), loss: 'mse' });
 * ```
 * @throws ConfigError for an unknown option or a value out of range (betas in [0, 1), eps > 0).
 */
export class Radam extends Optimizer {
  readonly name = 'radam' as const;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupledWeightDecay: boolean;

  constructor(options?: RadamOptions) {
    const o = readOptions<RadamOptions>('optimizers.radam', options, KEYS);
    super(o, 0.001);
    ({ beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay } = readMomentHyper(o));
    this.decoupledWeightDecay = checkBoolean('decoupledWeightDecay', orDefault(o.decoupledWeightDecay, false));
  }

  getConfig(): RadamConfig {
    return {
      name: this.name,
      ...this.commonConfig(),
      beta1: this.beta1,
      beta2: this.beta2,
      eps: this.eps,
      weightDecay: this.weightDecay,
      decoupledWeightDecay: this.decoupledWeightDecay,
    };
  }

  protected hyper(): number[] {
    return [this.beta1, this.beta2, this.eps, this.weightDecay, this.decoupledWeightDecay ? 1 : 0];
  }
}

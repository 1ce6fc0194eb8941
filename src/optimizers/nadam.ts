// NAdam: Adam with Nesterov momentum and a warming momentum schedule (Dozat 2016).

import { checkBoolean, checkNumber, orDefault } from '../util/validate.js';
import { readMomentHyper } from './moments.js';
import { Optimizer, readOptions } from './optimizer.js';
import type { NadamConfig, NadamOptions } from './types.js';

const KEYS = ['beta1', 'beta2', 'eps', 'weightDecay', 'momentumDecay', 'decoupledWeightDecay'] as const;

/**
 * NAdam, exactly as torch.optim.NAdam (t = step, 1-based):
 * ```
 * decoupledWeightDecay: p *= 1 − lr·λ   else: g += λ·p      (weightDecay λ)
 * μ_t  = β1·(1 − 0.5·0.96^(t·ψ)) ;  μ_{t+1} likewise        (momentumDecay ψ)
 * m    = β1·m + (1 − β1)·g
 * v    = β2·v + (1 − β2)·g²
 * denom = √(v / (1 − β2^t)) + eps
 * p   −= lr·(1 − μ_t) / (1 − ∏_{i≤t} μ_i) · g / denom + lr·μ_{t+1} / (1 − ∏_{i≤t+1} μ_i) · m / denom
 * ```
 * The μ product is a function of t alone, computed in float64 when the step runs (not stored).
 * Hyper: [beta1, beta2, eps, weightDecay, momentumDecay, decoupledWeightDecay]; slots: [m, v].
 * Defaults: learningRate 0.002, beta1 0.9, beta2 0.999, eps 1e-8, weightDecay 0, momentumDecay 0.004,
 * decoupledWeightDecay false (true is torch's NAdamW form).
 *
 * @example
 * ```ts
 * model.compile({ optimizer: optimizers.nadam({ learningRate: 2e-3, momentumDecay: 4e-3 }), loss: 'mse' });
 * ```
 * @throws ConfigError for an unknown option or a value out of range (betas in [0, 1), eps > 0, momentumDecay >= 0).
 */
export class Nadam extends Optimizer {
  readonly name = 'nadam' as const;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly momentumDecay: number;
  readonly decoupledWeightDecay: boolean;

  constructor(options?: NadamOptions) {
    const o = readOptions<NadamOptions>('optimizers.nadam', options, KEYS);
    super(o, 0.002);
    ({ beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay } = readMomentHyper(o));
    this.momentumDecay = checkNumber('momentumDecay', orDefault(o.momentumDecay, 0.004), { min: 0 });
    this.decoupledWeightDecay = checkBoolean('decoupledWeightDecay', orDefault(o.decoupledWeightDecay, false));
  }

  getConfig(): NadamConfig {
    return {
      name: this.name,
      ...this.commonConfig(),
      beta1: this.beta1,
      beta2: this.beta2,
      eps: this.eps,
      weightDecay: this.weightDecay,
      momentumDecay: this.momentumDecay,
      decoupledWeightDecay: this.decoupledWeightDecay,
    };
  }

  protected hyper(): number[] {
    return [this.beta1, this.beta2, this.eps, this.weightDecay, this.momentumDecay, this.decoupledWeightDecay ? 1 : 0];
  }
}

// Adam (with optional AMSGrad): bias-corrected first and second moment estimates.

import { checkBoolean, orDefault } from '../util/validate.js';
import { readMomentHyper } from './moments.js';
import { Optimizer, readOptions } from './optimizer.js';
import type { AdamConfig, AdamOptions, AdamWConfig } from './types.js';

const ADAM_KEYS = ['beta1', 'beta2', 'eps', 'weightDecay', 'amsgrad'] as const;

/** The validated Adam-family hyperparameters (shared by Adam and AdamW, which differ only in weight decay). */
export interface AdamHyper {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
}

/** Validates the Adam-family options; `defaultWeightDecay` is 0 for adam and 0.01 for adamw. */
function readAdamHyper(o: Partial<AdamOptions>, defaultWeightDecay: number): AdamHyper {
  return {
    ...readMomentHyper(o, defaultWeightDecay),
    amsgrad: checkBoolean('amsgrad', orDefault(o.amsgrad, false)),
  };
}

/**
 * Adam, exactly as torch.optim.Adam (t = step, 1-based):
 * ```
 * g   += λ·p                                  (weightDecay λ, coupled: an L2 penalty)
 * m    = β1·m + (1 − β1)·g
 * v    = β2·v + (1 − β2)·g²
 * bc1  = 1 − β1^t ;  bc2 = 1 − β2^t
 * amsgrad: vmax = max(vmax, v) ; denom = √vmax / √bc2 + eps
 * else:                          denom = √v / √bc2 + eps
 * p   −= (lr / bc1)·m / denom
 * ```
 * Hyper: [beta1, beta2, eps, weightDecay, amsgrad]; slots: [m, v, vmax].
 * Defaults: learningRate 0.001, beta1 0.9, beta2 0.999, eps 1e-8, weightDecay 0, amsgrad false.
 *
 * @example
 * ```ts
 * model.compile({ optimizer: optimizers.adam({ learningRate: 3e-4, amsgrad: true }), loss: 'mse' });
 * ```
 * @throws ConfigError for an unknown option or a value out of range (betas in [0, 1), eps > 0).
 */
export class Adam extends Optimizer {
  readonly name: 'adam' | 'adamw' = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;

  /** `variant` lets AdamW reuse everything but the name and the default weight decay. */
  constructor(options?: AdamOptions, variant = { context: 'optimizers.adam', defaultWeightDecay: 0 }) {
    const o = readOptions<AdamOptions>(variant.context, options, ADAM_KEYS);
    super(o, 0.001);
    ({ beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay, amsgrad: this.amsgrad } =
      readAdamHyper(o, variant.defaultWeightDecay));
  }

  getConfig(): AdamConfig | AdamWConfig {
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

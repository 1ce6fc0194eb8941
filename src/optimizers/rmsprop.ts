// RMSprop: gradients divided by a running RMS, optionally centered and with momentum.

import { checkBoolean, checkNumber, orDefault } from '../util/validate.js';
import { Optimizer, readOptions} from './optimizer.js';
import type { RmsPropConfig, RmsPropOptions } from './types.js';

const KEYS = ['alpha', 'eps', 'weightDecay', 'momentum', 'centered'] as const;

/**
 * RMSprop, exactly as torch.optim.RMSprop:
 * ```
 * g  += λ·p                                   (weightDecay λ)
 * sq  = α·sq + (1 − α)·g²
 * if centered: ga = α·ga + (1 − α)·g ;  avg = √(sq − ga²) + eps
 * else:                                  avg = √sq + eps
 * if μ > 0:    buf = μ·buf + g / avg ;   p −= lr·buf
 * else:                                  p −= lr·g / avg
 * ```
 * Hyper: [alpha, eps, weightDecay, momentum, centered]; slots: [sq, buf, ga].
 * Defaults: learningRate 0.01, alpha 0.99, eps 1e-8, weightDecay 0, momentum 0, centered false.
 *
 * @example
 * ```ts
 * model.compile({ optimizer: optimizers.rmsprop({ learningRate: 1e-3, centered: true }), loss: 'mse' });
 * ```
 * @throws ConfigError for an unknown option or a value out of range.
 */
export class RmsProp extends Optimizer {
  readonly name = 'rmsprop' as const;
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly momentum: number;
  readonly centered: boolean;

  constructor(options?: RmsPropOptions) {
    const o = readOptions<RmsPropOptions>('optimizers.rmsprop', options, KEYS);
    super(o, 0.01);
    this.alpha = checkNumber('alpha', orDefault(o.alpha, 0.99), { min: 0, max: 1 });
    this.eps = checkNumber('eps', orDefault(o.eps, 1e-8), { min: 0, minOpen: true });
    this.weightDecay = checkNumber('weightDecay', orDefault(o.weightDecay, 0), { min: 0 });
    this.momentum = checkNumber('momentum', orDefault(o.momentum, 0), { min: 0, max: 1 });
    this.centered = checkBoolean('centered', orDefault(o.centered, false));
  }

  getConfig(): RmsPropConfig {
    return {
      name: this.name,
      ...this.commonConfig(),
      alpha: this.alpha,
      eps: this.eps,
      weightDecay: this.weightDecay,
      momentum: this.momentum,
      centered: this.centered,
    };
  }

  protected hyper(): number[] {
    return [this.alpha, this.eps, this.weightDecay, this.momentum, this.centered ? 1 : 0];
  }
}

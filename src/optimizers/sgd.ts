// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight decay.

import { ConfigError } from '../util/errors.js';
import { checkBoolean, checkNumber, orDefault } from '../util/validate.js';
import { Optimizer, readOptions} from './optimizer.js';
import type { SgdConfig, SgdOptions } from './types.js';

const KEYS = ['momentum', 'dampening', 'nesterov', 'weightDecay'] as const;

/**
 * SGD, exactly as torch.optim.SGD (t = step, 1-based; g = gradient after clipping):
 * ```
 * g += λ·p                                    (weightDecay λ)
 * if μ ≠ 0:  buf = t == 1 ? g : μ·buf + (1 − τ)·g
 *            g   = nesterov ? g + μ·buf : buf
 * p −= lr·g
 * ```
 * Hyper: [momentum, dampening, nesterov, weightDecay]; slot 0 = momentum buffer.
 * Defaults: learningRate 0.01 (Keras; PyTorch has none), momentum 0, dampening 0, nesterov false, weightDecay 0.
 *
 * @example
 * ```ts
 * model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), loss: 'mse' });
 * ```
 * @throws ConfigError for an unknown option, a value out of range, or nesterov without momentum > 0 and
 * dampening 0.
 */
export class Sgd extends Optimizer {
  readonly name = 'sgd' as const;
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  constructor(options?: SgdOptions) {
    const o = readOptions<SgdOptions>('optimizers.sgd', options, KEYS);
    super(o, 0.01);
    this.momentum = checkNumber('momentum', orDefault(o.momentum, 0), { min: 0, max: 1 });
    this.dampening = checkNumber('dampening', orDefault(o.dampening, 0), { min: 0, max: 1 });
    this.nesterov = checkBoolean('nesterov', orDefault(o.nesterov, false));
    this.weightDecay = checkNumber('weightDecay', orDefault(o.weightDecay, 0), { min: 0 });
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new ConfigError(
        `nesterov requires momentum > 0 and dampening 0 but received momentum ${this.momentum} and dampening ${this.dampening}`,
      );
    }
  }

  getConfig(): SgdConfig {
    return {
      name: this.name,
      ...this.commonConfig(),
      momentum: this.momentum,
      dampening: this.dampening,
      nesterov: this.nesterov,
      weightDecay: this.weightDecay,
    };
  }

  protected hyper(): number[] {
    return [this.momentum, this.dampening, this.nesterov ? 1 : 0, this.weightDecay];
  }
}

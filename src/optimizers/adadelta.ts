// Adadelta: step sizes from the ratio of running RMS of updates to running RMS of gradients.

import { checkNumber, orDefault } from '../util/validate.js';
import { Optimizer, readOptions} from './optimizer.js';
import type { AdadeltaConfig, AdadeltaOptions } from './types.js';

const KEYS = ['rho', 'eps', 'weightDecay'] as const;

/**
 * Adadelta, exactly as torch.optim.Adadelta:
 * ```
 * g   += λ·p                                  (weightDecay λ)
 * sq   = ρ·sq + (1 − ρ)·g²
 * δ    = √(acc + eps) / √(sq + eps) · g
 * acc  = ρ·acc + (1 − ρ)·δ²
 * p   −= lr·δ
 * ```
 * Hyper: [rho, eps, weightDecay]; slots: [sq (squareAvg), acc (accDelta)].
 * Defaults: learningRate 1.0, rho 0.9, eps 1e-6, weightDecay 0.
 *
 * @example
 * ```ts
 * model.compile({ optimizer: optimizers.adadelta({ rho: 0.95 }), loss: 'mse' });
 * ```
 * @throws ConfigError for an unknown option or a value out of range.
 */
export class Adadelta extends Optimizer {
  readonly name = 'adadelta' as const;
  readonly rho: number;
  readonly eps: number;
  readonly weightDecay: number;

  constructor(options?: AdadeltaOptions) {
    const o = readOptions<AdadeltaOptions>('optimizers.adadelta', options, KEYS);
    super(o, 1.0);
    this.rho = checkNumber('rho', orDefault(o.rho, 0.9), { min: 0, max: 1 });
    this.eps = checkNumber('eps', orDefault(o.eps, 1e-6), { min: 0, minOpen: true });
    this.weightDecay = checkNumber('weightDecay', orDefault(o.weightDecay, 0), { min: 0 });
  }

  getConfig(): AdadeltaConfig {
    return { name: this.name, ...this.commonConfig(), rho: this.rho, eps: this.eps, weightDecay: this.weightDecay };
  }

  protected hyper(): number[] {
    return [this.rho, this.eps, this.weightDecay];
  }
}

// Adagrad: per-parameter step sizes from the running sum of squared gradients.

import { checkNumber, orDefault } from '../util/validate.js';
import { Optimizer, readOptions} from './optimizer.js';
import type { AdagradConfig, AdagradOptions } from './types.js';

const KEYS = ['lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps'] as const;

/**
 * Adagrad, exactly as torch.optim.Adagrad (t = step, 1-based):
 * ```
 * g   += λ·p                                  (weightDecay λ)
 * clr  = lr / (1 + (t − 1)·lrDecay)
 * sum += g²
 * p   −= clr·g / (√sum + eps)
 * ```
 * Hyper: [lrDecay, weightDecay, initialAccumulatorValue, eps]; slot 0 = sum, which initSlots sets to
 * initialAccumulatorValue. Defaults: learningRate 0.01, lrDecay 0, weightDecay 0, initialAccumulatorValue 0,
 * eps 1e-10.
 *
 * @example
 * ```ts
 * model.compile({ optimizer: optimizers.adagrad({ learningRate: 0.05, initialAccumulatorValue: 0.1 }), loss: 'mse' });
 * ```
 * @throws ConfigError for an unknown option or a value out of range.
 */
export class Adagrad extends Optimizer {
  readonly name = 'adagrad' as const;
  readonly lrDecay: number;
  readonly weightDecay: number;
  readonly initialAccumulatorValue: number;
  readonly eps: number;

  constructor(options?: AdagradOptions) {
    const o = readOptions<AdagradOptions>('optimizers.adagrad', options, KEYS);
    super(o, 0.01);
    this.lrDecay = checkNumber('lrDecay', orDefault(o.lrDecay, 0), { min: 0 });
    this.weightDecay = checkNumber('weightDecay', orDefault(o.weightDecay, 0), { min: 0 });
    this.initialAccumulatorValue = checkNumber('initialAccumulatorValue', orDefault(o.initialAccumulatorValue, 0), { min: 0 });
    this.eps = checkNumber('eps', orDefault(o.eps, 1e-10), { min: 0, minOpen: true });
  }

  getConfig(): AdagradConfig {
    return {
      name: this.name,
      ...this.commonConfig(),
      lrDecay: this.lrDecay,
      weightDecay: this.weightDecay,
      initialAccumulatorValue: this.initialAccumulatorValue,
      eps: this.eps,
    };
  }

  protected hyper(): number[] {
    return [this.lrDecay, this.weightDecay, this.initialAccumulatorValue, this.eps];
  }

  protected override initialSlotValue(_index: number): number {
    return this.initialAccumulatorValue;
  }
}

// A schedule given as a function; validated at every use because nothing can be checked up front.

import { ConfigError } from '../util/errors.js';
import { describe } from '../util/validate.js';
import type { CustomConfig, LearningRateSchedule } from './schedule.js';

/**
 * lr = fn(epoch, step) (epoch and global step 0-based; the optimizer's learningRate is ignored).
 * A custom schedule cannot be saved in a model file: its config is `{ name: 'custom' }` and restoring it
 * throws.
 *
 * @example
 * ```ts
 * schedules.custom((epoch) => (epoch < 5 ? 1e-3 : 1e-4));
 * ```
 * @throws ConfigError (from `at`) when fn does not return a finite number > 0.
 */
export class CustomSchedule implements LearningRateSchedule {
  readonly name = 'custom' as const;
  readonly fn: (epoch: number, step: number) => number;

  constructor(fn: (epoch: number, step: number) => number) {
    if (typeof fn !== 'function') {
      throw new ConfigError(`Expected a function (epoch, step) => learningRate for schedules.custom but received ${describe(fn)}`);
    }
    this.fn = fn;
  }

  at(_baseLr: number, epoch: number, step: number): number {
    const lr: unknown = this.fn(epoch, step);
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) {
      throw new ConfigError(
        `Expected a finite number > 0 from the custom schedule at epoch ${epoch}, step ${step} but received ${describe(lr)}`,
      );
    }
    return lr;
  }

  getConfig(): CustomConfig {
    return { name: this.name };
  }
}

// The optimizer base class: validated common options (learning rate, clipping), the numeric spec a
// backend runs (codes.ts Optimizer: kind + hyper vector), and slot initialization. The update itself is
// Backend.optimizerStep; each subclass documents its rule and owns the order of its hyperparameters.

import { OPTIMIZER_HYPER_LENGTH, OPTIMIZER_SLOTS, Optimizer as OptimizerCode, type OptimizerName } from '../backend/codes.js';
import type { OptimizerSpec } from '../backend/contract.js';
import { ShapeError } from '../util/errors.js';
import { checkNumber, orDefault, readOptions as readOptionsOf } from '../util/validate.js';
import type { OptimizerConfig, OptimizerOptions } from './types.js';

/** Option keys every optimizer accepts. */
export const COMMON_OPTIMIZER_KEYS = ['learningRate', 'clipNorm', 'clipValue'] as const;

/**
 * Checks that `options` is an options object with only known keys; returns it typed.
 * @throws ConfigError for a non-object or an unknown key (with a did-you-mean hint).
 */
export function readOptions<T extends object>(context: string, options: unknown, keys: readonly string[]): Partial<T> {
  return readOptionsOf<T>(context, options, [...COMMON_OPTIMIZER_KEYS, ...keys]);
}

/**
 * An optimizer: validated hyperparameters that compile to an {@link OptimizerSpec}. Instances are
 * immutable; the state (moments, buffers) lives in the model's arena slots, not here.
 */
export abstract class Optimizer {
  abstract readonly name: OptimizerName;
  /** Step size (> 0); a schedule scales it per step. */
  readonly learningRate: number;
  /** Global-norm clip (>= 0, 0 = off). */
  readonly clipNorm: number;
  /** Per-element clip (>= 0, 0 = off). */
  readonly clipValue: number;

  protected constructor(options: OptimizerOptions, defaultLearningRate: number) {
    this.learningRate = checkNumber('learningRate', orDefault(options.learningRate, defaultLearningRate), { min: 0, minOpen: true });
    this.clipNorm = checkNumber('clipNorm', orDefault(options.clipNorm, 0), { min: 0 });
    this.clipValue = checkNumber('clipValue', orDefault(options.clipValue, 0), { min: 0 });
  }

  /** Number of state slots (each paramCount floats) this optimizer needs in the arena. */
  get slotCount(): number {
    return OPTIMIZER_SLOTS[OptimizerCode[this.name]];
  }

  /** The numeric form a backend runs: kind, hyper padded with zeros to OPTIMIZER_HYPER_LENGTH, clipping. */
  toSpec(): OptimizerSpec {
    const hyper = this.hyper();
    while (hyper.length < OPTIMIZER_HYPER_LENGTH) hyper.push(0);
    return { kind: OptimizerCode[this.name], hyper, clipNorm: this.clipNorm, clipValue: this.clipValue };
  }

  /**
   * Sets the optimizer state to its value before the first step (zeros unless the subclass says otherwise).
   * @throws ShapeError when fewer than slotCount slots are given.
   */
  initSlots(slots: Float32Array[]): void {
    if (slots.length < this.slotCount) {
      throw new ShapeError(`${this.name} needs ${this.slotCount} optimizer slots but received ${slots.length}`);
    }
    for (let i = 0; i < this.slotCount; i++) slots[i].fill(this.initialSlotValue(i));
  }

  /** Plain JSON: the name and every option, defaults filled in; optimizerFromConfig restores it. */
  abstract getConfig(): OptimizerConfig;

  /** Hyperparameters in the order codes.ts lists for this optimizer (booleans as 0/1). */
  protected abstract hyper(): number[];

  /** Starting value of slot `index`. */
  protected initialSlotValue(_index: number): number {
    return 0;
  }

  /** The common options, for getConfig. */
  protected commonConfig(): Required<OptimizerOptions> {
    return { learningRate: this.learningRate, clipNorm: this.clipNorm, clipValue: this.clipValue };
  }
}

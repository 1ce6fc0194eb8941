// Closed-form schedules: the learning rate is a pure function of (baseLr, epoch, step).

import { checkBoolean, checkInteger, checkNumber, orDefault, readOptions } from '../util/validate.js';
import type {
  ConstantConfig,
  CosineAnnealingConfig,
  ExponentialDecayConfig,
  LearningRateSchedule,
  StepDecayConfig,
} from './schedule.js';

/** lr = baseLr at every step. */
export class ConstantSchedule implements LearningRateSchedule {
  readonly name = 'constant' as const;

  constructor(options?: Record<string, never>) {
    readOptions('schedules.constant', options, []);
  }

  at(baseLr: number, _epoch?: number, _step?: number): number {
    return baseLr;
  }

  getConfig(): ConstantConfig {
    return { name: this.name };
  }
}

export interface StepDecayOptions {
  /** Epochs between decays, integer >= 1 (required). */
  stepSize: number;
  /** Multiplier per decay, > 0. Default 0.1. */
  gamma?: number;
}

/** lr = baseLr · gamma^⌊epoch / stepSize⌋ (torch.optim.lr_scheduler.StepLR, by epoch). */
export class StepDecay implements LearningRateSchedule {
  readonly name = 'stepDecay' as const;
  readonly stepSize: number;
  readonly gamma: number;

  constructor(options: StepDecayOptions) {
    const o = readOptions<StepDecayOptions>('schedules.stepDecay', options, ['stepSize', 'gamma']);
    this.stepSize = checkInteger('stepSize', o.stepSize, { min: 1 });
    this.gamma = checkNumber('gamma', orDefault(o.gamma, 0.1), { min: 0, minOpen: true });
  }

  at(baseLr: number, epoch: number, _step?: number): number {
    return baseLr * Math.pow(this.gamma, Math.floor(epoch / this.stepSize));
  }

  getConfig(): StepDecayConfig {
    return { name: this.name, stepSize: this.stepSize, gamma: this.gamma };
  }
}

export interface ExponentialDecayOptions {
  /** Steps per decay by decayRate, integer >= 1 (required). */
  decaySteps: number;
  /** Multiplier per decaySteps steps, > 0 (required). */
  decayRate: number;
  /** Decay in whole intervals (⌊step / decaySteps⌋) instead of continuously. Default false. */
  staircase?: boolean;
}

/** lr = baseLr · decayRate^(step / decaySteps), the exponent floored when staircase (Keras ExponentialDecay). */
export class ExponentialDecay implements LearningRateSchedule {
  readonly name = 'exponentialDecay' as const;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;

  constructor(options: ExponentialDecayOptions) {
    const o = readOptions<ExponentialDecayOptions>('schedules.exponentialDecay', options, [
      'decaySteps',
      'decayRate',
      'staircase',
    ]);
    this.decaySteps = checkInteger('decaySteps', o.decaySteps, { min: 1 });
    this.decayRate = checkNumber('decayRate', o.decayRate, { min: 0, minOpen: true });
    this.staircase = checkBoolean('staircase', orDefault(o.staircase, false));
  }

  at(baseLr: number, _epoch: number, step: number): number {
    const p = step / this.decaySteps;
    return baseLr * Math.pow(this.decayRate, this.staircase ? Math.floor(p) : p);
  }

  getConfig(): ExponentialDecayConfig {
    return { name: this.name, decaySteps: this.decaySteps, decayRate: this.decayRate, staircase: this.staircase };
  }
}

export interface CosineAnnealingOptions {
  /** Steps of the cosine decay after the warmup, integer >= 1 (required). */
  decaySteps: number;
  /** Steps of linear warmup from 0 to baseLr, integer >= 0. Default 0. */
  warmupSteps?: number;
  /** The floor the cosine ends at and stays at, >= 0. Default 0. */
  minLearningRate?: number;
}

/**
 * Linear warmup, then half a cosine from baseLr down to minLearningRate, then minLearningRate:
 * ```
 * step < W:          lr = baseLr · step / W
 * s = step − W <= D: lr = min + (baseLr − min) · ½(1 + cos(π s / D))
 * later:             lr = min
 * ```
 * (W = warmupSteps, D = decaySteps; Keras CosineDecay with warmup, with an absolute floor.) The first
 * warmup step has lr 0, as in the usual linear-warmup schedule.
 */
export class CosineAnnealing implements LearningRateSchedule {
  readonly name = 'cosineAnnealing' as const;
  readonly decaySteps: number;
  readonly warmupSteps: number;
  readonly minLearningRate: number;

  constructor(options: CosineAnnealingOptions) {
    const o = readOptions<CosineAnnealingOptions>('schedules.cosineAnnealing', options, [
      'decaySteps',
      'warmupSteps',
      'minLearningRate',
    ]);
    this.decaySteps = checkInteger('decaySteps', o.decaySteps, { min: 1 });
    this.warmupSteps = checkInteger('warmupSteps', orDefault(o.warmupSteps, 0), { min: 0 });
    this.minLearningRate = checkNumber('minLearningRate', orDefault(o.minLearningRate, 0), { min: 0 });
  }

  at(baseLr: number, _epoch: number, step: number): number {
    if (step < this.warmupSteps) return (baseLr * step) / this.warmupSteps;
    const s = step - this.warmupSteps;
    if (s >= this.decaySteps) return this.minLearningRate;
    const cosine = 0.5 * (1 + Math.cos((Math.PI * s) / this.decaySteps));
    return this.minLearningRate + (baseLr - this.minLearningRate) * cosine;
  }

  getConfig(): CosineAnnealingConfig {
    return {
      name: this.name,
      decaySteps: this.decaySteps,
      warmupSteps: this.warmupSteps,
      minLearningRate: this.minLearningRate,
    };
  }
}

// Reduce the learning rate when a monitored metric stops improving (Keras ReduceLROnPlateau).

import { checkChoice, checkInteger, checkNumber, invalid, isPlainObject, isString, orDefault, readOptions } from '../util/validate.js';
import type { LearningRateSchedule, PlateauMode, ReduceOnPlateauConfig } from './schedule.js';

export interface ReduceOnPlateauOptions {
  /** The log key to watch. Default 'val_loss'. */
  monitor?: string;
  /** Multiplier per reduction, in (0, 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement before a reduction, integer >= 0. Default 10. */
  patience?: number;
  /** Smallest change that counts as an improvement, >= 0. Default 1e-4. */
  minDelta?: number;
  /** Epochs after a reduction during which waiting is suspended, integer >= 0. Default 0. */
  cooldown?: number;
  /** The learning rate is never reduced below this, >= 0. Default 0. */
  minLearningRate?: number;
  /** 'min', 'max', or 'auto' ('max' when the monitor name contains 'acc', else 'min'). Default 'auto'. */
  mode?: PlateauMode;
}

/** ReduceOnPlateau's saved state (see getState). */
export interface ReduceOnPlateauState {
  /** The key watched: the monitor, or 'loss' after the fallback. */
  watched: string;
  best: number;
  wait: number;
  cooldownCounter: number;
  reductions: number;
  /** The optimizer's learningRate last seen by `at`, null before the first step. */
  lastBaseLr: number | null;
}

const KEYS = ['monitor', 'factor', 'patience', 'minDelta', 'cooldown', 'minLearningRate', 'mode'] as const;
const MODES: readonly PlateauMode[] = ['auto', 'min', 'max'];

/**
 * Keras ReduceLROnPlateau. After each epoch: in cooldown, the cooldown counter goes down and waiting resets;
 * an improvement (below best − minDelta in min mode, above best + minDelta in max mode) becomes the new
 * best and resets waiting; otherwise, outside cooldown, waiting grows and at `patience` the learning rate
 * becomes max(lr·factor, minLearningRate) (only while lr > minLearningRate) and cooldown starts.
 *
 * After k reductions the rate is max(baseLr·factor^k, minLearningRate). When the monitored key is missing
 * from the logs (for example val_loss without validation data), it watches 'loss' instead, warning once.
 *
 * @example
 * ```ts
 * model.compile({ optimizer: 'adam', loss: 'mse', schedule: schedules.reduceOnPlateau({ patience: 3, factor: 0.5 }) });
 * ```
 * @throws ConfigError for an unknown option or a value out of range.
 */
export class ReduceOnPlateau implements LearningRateSchedule {
  readonly name = 'reduceOnPlateau' as const;
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLearningRate: number;
  readonly mode: PlateauMode;

  private watched!: string; // the monitored key, or 'loss' after the fallback
  private maximize!: boolean;
  private best!: number;
  private wait!: number;
  private cooldownCounter!: number;
  private reductions!: number;
  private lastBaseLr: number | undefined;
  private warnedMissing!: boolean;

  constructor(options?: ReduceOnPlateauOptions) {
    const o = readOptions<ReduceOnPlateauOptions>('schedules.reduceOnPlateau', options, KEYS);
    const monitor = orDefault(o.monitor, 'val_loss');
    if (!isString(monitor) || monitor.length === 0) throw invalid('monitor', 'a non-empty string', monitor);
    this.monitor = monitor;
    this.factor = checkNumber('factor', orDefault(o.factor, 0.1), { min: 0, max: 1, minOpen: true, maxOpen: true });
    this.patience = checkInteger('patience', orDefault(o.patience, 10), { min: 0 });
    this.minDelta = checkNumber('minDelta', orDefault(o.minDelta, 1e-4), { min: 0 });
    this.cooldown = checkInteger('cooldown', orDefault(o.cooldown, 0), { min: 0 });
    this.minLearningRate = checkNumber('minLearningRate', orDefault(o.minLearningRate, 0), { min: 0 });
    this.mode = checkChoice('mode', orDefault(o.mode, 'auto'), MODES);
    this.reset();
  }

  /** Forgets all progress (best value, waiting, reductions), as at the start of a new training run. */
  reset(): void {
    this.watch(this.monitor);
    this.reductions = 0;
    this.lastBaseLr = undefined;
    this.warnedMissing = false;
  }

  /** Number of reductions so far. */
  get reductionCount(): number {
    return this.reductions;
  }

  at(baseLr: number, _epoch?: number, _step?: number): number {
    this.lastBaseLr = baseLr;
    return this.rate(baseLr);
  }

  onEpochEnd(_epoch: number, logs: Record<string, number>): void {
    let current = logs[this.watched];
    if (current === undefined && this.watched !== 'loss') {
      this.warnMissing(`'${this.watched}' is not in the logs; monitoring 'loss' instead`);
      this.watch('loss');
      current = logs.loss;
    }
    if (current === undefined || !Number.isFinite(current)) {
      this.warnMissing(`'${this.watched}' is missing or not finite in the logs; the learning rate is left unchanged`);
      return;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    const improved = this.maximize ? current > this.best + this.minDelta : current < this.best - this.minDelta;
    if (improved) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter === 0) {
      this.wait++;
      if (this.wait >= this.patience && this.canReduce()) {
        this.reductions++;
        this.cooldownCounter = this.cooldown;
        this.wait = 0;
      }
    }
  }

  /** The progress so far (best value, waiting, cooldown, reductions), for a checkpoint. */
  getState(): ReduceOnPlateauState {
    return {
      watched: this.watched,
      best: this.best,
      wait: this.wait,
      cooldownCounter: this.cooldownCounter,
      reductions: this.reductions,
      lastBaseLr: this.lastBaseLr ?? null,
    };
  }

  /** Restores getState output. @throws ConfigError for a malformed state. */
  setState(state: unknown): void {
    if (!isPlainObject(state)) throw invalid('reduceOnPlateau state', 'an object from getState()', state);
    if (state.watched !== this.monitor && state.watched !== 'loss') {
      throw invalid('reduceOnPlateau state.watched', `'${this.monitor}' or 'loss'`, state.watched);
    }
    if (typeof state.best !== 'number') throw invalid('reduceOnPlateau state.best', 'a number', state.best);
    const lastBaseLr = state.lastBaseLr === null ? undefined : checkNumber('reduceOnPlateau state.lastBaseLr', state.lastBaseLr, { min: 0 });
    const wait = checkInteger('reduceOnPlateau state.wait', state.wait, { min: 0 });
    const cooldownCounter = checkInteger('reduceOnPlateau state.cooldownCounter', state.cooldownCounter, { min: 0 });
    const reductions = checkInteger('reduceOnPlateau state.reductions', state.reductions, { min: 0 });
    this.watch(state.watched);
    this.best = state.best;
    this.wait = wait;
    this.cooldownCounter = cooldownCounter;
    this.reductions = reductions;
    this.lastBaseLr = lastBaseLr;
  }

  getConfig(): ReduceOnPlateauConfig {
    return {
      name: this.name,
      monitor: this.monitor,
      factor: this.factor,
      patience: this.patience,
      minDelta: this.minDelta,
      cooldown: this.cooldown,
      minLearningRate: this.minLearningRate,
      mode: this.mode,
    };
  }

  /** The rate after the reductions so far: Keras's lr ← max(lr·factor, min) applied k times. */
  private rate(baseLr: number): number {
    if (this.reductions === 0 || baseLr <= this.minLearningRate) return baseLr;
    return Math.max(baseLr * Math.pow(this.factor, this.reductions), this.minLearningRate);
  }

  /** Keras reduces only while the current rate is above the floor (unknown before the first `at`). */
  private canReduce(): boolean {
    return this.lastBaseLr === undefined || this.rate(this.lastBaseLr) > this.minLearningRate;
  }

  private watch(key: string): void {
    this.watched = key;
    this.maximize = this.mode === 'max' || (this.mode === 'auto' && key.includes('acc'));
    this.best = this.maximize ? -Infinity : Infinity;
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  private warnMissing(message: string): void {
    if (this.warnedMissing) return;
    this.warnedMissing = true;
    process.emitWarning(`nntrain: reduceOnPlateau: ${message}`, { code: 'NNTRAIN_SCHEDULE_MONITOR' });
  }
}

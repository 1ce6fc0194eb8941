// Stop training when a monitored quantity has stopped improving (Keras's EarlyStopping semantics).

import { ShapeError } from '../util/errors.js';
import { checkInteger, checkBoolean, checkNumber, invalid, isPlainObject, readOptions } from '../util/validate.js';
import type { Callback, CallbackModel, Logs } from './callback.js';
import { Monitor, type MonitorMode } from './monitor.js';

/** Options of `callbacks.earlyStopping(options)`; every field is optional. */
export interface EarlyStoppingOptions {
  /** Log to watch. Default 'val_loss' (falls back to 'loss', with one warning, when absent). */
  monitor?: string;
  /** Smallest change that counts as an improvement, >= 0. Default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping, integer >= 0. Default 0. */
  patience?: number;
  /** 'min', 'max', or 'auto' (max for names containing "acc"). Default 'auto'. */
  mode?: MonitorMode;
  /** Training stops unless the monitored value beats this within `patience` epochs. Default none. */
  baseline?: number;
  /** At train end, copy back the weights of the best epoch. Default false. */
  restoreBestWeights?: boolean;
}

const KEYS = ['monitor', 'minDelta', 'patience', 'mode', 'baseline', 'restoreBestWeights'] as const;

/**
 * Stops fit (sets `model.stopTraining`) once the monitored value has not improved for `patience` epochs
 * after the best one. With restoreBestWeights, the parameters of the best epoch are copied back when
 * training ends (however it ends without an error).
 */
export class EarlyStopping implements Callback {
  readonly monitor: Monitor;
  readonly patience: number;
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  /** 0-based epoch at which training was stopped, or -1. */
  stoppedEpoch = -1;
  /** 0-based epoch with the best value, or -1. */
  bestEpoch = -1;
  private model: CallbackModel | null = null;
  private wait = 0;
  private best = Infinity;
  private bestWeights: Float32Array | null = null;

  /** @throws ConfigError naming the option for a bad value or unknown key. */
  constructor(options: EarlyStoppingOptions = {}) {
    readOptions('earlyStopping', options, KEYS);
    this.monitor = new Monitor('earlyStopping', options.monitor ?? 'val_loss', options.mode ?? 'auto', options.minDelta ?? 0);
    this.patience = checkInteger('patience', options.patience ?? 0, { min: 0 });
    this.baseline = options.baseline === undefined ? undefined : checkNumber('baseline', options.baseline);
    this.restoreBestWeights = checkBoolean('restoreBestWeights', options.restoreBestWeights ?? false);
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = -1;
    this.bestEpoch = -1;
    this.best = this.monitor.worst();
    this.bestWeights = null;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = this.monitor.read(logs);
    if (current === undefined || Number.isNaN(current) || this.model === null) return;
    if (this.restoreBestWeights && this.bestWeights === null) this.bestWeights = this.model.params.slice();
    this.wait += 1;
    if (this.monitor.improves(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = this.model.params.slice();
      // restart the wait only when the value also beats the baseline (Keras)
      if (this.baseline === undefined || this.monitor.improves(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.restoreBestWeights && this.bestWeights !== null && this.model !== null) this.model.setParams(this.bestWeights);
  }

  /** What decides the rest of a run: the wait, the best value and epoch, and the best weights (if kept). */
  getState(): EarlyStoppingState {
    return {
      wait: this.wait,
      best: this.best,
      bestEpoch: this.bestEpoch,
      stoppedEpoch: this.stoppedEpoch,
      bestWeights: this.bestWeights === null ? null : this.bestWeights.slice(),
    };
  }

  /**
   * Restores getState output (a resumed fit calls it after onTrainBegin).
   * @throws ConfigError for a malformed state; ShapeError when bestWeights does not fit the model.
   */
  setState(state: unknown): void {
    if (!isPlainObject(state)) throw invalid('earlyStopping state', 'an object from getState()', state);
    const weights = state.bestWeights;
    if (weights !== null && !(weights instanceof Float32Array)) throw invalid('earlyStopping state.bestWeights', 'a Float32Array or null', weights);
    if (weights !== null && this.model !== null && weights.length !== this.model.params.length) {
      throw new ShapeError(`earlyStopping state holds ${weights.length} best weights but the model has ${this.model.params.length} parameters`);
    }
    if (typeof state.best !== 'number') throw invalid('earlyStopping state.best', 'a number', state.best);
    this.wait = checkInteger('earlyStopping state.wait', state.wait, { min: 0 });
    this.bestEpoch = checkInteger('earlyStopping state.bestEpoch', state.bestEpoch, { min: -1 });
    this.stoppedEpoch = checkInteger('earlyStopping state.stoppedEpoch', state.stoppedEpoch, { min: -1 });
    this.best = state.best;
    this.bestWeights = weights === null ? null : weights.slice();
  }
}

/** EarlyStopping's saved state (see getState). */
export interface EarlyStoppingState {
  wait: number;
  /** The best monitored value so far (±Infinity before any). */
  best: number;
  bestEpoch: number;
  stoppedEpoch: number;
  /** The parameters of the best epoch, kept only with restoreBestWeights. */
  bestWeights: Float32Array | null;
}

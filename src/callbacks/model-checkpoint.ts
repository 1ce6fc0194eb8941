// Save the model during training: after every epoch, or only when the monitored value improves.

import { checkBoolean, checkKeys, invalid, isPlainObject, isString } from '../util/validate.js';
import type { Callback, CallbackModel, Logs } from './callback.js';
import { Monitor, type MonitorMode } from './monitor.js';

/** Options of `callbacks.modelCheckpoint(options)`; `path` is required. */
export interface ModelCheckpointOptions {
  /** File to write; `{epoch}` is replaced by the 1-based epoch number (as Keras). Required. */
  path: string;
  /** Log to watch. Default 'val_loss' (falls back to 'loss', with one warning, when absent). */
  monitor?: string;
  /** Save only when the monitored value improves on the best so far. Default true. */
  saveBestOnly?: boolean;
  /** 'min', 'max', or 'auto' (max for names containing "acc"). Default 'auto'. */
  mode?: MonitorMode;
  /** Store the optimizer state too (see saveModel). Default true. */
  includeOptimizer?: boolean;
}

const KEYS = ['path', 'monitor', 'saveBestOnly', 'mode', 'includeOptimizer'] as const;

/**
 * Calls `model.save(path)` at the end of an epoch, every epoch or when the monitored value improves: a
 * model to keep (the best one). To resume an interrupted run, use fit's `checkpoint` option instead,
 * which also stores the training position (epoch, batch, History, callback and schedule state).
 */
export class ModelCheckpoint implements Callback {
  readonly path: string;
  readonly monitor: Monitor;
  readonly saveBestOnly: boolean;
  readonly includeOptimizer: boolean;
  /** Paths written, in order. */
  readonly saved: string[] = [];
  private model: CallbackModel | null = null;
  private best = Infinity;

  /** @throws ConfigError naming the option for a bad value or unknown key. */
  constructor(options: ModelCheckpointOptions) {
    if (!isPlainObject(options)) throw invalid('the options of modelCheckpoint', "an options object such as { path: 'best.nntrain' }", options);
    checkKeys('modelCheckpoint', options, KEYS);
    if (!isString(options.path) || options.path.length === 0) throw invalid('path', 'a non-empty string', options.path);
    this.path = options.path;
    this.monitor = new Monitor('modelCheckpoint', options.monitor ?? 'val_loss', options.mode ?? 'auto', 0);
    this.saveBestOnly = checkBoolean('saveBestOnly', options.saveBestOnly ?? true);
    this.includeOptimizer = checkBoolean('includeOptimizer', options.includeOptimizer ?? true);
    this.best = this.monitor.worst();
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.best = this.monitor.worst();
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.model === null) return;
    if (this.saveBestOnly) {
      const current = this.monitor.read(logs);
      if (current === undefined || Number.isNaN(current) || !this.monitor.improves(current, this.best)) return;
      this.best = current;
    }
    const path = this.path.replaceAll('{epoch}', String(epoch + 1));
    await this.model.save(path, { includeOptimizer: this.includeOptimizer });
    this.saved.push(path);
  }

  /** The best monitored value so far, which decides the next save (a resumed fit restores it). */
  getState(): { best: number } {
    return { best: this.best };
  }

  /** Restores getState output. @throws ConfigError for a malformed state. */
  setState(state: unknown): void {
    if (!isPlainObject(state) || typeof state.best !== 'number') throw invalid('modelCheckpoint state', 'an object { best: number } from getState()', state);
    this.best = state.best;
  }
}

// The monitored quantity shared by earlyStopping and modelCheckpoint: which log to watch, whether lower
// or higher is better ('auto': a custom metric's higherIsBetter, else higher for names containing "acc",
// lower otherwise, as Keras), and the
// fallback to 'loss' when the monitored key is missing (e.g. val_loss without validation data).

import { checkChoice, checkNumber, invalid, isString } from '../util/validate.js';
import type { Logs } from './callback.js';
import { customMetricHigherIsBetter } from '../metrics/index.js';

/** 'auto': what a custom metric of that name says (metrics.custom's higherIsBetter), else Keras's rule. */
function autoMode(key: string): 'min' | 'max' {
  const custom = customMetricHigherIsBetter(key);
  if (custom !== undefined) return custom ? 'max' : 'min';
  return key.includes('acc') ? 'max' : 'min';
}

export type MonitorMode = 'auto' | 'min' | 'max';
const MODES: readonly MonitorMode[] = ['auto', 'min', 'max'];

export class Monitor {
  readonly key: string;
  readonly mode: 'min' | 'max';
  readonly minDelta: number;
  private warned = false;

  constructor(owner: string, monitor: unknown, mode: unknown, minDelta: unknown) {
    if (!isString(monitor) || monitor.length === 0) throw invalid('monitor', "a log name such as 'val_loss'", monitor);
    this.key = monitor;
    const chosen = checkChoice('mode', mode, MODES);
    this.mode = chosen === 'auto' ? autoMode(monitor) : chosen;
    this.minDelta = Math.abs(checkNumber('minDelta', minDelta, { min: 0 }));
    this.owner = owner;
  }

  private readonly owner: string;

  /** The starting "best" value: +∞ for min, −∞ for max. */
  worst(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  /** True when `current` beats `reference` by more than minDelta. */
  improves(current: number, reference: number): boolean {
    return this.mode === 'min' ? current + this.minDelta < reference : current - this.minDelta > reference;
  }

  /**
   * The monitored value in `logs`; when the key is missing, 'loss' (with one warning per callback).
   * undefined when neither is present.
   */
  read(logs: Logs): number | undefined {
    if (logs[this.key] !== undefined) return logs[this.key];
    if (!this.warned) {
      this.warned = true;
      process.emitWarning(
        `nntrain ${this.owner}: '${this.key}' is not in the logs (available: ${Object.keys(logs).join(', ')}); monitoring 'loss' instead`,
        { code: 'NNTRAIN_MONITOR_MISSING' },
      );
    }
    return logs.loss;
  }
}

// Which curves to draw from a History: a loss panel (loss, val_loss) and, when the run logged one, a
// metric panel (e.g. accuracy, val_accuracy). Checks the History's shape before anything is drawn.

import { ConfigError, ShapeError } from '../util/errors.js';
import { describe, isPlainObject } from '../util/validate.js';

/**
 * What the report reads from a History: `history[key][i]` is the value of `key` at epoch `epoch[i]`
 * (0-based; when `epoch` is missing, 0, 1, 2, …). nntrain's History class fits this shape, and so does
 * its JSON form, so a resumed run can redraw the curves of a saved history.
 */
export interface HistoryLike {
  readonly epoch?: readonly number[];
  readonly history: Readonly<Record<string, readonly number[]>>;
}

/** One curve: the history key, whether it is a validation curve, and its values per epoch. */
export interface Series {
  key: string;
  validation: boolean;
  values: readonly number[];
}

/** One panel of the figure: a name (the unprefixed key) and its series (train first, then validation). */
export interface Panel {
  name: string;
  series: Series[];
}

/** Metrics preferred for the second panel, in order, before any other logged key. */
const PREFERRED_METRICS = ['accuracy', 'binaryAccuracy', 'mae', 'mse'];

/**
 * The epochs (0-based) of a history, checked: every series is as long as `epoch`, and epochs are finite.
 * @throws ConfigError when `history` is not shaped like a History.
 * @throws ShapeError naming the first series whose length differs.
 */
export function historyEpochs(history: HistoryLike): number[] {
  if (!isPlainObject(history)) {
    throw new ConfigError(`Expected a History (epoch and history) for history but received ${describe(history)}`);
  }
  const logs: unknown = history.history;
  if (!isPlainObject(logs)) throw new ConfigError(`Expected an object of per-epoch arrays for history.history but received ${describe(logs)}`);
  const keys = Object.keys(logs);
  for (const key of keys) {
    if (!Array.isArray(logs[key])) throw new ConfigError(`Expected an array of numbers for history.history['${key}'] but received ${describe(logs[key])}`);
  }
  const given = history.epoch;
  if (given !== undefined && !Array.isArray(given)) throw new ConfigError(`Expected an array of epoch numbers for history.epoch but received ${describe(given)}`);
  const length = given?.length ?? (keys.length > 0 ? (logs[keys[0]] as unknown[]).length : 0);
  const epochs = given ? [...given] : Array.from({ length }, (_, i) => i);
  epochs.forEach((e, i) => {
    if (typeof e !== 'number' || !Number.isFinite(e)) throw new ConfigError(`Expected a finite epoch number for history.epoch[${i}] but received ${describe(e)}`);
  });
  for (const key of keys) {
    const n = (logs[key] as unknown[]).length;
    if (n !== length) {
      throw new ShapeError(`history.history['${key}'] has ${n} values but ${given ? 'history.epoch has' : `history.history['${keys[0]}'] has`} ${length}: one value per epoch`);
    }
  }
  return epochs;
}

/**
 * The panels to draw: 'loss' (loss and val_loss, when present) and the metric panel. `metric` picks the
 * metric key (its val_ twin is added when logged); undefined picks the first of accuracy,
 * binaryAccuracy, mae, mse, then any other key that is not loss, lr or val_*; null draws no metric panel.
 * Non-number entries read as NaN (a gap).
 * @throws ConfigError for a `metric` that the history does not hold (listing the keys it does hold).
 */
export function choosePanels(history: HistoryLike, metric: string | null | undefined): Panel[] {
  const logs = history.history;
  const keys = Object.keys(logs);
  const panels: Panel[] = [];
  const panel = (name: string): Panel | null => {
    const series: Series[] = [];
    for (const [key, validation] of [[name, false], [`val_${name}`, true]] as const) {
      if (key in logs) series.push({ key, validation, values: logs[key].map((v) => (typeof v === 'number' ? v : NaN)) });
    }
    return series.length > 0 ? { name, series } : null;
  };
  const loss = panel('loss');
  if (loss) panels.push(loss);
  if (metric === null) return panels;
  if (metric !== undefined) {
    const base = metric.startsWith('val_') ? metric.slice(4) : metric;
    const chosen = panel(base);
    if (chosen === null || base === 'loss') {
      throw new ConfigError(`Unknown metric '${metric}' for the learning curves: the history holds ${keys.join(', ') || 'no keys'}`);
    }
    panels.push(chosen);
    return panels;
  }
  const candidates = keys.map((k) => (k.startsWith('val_') ? k.slice(4) : k)).filter((k) => k !== 'loss' && k !== 'lr');
  const pick = PREFERRED_METRICS.find((m) => candidates.includes(m)) ?? candidates[0];
  const chosen = pick === undefined ? null : panel(pick);
  if (chosen) panels.push(chosen);
  return panels;
}

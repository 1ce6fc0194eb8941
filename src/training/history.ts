// The result of fit: per-epoch logs, as Keras's History.

/** The plain form of a History, as a checkpoint stores it. */
export interface HistoryData {
  epoch: number[];
  history: Record<string, number[]>;
}

/** Per-epoch logs of one fit: `history.loss[i]` belongs to epoch `epoch[i]` (0-based). */
export class History {
  /** Epoch indices trained (0-based; start at initialEpoch, or at 0 for a resumed fit). */
  readonly epoch: number[] = [];
  /** loss, each metric, and val_* per epoch, in epoch order. */
  readonly history: Record<string, number[]> = {};

  /**
   * A History holding copies of `saved`'s epochs: a resumed fit continues the checkpointed run's
   * History, so it returns the old epochs and the new ones together.
   */
  static restore(saved: HistoryData): History {
    const out = new History();
    out.epoch.push(...saved.epoch);
    for (const [key, values] of Object.entries(saved.history)) out.history[key] = [...values];
    return out;
  }

  /** Appends one epoch's logs. */
  record(epoch: number, logs: Record<string, number>): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) (this.history[key] ??= []).push(value);
  }

  /** The logs of the last epoch recorded ({} before any): what onTrainEnd receives. */
  lastLogs(): Record<string, number> {
    const last = this.epoch.length - 1;
    const logs: Record<string, number> = {};
    if (last < 0) return logs;
    for (const [key, values] of Object.entries(this.history)) if (values.length > last) logs[key] = values[last];
    return logs;
  }

  /** A plain copy (for a checkpoint). */
  toData(): HistoryData {
    return { epoch: [...this.epoch], history: Object.fromEntries(Object.entries(this.history).map(([k, v]) => [k, [...v]])) };
  }
}

// The result of fit: per-epoch logs, as Keras's History.

/** Per-epoch logs of one fit: `history.loss[i]` belongs to epoch `epoch[i]` (0-based). */
export class History {
  /** Epoch indices trained (0-based; start at initialEpoch). */
  readonly epoch: number[] = [];
  /** loss, each metric, and val_* per epoch, in epoch order. */
  readonly history: Record<string, number[]> = {};

  /** Appends one epoch's logs. */
  record(epoch: number, logs: Record<string, number>): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) (this.history[key] ??= []).push(value);
  }
}

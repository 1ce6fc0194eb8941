// What the commands print: text for people (a live progress bar per epoch on a terminal, one line per
// epoch otherwise) or, with --log-format json, one JSON object per line for log collectors. Commands say
// everything twice — a line and an event — and the format picks one, so the two never disagree.

import cliProgress from 'cli-progress';
import type { Callback, Logs } from '../callbacks/callback.js';
import { formatMetricValue } from '../evaluation/headline.js';
import { epochLine } from '../training/progress.js';
import { onInterrupt } from './interrupt.js';

/** What an epoch callback needs to know about the run. */
export interface EpochProgress {
  /** A prefix such as 'fold 2/5' (cv, tune, ensemble). */
  label?: string;
  epochs: number;
  batchesPerEpoch: number;
  rowsPerEpoch: number;
  /** Print a line per epoch in text mode (train); otherwise the bar alone, which disappears (cv, tune). */
  lines: boolean;
}

/** A JSON line: NaN and ±Infinity become null (JSON has no such numbers). */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}

export class Output {
  readonly json: boolean;
  /** A terminal: the progress bar is drawn. */
  readonly tty: boolean;
  private bar: cliProgress.SingleBar | null = null;

  /** Prints nothing at all: the ranks other than 0 of a distributed run (rank 0 speaks for the job). */
  readonly muted: boolean;

  constructor(
    format: 'text' | 'json',
    private readonly stream: NodeJS.WriteStream = process.stdout,
    options: { muted?: boolean } = {},
  ) {
    this.json = format === 'json';
    this.muted = options.muted === true;
    this.tty = !this.json && !this.muted && stream.isTTY === true;
    // Ctrl-C while the bar (which hides the cursor) is drawn: give the terminal back its cursor first
    if (this.tty) onInterrupt(() => this.close());
  }

  /** A line for people (text mode only). */
  text(line: string): void {
    if (!this.json) this.write(line);
  }

  /** An event for machines (json mode only): `{ "event": name, … }`. */
  event(name: string, fields: Record<string, unknown>): void {
    if (this.json) this.write(jsonLine({ event: name, ...fields }));
  }

  /** Stops a progress bar left running by a failure, so the error line starts on a clean line. */
  close(): void {
    this.bar?.stop();
    this.bar = null;
  }

  private write(line: string): void {
    if (!this.muted) this.stream.write(`${line}\n`);
  }

  /** The fit callback that reports each epoch (and, on a terminal, each batch). */
  epochCallback(p: EpochProgress): Callback {
    let started = 0;
    const prefix = p.label === undefined ? '' : `[${p.label}] `;
    const callback: Callback = {
      onEpochBegin: (epoch: number) => {
        started = performance.now();
        if (!this.tty) return;
        this.bar = new cliProgress.SingleBar(
          {
            format: `${prefix}Epoch {epoch}/${p.epochs} [{bar}] {value}/{total} batches | {speed} samples/s | ETA {eta_formatted} | loss {loss}`,
            stream: this.stream,
            clearOnComplete: true,
            hideCursor: true,
            barsize: 24,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        this.bar.start(p.batchesPerEpoch, 0, { epoch: epoch + 1, speed: '-', loss: '-' });
      },
      onEpochEnd: (epoch: number, logs: Logs) => {
        const seconds = (performance.now() - started) / 1000;
        const speed = Math.round(p.rowsPerEpoch / Math.max(seconds, 1e-6));
        this.close();
        if (p.lines) this.text(`${prefix}${epochLine(epoch, p.epochs, seconds, logs)} - ${speed.toLocaleString('en-US')} samples/s`);
        this.event('epoch', { ...(p.label !== undefined ? { run: p.label } : {}), epoch: epoch + 1, epochs: p.epochs, seconds: round(seconds), samples_per_second: speed, ...logs });
      },
    };
    if (this.tty) {
      const batchRows = p.rowsPerEpoch / p.batchesPerEpoch;
      callback.onBatchEnd = (batch: number, logs: Logs) => {
        const seconds = (performance.now() - started) / 1000;
        const speed = seconds > 0 ? Math.round(((batch + 1) * batchRows) / seconds).toLocaleString('en-US') : '-';
        this.bar?.update(batch + 1, { speed, loss: formatMetricValue(logs.loss ?? NaN) });
      };
    }
    return callback;
  }
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

// Progress reports and clean stops for long reads. Readers work in steps (a block at a time); after
// each step the caller reports progress and checks the AbortSignal. The abort flag is also shared with
// the native reader (an Int32Array over a SharedArrayBuffer), which checks it between pieces, so a stop
// does not wait for a whole block.

import { AbortError } from '../../util/errors.js';

/** What onProgress receives. MB are 10^6 bytes; speeds are averages since the phase began. */
export interface CsvProgress {
  /**
   * 'scan': counting rows / collecting categories, before the read where it needs them (the native
   * reader of a file without categories to collect reads in one pass, with no scan); 'read': parsing
   * into x and y.
   */
  phase: 'scan' | 'read';
  /** File bytes passed so far (in this phase). */
  bytes: number;
  /** The file's size. */
  totalBytes: number;
  /** Rows so far (records counted while scanning, rows kept while reading). */
  rows: number;
  seconds: number;
  mbPerSecond: number;
  rowsPerSecond: number;
}

/** Measures one phase and forwards reports to the callback, if any. */
export class ProgressMeter {
  private readonly t0 = performance.now();
  constructor(
    private readonly phase: CsvProgress['phase'],
    private readonly startBytes: number,
    private readonly onProgress: ((p: CsvProgress) => void) | undefined,
  ) {}

  /** `bytes` is the file offset reached; `rows` the phase's count so far. */
  report(bytes: number, totalBytes: number, rows: number): void {
    if (this.onProgress === undefined) return;
    const seconds = Math.max((performance.now() - this.t0) / 1000, 1e-9);
    const passed = Math.max(0, bytes - this.startBytes);
    this.onProgress({
      phase: this.phase,
      bytes: passed,
      totalBytes,
      rows,
      seconds,
      mbPerSecond: passed / 1e6 / seconds,
      rowsPerSecond: rows / seconds,
    });
  }
}

/**
 * The abort flag readers poll, wired to `signal`. `dispose()` removes the listener.
 * @throws AbortError (from `check`) once the signal has fired.
 */
export class AbortFlag {
  /** [0] != 0 once aborted; read atomically by the native reader. */
  readonly control = new Int32Array(new SharedArrayBuffer(4));
  private readonly onAbort = (): void => void Atomics.store(this.control, 0, 1);

  constructor(private readonly signal: AbortSignal | undefined) {
    if (signal?.aborted) Atomics.store(this.control, 0, 1);
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  get aborted(): boolean {
    return Atomics.load(this.control, 0) !== 0;
  }

  /** Throws AbortError when the read was stopped. */
  check(): void {
    if (this.aborted) throw new AbortError('The CSV read was aborted');
  }

  dispose(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}

// How many steps (or batches) to hand a backend per call. The js backend runs a chunk synchronously on
// the event loop, so chunks must be short (~10 ms) for timers and I/O to keep running; native runs them
// on a worker thread, so chunks can be long (~100 ms) and the per-call overhead stays small. 'auto'
// measures the time per step and adapts; a fixed integer is used as is.

/** Target wall time of one chunk per backend, in ms. */
export const CHUNK_TARGET_MS = { js: 10, native: 100 } as const;

/** Upper bound on steps per chunk: bounds the preallocated lrs/stats arrays. */
export const MAX_CHUNK_STEPS = 4096;

export class ChunkSizer {
  private msPerStep = 0;
  private next = 1;

  /**
   * @param fixed steps per chunk, or null for adaptive sizing
   * @param targetMs adaptive target wall time per chunk
   * @param maxSteps largest chunk ever returned
   */
  constructor(
    private readonly fixed: number | null,
    private readonly targetMs: number,
    readonly maxSteps: number,
  ) {
    if (fixed !== null) this.next = Math.min(fixed, maxSteps);
  }

  /** Steps for the next chunk, at most `remaining`. */
  size(remaining: number): number {
    return Math.max(1, Math.min(this.next, remaining));
  }

  /** Feeds back how long `steps` steps took. */
  record(steps: number, ms: number): void {
    if (this.fixed !== null || steps <= 0) return;
    const perStep = Math.max(ms, 1e-3) / steps;
    // a moving average damps one-off pauses (GC, JIT); growth is limited so a fast warm-up chunk
    // cannot make the next one overshoot the target by orders of magnitude
    this.msPerStep = this.msPerStep === 0 ? perStep : 0.5 * this.msPerStep + 0.5 * perStep;
    const ideal = Math.floor(this.targetMs / this.msPerStep);
    this.next = Math.max(1, Math.min(ideal, this.next * 4, this.maxSteps));
  }
}

// Yielding to the event loop between chunks: a macrotask, so timers and I/O callbacks run.

/** Resolves on the next turn of the event loop (after pending timers and I/O). */
export function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Milliseconds from a monotonic clock. */
export const now = (): number => performance.now();

let turnStart = -1; // when the current run of work without a macrotask began; -1: the event loop has turned since

/**
 * Milliseconds since the event loop last turned, as far as this clock knows: the first call of a turn starts
 * it and schedules its reset on the next turn. Work that resolves its promises without a macrotask (predict's
 * one-row path) checks it, so a loop of such awaited calls still lets timers and I/O run every so often.
 */
export function msSinceEventLoopTurn(): number {
  if (turnStart < 0) {
    turnStart = now();
    setImmediate(() => (turnStart = -1));
  }
  return now() - turnStart;
}

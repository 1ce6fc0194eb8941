// Yielding to the event loop between chunks: a macrotask, so timers and I/O callbacks run.

/** Resolves on the next turn of the event loop (after pending timers and I/O). */
export function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Milliseconds from a monotonic clock. */
export const now = (): number => performance.now();

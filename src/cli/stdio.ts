// A closed standard output or error (`nntrain train … | head`, a log collector that went away) must not
// end the job: writes after the reader left are dropped, and the command finishes its real work (the model
// file). Only for commands whose output *is* standard output (predict without --out, evaluate, info, cv,
// --version) is a lost stdout a failure: they exit 1 and say so on stderr, if it is still open.

const state = { stdoutClosed: false, stderrClosed: false, stdoutIsProduct: false };

/** The codes of a write to a stream whose reader has gone. */
const CLOSED = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ECONNRESET']);

/** Installs the handlers: call once, before anything is written. */
export function watchStdio(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (!CLOSED.has(err.code ?? '')) throw err;
    state.stdoutClosed = true;
  });
  process.stderr.on('error', (err: NodeJS.ErrnoException) => {
    if (!CLOSED.has(err.code ?? '')) throw err;
    state.stderrClosed = true;
  });
}

/** Marks standard output as what this command delivers: losing it is then a failure. */
export function stdoutIsTheProduct(): void {
  state.stdoutIsProduct = true;
}

/** True when the command's product was standard output and its reader closed it before the end. */
export function productLost(): boolean {
  return state.stdoutIsProduct && state.stdoutClosed;
}

/** Whether standard output's reader has gone (writes are dropped). */
export function stdoutClosed(): boolean {
  return state.stdoutClosed;
}

/**
 * Waits until what was written to stdout has been handed over or has failed (a write error is reported
 * a tick after the write), so productLost() is final. Call before choosing the exit code.
 */
export async function settleStdout(): Promise<void> {
  if (!state.stdoutClosed) {
    await new Promise<void>((resolve) =>
      process.stdout.write('', (err) => {
        if (err) state.stdoutClosed = true;
        resolve();
      }),
    );
  }
  await new Promise((resolve) => setImmediate(resolve));
}

/** A line on stderr, unless its reader has gone. */
export function writeError(line: string): void {
  if (!state.stderrClosed) process.stderr.write(`${line}\n`);
}

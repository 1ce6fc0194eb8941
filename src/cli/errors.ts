// How the command line fails: usage errors (a bad command, flag or value: exit 2), failures (a missing
// file, bad data, a damaged model, training that diverged, output that could not be delivered: exit 1) and
// partial results (the model saved and complete, its report not written: exit 3), each reported as one
// line on stderr. Signals are interrupt.ts's (130, 143).

import { ConfigError, NNTrainError } from '../util/errors.js';

/** Exit codes, documented in the help text and the README (130/143 for SIGINT/SIGTERM: interrupt.ts). */
export const EXIT = { ok: 0, failure: 1, usage: 2, partial: 3 } as const;

/** The model was saved and is complete, but a secondary output (the report) could not be written. */
export class PartialError extends NNTrainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_NNTRAIN_PARTIAL', message, options);
  }
}

/**
 * A mistake in the command line or the config file: an unknown flag, a bad value, a missing argument.
 * A ConfigError, so library callers see the project's usual class; the CLI exits with code 2 for it.
 */
export class UsageError extends ConfigError {}

/**
 * One line for a failure, without a stack: the library's messages already name the file, row, column or
 * option. Unexpected errors (bugs) keep their class name so they can be told apart in a report.
 */
export function errorLine(err: unknown): string {
  if (err instanceof NNTrainError) return err.message;
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code !== undefined ? err.message : `${err.name}: ${err.message}`;
  }
  return String(err);
}

/**
 * The exit code for an error thrown by a command: a ConfigError (a UsageError from the command line, or
 * an option the library rejected, e.g. `--epochs` below a checkpoint's position) is a usage error.
 */
export function exitCodeOf(err: unknown): number {
  if (err instanceof PartialError) return EXIT.partial;
  return err instanceof ConfigError ? EXIT.usage : EXIT.failure;
}

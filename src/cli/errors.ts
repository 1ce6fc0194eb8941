// How the command line fails: usage errors (a bad command, flag or value: exit 2) and failures (a missing
// file, bad data, a damaged model, training that diverged: exit 1), each reported as one line on stderr.

import { ConfigError, NNTrainError } from '../util/errors.js';

/** Exit codes, documented in the help text and the README. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

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
  return err instanceof ConfigError ? EXIT.usage : EXIT.failure;
}

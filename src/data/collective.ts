// Failing together in a distributed read or fit: each phase ends in one collective that carries every rank's
// failure, if any, so that one rank's bad input or missing file fails every rank (the first failing
// rank with its own error, the others with an error naming it) and no rank waits in a collective.

import { allgatherJson, bcastJson, type DistributedContext } from '../backend/mpi-context.js';
import { ConfigError, DataError } from '../util/errors.js';

export interface Failure {
  name: string;
  message: string;
}

export const describeFailure = (err: unknown): Failure => (err instanceof Error ? { name: err.name, message: err.message } : { name: 'Error', message: String(err) });

/** The error a rank throws for rank `failed`'s failure at `task` ('reading data.csv'). */
export function peerError(task: string, failed: number, size: number, f: Failure): Error {
  const message = `rank ${failed} of ${size} failed ${task}: ${f.message}`;
  return f.name === 'ConfigError' ? new ConfigError(message) : new DataError(message);
}

/**
 * Collective: every rank learns whether any failed at `task` ('reading data.csv'). The first failing rank throws `local`, the others
 * an error naming it; returns when none failed.
 */
export function agree(ctx: DistributedContext, task: string, local: unknown): void {
  const all = allgatherJson<Failure | null>(ctx, local === undefined ? null : describeFailure(local), task);
  const failed = all.findIndex((f) => f !== null);
  if (failed < 0) return;
  if (failed === ctx.rank) throw local;
  throw peerError(task, failed, ctx.size, all[failed] as Failure);
}

/**
 * Collective: rank `root`'s value of `run` on every rank (the others do not call it), or, when it threw,
 * its error on `root` and an error naming `root` on the others.
 */
export async function onRoot<T>(ctx: DistributedContext, task: string, run: () => Promise<T>, root = 0): Promise<T> {
  let payload: { value?: T; failure?: Failure } = {};
  let local: unknown;
  if (ctx.rank === root) {
    try {
      payload = { value: await run() };
    } catch (err) {
      local = err;
      payload = { failure: describeFailure(err) };
    }
  }
  const shared = bcastJson(ctx, payload, root, task);
  if (shared.failure !== undefined) throw ctx.rank === root ? local : peerError(task, root, ctx.size, shared.failure);
  return (ctx.rank === root ? payload.value : shared.value) as T;
}

// This process's place in a distributed (MPI) job: initDistributed() starts MPI through the optional MPI
// addon and returns the rank and world size; MPI_Finalize runs when the process exits with code 0. A rank
// that fails exits without it, and mpirun then ends the whole job instead of leaving the others waiting
// in a collective.
//
// Threads: MPI is started with MPI_THREAD_SERIALIZED. Collectives run on the JS thread between chunks
// (setup, validation) and on the libuv worker thread inside a native training chunk, never both at once:
// a fit awaits each chunk, and one distributed fit at a time runs in a process (training's acquireFit).
// Lives in backend so that data (sharded CSV reads) and training both reach it.

import { ConfigError } from '../util/errors.js';
import { loadMpiAddon, mpiLaunchSize, type MpiAddon } from './mpi.js';

/**
 * The watchdog's default limit, in seconds, on one wait in an MPI call: long enough for rank 0 to
 * write a large checkpoint or for a slow first step (the others wait in the next all-reduce meanwhile),
 * short enough that a hung job is ended within minutes.
 */
export const DEFAULT_MPI_TIMEOUT_S = 300;

/**
 * The watchdog's limit from NNTRAIN_MPI_TIMEOUT (seconds, >= 0; 0 disables it), or the default.
 * @throws ConfigError naming the variable when it is not a number >= 0.
 */
export function mpiTimeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.NNTRAIN_MPI_TIMEOUT;
  if (text === undefined || text.trim() === '') return DEFAULT_MPI_TIMEOUT_S;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new ConfigError(`Expected a number of seconds >= 0 for NNTRAIN_MPI_TIMEOUT (0 disables the watchdog) but received '${text}'`);
  }
  return seconds;
}

/** This process in the job: rank in [0, size). */
export interface DistributedInfo {
  rank: number;
  size: number;
}

/** What a distributed fit needs: the rank and size, the MPI calls, and the communicator for native chunks. */
export interface DistributedContext extends DistributedInfo {
  readonly mpi: MpiAddon;
  /** The communicator External for TrainJob.comm. */
  readonly handle: unknown;
}

let context: DistributedContext | undefined;

/**
 * Starts MPI for this process (once; later calls return the same) and returns its rank and the job's
 * size. Run under `mpirun -np N node app.js`; started without a launcher it is a job of one process.
 * MPI is finalized when the process exits with code 0; a process that exits with another code skips
 * it, and mpirun then ends every rank of the job. A watchdog starts with MPI: a process that waits in
 * one MPI call longer than NNTRAIN_MPI_TIMEOUT seconds (default 300; 0 disables it) prints its rank and
 * what it waited in, and exits with code 124, which ends the job.
 * @example
 * ```ts
 * const { rank, size } = initDistributed(); // under mpirun -np 2: { rank: 0, size: 2 } and { rank: 1, size: 2 }
 * ```
 * @throws BackendError when nntrain's MPI addon is missing (Open MPI was not installed when nntrain was
 *   built), with the command that installs it; ConfigError for a bad NNTRAIN_MPI_TIMEOUT; Error when MPI
 *   cannot start.
 */
export function initDistributed(): DistributedInfo {
  return { rank: distributedContext().rank, size: distributedContext().size };
}

/** The context of initDistributed() (starting MPI on first use). */
export function distributedContext(): DistributedContext {
  if (context) return context;
  const timeout = mpiTimeoutFromEnv();
  const mpi = loadMpiAddon();
  const { rank, size } = mpi.init(timeout);
  context = { rank, size, mpi, handle: mpi.collective() };
  // After a failure the process exits without MPI_Finalize: mpirun then ends every rank of the job
  // (an MPI_Abort here would kill the process before Node prints the error).
  process.once('exit', (code) => {
    if (code === 0) mpi.finalize();
  });
  return context;
}

/**
 * True when an MPI launcher (mpirun, mpiexec) started this process as one of several, from its
 * environment alone (MPI is not started). A program that trains without `distributed` there would
 * train one independent copy per process: check this to refuse.
 * @example if (launchedByMpirun() && !distributed) throw new Error('add --distributed mpi');
 */
export function launchedByMpirun(): boolean {
  const size = mpiLaunchSize();
  return size !== null && size > 1;
}

/**
 * Rank `root`'s JSON value on every rank (collective: every rank calls it; others' `value` is ignored).
 * `what` names it in the watchdog's message.
 */
export function bcastJson<T>(ctx: DistributedContext, value: T, root = 0, what?: string): T {
  const bytes = ctx.rank === root ? new TextEncoder().encode(JSON.stringify(value)) : new Uint8Array(0);
  const length = new Float64Array([bytes.length]);
  ctx.mpi.bcast(length, root, what);
  const buffer = ctx.rank === root ? bytes : new Uint8Array(length[0]);
  if (buffer.length > 0) ctx.mpi.bcast(buffer, root, what);
  return (ctx.rank === root ? value : JSON.parse(new TextDecoder().decode(buffer))) as T;
}

/** Every rank's JSON value, in rank order, on every rank (collective). */
export function allgatherJson<T>(ctx: DistributedContext, value: T, what?: string): T[] {
  const out: T[] = [];
  for (let root = 0; root < ctx.size; root++) out.push(bcastJson(ctx, value, root, what));
  return out;
}

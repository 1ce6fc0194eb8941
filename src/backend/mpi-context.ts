// This process's place in a distributed (MPI) job: initDistributed() starts MPI through the optional MPI
// addon and returns the rank and world size; MPI_Finalize runs when the process exits with code 0. A rank
// that fails exits without it, and mpirun then ends the whole job instead of leaving the others waiting
// in a collective.
//
// Threads: MPI is started with MPI_THREAD_SERIALIZED. Collectives run on the JS thread between chunks
// (setup, validation) and on the libuv worker thread inside a native training chunk, never both at once:
// a fit awaits each chunk, and one distributed fit at a time runs in a process (training's acquireFit).
// Lives in backend so that data (sharded CSV reads) and training both reach it.

import { loadMpiAddon, mpiLaunchSize, type MpiAddon } from './mpi.js';

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
 * it, and mpirun then ends every rank of the job.
 * @example
 * ```ts
 * const { rank, size } = initDistributed(); // under mpirun -np 2: { rank: 0, size: 2 } and { rank: 1, size: 2 }
 * ```
 * @throws BackendError when nntrain's MPI addon is missing (Open MPI was not installed when nntrain was
 *   built), with the command that installs it; Error when MPI cannot start.
 */
export function initDistributed(): DistributedInfo {
  return { rank: distributedContext().rank, size: distributedContext().size };
}

/** The context of initDistributed() (starting MPI on first use). */
export function distributedContext(): DistributedContext {
  if (context) return context;
  const mpi = loadMpiAddon();
  const { rank, size } = mpi.init();
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

/** Rank `root`'s JSON value on every rank (collective: every rank calls it; others' `value` is ignored). */
export function bcastJson<T>(ctx: DistributedContext, value: T, root = 0): T {
  const bytes = ctx.rank === root ? new TextEncoder().encode(JSON.stringify(value)) : new Uint8Array(0);
  const length = new Float64Array([bytes.length]);
  ctx.mpi.bcast(length, root);
  const buffer = ctx.rank === root ? bytes : new Uint8Array(length[0]);
  if (buffer.length > 0) ctx.mpi.bcast(buffer, root);
  return (ctx.rank === root ? value : JSON.parse(new TextDecoder().decode(buffer))) as T;
}

/** Every rank's JSON value, in rank order, on every rank (collective). */
export function allgatherJson<T>(ctx: DistributedContext, value: T): T[] {
  const out: T[] = [];
  for (let root = 0; root < ctx.size; root++) out.push(bcastJson(ctx, value, root));
  return out;
}

// This process's place in a distributed (MPI) job: initDistributed() starts MPI through the optional MPI
// addon and returns the rank and world size; MPI_Finalize runs when the process exits with code 0. A rank
// that fails exits without it, and mpirun then ends the whole job instead of leaving the others waiting
// in a collective.
//
// Threads: MPI is started with MPI_THREAD_SERIALIZED. Collectives run on the JS thread between chunks
// (setup, validation) and on the libuv worker thread inside a native training chunk, never both at once:
// a fit awaits each chunk, and one distributed fit at a time runs in a process (acquireFit).

import { loadMpiAddon, mpiLaunchSize, type MpiAddon } from '../../backend/mpi.js';
import { ConfigError } from '../../util/errors.js';

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
let fitRunning = false;

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

/**
 * Marks a distributed fit as running in this process until the returned release is called.
 * @throws ConfigError while another one runs: their collectives would interleave.
 */
export function acquireFit(): () => void {
  if (fitRunning) {
    throw new ConfigError("Another distributed fit is running in this process; run distributed fits one after another (their MPI collectives must not interleave)");
  }
  fitRunning = true;
  return () => {
    fitRunning = false;
  };
}

// The optional MPI addon (native/mpi/ → native/mpi/build/Release/nntrain_mpi.node), built only where
// Open MPI's compiler wrapper exists, so the main addon and its prebuilds never need libmpi. This file
// loads it and explains a failure; mpi-context.ts starts MPI through it. Its collective() External is
// what the native plan's train() takes to all-reduce gradients inside a chunk (TrainJob.comm).

import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { BackendError } from '../util/errors.js';
import { packageRoot } from '../util/package-info.js';

/** The raw exports of nntrain_mpi.node (native/mpi/addon.cc). */
export interface MpiAddon {
  /**
   * Starts the watchdog with `timeoutSeconds` (0: off), then MPI once per process (MPI_Init_thread,
   * MPI_THREAD_SERIALIZED); later calls return the same.
   */
  init(timeoutSeconds?: number): { rank: number; size: number };
  /**
   * The watchdog's limit from now on, seconds >= 0 (0: off): a rank that waits in one MPI call longer
   * prints what it waited in and exits with code 124, and mpirun ends the job (native/mpi/watchdog.h).
   */
  watchdog(seconds: number): void;
  /** Collective: ends MPI (every rank must call it). */
  finalize(): void;
  /** MPI_Abort: ends every rank of the job with `code`. */
  abort(code: number): void;
  /** The communicator for TrainJob.comm: a type-tagged External only the native plan reads. */
  collective(): unknown;
  /** In place over every rank. min and max take safe integers. `what` names the call in the watchdog's message. */
  allreduce(values: Float64Array, op: 'sum' | 'min' | 'max', what?: string): void;
  /** Rank `root`'s bytes of `view` into every rank's `view`. */
  bcast(view: Uint8Array | Float32Array | Float64Array, root: number, what?: string): void;
  barrier(): void;
  /** collectiveVersion: the Collective table version it fills (missing in builds from before it was reported). */
  info(): { library: string; active: boolean; collectiveVersion?: number; watchdogSeconds?: number };
}

/** Where the MPI addon is built (scripts/build-mpi.mjs), or NNTRAIN_MPI_ADDON when set (another build of it). */
export function mpiAddonPath(): string {
  return process.env.NNTRAIN_MPI_ADDON || join(packageRoot(), 'native', 'mpi', 'build', 'Release', 'nntrain_mpi.node');
}

/** The command that makes distributed training available where it is not. */
export const MPI_INSTALL_HINT =
  'install Open MPI (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev), then rebuild nntrain (npm rebuild nntrain; in a checkout: npm run build:mpi)';

let addon: MpiAddon | undefined;

/**
 * The MPI addon, loaded once. RTLD_GLOBAL: Open MPI loads its components as plugins that look up
 * libmpi's symbols globally, which a default (local) addon load would hide from them.
 * @throws BackendError saying how to get it when it was not built or does not load.
 */
export function loadMpiAddon(): MpiAddon {
  if (addon) return addon;
  const file = mpiAddonPath();
  if (!existsSync(file)) {
    throw new BackendError(`nntrain: distributed training needs MPI, and nntrain's MPI addon was not built (${file} does not exist): ${MPI_INSTALL_HINT}`);
  }
  try {
    const module = { exports: {} as MpiAddon };
    process.dlopen(module, file, constants.dlopen.RTLD_NOW | constants.dlopen.RTLD_GLOBAL);
    addon = module.exports;
    return addon;
  } catch (err) {
    const cause = err instanceof Error ? err.message : String(err);
    throw new BackendError(`nntrain: the MPI addon ${file} does not load (${cause}): ${MPI_INSTALL_HINT}`, { cause: err });
  }
}

/**
 * The world size when this process was started by an MPI launcher (Open MPI's mpirun sets
 * OMPI_COMM_WORLD_SIZE, MPICH's Hydra PMI_SIZE), else null. Reads the environment only; starts nothing.
 */
export function mpiLaunchSize(env: NodeJS.ProcessEnv = process.env): number | null {
  for (const key of ['OMPI_COMM_WORLD_SIZE', 'PMI_SIZE']) {
    const value = env[key];
    if (value !== undefined && /^\d+$/.test(value)) return Number(value);
  }
  return null;
}

/** This process's rank when an MPI launcher started it (OMPI_COMM_WORLD_RANK, PMI_RANK), else null. */
export function mpiLaunchRank(env: NodeJS.ProcessEnv = process.env): number | null {
  for (const key of ['OMPI_COMM_WORLD_RANK', 'PMI_RANK']) {
    const value = env[key];
    if (value !== undefined && /^\d+$/.test(value)) return Number(value);
  }
  return null;
}

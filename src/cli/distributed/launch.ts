// Which commands run under mpirun. `train --distributed mpi` trains one model with every process of the
// job; every other command runs on one process, and started by mpirun each process would run the whole
// command on its own (N copies of a model, N writers of one file), so it stops before reading any data.
// Read from the launcher's environment alone: MPI is not started here.

import { mpiLaunchRank, mpiLaunchSize } from '../../backend/mpi.js';
import { UsageError } from '../errors.js';

/**
 * Refuses a command that mpirun started as one of several processes without `--distributed mpi`, and
 * `--distributed mpi` on a command other than train.
 * @throws UsageError saying what to do instead.
 */
export function checkLaunch(command: string, distributed: boolean, env: NodeJS.ProcessEnv = process.env): void {
  if (distributed && command !== 'train') {
    throw new UsageError(`--distributed mpi applies to nntrain train only; nntrain ${command} runs on one process: run it without mpirun`);
  }
  const size = mpiLaunchSize(env);
  if (size === null || size <= 1 || distributed) return;
  if (command === 'train') {
    throw new UsageError(
      `mpirun started ${size} processes, and without --distributed mpi each would train its own copy of the model: add --distributed mpi to train one model with all of them, or run one process without mpirun`,
    );
  }
  throw new UsageError(`nntrain ${command} runs on one process, but mpirun started ${size}, each of which would run it on its own: run it as one process, without mpirun`);
}

/** 'rank 1: ' for the error lines of a process that mpirun started as one of several; '' otherwise. */
export function rankPrefix(env: NodeJS.ProcessEnv = process.env): string {
  const size = mpiLaunchSize(env);
  const rank = mpiLaunchRank(env);
  return size !== null && size > 1 && rank !== null ? `rank ${rank}: ` : '';
}

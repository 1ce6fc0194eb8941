// Which commands run under mpirun, decided from the launcher's environment (no MPI started): train with
// --distributed mpi; anything else stops with a usage error that says what to do, and error lines of a
// process started by mpirun name its rank.

import { describe, expect, it } from 'vitest';
import { checkLaunch, rankPrefix } from '../../src/cli/distributed/launch.js';
import { UsageError } from '../../src/cli/errors.js';

const mpirun = (size: number, rank: number) => ({ OMPI_COMM_WORLD_SIZE: String(size), OMPI_COMM_WORLD_RANK: String(rank) });

describe('checkLaunch', () => {
  it('lets every command run as one process, and train --distributed mpi anywhere', () => {
    for (const command of ['train', 'cv', 'tune', 'ensemble', 'evaluate', 'predict']) expect(() => checkLaunch(command, false, {})).not.toThrow();
    expect(() => checkLaunch('train', false, mpirun(1, 0))).not.toThrow(); // mpirun -np 1 is one process
    expect(() => checkLaunch('train', true, mpirun(4, 2))).not.toThrow();
    expect(() => checkLaunch('train', true, {})).not.toThrow();
  });

  it('stops train under mpirun without --distributed mpi, saying how to train one model', () => {
    expect(() => checkLaunch('train', false, mpirun(4, 3))).toThrow(
      new UsageError('mpirun started 4 processes, and without --distributed mpi each would train its own copy of the model: add --distributed mpi to train one model with all of them, or run one process without mpirun'),
    );
    expect(() => checkLaunch('train', false, { PMI_SIZE: '2', PMI_RANK: '0' })).toThrow(/mpirun started 2 processes/); // MPICH's launcher
  });

  it('stops the other commands under mpirun and --distributed on them anywhere: they run on one process', () => {
    for (const command of ['cv', 'tune', 'ensemble', 'evaluate', 'predict']) {
      expect(() => checkLaunch(command, false, mpirun(2, 1))).toThrow(`nntrain ${command} runs on one process, but mpirun started 2, each of which would run it on its own: run it as one process, without mpirun`);
    }
    expect(() => checkLaunch('tune', true, {})).toThrow('--distributed mpi applies to nntrain train only; nntrain tune runs on one process: run it without mpirun');
  });
});

describe('rankPrefix', () => {
  it("names the rank of a process mpirun started as one of several, and nothing otherwise", () => {
    expect(rankPrefix(mpirun(3, 2))).toBe('rank 2: ');
    expect(rankPrefix(mpirun(1, 0))).toBe('');
    expect(rankPrefix({})).toBe('');
  });
});

// src/backend/mpi.ts without starting MPI: detecting an MPI launcher from the environment.

import { describe, expect, it } from 'vitest';

import { mpiLaunchSize } from '../../src/backend/mpi.js';
import { launchedByMpirun } from '../../src/index.js';

describe('mpiLaunchSize', () => {
  it("reads Open MPI's and Hydra's world size, and nothing else", () => {
    expect(mpiLaunchSize({ OMPI_COMM_WORLD_SIZE: '4' })).toBe(4);
    expect(mpiLaunchSize({ PMI_SIZE: '3' })).toBe(3);
    expect(mpiLaunchSize({})).toBeNull();
    expect(mpiLaunchSize({ OMPI_COMM_WORLD_SIZE: 'four' })).toBeNull();
  });

  it('launchedByMpirun is false in a process that mpirun did not start', () => {
    expect(process.env.OMPI_COMM_WORLD_SIZE).toBeUndefined();
    expect(launchedByMpirun()).toBe(false);
  });
});

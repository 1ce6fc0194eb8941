// fit's distributed option before MPI starts, in this process (no mpirun): the js backend is refused, a
// main addon from before distributed training is refused, the watchdog's settings are checked, and a
// machine without nntrain's MPI addon gets an error that says how to install it. The runs under mpirun
// are in mpirun.mpi.test.ts, faults.mpi.test.ts and stream.mpi.test.ts.

import { describe, expect, it } from 'vitest';

import { DEFAULT_MPI_TIMEOUT_S, mpiTimeoutFromEnv } from '../../../src/backend/mpi-context.js';
import { loadNativeAddon } from '../../../src/backend/native.js';
import { layers, optimizers, Sequential, type FitOptions } from '../../../src/index.js';
import { checkCollectiveVersion } from '../../../src/training/distributed/setup.js';
import { BackendError, ConfigError } from '../../../src/util/errors.js';

function model(backend: 'native' | 'js' = 'native'): Sequential {
  const m = new Sequential({ seed: 1, backend });
  m.add(layers.dense({ units: 2, activation: 'softmax', inputShape: [2] }));
  m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'sparseCategoricalCrossentropy' });
  return m;
}

const x = [
  [0, 1],
  [1, 0],
  [1, 1],
  [0, 0],
];
const y = [0, 1, 1, 0];

describe("fit({ distributed: 'mpi' }) before MPI starts", () => {
  it('refuses a main addon that predates distributed training (it would ignore the communicator), saying to rebuild', () => {
    expect(loadNativeAddon().info().collectiveVersion).toBe(1); // this build reads version 1
    expect(() => checkCollectiveVersion(1, 1)).not.toThrow();
    const stale = (() => {
      try {
        checkCollectiveVersion(undefined, 1);
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(stale).toBeInstanceOf(BackendError);
    expect((stale as Error).message).toMatch(/native addon predates distributed training.*npm rebuild nntrain/);
    expect(() => checkCollectiveVersion(1, 2)).toThrow(/reads version 1 of the MPI collective table but the MPI addon fills version 2/);
    expect(() => checkCollectiveVersion(1, undefined)).toThrow(/MPI addon predates this version/);
  });

  it('reads the watchdog limit from NNTRAIN_MPI_TIMEOUT (default 300 s, 0 disables) and names the variable when it is bad', () => {
    expect(mpiTimeoutFromEnv({})).toBe(DEFAULT_MPI_TIMEOUT_S);
    expect(DEFAULT_MPI_TIMEOUT_S).toBe(300);
    expect(mpiTimeoutFromEnv({ NNTRAIN_MPI_TIMEOUT: '2.5' })).toBe(2.5);
    expect(mpiTimeoutFromEnv({ NNTRAIN_MPI_TIMEOUT: '0' })).toBe(0);
    expect(() => mpiTimeoutFromEnv({ NNTRAIN_MPI_TIMEOUT: 'soon' })).toThrow(ConfigError);
    expect(() => mpiTimeoutFromEnv({ NNTRAIN_MPI_TIMEOUT: '-1' })).toThrow(/NNTRAIN_MPI_TIMEOUT.*'-1'/);
  });

  it('checks distributedTimeout and evaluate\'s distributed before MPI starts', async () => {
    await expect(model().fit(x, y, { distributed: 'mpi', distributedTimeout: -1 })).rejects.toThrow(/distributedTimeout/);
    await expect(model().evaluate(x, y, { distributed: 'mpl' } as unknown as { distributed: 'mpi' })).rejects.toThrow(/distributed.*'mpi'/);
  });

  it('refuses the js backend with a BackendError', async () => {
    const err = await model('js').fit(x, y, { distributed: 'mpi' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toMatch(/needs the native backend/);
  });

  it('rejects another value with a hint', async () => {
    await expect(model().fit(x, y, { distributed: 'mpl' } as unknown as FitOptions)).rejects.toThrow(/distributed.*'mpi'/);
  });

  it('says how to install MPI where the MPI addon is missing', async () => {
    const before = process.env.NNTRAIN_MPI_ADDON;
    process.env.NNTRAIN_MPI_ADDON = '/nonexistent/nntrain_mpi.node';
    try {
      const err = await model().fit(x, y, { distributed: 'mpi' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackendError);
      expect((err as Error).message).toMatch(/distributed training needs MPI/);
      expect((err as Error).message).toContain('apt-get install openmpi-bin libopenmpi-dev');
      expect((err as Error).message).toContain('npm rebuild nntrain');
    } finally {
      if (before === undefined) delete process.env.NNTRAIN_MPI_ADDON;
      else process.env.NNTRAIN_MPI_ADDON = before;
    }
  });
});

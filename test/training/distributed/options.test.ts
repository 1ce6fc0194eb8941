// fit's distributed option before MPI starts, in this process (no mpirun): what it cannot do yet is
// refused by name, the js backend is refused, and a machine without nntrain's MPI addon gets an error
// that says how to install it. The runs under mpirun are in mpirun.test.ts.

import { describe, expect, it } from 'vitest';

import { layers, optimizers, Sequential, streamingDataset, type FitOptions } from '../../../src/index.js';
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
  it('refuses checkpoint and resumeFrom, naming the option', async () => {
    await expect(model().fit(x, y, { distributed: 'mpi', checkpoint: '/tmp/never-written.ckpt' })).rejects.toThrow(ConfigError);
    await expect(model().fit(x, y, { distributed: 'mpi', checkpoint: '/tmp/never-written.ckpt' })).rejects.toThrow(/cannot be combined with the option 'checkpoint'/);
    await expect(model().fit(x, y, { distributed: 'mpi', resumeFrom: '/tmp/never-written.ckpt' })).rejects.toThrow(/the option 'resumeFrom'/);
  });

  it('refuses a streaming dataset', async () => {
    const source = {
      read: () => Promise.resolve(null),
      rewind: () => Promise.resolve(),
    };
    const ds = streamingDataset(source, { inputWidth: 2, targetWidth: 1, bufferRows: 8 });
    await expect(model().fit(ds, { distributed: 'mpi' })).rejects.toThrow(/cannot be combined with a streaming dataset/);
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

// The suites that train across processes under real `mpirun` jobs (files named *.mpi.test.ts):
// `npm run test:mpi`, run by CI after `npm test`. Same settings as vitest.config.ts otherwise.
import { configDefaults, defineConfig } from 'vitest/config';
import base, { MPI_SUITES } from './vitest.config.js';

// spread, not mergeConfig: mergeConfig would append to base's exclude, which names these files
export default defineConfig({ ...base, test: { ...base.test, include: [MPI_SUITES], exclude: configDefaults.exclude } });

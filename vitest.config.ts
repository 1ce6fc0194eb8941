import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The files that take longest (child processes: mpirun jobs, the CLI, kernel variants; training to an
// accuracy), longest first: they start before the many short files, so the run does not end waiting on
// one of them. vitest's own order (the last run's durations, cached in node_modules/.vite) is lost with
// node_modules, as in CI, where it would fall back to file size.
/** The test files that start mpirun jobs: named *.mpi.test.ts. */
export const MPI_SUITES = 'test/**/*.mpi.test.ts';
/** End-to-end runs on the large datasets (Fashion-MNIST's 133 MB CSV): named *.e2e.test.ts. */
export const E2E_SUITES = 'test/**/*.e2e.test.ts';

const LONGEST_FIRST = [
  'test/examples/fashion-mnist-csv.e2e.test.ts',
  'test/cli/distributed.mpi.test.ts',
  'test/native/kernels/gemm/variants.test.ts',
  'test/training/distributed/faults.mpi.test.ts',
  'test/examples/digits.test.ts',
  'test/models/save-during-fit.test.ts',
  'test/cli/exit-codes.test.ts',
  'test/native/threads/pool.test.ts',
  'test/cli/errors.test.ts',
  'test/cli/preflight.test.ts',
  'test/cli/predict-stream.test.ts',
  'test/cli/resume.test.ts',
  'test/training/resume-kill.test.ts',
  'test/cli/search.test.ts',
  'test/cli/data.test.ts',
  'test/training/distributed/mpirun.mpi.test.ts',
  'test/training/distributed/stream.mpi.test.ts',
  'test/data/csv/shard.mpi.test.ts',
];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const order = (f: TestSpecification) => {
      const i = LONGEST_FIRST.indexOf(relative(f.project.config.root, f.moduleId).split('\\').join('/'));
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    // a stable sort: the rest keep vitest's order
    return (await super.sort(files)).map((f, i) => ({ f, i })).sort((a, b) => order(a.f) - order(b.f) || a.i - b.i).map(({ f }) => f);
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the suites that start real mpirun jobs, and the end-to-end runs on the large datasets, run apart
    // (npm run test:mpi, test:e2e): with them npm test no longer ends within a minute on two cores
    exclude: [...configDefaults.exclude, MPI_SUITES, E2E_SUITES],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Worker threads that keep their modules between test files: a fresh process and module graph per
    // file cost more than the tests of most files. The addon is context-aware (one instance, thread pool
    // included, per worker) and tests that change process-wide state (threads, env, spies) restore it.
    pool: 'threads',
    isolate: false,
    // vitest's default (cores − 1) is one worker on two cores; many files mostly wait on child processes
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: LongestFirst },
  },
});

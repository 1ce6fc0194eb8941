import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Worker threads that keep their modules between test files: a fresh process and module graph per
    // file cost more than the tests of most files. The addon is context-aware (one instance, thread pool
    // included, per worker) and tests that change process-wide state (threads, env, spies) restore it.
    pool: 'threads',
    isolate: false,
    // vitest's default (cores − 1) is one worker on two cores; many files mostly wait on child processes
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});

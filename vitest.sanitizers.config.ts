// The native suites under the ASan/UBSan addon (scripts/check-sanitizers.sh): vitest.config.ts plus a
// setup file that checks each worker really loaded the sanitizer build.
import { availableParallelism } from 'node:os';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      setupFiles: ['test/helpers/sanitized-addon.setup.ts'],
      // a process per test file, as before: each checked for the instrumented addon, a report ending one
      pool: 'forks',
      isolate: true,
      maxWorkers: Math.max(availableParallelism() - 1, 1),
      // ASan slows the kernels several times over
      testTimeout: 300_000,
      hookTimeout: 300_000,
    },
  }),
);

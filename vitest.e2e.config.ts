// The end-to-end runs on the large datasets (files named *.e2e.test.ts): `npm run test:e2e`, run by CI
// after `npm test`. Same settings as vitest.config.ts otherwise.
import { configDefaults, defineConfig } from 'vitest/config';
import base, { E2E_SUITES } from './vitest.config.js';

// spread, not mergeConfig: mergeConfig would append to base's exclude, which names these files
export default defineConfig({ ...base, test: { ...base.test, include: [E2E_SUITES], exclude: configDefaults.exclude } });

// `nntrain train --precision bf16` as a user runs it: the saved model records the precision (info shows it),
// loads as a bf16 model and evaluates through the CLI. Runs on the native backend where it runs bf16 plans (AVX512_BF16, or
// NNTRAIN_KERNEL_BF16=emulated), else on js.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Precision } from '../../src/backend/codes.js';
import { loadModel } from '../../src/index.js';
import { nativeBf16Runs } from '../helpers/bf16.js';
import { runCli, tempDir, writeBundledCsvs } from './helpers.js';

const { dir, cleanup } = tempDir('precision');
let files: ReturnType<typeof writeBundledCsvs>;
beforeAll(() => {
  files = writeBundledCsvs(dir);
});
afterAll(cleanup);

const backend = nativeBf16Runs() ? 'native' : 'js';

describe('nntrain train --precision bf16', () => {
  it(`trains and saves a bf16 model that evaluates as one (${backend})`, async () => {
    const out = join(dir, 'bf16.nntrain');
    const run = await runCli(['train', files.iris, '--target', 'species', '--epochs', '3', '--seed', '5', '--layers', '8', '--precision', 'bf16', '--backend', backend, '--no-report', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const model = await loadModel(out, { backend });
    expect(model.toConfig().compiled?.precision).toBe('bf16');
    expect(model.planSpec?.precision).toBe(Precision.bf16);
    model.dispose();
    const info = await runCli(['info', out, '--backend', backend]);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/optimizer: adam \(learning rate [\d.e-]+\), precision bf16\n/);
    const evaluated = await runCli(['evaluate', out, files.iris, '--backend', backend]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toMatch(/accuracy/i);
  });
});

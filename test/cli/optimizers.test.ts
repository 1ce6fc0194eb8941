// `nntrain train` with the newer optimizers and activation, as a user runs it: --optimizer nadam with its
// own flags and --activation geluTanh train on iris and save a model whose optimizer config, slots and
// activation load back from the TypeScript API; radam and adamax run with the Adam flags.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Activation } from '../../src/backend/codes.js';
import { loadModel } from '../../src/index.js';
import { runCli, tempDir, writeBundledCsvs } from './helpers.js';

const { dir, cleanup } = tempDir('optimizers');
let files: ReturnType<typeof writeBundledCsvs>;
beforeAll(() => {
  files = writeBundledCsvs(dir);
});
afterAll(cleanup);

const train = (out: string, ...flags: string[]) => runCli(['train', files.iris, '--target', 'species', '--epochs', '3', '--seed', '5', '--layers', '8', '--out', out, ...flags]);

describe('nntrain train --optimizer adamax|nadam|radam', () => {
  it('nadam with --momentum-decay, --decoupled-weight-decay and --activation geluTanh saves what was asked', async () => {
    const out = join(dir, 'nadam.nntrain');
    const run = await train(out, '--optimizer', 'nadam', '--lr', '0.004', '--beta2', '0.99', '--weight-decay', '0.01', '--momentum-decay', '0.01', '--decoupled-weight-decay', '--activation', 'geluTanh');
    expect(run.code, run.stderr).toBe(0);
    const model = await loadModel(out);
    expect(model.optimizer?.getConfig()).toMatchObject({ name: 'nadam', learningRate: 0.004, beta2: 0.99, weightDecay: 0.01, momentumDecay: 0.01, decoupledWeightDecay: true });
    expect(model.getOptimizerState()?.slots).toHaveLength(2);
    expect(model.planSpec?.layers[0].activation).toBe(Activation.geluTanh);
    model.dispose();
  });

  it.each(['adamax', 'radam'])('%s trains with --beta1 and --eps', async (name) => {
    const out = join(dir, `${name}.nntrain`);
    const run = await train(out, '--optimizer', name, '--beta1', '0.8', '--eps', '1e-6');
    expect(run.code, run.stderr).toBe(0);
    const model = await loadModel(out);
    expect(model.optimizer?.getConfig()).toMatchObject({ name, beta1: 0.8, eps: 1e-6 });
    model.dispose();
  });

  it('a flag of another optimizer is a usage error naming the flag', async () => {
    const run = await train(join(dir, 'bad.nntrain'), '--optimizer', 'adamax', '--momentum-decay', '0.01');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--momentum-decay does not apply to --optimizer adamax; it applies to nadam');
  });
});

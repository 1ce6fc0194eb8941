// Adamax, NAdam and RAdam resume exactly: their state (two slots each; NAdam's μ product and RAdam's ρ_t
// are functions of the step, recomputed on resume) lives in the model file and the checkpoint, so a run
// interrupted after epoch 2 and resumed on a model loaded from the checkpoint ends bit-identical to the
// uninterrupted run, on both backends; and a saved model loads with its optimizer and state.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Activation } from '../../src/backend/codes.js';
import { AbortError, layers, loadModel, matrix, nativeAvailable, optimizers, Rng, Sequential, type FitOptions, type Optimizer } from '../../src/index.js';

const BACKENDS = ['js', ...(nativeAvailable() ? ['native'] : [])] as ('js' | 'native')[];
const dir = mkdtempSync(join(tmpdir(), 'nntrain-resume-optim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rng = new Rng(4);
const ROWS = 60;
const X = matrix(Float32Array.from({ length: ROWS * 5 }, () => rng.normal()), 5);
const Y = Float32Array.from({ length: ROWS }, (_, r) => r % 3);
// 6 batches of 10 per epoch: 24 steps in all, the checkpoint at step 12 (past RAdam's switch at t = 6)
const OPTIONS: FitOptions = { epochs: 4, batchSize: 10, seed: 8, verbose: 0 };

const OPTIMIZERS: [string, () => Optimizer][] = [
  ['adamax', () => optimizers.adamax({ learningRate: 0.01, weightDecay: 1e-3 })],
  ['nadam', () => optimizers.nadam({ learningRate: 0.01, weightDecay: 1e-3, decoupledWeightDecay: true })],
  ['radam', () => optimizers.radam({ learningRate: 0.01, weightDecay: 1e-3 })],
];

function build(backend: 'js' | 'native', make: () => Optimizer): Sequential {
  const model = new Sequential({ seed: 3, backend });
  model.add(layers.dense({ units: 8, activation: { name: 'gelu', approximate: 'tanh' }, inputShape: [5] }));
  model.add(layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: make(), loss: 'sparseCategoricalCrossentropy' });
  return model;
}

const bits = (f: Float32Array): Uint32Array => new Uint32Array(f.slice().buffer);

describe.each(BACKENDS)('adamax, nadam, radam on %s', (backend) => {
  it.each(OPTIMIZERS)('%s: a run resumed from a checkpoint after epoch 2 ends bit-identical', async (name, make) => {
    const straight = build(backend, make);
    await straight.fit(X, Y, OPTIONS);

    const path = join(dir, `${backend}-${name}.ckpt`);
    const controller = new AbortController();
    const stopper = { onEpochEnd: (epoch: number) => void (epoch === 1 && controller.abort()) };
    const err = await build(backend, make)
      .fit(X, Y, { ...OPTIONS, checkpoint: path, stepsPerChunk: 1, signal: controller.signal, callbacks: [stopper] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);

    const resumed = await loadModel(path, { backend });
    expect(resumed.getOptimizerState()?.step).toBe(12);
    await resumed.fit(X, Y, { ...OPTIONS, resumeFrom: path });
    expect(resumed.getOptimizerState()?.step).toBe(24);
    expect(bits(resumed.params)).toEqual(bits(straight.params));
    straight.dispose();
    resumed.dispose();
  });

  it.each(OPTIMIZERS)('%s: save and load keep the optimizer config, its two slots and the step', async (name, make) => {
    const model = build(backend, make);
    await model.fit(X, Y, { ...OPTIONS, epochs: 1 });
    const path = join(dir, `${backend}-${name}.nntrain`);
    await model.save(path);
    const loaded = await loadModel(path, { backend });
    const [a, b] = [model.getOptimizerState(), loaded.getOptimizerState()];
    expect(b?.step).toBe(6);
    expect(b?.slots).toHaveLength(2);
    b?.slots.forEach((s, k) => expect(bits(s)).toEqual(bits(a!.slots[k])));
    expect(loaded.toConfig()).toEqual(model.toConfig());
    expect(loaded.optimizer?.getConfig()).toEqual(model.optimizer?.getConfig());
    expect(JSON.stringify(loaded.toConfig())).toContain('"activation":{"name":"gelu","approximate":"tanh"}');
    expect(loaded.planSpec?.layers[0].activation).toBe(Activation.geluTanh);
    model.dispose();
    loaded.dispose();
  });
});

// compile({ precision: 'bf16' }) through the public API: the option is validated and saved in the config,
// a bf16 run resumed from a checkpoint ends bit-identical to the uninterrupted one (weights, gradients and
// optimizer state stay float32, so checkpoints are unchanged), and a saved bf16 model loads as bf16 and
// predicts exactly as before saving, differently from the same weights in fp32.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Precision } from '../../src/backend/codes.js';
import { AbortError, ConfigError, layers, loadModel, matrix, optimizers, Rng, Sequential, type FitOptions } from '../../src/index.js';
import { bf16Backends } from '../helpers/bf16.js';

const dir = mkdtempSync(join(tmpdir(), 'nntrain-resume-bf16-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rng = new Rng(6);
const ROWS = 60;
const X = matrix(Float32Array.from({ length: ROWS * 7 }, () => rng.normal()), 7);
const Y = Float32Array.from({ length: ROWS }, (_, r) => r % 3);
// 6 batches of 10 per epoch: 18 steps, the checkpoint after epoch 2 (step 12)
const OPTIONS: FitOptions = { epochs: 3, batchSize: 10, seed: 2, verbose: 0 };

function build(backend: 'js' | 'native', precision: 'fp32' | 'bf16' = 'bf16'): Sequential {
  const model = new Sequential({ seed: 5, backend });
  model.add(layers.dense({ units: 12, activation: 'tanh', inputShape: [7] }));
  model.add(layers.dropout({ rate: 0.2 }));
  model.add(layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'], precision });
  return model;
}

const bits = (f: Float32Array): Uint32Array => new Uint32Array(f.slice().buffer);

describe('compile precision option', () => {
  it('is fp32 by default and left out of the config; bf16 is saved in it and in the plan', () => {
    const fp32 = build('js', 'fp32');
    expect(fp32.toConfig().compiled).not.toHaveProperty('precision');
    expect(fp32.planSpec?.precision).toBeUndefined();
    const bf16 = build('js');
    expect(bf16.toConfig().compiled?.precision).toBe('bf16');
    expect(bf16.planSpec?.precision).toBe(Precision.bf16);
  });

  it('rejects an unknown precision with a ConfigError naming the option and the choices', () => {
    const model = new Sequential({ backend: 'js' });
    model.add(layers.dense({ units: 2, inputShape: [3] }));
    const compile = () => model.compile({ optimizer: 'sgd', loss: 'mse', precision: 'fp16' as never });
    expect(compile).toThrow(ConfigError);
    expect(compile).toThrow(/precision.*fp32.*bf16|fp32.*bf16.*precision/);
  });
});

describe.each(bf16Backends())('bf16 training on %s', (backend) => {
  it('a run resumed from a checkpoint after epoch 2 ends bit-identical to the uninterrupted run', async () => {
    const straight = build(backend);
    await straight.fit(X, Y, OPTIONS);

    const path = join(dir, `${backend}.ckpt`);
    const controller = new AbortController();
    const stopper = { onEpochEnd: (epoch: number) => void (epoch === 1 && controller.abort()) };
    const err = await build(backend)
      .fit(X, Y, { ...OPTIONS, checkpoint: path, stepsPerChunk: 1, signal: controller.signal, callbacks: [stopper] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);

    const resumed = await loadModel(path, { backend });
    expect(resumed.planSpec?.precision).toBe(Precision.bf16);
    await resumed.fit(X, Y, { ...OPTIONS, resumeFrom: path });
    expect(resumed.getOptimizerState()?.step).toBe(18);
    expect(bits(resumed.params)).toEqual(bits(straight.params));
    straight.dispose();
    resumed.dispose();
  });

  it('a saved bf16 model loads as bf16 and predicts bit-identically; the same weights in fp32 predict otherwise', async () => {
    const model = build(backend);
    await model.fit(X, Y, { ...OPTIONS, epochs: 1 });
    const before = await model.predict(X);
    const path = join(dir, `${backend}.nntrain`);
    await model.save(path);
    const loaded = await loadModel(path, { backend });
    expect(loaded.toConfig()).toEqual(model.toConfig());
    expect(bits((await loaded.predict(X)).data)).toEqual(bits(before.data));
    const fp32 = build(backend, 'fp32');
    fp32.setWeights(await model.getWeights());
    const other = (await fp32.predict(X)).data;
    expect(other.some((v, i) => v !== before.data[i])).toBe(true);
    // bf16 keeps 8 significant bits: the outputs (softmax probabilities) stay within a few bf16 ulps
    for (let i = 0; i < other.length; i++) expect(Math.abs(other[i] - before.data[i])).toBeLessThan(0.05);
    model.dispose();
    loaded.dispose();
    fp32.dispose();
  });
});

// Models with batch and layer normalization end to end, on both backends: the running statistics are
// the data's (never decayed or stepped by the optimizer), saved and loaded with the model, restored by a
// resumed run bit for bit, and a training batch of one row is a ConfigError before any step.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AbortError, ConfigError, layers, loadModel, losses, matrix, nativeAvailable, optimizers, Rng, Sequential, type Matrix } from '../../src/index.js';
import { checkClose } from '../helpers/check.js';

const BACKENDS = ['js', ...(nativeAvailable() ? ['native'] : [])] as ('js' | 'native')[];
const dir = mkdtempSync(join(tmpdir(), 'nntrain-norm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function data(rows: number): { x: Matrix; y: Float32Array } {
  const rng = new Rng(5);
  const x = new Float32Array(rows * 4);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal() * (1 + (i % 4)) + (i % 4) * 3;
  return { x: matrix(x, 4), y: Float32Array.from({ length: rows }, (_, r) => r % 3) };
}
const DATA = data(40);

function normModel(backend: 'js' | 'native'): Sequential {
  const model = new Sequential({ seed: 8, backend });
  model.add(layers.dense({ units: 6, useBias: false, inputShape: [4] }));
  model.add(layers.batchNormalization({ momentum: 0.2 }));
  model.add(layers.activation({ activation: 'relu' }));
  model.add(layers.dropout({ rate: 0.2 }));
  model.add(layers.dense({ units: 5 }));
  model.add(layers.layerNormalization());
  model.add(layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: optimizers.adamw({ learningRate: 0.02, weightDecay: 0.1 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

const bits = (f: Float32Array): Uint32Array => new Uint32Array(f.slice().buffer);

describe.each(BACKENDS)('models with normalization layers [%s]', (backend) => {
  it('running statistics are the batch statistics, untouched by AdamW weight decay', async () => {
    const model = new Sequential({ seed: 1, backend });
    model.add(layers.batchNormalization({ momentum: 1, inputShape: [4] })); // momentum 1: the last batch's statistics
    model.add(layers.dense({ units: 3, activation: 'softmax' }));
    model.compile({ optimizer: optimizers.adamw({ learningRate: 0.1, weightDecay: 0.9 }), loss: 'sparseCategoricalCrossentropy' });
    await model.fit(DATA.x, DATA.y, { epochs: 3, batchSize: 40, shuffle: false, verbose: 0 });
    const { movingMean, movingVariance } = model.layers[0].getWeights();
    const mean = [0, 1, 2, 3].map((c) => DATA.x.data.filter((_, i) => i % 4 === c).reduce((s, v) => s + v, 0) / 40);
    const variance = [0, 1, 2, 3].map((c) => DATA.x.data.filter((_, i) => i % 4 === c).reduce((s, v) => s + (v - mean[c]) ** 2, 0) / 39);
    checkClose(movingMean, mean, 1e-6, 'running mean');
    checkClose(movingVariance, variance, 1e-6, 'running variance (unbiased)');
  });

  it('save and load keep the running statistics: the same predictions bit for bit', async () => {
    const model = normModel(backend);
    await model.fit(DATA.x, DATA.y, { epochs: 2, batchSize: 8, verbose: 0 });
    const path = join(dir, `${backend}.nntrain`);
    await model.save(path);
    const loaded = await loadModel(path, { backend });
    expect(bits(loaded.params)).toEqual(bits(model.params));
    expect(bits((await loaded.predict(DATA.x)).data)).toEqual(bits((await model.predict(DATA.x)).data));
  });

  it('a run resumed from a checkpoint ends bit-identical to the uninterrupted one', async () => {
    const straight = normModel(backend);
    await straight.fit(DATA.x, DATA.y, { epochs: 4, batchSize: 8, validationSplit: 0.25, verbose: 0 });
    const path = join(dir, `${backend}.ckpt`);
    const first = normModel(backend);
    const controller = new AbortController();
    const stop = { onEpochEnd: (epoch: number) => void (epoch === 1 && controller.abort()) };
    const err = await first.fit(DATA.x, DATA.y, { epochs: 4, batchSize: 8, validationSplit: 0.25, verbose: 0, checkpoint: path, signal: controller.signal, callbacks: [stop] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    const again = normModel(backend);
    await again.fit(DATA.x, DATA.y, { epochs: 4, batchSize: 8, validationSplit: 0.25, verbose: 0, resumeFrom: path });
    expect(bits(again.params)).toEqual(bits(straight.params));
  });

  it('a custom loss (the step split around JS) trains the same model as the built-in loss, running statistics included', async () => {
    const mse = losses.custom({
      name: 'rowMse',
      forward: (p, t, out) => {
        for (let r = 0; r < p.rows; r++) out[r] = (p.data[r] - t.data[r]) ** 2;
        return out;
      },
      gradient: (p, t, d) => {
        for (let r = 0; r < p.rows; r++) d.data[r] = 2 * (p.data[r] - t.data[r]);
      },
    });
    const run = async (loss: 'mse' | typeof mse) => {
      const model = new Sequential({ seed: 2, backend });
      model.add(layers.dense({ units: 6, useBias: false, inputShape: [4] }));
      model.add(layers.batchNormalization());
      model.add(layers.activation({ activation: 'tanh' }));
      model.add(layers.layerNormalization());
      model.add(layers.dense({ units: 1 }));
      model.compile({ optimizer: optimizers.sgd({ learningRate: 0.05 }), loss });
      await model.fit(DATA.x, DATA.y, { epochs: 2, batchSize: 8, verbose: 0 });
      return model;
    };
    const [builtIn, custom] = [await run('mse'), await run(mse)];
    checkClose(custom.params, builtIn.params, { abs: 1e-6, rel: 1e-5 }, 'params, running statistics included');
    expect(Array.from(custom.layers[1].getWeights().movingMean).some((v) => v !== 0)).toBe(true);
  });

  it('a training batch of one row is a ConfigError before any step', async () => {
    const model = normModel(backend);
    await expect(model.fit(DATA.x, DATA.y, { epochs: 1, batchSize: 1, verbose: 0 })).rejects.toThrow(ConfigError);
    await expect(model.fit(DATA.x, DATA.y, { epochs: 1, batchSize: 13, verbose: 0 })).rejects.toThrow(/batchSize 13 over 40 training rows leaves a batch of 1 row/);
    expect(model.params.every(Number.isFinite)).toBe(true);
  });
});

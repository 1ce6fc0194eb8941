// save → loadModel on the same backend computes exactly what the saved model computed: evaluate's logs
// (loss with its L1/L2 penalty, built-in and custom metrics, row weights, a Dataset), predict and the
// weights, bit for bit, for each loss kind and layer with state. Loaded into the other backend the
// weights are the same but the float32 arithmetic is not (js sums a GEMM in float64 and rounds once,
// native sums in float32 with FMA), so evaluate agrees to float32 rounding only: what made a js model
// loaded by loadModel's default (native) differ in the 9th digit.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { layers, loadModel, losses, matrix, memoryDataset, metrics, nativeAvailable, regularizers, Rng, Sequential } from '../../src/index.js';
import type { CompileOptions, FitOptions, Layer, Matrix } from '../../src/index.js';
import { customMse } from '../losses/fixtures.js';

const BACKENDS = ['js', ...(nativeAvailable() ? ['native'] : [])] as ('js' | 'native')[];
const dir = mkdtempSync(join(tmpdir(), 'nntrain-load-evaluate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 37; // a short last batch at every batch size used
const rng = new Rng(11);
const X = matrix(Float32Array.from({ length: ROWS * 3 }, (_, i) => rng.normal() * (1 + (i % 3))), 3);
const REG = matrix(Float32Array.from({ length: ROWS * 2 }, (_, i) => Math.sin(X.data[i] + X.data[(i + 1) % X.data.length])), 2);
const CLASSES = matrix(Float32Array.from({ length: ROWS }, (_, r) => (X.data[r * 3] > 0.4 ? 2 : X.data[r * 3 + 1] > 0 ? 1 : 0)), 1);
const W = Float32Array.from({ length: ROWS }, (_, r) => 0.3 + (r % 5) * 0.45);
const meanOut = metrics.custom({ name: 'meanOut', fn: (p) => p.data.reduce((s, v) => s + v, 0) / p.data.length });

interface Case {
  name: string;
  layers: () => Layer[];
  compile: CompileOptions;
  y: Matrix;
  fit?: FitOptions;
}

const CASES: Case[] = [
  {
    name: 'huber, L1/L2 on kernels and biases, batch normalization, dropout',
    layers: () => [
      layers.dense({ units: 7, inputShape: [3], kernelRegularizer: regularizers.l1l2({ l1: 0.0013, l2: 0.0007 }), biasRegularizer: regularizers.l2(0.003) }),
      layers.batchNormalization({ momentum: 0.7 }),
      layers.activation({ activation: 'tanh' }),
      layers.dropout({ rate: 0.25 }),
      layers.dense({ units: 2, kernelRegularizer: 'l1' }),
    ],
    compile: { optimizer: 'adam', loss: losses.huber({ delta: 0.37 }), metrics: ['mse', 'mae'] },
    y: REG,
  },
  {
    name: 'softmax cross-entropy with classWeight, layer normalization, gaussian noise',
    layers: () => [
      layers.dense({ units: 7, activation: 'relu', inputShape: [3] }),
      layers.layerNormalization(),
      layers.gaussianNoise({ stddev: 0.2 }),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
    compile: { optimizer: 'rmsprop', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] },
    y: CLASSES,
    fit: { classWeight: { 0: 1.7, 1: 0.6, 2: 1.1 } },
  },
  {
    name: 'a custom loss and a custom metric (split steps)',
    layers: () => [layers.dense({ units: 6, activation: 'gelu', inputShape: [3] }), layers.dense({ units: 2 })],
    compile: { optimizer: 'sgd', loss: customMse, metrics: ['mae', meanOut] },
    y: REG,
  },
];

const bits = (f: Float32Array): Uint32Array => new Uint32Array(f.slice().buffer);

describe.each(BACKENDS)('save → loadModel → evaluate [%s]', (backend) => {
  it.each(CASES)('$name: the same logs, predictions and weights bit for bit', async (c) => {
    const model = new Sequential({ seed: 4, backend });
    for (const l of c.layers()) model.add(l);
    model.compile(c.compile);
    await model.fit(X, c.y, { epochs: 2, batchSize: 8, seed: 3, verbose: 0, ...c.fit });
    const path = join(dir, `${backend}-${CASES.indexOf(c)}.nntrain`);
    await model.save(path);
    const options = { customObjects: [customMse, meanOut] };
    const loaded = await loadModel(path, { backend, ...options });
    const dataset = memoryDataset(X, c.y, W);
    // the loaded model runs them in the opposite order: its plan is first sized for predict's batch
    const run = async (m: Sequential, reverse: boolean) => {
      const steps = {
        plain: async () => m.evaluate(X, c.y),
        weighted: async () => m.evaluate(X, c.y, { sampleWeight: W, batchSize: 5 }),
        dataset: async () => m.evaluate(dataset, { batchSize: 16 }),
        predict: async () => bits((await m.predict(X)).data),
      };
      const out: Record<string, unknown> = {};
      for (const [key, step] of reverse ? Object.entries(steps).reverse() : Object.entries(steps)) out[key] = await step();
      return out as { plain: Record<string, number> };
    };
    const before = await run(model, false);
    const after = await run(loaded, true);
    expect(bits(loaded.params)).toEqual(bits(model.params));
    expect(after).toEqual(before); // toEqual on numbers is Object.is: every bit of every log
    expect(Object.keys(before.plain)).toHaveLength(1 + (c.compile.metrics?.length ?? 0)); // custom metrics included

    const other = backend === 'js' ? 'native' : 'js';
    if (!BACKENDS.includes(other)) return;
    const moved = await loadModel(path, { backend: other, ...options });
    expect(bits(moved.params)).toEqual(bits(model.params));
    const { loss } = await moved.evaluate(X, c.y);
    expect(Math.abs(loss - before.plain.loss)).toBeLessThan(1e-6 * before.plain.loss);
  });
});

// Child: training throughput (samples/s) on Fashion-MNIST through the public API, and test accuracy.
// Data is preloaded; a warm-up fit (JIT, plan and scratch allocation, caches) runs first and must lower the
// loss below ln(10) (correctness before timing); then one timed fit of ≥ minSeconds of steady state, sized
// from the warm-up's rate (the js backend thus runs far fewer steps than native in the same time).

import { layers, optimizers, Sequential, type BackendName } from '../../src/index.js';
import { headRows, loadFashionMnist } from '../fashion-mnist.js';
import { emit } from '../lib/protocol.js';

export interface TrainParams {
  backend: BackendName;
  units: number[]; // hidden layer sizes, e.g. [256, 128]
  batch: number;
  optimizer: 'adam' | 'sgdm';
  minSeconds: number;
  /** Normalization in each hidden layer (dense without activation → norm → relu). Default none. */
  norm?: 'none' | 'batch' | 'layer';
  precision?: 'fp32' | 'bf16'; // compile's precision, default fp32
}

export interface TrainResult {
  kernel: string;
  threads: number;
  samplesPerSec: number;
  samples: number;
  seconds: number;
  warmupLoss: number;
}

export function buildModel(backend: BackendName, units: number[], optimizer: 'adam' | 'sgdm', accuracy = false, norm: TrainParams['norm'] = 'none', precision: 'fp32' | 'bf16' = 'fp32'): Sequential {
  const model = new Sequential({ backend, seed: 1 });
  units.forEach((u, i) => {
    const first = i === 0 ? { inputShape: [784] as [number] } : {};
    if (norm === 'none') {
      model.add(layers.dense({ units: u, activation: 'relu', ...first }));
      return;
    }
    model.add(layers.dense({ units: u, useBias: norm !== 'batch', ...first }));
    model.add(norm === 'batch' ? layers.batchNormalization() : layers.layerNormalization());
    model.add(layers.activation({ activation: 'relu' }));
  });
  model.add(layers.dense({ units: 10, activation: 'softmax' }));
  const opt = optimizer === 'adam' ? optimizers.adam({ learningRate: 1e-3 }) : optimizers.sgd({ learningRate: 0.01, momentum: 0.9 });
  model.compile({ optimizer: opt, loss: 'sparseCategoricalCrossentropy', precision, ...(accuracy ? { metrics: ['accuracy' as const] } : {}) });
  return model;
}

async function timedFit(model: Sequential, rows: number, epochs: number, batch: number, data: Awaited<ReturnType<typeof loadFashionMnist>>): Promise<{ seconds: number; loss: number }> {
  const { x, y } = headRows(data, rows);
  const t0 = performance.now();
  const h = await model.fit(x, y, { epochs, batchSize: batch, verbose: 0 });
  const seconds = (performance.now() - t0) / 1000;
  const losses = h.history.loss ?? [NaN];
  return { seconds, loss: losses[losses.length - 1] };
}

export async function runTrain(p: TrainParams): Promise<void> {
  const train = await loadFashionMnist('train');
  const model = buildModel(p.backend, p.units, p.optimizer, false, p.norm, p.precision);
  // warm-up 1: a few steps; warm-up 2: ~15% of the timed budget (an epoch fraction)
  const w1 = await timedFit(model, p.batch * 4, 1, p.batch, train);
  const rate1 = (p.batch * 4) / w1.seconds;
  const w2rows = Math.min(train.x.rows, Math.max(p.batch * 8, Math.round((rate1 * p.minSeconds * 0.15) / p.batch) * p.batch));
  const w2 = await timedFit(model, w2rows, 1, p.batch, train);
  if (!(w2.loss < Math.log(10))) throw new Error(`warm-up did not learn: loss ${w2.loss} (expected < ln 10)`);
  const rate = w2rows / w2.seconds;
  // timed: whole batches, at most one pass over the training set per epoch
  const want = rate * p.minSeconds;
  const rows = Math.min(train.x.rows - (train.x.rows % p.batch), Math.max(p.batch, Math.ceil(want / p.batch) * p.batch));
  const epochs = Math.max(1, Math.ceil(want / rows));
  const t = await timedFit(model, rows, epochs, p.batch, train);
  if (!Number.isFinite(t.loss)) throw new Error(`timed run diverged: loss ${t.loss}`);
  const info = model.backend.info();
  emit({ kernel: info.kernel, threads: info.threads, samplesPerSec: (rows * epochs) / t.seconds, samples: rows * epochs, seconds: t.seconds, warmupLoss: w2.loss } satisfies TrainResult);
}

/** Test accuracy after `epochs` over the full training set (784-…-10, Adam 1e-3, shuffled). */
export async function runAccuracy(p: { backend: BackendName; units: number[]; batch: number; epochs: number; precision?: 'fp32' | 'bf16' }): Promise<void> {
  const [train, test] = [await loadFashionMnist('train'), await loadFashionMnist('test')];
  const model = buildModel(p.backend, p.units, 'adam', true, 'none', p.precision);
  const t0 = performance.now();
  await model.fit(train.x, train.y, { epochs: p.epochs, batchSize: p.batch, verbose: 0 });
  const seconds = (performance.now() - t0) / 1000;
  const { accuracy } = await model.evaluate(test.x, test.y);
  emit({ accuracy, seconds });
}

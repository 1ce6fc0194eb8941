// Child: TensorFlow.js peer (wasm backend, SIMD, 1 thread) training 784-256-128-10 on the same data with
// the same optimizer and batch; optional (`npm run bench:peers` installs it with `npm install --no-save`).
// The wasm binaries ship inside @tensorflow/tfjs-backend-wasm (dist/*.wasm): nothing is downloaded here.
// Typed through a minimal local interface so the bench type-checks without the package installed.

import { headRows, loadFashionMnist } from '../fashion-mnist.js';
import { emit } from '../lib/protocol.js';

interface Tensor {
  dispose(): void;
}
interface LayersModel {
  add(layer: unknown): void;
  compile(c: { optimizer: unknown; loss: string }): void;
  fit(x: Tensor, y: Tensor, o: { epochs: number; batchSize: number; verbose: number; shuffle: boolean }): Promise<{ history: { loss: number[] } }>;
}
interface Tf {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  version: { tfjs: string };
  sequential(): LayersModel;
  layers: { dense(o: { units: number; activation: string; inputShape?: number[] }): unknown };
  train: { adam(lr: number): unknown; sgd(lr: number): unknown; momentum(lr: number, m: number): unknown };
  tensor2d(data: Float32Array, shape: [number, number]): Tensor;
  tensor1d(data: Float32Array): Tensor;
}
interface TfWasm {
  setThreadsCount(n: number): void;
}

async function optionalImport<T>(name: string): Promise<T | undefined> {
  try {
    return (await import(name)) as T;
  } catch {
    return undefined;
  }
}

export async function runTfjs(p: { batch: number; units: number[]; minSeconds: number }): Promise<void> {
  const tf = await optionalImport<Tf>('@tensorflow/tfjs');
  const wasm = await optionalImport<TfWasm>('@tensorflow/tfjs-backend-wasm');
  if (tf === undefined || wasm === undefined) {
    emit({ installed: false });
    return;
  }
  wasm.setThreadsCount(1);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not initialize');
  await tf.ready();
  const train = await loadFashionMnist('train');
  const model = tf.sequential();
  p.units.forEach((u, i) => model.add(tf.layers.dense({ units: u, activation: 'relu', ...(i === 0 ? { inputShape: [784] } : {}) })));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
  const fit = async (rows: number, epochs: number): Promise<{ seconds: number; loss: number }> => {
    const { x, y } = headRows(train, rows);
    const xs = tf.tensor2d(x.data, [x.rows, 784]);
    const ys = tf.tensor1d(y);
    const t0 = performance.now();
    const h = await model.fit(xs, ys, { epochs, batchSize: p.batch, verbose: 0, shuffle: true });
    const seconds = (performance.now() - t0) / 1000;
    xs.dispose();
    ys.dispose();
    return { seconds, loss: h.history.loss[h.history.loss.length - 1] };
  };
  const w = await fit(p.batch * 16, 1); // warm-up (and correctness: the loss must fall below ln 10)
  if (!(w.loss < Math.log(10))) throw new Error(`tfjs warm-up did not learn: loss ${w.loss}`);
  let rate = (p.batch * 16) / w.seconds;
  let rows = 0;
  let t = { seconds: 0, loss: NaN };
  // the first timed fit may be short (the warm-up's rate includes start-up): size again from its rate
  for (let i = 0; i < 3 && t.seconds < p.minSeconds * 0.8; i++) {
    rows = Math.min(59904, Math.max(p.batch, Math.ceil((rate * p.minSeconds) / p.batch) * p.batch));
    t = await fit(rows, 1);
    rate = rows / t.seconds;
  }
  emit({ installed: true, version: tf.version.tfjs, backend: tf.getBackend(), samplesPerSec: rows / t.seconds, samples: rows, seconds: t.seconds });
}

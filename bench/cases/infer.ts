// Child: inference speed of one side, nntrain's `predict` or onnxruntime-node running the same model exported
// by `exportOnnx`: rows/s on a batch of 1,024 Fashion-MNIST test rows, and the latency of `calls` one-row
// calls (each awaited, cycling through those rows), p50 and p99. Both sides build the bench's model from the
// same seed, so their weights are the same; each checks its outputs before timing (nntrain: every row alone
// equals the same row in the batch, bit for bit; onnxruntime: within 1e-5 of nntrain's). Warm-up: a few
// batches and 500 one-row calls.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Matrix } from '../../src/index.js';
import { headRows, loadFashionMnist } from '../fashion-mnist.js';
import { emit, percentile } from '../lib/protocol.js';
import { buildModel } from './train.js';

export interface InferParams {
  side: 'native' | 'js' | 'onnxruntime';
  units: number[]; // hidden layer sizes
  batch: number; // rows of the throughput batch
  calls: number; // one-row calls timed
  minSeconds: number; // of throughput timing
  threads: number; // onnxruntime's intraOpNumThreads (nntrain's own count is the addon's)
}

export interface InferResult {
  installed?: boolean;
  rowsPerSec: number;
  p50Us: number;
  p99Us: number;
  calls: number;
  threads: number;
  version?: string;
}

type Predict = (x: Matrix) => Promise<Float32Array>;

async function measure(run: Predict, x: Matrix, p: InferParams): Promise<Omit<InferResult, 'threads'>> {
  for (let i = 0; i < 3; i++) await run(x);
  let rows = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < p.minSeconds * 1000) {
    await run(x);
    rows += x.rows;
  }
  const rowsPerSec = rows / ((performance.now() - t0) / 1000);
  const one = (i: number): Matrix => ({ data: x.data.subarray((i % x.rows) * x.cols, ((i % x.rows) + 1) * x.cols), rows: 1, cols: x.cols });
  for (let i = 0; i < 500; i++) await run(one(i));
  const us = new Array<number>(p.calls);
  for (let i = 0; i < p.calls; i++) {
    const row = one(i);
    const t = performance.now();
    await run(row);
    us[i] = (performance.now() - t) * 1000;
  }
  return { rowsPerSec, p50Us: percentile(us, 50), p99Us: percentile(us, 99), calls: p.calls };
}

function sameBits(a: Float32Array, b: Float32Array, what: string): void {
  if (a.length !== b.length) throw new Error(`${what}: ${a.length} outputs, expected ${b.length}`);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) throw new Error(`${what}: output ${i} is ${a[i]}, expected ${b[i]}`);
}

export async function runInfer(p: InferParams): Promise<void> {
  const test = await loadFashionMnist('test');
  const { x } = headRows(test, p.batch);
  const model = buildModel(p.side === 'js' ? 'js' : 'native', p.units, 'adam');
  const expected = (await model.predict(x)).data;
  const width = expected.length / x.rows;
  if (p.side !== 'onnxruntime') {
    const run: Predict = async (m) => (await model.predict(m)).data;
    for (const r of [0, 1, x.rows - 1]) sameBits(await run({ data: x.data.subarray(r * x.cols, (r + 1) * x.cols), rows: 1, cols: x.cols }), expected.subarray(r * width, (r + 1) * width), `row ${r} alone`);
    emit({ ...(await measure(run, x, p)), threads: model.backend.info().threads } satisfies InferResult);
    return;
  }
  let ort: typeof import('onnxruntime-node');
  try {
    ort = await import('onnxruntime-node');
  } catch (err) {
    emit({ installed: false, error: (err as Error).message.split('\n')[0] });
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'nntrain-bench-onnx-'));
  try {
    const path = join(dir, 'model.onnx');
    await model.exportOnnx(path);
    const session = await ort.InferenceSession.create(path, { intraOpNumThreads: p.threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
    const output = session.outputNames[0];
    const run: Predict = async (m) => (await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', m.data, [m.rows, m.cols]) }))[output].data as Float32Array;
    const got = await run(x);
    for (let i = 0; i < got.length; i++) {
      if (!(Math.abs(got[i] - expected[i]) <= 1e-5)) throw new Error(`onnxruntime output ${i} is ${got[i]}, nntrain's ${expected[i]}`);
    }
    emit({ ...(await measure(run, x, p)), threads: p.threads, version: ort.env.versions.common } satisfies InferResult);
    await session.release();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// predict runs a few rows on the calling thread when no plan call of the model is in flight (the one-row
// path), and larger inputs, or calls made while a fit chunk or another predict is in flight, through the
// queued worker path. Both must give the same floats for the same rows: each row alone and batches of 1, 2,
// 1023 and 1025 rows against one large predict, calls issued all at once, during a fit and after a load.

import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { layers, loadModel, Sequential, type Matrix } from '../../src/index.js';
import { Rng } from '../../src/util/rng.js';
import { BACKENDS } from '../helpers/backends.js';
import { checkBits } from '../helpers/check.js';
import { memoryTempDir } from '../helpers/tmpfs.js';
import { rmSync } from 'node:fs';

const INPUTS = 1100; // past two k blocks of every packed kernel
const CLASSES = 7;
const ROWS = 1025;

function model(backend: 'js' | 'native'): Sequential {
  const m = new Sequential({ seed: 5, backend });
  m.add(layers.dense({ units: 33, activation: 'relu', inputShape: [INPUTS] }));
  m.add(layers.dense({ units: 1031, activation: 'tanh' }));
  m.add(layers.dense({ units: CLASSES, activation: 'softmax' }));
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  return m;
}

const rng = new Rng(9);
const x: Matrix = { data: Float32Array.from({ length: ROWS * INPUTS }, () => rng.normal()), rows: ROWS, cols: INPUTS };
const y = Float32Array.from({ length: ROWS }, () => rng.int(CLASSES));
const rowOf = (r: number): Float32Array => x.data.subarray(r * INPUTS, (r + 1) * INPUTS);
const head = (rows: number): Matrix => ({ data: x.data.subarray(0, rows * INPUTS), rows, cols: INPUTS });
const outRow = (out: Matrix, r: number): Float32Array => out.data.subarray(r * CLASSES, (r + 1) * CLASSES);

const dir = memoryTempDir('nntrain-predict-paths-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(BACKENDS)('predict paths on $name', ({ name, available }) => {
  it.skipIf(!available)('each row alone and batches of 1, 2, 1023 and 1025 rows give the rows of one large predict', async () => {
    const m = model(name);
    const all = await m.predict(x);
    for (const rows of [1, 2, 1023, 1025]) checkBits((await m.predict(head(rows))).data, all.data.subarray(0, rows * CLASSES), `${rows} rows`);
    const step = name === 'js' ? 97 : 1; // the js forward of a row is ~0.3 ms
    for (let r = 0; r < ROWS; r += step) checkBits((await m.predict(rowOf(r))).data, outRow(all, r), `row ${r} alone`);
  });

  it.skipIf(!available)('calls issued at once, small and large, queue behind each other and give the same rows', async () => {
    const m = model(name);
    const reference = await m.predict(x);
    const singles = [0, 1, 500, 1024];
    const results = await Promise.all([m.predict(x), ...singles.map((r) => m.predict(rowOf(r))), m.predict(head(2)), m.predict(x, { batchSize: 7 })]);
    checkBits(results[0].data, reference.data, 'large predict');
    singles.forEach((r, i) => checkBits(results[1 + i].data, outRow(reference, r), `row ${r}`));
    checkBits(results[1 + singles.length].data, reference.data.subarray(0, 2 * CLASSES), 'two rows');
    checkBits(results[2 + singles.length].data, reference.data, 'batchSize 7');
  });

  it.skipIf(!available)('a loop of awaited one-row predicts lets timers run', async () => {
    const m = model(name);
    let fired = false;
    setTimeout(() => (fired = true), 0);
    let calls = 0;
    while (!fired && calls < 5000) {
      await m.predict(rowOf(calls % ROWS));
      calls++;
    }
    expect(fired).toBe(true); // each call resolves without a macrotask: only the slice check lets the timer in
  });

  it.skipIf(!available)('one-row predicts during a fit see whole steps; after it, and after a load, they match the batch', async () => {
    const m = model(name);
    const rows = name === 'js' ? 64 : 256;
    let done = false;
    const running = m.fit(head(rows), y.subarray(0, rows), { epochs: 3, batchSize: 16, verbose: 0 }).finally(() => (done = true));
    let during = 0;
    while (!done) {
      const out = await m.predict(rowOf(during % ROWS));
      expect(out.rows).toBe(1);
      const sum = out.data.reduce((s, v) => s + v, 0);
      expect(Math.abs(sum - 1)).toBeLessThan(1e-5); // softmax of whole weights: finite, summing to one
      during++;
    }
    await running;
    expect(during).toBeGreaterThan(0);
    const all = await m.predict(head(9));
    for (let r = 0; r < 9; r++) checkBits((await m.predict(rowOf(r))).data, outRow(all, r), `after fit, row ${r}`);
    const path = join(dir, `${name}.nntrain`);
    await m.save(path);
    const loaded = await loadModel(path, { backend: name });
    checkBits((await loaded.predict(head(9))).data, all.data, 'loaded, 9 rows');
    for (let r = 0; r < 9; r++) checkBits((await loaded.predict(rowOf(r))).data, outRow(all, r), `loaded, row ${r}`);
  });
});

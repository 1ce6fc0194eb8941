// fit/evaluate over Datasets: a memory dataset trains exactly like its matrices; a streaming dataset
// (blocks read again every epoch) learns, evaluates to the same numbers as the matrices, rejects the
// options that need the data in memory and mismatched widths; csvDataset streams a CSV file with a
// hash split whose parts are disjoint.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvDataset, layers, memoryDataset, optimizers, Rng, Sequential, streamingDataset, type Matrix, type RowSource } from '../../src/index.js';
import { ConfigError, ShapeError } from '../../src/util/errors.js';

/** Two Gaussian blobs in 4-D, labels 0/1. */
function blobs(n: number, seed: number): { x: Matrix; y: Matrix } {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 4);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let c = 0; c < 4; c++) x[i * 4 + c] = rng.normal() + (y[i] === 1 ? 1.5 : -1.5);
  }
  return { x: { data: x, rows: n, cols: 4 }, y: { data: y, rows: n, cols: 1 } };
}

function model(): Sequential {
  const m = new Sequential({ seed: 3 });
  m.add(layers.dense({ units: 8, activation: 'relu', inputShape: [4] }));
  m.add(layers.dense({ units: 2, activation: 'softmax' }));
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

/** A RowSource over in-memory matrices, read in chunks of `chunk` rows. */
function matrixSource(x: Matrix, y: Matrix, chunk: number): RowSource {
  let next = 0;
  return {
    async read(maxRows, b) {
      if (next >= x.rows) return null;
      const rows = Math.min(maxRows, chunk, x.rows - next);
      b.x.set(x.data.subarray(next * x.cols, (next + rows) * x.cols));
      b.y.set(y.data.subarray(next * y.cols, (next + rows) * y.cols));
      next += rows;
      return { rows, firstRow: next - rows };
    },
    async rewind() {
      next = 0;
    },
  };
}

describe('fit and evaluate over datasets', () => {
  it('a memory dataset trains exactly like its matrices', async () => {
    const { x, y } = blobs(200, 1);
    const a = model();
    const b = model();
    await a.fit(x, y, { epochs: 3, batchSize: 16, seed: 9 });
    await b.fit(memoryDataset(x, y), { epochs: 3, batchSize: 16, seed: 9 });
    expect(Array.from(b.params)).toEqual(Array.from(a.params));
  });

  it('a streaming dataset learns and evaluates like the matrices it streams', async () => {
    const train = blobs(600, 2);
    const test = blobs(200, 3);
    const m = model();
    const ds = streamingDataset(matrixSource(train.x, train.y, 50), { inputWidth: 4, targetWidth: 1, bufferRows: 128 });
    const val = streamingDataset(matrixSource(test.x, test.y, 64), { inputWidth: 4, targetWidth: 1, bufferRows: 100 });
    const history = await m.fit(ds, { epochs: 4, batchSize: 16, seed: 4, validationData: val });
    const loss = history.history.loss;
    expect(loss[loss.length - 1]).toBeLessThan(loss[0]);
    expect(history.history.val_accuracy[3]).toBeGreaterThan(0.95);
    const viaDataset = await m.evaluate(val);
    const viaMatrices = await m.evaluate(test.x, test.y);
    expect(viaDataset.accuracy).toBe(viaMatrices.accuracy);
    expect(viaDataset.loss).toBeCloseTo(viaMatrices.loss, 6);
    expect(history.history.val_loss[3]).toBeCloseTo(viaMatrices.loss, 6);
  });

  it('rejects options that need the data in memory, and mismatched widths', async () => {
    const { x, y } = blobs(40, 5);
    const ds = () => streamingDataset(matrixSource(x, y, 10), { inputWidth: 4, targetWidth: 1, bufferRows: 16 });
    await expect(model().fit(ds(), { validationSplit: 0.2 })).rejects.toThrow(ConfigError);
    await expect(model().fit(ds(), { checkpoint: join(tmpdir(), 'never.ckpt') })).rejects.toThrow(/needs the data in memory/);
    const wide = streamingDataset(matrixSource(x, y, 10), { inputWidth: 5, targetWidth: 1, bufferRows: 16 });
    await expect(model().fit(wide, { epochs: 1 })).rejects.toThrow(ShapeError);
    await expect(model().fit(x)).rejects.toThrow(/needs targets/);
  });

  it('csvDataset streams a CSV file; the parts of its hash split are disjoint and cover the rows', async () => {
    const { x, y } = blobs(300, 6);
    const dir = mkdtempSync(join(tmpdir(), 'nntrain-csvds-'));
    const file = join(dir, 'blobs.csv');
    const lines = ['a,b,c,d,label'];
    for (let i = 0; i < x.rows; i++) lines.push(`${Array.from(x.data.subarray(i * 4, i * 4 + 4)).join(',')},${y.data[i] === 1 ? 'yes' : 'no'}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const split = { seed: 11, fractions: { testFraction: 0.25 } };
    const train = await csvDataset(file, { target: 'label', bufferRows: 64, split: { ...split, part: 'train' } });
    const test = await csvDataset(file, { target: 'label', bufferRows: 64, split: { ...split, part: 'test' }, categories: { label: train.stream.schema.columns.find((c) => c.name === 'label')!.categories! } });
    try {
      const seen: number[] = [];
      for (const ds of [train, test]) for await (const block of ds.blocks()) for (let r = 0; r < block.x.rows; r++) seen.push(block.x.data[r * 4]);
      expect(seen.length).toBe(300);
      expect(new Set(seen).size).toBe(300);
      expect(test.rows).toBeGreaterThan(40);
      expect(test.rows).toBeLessThan(110);
      const m = model();
      await m.fit(train, { epochs: 5, batchSize: 16, seed: 1 });
      expect((await m.evaluate(test)).accuracy).toBeGreaterThan(0.9);
    } finally {
      await train.close();
      await test.close();
    }
  });
});

// Row weights with Datasets: a CSV weight column streamed by csvDataset trains and evaluates to the
// floats of the in-memory fit with the same rows as sampleWeight (times classWeight), on the same
// batches; classWeight weighs a stream's blocks; bad weights are named by file, line and column.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvDataset, layers, memoryDataset, optimizers, Rng, Sequential, streamingDataset, type Matrix, type RowSource } from '../../src/index.js';
import { ConfigError, DataError } from '../../src/util/errors.js';

const N = 48;

/** N rows of 3 features, labels 0/1/2, weights in {0, 0.5, 1, 2, 3}: all float32 exact in CSV. */
function rows(): { x: Matrix; y: Matrix; w: Float32Array } {
  const rng = new Rng(5);
  const x = new Float32Array(N * 3);
  const y = new Float32Array(N);
  const w = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    y[i] = i % 3;
    w[i] = [0, 0.5, 1, 2, 3][i % 5];
    for (let c = 0; c < 3; c++) x[i * 3 + c] = Math.fround(rng.normal() + y[i] - 1);
  }
  return { x: { data: x, rows: N, cols: 3 }, y: { data: y, rows: N, cols: 1 }, w };
}

function model(): Sequential {
  const m = new Sequential({ seed: 7 });
  m.add(layers.dense({ units: 6, activation: 'tanh', inputShape: [3] }));
  m.add(layers.dense({ units: 3, activation: 'softmax' }));
  m.compile({ optimizer: optimizers.sgd({ learningRate: 0.2 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

function writeCsv(lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'nntrain-wds-')), 'rows.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** The rows as a CSV file with the weight column between the features and the label. */
function weightedCsv(d: { x: Matrix; y: Matrix; w: Float32Array }): string {
  const lines = ['a,b,w,c,label'];
  for (let i = 0; i < N; i++) {
    const f = Array.from(d.x.data.subarray(i * 3, i * 3 + 3));
    lines.push(`${f[0]},${f[1]},${d.w[i]},${f[2]},${d.y.data[i]}`);
  }
  return writeCsv(lines);
}

/** A RowSource over matrices (no weights), in chunks of 7 rows. */
function matrixSource(x: Matrix, y: Matrix): RowSource {
  let next = 0;
  return {
    async read(maxRows, b) {
      if (next >= x.rows) return null;
      const n = Math.min(maxRows, 7, x.rows - next);
      b.x.set(x.data.subarray(next * x.cols, (next + n) * x.cols));
      b.y.set(y.data.subarray(next * y.cols, (next + n) * y.cols));
      next += n;
      return { rows: n, firstRow: next - n };
    },
    async rewind() {
      next = 0;
    },
  };
}

describe('row weights with datasets', () => {
  it("csvDataset's weight column trains and evaluates as sampleWeight in memory (the same batches: bit for bit)", async () => {
    const d = rows();
    const ds = await csvDataset(weightedCsv(d), { target: 'label', weight: 'w', bufferRows: 16 });
    try {
      expect(ds.weightColumn).toBe('w');
      expect(ds.inputWidth).toBe(3); // the weight column is no feature
      const opts = { epochs: 2, batchSize: 8, shuffle: false, classWeight: { 2: 1.5 } };
      const streamed = model();
      const h = await streamed.fit(ds, opts);
      const inMemory = model();
      const hm = await inMemory.fit(d.x, d.y, { ...opts, sampleWeight: d.w });
      expect(Array.from(streamed.params)).toEqual(Array.from(inMemory.params));
      expect(h.history.loss).toEqual(hm.history.loss);
      const plain = model();
      await plain.fit(d.x, d.y, { epochs: 2, batchSize: 8, shuffle: false });
      expect(Array.from(plain.params)).not.toEqual(Array.from(inMemory.params));
      const e = await streamed.evaluate(ds, { batchSize: 8 });
      const em = await streamed.evaluate(d.x, d.y, { batchSize: 8, sampleWeight: d.w });
      expect(e.loss).toBeCloseTo(em.loss, 6);
      expect(e.accuracy).toBe(em.accuracy);
      expect(e.loss).not.toBeCloseTo((await streamed.evaluate(d.x, d.y)).loss, 3);
    } finally {
      await ds.close();
    }
  });

  it('classWeight weighs a stream by each block’s targets, as in memory; a memory dataset carries w', async () => {
    const d = rows();
    const opts = { epochs: 1, batchSize: 7, shuffle: false, classWeight: [1, 4, 0.5] };
    const streamed = model();
    await streamed.fit(streamingDataset(matrixSource(d.x, d.y), { inputWidth: 3, targetWidth: 1, bufferRows: 14 }), opts);
    const inMemory = model();
    await inMemory.fit(d.x, d.y, opts);
    expect(Array.from(streamed.params)).toEqual(Array.from(inMemory.params));
    const viaMemory = model();
    await viaMemory.fit(memoryDataset(d.x, d.y, d.w), { epochs: 1, batchSize: 8, shuffle: false });
    const direct = model();
    await direct.fit(d.x, d.y, { epochs: 1, batchSize: 8, shuffle: false, sampleWeight: d.w });
    expect(Array.from(viaMemory.params)).toEqual(Array.from(direct.params));
  });

  it('a negative, missing, NaN or non-numeric weight is an error naming file, line and column', async () => {
    const bad = async (value: string): Promise<string> => {
      const file = writeCsv(['a,w,label', '1,1,0', '2,0.5,1', `3,${value},0`, '4,1,1']);
      const ds = await csvDataset(file, { target: 'label', weight: 'w' });
      try {
        const m = new Sequential({ seed: 1 });
        m.add(layers.dense({ units: 2, activation: 'softmax', inputShape: [1] }));
        m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
        const err = await m.fit(ds, { epochs: 1 }).then(() => null, (e: unknown) => e);
        expect(err).toBeInstanceOf(DataError);
        return (err as Error).message;
      } finally {
        await ds.close();
      }
    };
    expect(await bad('-2')).toMatch(/rows\.csv: line 4, column 2 \('w'\): negative weight -2: a weight must be a finite number >= 0/);
    expect(await bad('NA')).toMatch(/rows\.csv: line 4, column 2 \('w'\): missing value 'NA'/);
    expect(await bad('NaN')).toMatch(/line 4, column 2 \('w'\): missing value 'NaN'/);
    expect(await bad('x')).toMatch(/line 4, column 2 \('w'\): expected a number but found 'x'/);
  });

  it("refuses sampleWeight with a stream, 'balanced', and a weight column the file lacks", async () => {
    const d = rows();
    const ds = streamingDataset(matrixSource(d.x, d.y), { inputWidth: 3, targetWidth: 1, bufferRows: 14 });
    await expect(model().fit(ds, { sampleWeight: d.w })).rejects.toThrow(/a streaming dataset's rows carry their own weights/);
    await expect(model().evaluate(ds, { sampleWeight: d.w })).rejects.toThrow(ConfigError);
    await expect(model().fit(ds, { classWeight: 'balanced' as never })).rejects.toThrow(/'balanced' is not computed by fit/);
    const file = writeCsv(['a,b,c,label', '1,2,3,0']);
    await expect(csvDataset(file, { target: 'label', weight: 'w' })).rejects.toThrow(/w/);
  });
});

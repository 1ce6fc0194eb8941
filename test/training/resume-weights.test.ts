// The loss weights (sampleWeight × classWeight) are part of a checkpoint's data fingerprint: resuming
// with the same weights ends bit for bit where the uninterrupted run does; other weights, none, or
// weights where the run had none are refused with a DataError that says which rows' weights differ.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, layers, readCheckpoint, Rng, Sequential, type FitOptions } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'nntrain-resume-weights-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rng = new Rng(8);
const X = Array.from({ length: 32 }, () => [rng.normal(), rng.normal()]);
const Y = X.map(([a, b]) => (a + b > 0 ? 1 : 0));
const W = X.map((_, i) => [0.5, 1, 2, 3][i % 4]);

function model(): Sequential {
  const m = new Sequential({ seed: 5 });
  m.add(layers.dense({ units: 4, activation: 'tanh', inputShape: [2] }));
  m.add(layers.dense({ units: 2, activation: 'softmax' }));
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  return m;
}

const base: FitOptions = { batchSize: 8, validationSplit: 0.25, sampleWeight: W, classWeight: { 1: 2 } };

describe('resume and loss weights', () => {
  it('resumes a weighted run bit for bit; other, missing or new weights are refused', async () => {
    const straight = model();
    await straight.fit(X, Y, { ...base, epochs: 3 });
    const path = join(dir, 'weighted.ckpt');
    await model().fit(X, Y, { ...base, epochs: 1, checkpoint: path });
    expect((await readCheckpoint(path)).training.data.weightsCrc32).toEqual(expect.any(Number));

    const resume = (options: FitOptions) => model().fit(X, Y, { resumeFrom: path, epochs: 3, batchSize: 8, validationSplit: 0.25, ...options });
    const other = W.map((w, i) => (i === 3 ? w + 1 : w));
    await expect(resume({ sampleWeight: other, classWeight: { 1: 2 } })).rejects.toThrow(/training loss weights .* had other weights/);
    await expect(resume({ sampleWeight: W, classWeight: { 1: 3 } })).rejects.toThrow(DataError);
    await expect(resume({})).rejects.toThrow(/were weighted, and none are given now/);
    const otherVal = W.map((w, i) => (i === 30 ? w + 1 : w)); // a held-out row's weight
    await expect(resume({ sampleWeight: otherVal, classWeight: { 1: 2 } })).rejects.toThrow(/validation loss weights/);

    const resumed = model();
    await resumed.fit(X, Y, { resumeFrom: path, epochs: 3, sampleWeight: W, classWeight: { 1: 2 } });
    expect(Array.from(resumed.params)).toEqual(Array.from(straight.params));

    const plainPath = join(dir, 'plain.ckpt');
    await model().fit(X, Y, { batchSize: 8, epochs: 1, checkpoint: plainPath });
    expect((await readCheckpoint(plainPath)).training.data.weightsCrc32).toBeNull();
    await expect(model().fit(X, Y, { resumeFrom: plainPath, epochs: 2, sampleWeight: W })).rejects.toThrow(/its rows were unweighted/);
  });
});

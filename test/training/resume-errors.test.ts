// resumeFrom refuses anything that would silently train a different run: another model, other data,
// conflicting options, missing callbacks, or a file that is not a checkpoint. Each error names what differs.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbacks, ConfigError, DataError, layers, ModelFileError, readCheckpoint, Rng, Sequential, ShapeError, type FitOptions } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'nntrain-resume-errors-'));
const path = join(dir, 'run.ckpt');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rng = new Rng(6);
const X = Array.from({ length: 40 }, () => [rng.normal(), rng.normal()]);
const Y = X.map(([a, b]) => [a * b]);

function model(units = 6): Sequential {
  const m = new Sequential({ seed: 3, backend: 'js' });
  m.add(layers.dense({ units, activation: 'tanh', inputShape: [2] }));
  m.add(layers.dense({ units: 1 }));
  m.compile({ optimizer: 'adam', loss: 'mse' });
  return m;
}

const base: FitOptions = { epochs: 5, batchSize: 8, validationSplit: 0.25 };

beforeAll(async () => {
  const m = model();
  await m.fit(X, Y, { ...base, epochs: 2, checkpoint: path, callbacks: [callbacks.earlyStopping({ monitor: 'val_loss', patience: 9 })] });
});

const resume = (m: Sequential, options: FitOptions = {}, x: number[][] = X, y: number[][] = Y) =>
  m.fit(x, y, { resumeFrom: path, callbacks: [callbacks.earlyStopping({ monitor: 'val_loss', patience: 9 })], ...options });

describe('resumeFrom checks', () => {
  it('continues with the checkpoint options when none are given, and epochs may be raised', async () => {
    const h = await resume(model(), { epochs: 4 });
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(Object.keys(h.history)).toEqual(['loss', 'val_loss']);
  });

  it('a model with another config is refused, naming the first difference', async () => {
    await expect(resume(model(7))).rejects.toThrow(ConfigError);
    await expect(resume(model(7))).rejects.toThrow(/config\.layers\[0\]\.units is 7 here but 6 in the checkpoint/);
  });

  it('other data are refused: other rows, other widths, other values', async () => {
    await expect(resume(model(), {}, X.slice(0, 36), Y.slice(0, 36))).rejects.toThrow(ShapeError);
    await expect(resume(model(), {}, X.slice(0, 36), Y.slice(0, 36))).rejects.toThrow(/27 training and 9 validation rows .* 30 and 10/);
    const y2 = Y.map(([v], i) => [i === 5 ? v + 1 : v]);
    await expect(resume(model(), {}, X, y2)).rejects.toThrow(DataError);
    const yVal = Y.map(([v], i) => [i === 39 ? v + 1 : v]); // only a validation row differs
    await expect(resume(model(), {}, X, yVal)).rejects.toThrow(/validation data differ/);
  });

  it('options that conflict with the checkpoint are refused, naming the option', async () => {
    await expect(resume(model(), { batchSize: 16 })).rejects.toThrow(/batchSize 16 differs from the checkpoint's 8/);
    await expect(resume(model(), { shuffle: false })).rejects.toThrow(/shuffle false differs/);
    await expect(resume(model(), { validationSplit: 0.5 })).rejects.toThrow(/validationSplit 0.5 differs/);
    await expect(resume(model(), { seed: 1 })).rejects.toThrow(/seed 1 differs from the checkpoint's/);
    await expect(resume(model(), { epochs: 1 })).rejects.toThrow(/epochs 1 is before the checkpoint's position/);
    await expect(resume(model(), { initialEpoch: 1 })).rejects.toThrow(/initialEpoch cannot be combined with resumeFrom/);
    await expect(resume(model(), { validationSplit: undefined, validationData: [X, Y] })).rejects.toThrow(/validationData was given but the checkpointed run had validationSplit/);
  });

  it('validationData is part of the checkpointed run: it must be given again, the same', async () => {
    const p = join(dir, 'validation-data.ckpt');
    const [xv, yv] = [X.slice(0, 10), Y.slice(0, 10)];
    await model().fit(X, Y, { epochs: 2, batchSize: 8, validationData: [xv, yv], checkpoint: p });
    await expect(model().fit(X, Y, { resumeFrom: p })).rejects.toThrow(/validated on validationData; pass the same validationData/);
    await expect(model().fit(X, Y, { resumeFrom: p, validationData: [xv, Y.slice(1, 11)] })).rejects.toThrow(/validation data differ/);
    const h = await model().fit(X, Y, { resumeFrom: p, validationData: [xv, yv], epochs: 3 });
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(h.history.val_loss).toHaveLength(3);
  });

  it('a saved callback state without its callback is refused', async () => {
    await expect(model().fit(X, Y, { resumeFrom: path })).rejects.toThrow(/state for callbacks\[0\] \(class EarlyStopping\) but this fit's callbacks\[0\] is missing/);
  });

  it('files that are not checkpoints are ModelFileErrors', async () => {
    const plain = join(dir, 'plain.nntrain');
    await model().save(plain);
    await expect(resume(model(), { resumeFrom: plain })).rejects.toThrow(ModelFileError);
    await expect(resume(model(), { resumeFrom: plain })).rejects.toThrow(/without a training position/);
    await expect(resume(model(), { resumeFrom: join(dir, 'missing.ckpt') })).rejects.toThrow(/does not exist/);
  });

  it('bad option values are ConfigErrors', async () => {
    await expect(model().fit(X, Y, { resumeFrom: '' })).rejects.toThrow(/Expected a checkpoint file path or a Checkpoint/);
    await expect(model().fit(X, Y, { checkpoint: { path: path, everySteps: 0 } })).rejects.toThrow(/checkpoint\.everySteps/);
    await expect(model().fit(X, Y, { checkpoint: { pth: path } as never })).rejects.toThrow(/Did you mean 'path'/);
    await expect(model().fit(X, Y, { checkpoint: join(dir, 'no-dir', 'x.ckpt') })).rejects.toThrow(ModelFileError);
  });

  it('a Checkpoint read once can be passed instead of a path; a finished run resumes to its end', async () => {
    const ckpt = await readCheckpoint(path);
    expect(ckpt.training.epoch).toBe(2);
    const done = await model().fit(X, Y, { resumeFrom: ckpt, callbacks: [callbacks.earlyStopping({ monitor: 'val_loss', patience: 9 })] });
    expect(done.epoch).toEqual([0, 1]); // the checkpointed run had epochs: 2
    const h = await model().fit(X, Y, { resumeFrom: ckpt, epochs: 5, callbacks: [callbacks.earlyStopping({ monitor: 'val_loss', patience: 9 })] });
    expect(h.epoch).toEqual([0, 1, 2, 3, 4]);
  });

  it('a callback state that cannot be stored fails the checkpoint write with a clear error', async () => {
    const bad = { getState: () => ({ fn: () => 1 }), setState: () => undefined };
    await expect(model().fit(X, Y, { ...base, checkpoint: join(dir, 'bad.ckpt'), callbacks: [bad] })).rejects.toThrow(
      /cannot be saved in a checkpoint: the training state\.callbacks\[0\]\.state\.fn is a function/,
    );
  });
});

// checkpoint.onAbort: a fit aborted mid-epoch saves the position after its last applied step, and a run
// resumed from it ends with the weights of an uninterrupted run, bit for bit.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AbortError, layers, optimizers, readCheckpoint, Sequential } from '../../src/index.js';
import { Rng } from '../../src/util/rng.js';
import { BACKENDS } from '../helpers/backends.js';

const dir = mkdtempSync(join(tmpdir(), 'nntrain-abort-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rng = new Rng(4);
const X = Array.from({ length: 70 }, () => [rng.uniform(), rng.uniform(), rng.uniform()]);
const Y = X.map((r) => (r[0] > r[1] ? 1 : 0));
const FIT = { epochs: 4, batchSize: 10, seed: 2 } as const; // 7 steps per epoch

function model(backend: 'js' | 'native'): Sequential {
  const m = new Sequential({ seed: 3, backend });
  m.add(layers.dense({ units: 8, activation: 'tanh', inputShape: [3] }));
  m.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy' });
  return m;
}

describe.each(BACKENDS)('checkpoint.onAbort ($name)', ({ name, available }) => {
  it.skipIf(!available)('saves the position of the abort; the resumed run equals an uninterrupted one', async () => {
    const straight = model(name);
    await straight.fit(X, Y, FIT);

    const path = join(dir, `${name}.ckpt`);
    const controller = new AbortController();
    let steps = 0;
    const stopper = { onBatchEnd: () => void (++steps === 10 && controller.abort()) };
    const err = await model(name)
      .fit(X, Y, { ...FIT, stepsPerChunk: 1, signal: controller.signal, callbacks: [stopper], checkpoint: { path, onAbort: true } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    const ckpt = await readCheckpoint(path);
    expect(ckpt.training.step).toBe(10); // not the epoch-end save at step 7
    expect([ckpt.training.epoch, ckpt.training.batch]).toEqual([1, 3]);

    const resumed = model(name);
    await resumed.fit(X, Y, { ...FIT, resumeFrom: path });
    expect(Array.from(resumed.params)).toEqual(Array.from(straight.params));
  });
});

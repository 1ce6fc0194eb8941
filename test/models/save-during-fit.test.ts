// model.save(), predict and evaluate while a fit runs see the weights after a whole optimizer step, on
// both backends. Each step's weights are recorded by a reference run (the same seed and data, one step per
// chunk, a hash after every step); a run with other chunk sizes is then saved 200 times while it trains,
// and every saved file must hold one of those steps' weights (native updates the weights on a worker
// thread, so a save that read them mid-update would match no step).

import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Callback } from '../../src/callbacks/callback.js';
import { readModelFile } from '../../src/io/model-file.js';
import { layers, optimizers, Sequential } from '../../src/index.js';
import { Rng } from '../../src/util/rng.js';
import { BACKENDS } from '../helpers/backends.js';
import { memoryTempDir } from '../helpers/tmpfs.js';

// each save is fsynced: on tmpfs that costs nothing, so the 200 saves take little time
const dir = memoryTempDir('nntrain-save-during-fit-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 256;
const WIDTH = 16;
const CLASSES = 4;
const SAVES = 200;

function data(): { x: number[][]; y: number[] } {
  const rng = new Rng(11);
  const x = Array.from({ length: ROWS }, () => Array.from({ length: WIDTH }, () => rng.uniform() * 2 - 1));
  const y = x.map((r) => (r[0] > 0 ? 1 : 0) + (r[1] > 0 ? 2 : 0));
  return { x, y };
}

function model(backend: 'js' | 'native', units: number): Sequential {
  const m = new Sequential({ seed: 5, backend });
  m.add(layers.dense({ units, activation: 'relu', inputShape: [WIDTH] }));
  m.add(layers.dense({ units, activation: 'tanh' }));
  m.add(layers.dense({ units: CLASSES, activation: 'softmax' }));
  m.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy' });
  return m;
}

function hash(params: Float32Array): string {
  return createHash('sha1').update(new Uint8Array(params.buffer, params.byteOffset, params.byteLength)).digest('hex');
}

const FIT = { batchSize: 16, seed: 9, shuffle: true } as const;

describe.each(BACKENDS)('save, predict and evaluate during fit ($name)', ({ name, available }) => {
  const units = name === 'native' ? 256 : 32; // native: updates long enough to be caught mid-way

  it.skipIf(!available)(`${SAVES} saves during a fit each hold the weights of a whole step`, async () => {
    const { x, y } = data();
    const live = model(name, units);
    const path = join(dir, `${name}.nntrain`);
    const saved: string[] = [];
    let savedDuringFit = 0;
    let fitting = true;
    // the run lasts until the saves are done: no timing is assumed
    const stopWhenDone: Callback = {
      onEpochEnd: () => {
        if (saved.length >= SAVES) live.stopTraining = true;
      },
    };
    const fit = live.fit(x, y, { ...FIT, epochs: 10_000, stepsPerChunk: 3, callbacks: [stopWhenDone] }).finally(() => (fitting = false));
    while (saved.length < SAVES) {
      await live.save(path, { includeOptimizer: false });
      if (fitting) savedDuringFit++;
      saved.push(hash((await readModelFile(path)).params));
    }
    const history = await fit;
    expect(savedDuringFit).toBeGreaterThan(SAVES / 2);

    // the reference: the same run, one step per chunk, every step's weights hashed
    const ref = model(name, units);
    ref.build(WIDTH);
    const steps = new Set<string>([hash(ref.params)]);
    const record: Callback = { onBatchEnd: () => void steps.add(hash(ref.params)) };
    await ref.fit(x, y, { ...FIT, epochs: history.epoch.length, stepsPerChunk: 1, callbacks: [record] });
    expect(hash(ref.params)).toBe(hash(live.params)); // the same run: the reference is valid
    const strays = saved.filter((h) => !steps.has(h));
    expect(strays.length, `${strays.length} of ${SAVES} saved files match no step`).toBe(0);
  }, 120_000);

  it.skipIf(!available)('predict and evaluate during a fit see one step’s weights for all their rows', async () => {
    const { x, y } = data();
    const live = model(name, units);
    const outputs: Float32Array[] = [];
    let fitting = true;
    const stopWhenDone: Callback = {
      onEpochEnd: () => {
        if (outputs.length >= 20) live.stopTraining = true;
      },
    };
    const fit = live.fit(x, y, { ...FIT, epochs: 10_000, stepsPerChunk: 2, callbacks: [stopWhenDone] }).finally(() => (fitting = false));
    let duringFit = 0;
    while (outputs.length < 20) {
      // batchSize 1: many plan calls, between which the fit's chunks would otherwise run
      const [out] = await Promise.all([live.predict(x, { batchSize: 1 }), live.evaluate(x, y, { batchSize: 1 })]);
      if (fitting) duringFit++;
      outputs.push(out.data);
    }
    const history = await fit;
    expect(duringFit).toBeGreaterThan(10);

    const ref = model(name, units);
    ref.build(WIDTH);
    const steps: Float32Array[] = [ref.params.slice()];
    await ref.fit(x, y, { ...FIT, epochs: history.epoch.length, stepsPerChunk: 1, callbacks: [{ onBatchEnd: () => void steps.push(ref.params.slice()) }] });
    // the outputs of every step's weights, hashed
    const probe = model(name, units);
    probe.build(WIDTH);
    const known = new Set<string>();
    for (const w of steps) {
      probe.setParams(w);
      known.add(hash((await probe.predict(x, { batchSize: 1 })).data));
    }
    const strays = outputs.filter((o) => !known.has(hash(o)));
    expect(strays.length, `${strays.length} of ${outputs.length} predictions mix the weights of several steps`).toBe(0);
  }, 120_000);
});

// Resumable training is exact: a run interrupted after a checkpoint (at an epoch boundary or mid-epoch)
// and resumed on a fresh model ends with bit-identical weights, the same History and the same step count
// as the uninterrupted run — with dropout and Gaussian noise, Adam, reduceOnPlateau and early stopping
// (restoring its best weights) all in play, no seed given, on both backends, at one thread and at the
// default thread count (native results do not depend on it).

import { availableParallelism } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AbortError,
  callbacks,
  layers,
  loadModel,
  matrix,
  nativeAvailable,
  optimizers,
  readCheckpoint,
  Rng,
  schedules,
  Sequential,
  setThreads,
  type FitOptions,
  type History,
  type Matrix,
} from '../../src/index.js';

const BACKENDS = ['js', ...(nativeAvailable() ? ['native'] : [])] as ('js' | 'native')[];
const dir = mkdtempSync(join(tmpdir(), 'nntrain-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Three noisy, overlapping blobs in 6-D (so validation loss plateaus and early stopping triggers). */
function blobs(rows: number, seed: number): { x: Matrix; y: Float32Array } {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * 6);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    y[r] = r % 3;
    for (let j = 0; j < 6; j++) x[r * 6 + j] = rng.normal() * 1.6 + (j === r % 3 ? 1 : 0);
  }
  return { x: matrix(x, 6), y };
}
const DATA = blobs(100, 4); // validationSplit 0.2 → 80 training rows → 7 batches of 12 (the last has 8)
const EPOCHS = 60;

interface Setup {
  model: Sequential;
  /** The model's schedule (null for a model loaded from a file, whose schedule the test cannot reach). */
  plateau: ReturnType<typeof schedules.reduceOnPlateau> | null;
  early: ReturnType<typeof callbacks.earlyStopping>;
}

function setup(backend: 'js' | 'native'): Setup {
  const model = new Sequential({ seed: 21, backend });
  model.add(layers.gaussianNoise({ stddev: 0.2, inputShape: [6] }));
  model.add(layers.dense({ units: 24, activation: 'relu' }));
  model.add(layers.dropout({ rate: 0.3 }));
  model.add(layers.dense({ units: 3, activation: 'softmax' }));
  const plateau = schedules.reduceOnPlateau({ monitor: 'val_loss', patience: 1, factor: 0.5 });
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'], schedule: plateau });
  const early = callbacks.earlyStopping({ monitor: 'val_loss', patience: 4, restoreBestWeights: true });
  return { model, plateau, early };
}

/** The options of every run; no seed, so the run seed comes from the model and must be stored. */
const options = (s: Setup, extra: FitOptions = {}): FitOptions => ({ epochs: EPOCHS, batchSize: 12, validationSplit: 0.2, callbacks: [s.early], ...extra });

interface Outcome {
  params: Float32Array;
  history: History;
  step: number;
  reductions: number | null;
}

const outcome = (s: Setup, history: History): Outcome => ({
  params: s.model.params.slice(),
  history,
  step: s.model.getOptimizerState()?.step ?? -1,
  reductions: s.plateau?.reductionCount ?? null,
});

/** The bit patterns of the floats: equal iff the weights are bit-identical. */
const bits = (f: Float32Array): Uint32Array => new Uint32Array(f.slice().buffer);

/** Trains (with the checkpoint option in `extra`) and aborts right after step `stop.step` or at the end of epoch `stop.epoch`. */
async function interrupted(backend: 'js' | 'native', stop: { step?: number; epoch?: number }, extra: FitOptions): Promise<void> {
  const s = setup(backend);
  const controller = new AbortController();
  let steps = 0;
  const stopper = {
    onBatchEnd: () => void (++steps === stop.step && controller.abort()),
    onEpochEnd: (epoch: number) => void (epoch === stop.epoch && controller.abort()),
  };
  const err = await s.model
    .fit(DATA.x, DATA.y, { ...options(s, extra), stepsPerChunk: 1, signal: controller.signal, callbacks: [s.early, stopper] })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AbortError);
}

/** A new model (built in code, or loaded from the checkpoint) resumed from `path`. */
async function resumed(backend: 'js' | 'native', path: string, how: 'rebuild' | 'load', extra: FitOptions = {}): Promise<Outcome> {
  const s = setup(backend);
  if (how === 'load') {
    s.model = await loadModel(path, { backend });
    s.plateau = null;
  }
  const history = await s.model.fit(DATA.x, DATA.y, { ...options(s), resumeFrom: path, callbacks: [s.early, {}], ...extra });
  return outcome(s, history);
}

function expectSameRun(actual: Outcome, expected: Outcome): void {
  expect(actual.step).toBe(expected.step);
  expect(actual.history.epoch).toEqual(expected.history.epoch);
  expect(actual.history.history).toEqual(expected.history.history);
  if (actual.reductions !== null) expect(actual.reductions).toBe(expected.reductions);
  expect(bits(actual.params)).toEqual(bits(expected.params));
}

describe.each(BACKENDS)('resume on %s', (backend) => {
  let straight: Outcome;
  const threads = (n: number) => backend === 'native' && setThreads(n);

  it('the uninterrupted run: early stopping and plateau reductions both happen', async () => {
    threads(1);
    const s = setup(backend);
    straight = outcome(s, await s.model.fit(DATA.x, DATA.y, options(s)));
    expect(straight.history.epoch.length).toBeLessThan(EPOCHS);
    expect(s.early.stoppedEpoch).toBeGreaterThan(4);
    expect(straight.reductions).toBeGreaterThan(1);
  });

  it('resumes at an epoch boundary with the same weights and History', async () => {
    const path = join(dir, `${backend}-epoch.ckpt`);
    await interrupted(backend, { epoch: 3 }, { checkpoint: path });
    const ckpt = await readCheckpoint(path);
    expect([ckpt.training.epoch, ckpt.training.batch, ckpt.training.step]).toEqual([4, 0, 28]);
    expect(ckpt.training.history.epoch).toEqual([0, 1, 2, 3]);
    expectSameRun(await resumed(backend, path, 'rebuild'), straight);
  });

  it('resumes mid-epoch (checkpoint every 5 steps) with the same weights and History', async () => {
    const path = join(dir, `${backend}-mid.ckpt`);
    // An abort right after step s writes no checkpoint for s: the last one is the latest multiple of 5 or
    // epoch end (7 steps) before s. Stop where that is a mid-epoch one, past half of the run.
    const lastSave = (s: number) => Math.max(...[5, 7].map((k) => (s - 1) - ((s - 1) % k)));
    let stopAt = Math.floor(straight.step * 0.6);
    while (lastSave(stopAt) % 7 === 0) stopAt++;
    await interrupted(backend, { step: stopAt }, { checkpoint: { path, everySteps: 5 } });
    const ckpt = await readCheckpoint(path);
    expect(ckpt.training.step).toBe(lastSave(stopAt));
    expect(ckpt.training.batch).toBe(ckpt.training.step % 7);
    expect(ckpt.training.batch).toBeGreaterThan(0); // this test is about a mid-epoch position
    expectSameRun(await resumed(backend, path, 'load'), straight);
  });

  it('resumes twice in a row (each resumed run checkpoints again)', async () => {
    const path = join(dir, `${backend}-twice.ckpt`);
    await interrupted(backend, { step: 11 }, { checkpoint: { path, everySteps: 3 } });
    // the second leg: resumed, checkpointing to the same file, interrupted again
    const s = setup(backend);
    const controller = new AbortController();
    let steps = 0;
    const stopper = { onBatchEnd: () => void (++steps === 17 && controller.abort()) };
    const err = await s.model
      .fit(DATA.x, DATA.y, { resumeFrom: path, checkpoint: { path, everySteps: 3 }, stepsPerChunk: 1, signal: controller.signal, callbacks: [s.early, stopper] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((await readCheckpoint(path)).training.step).toBe(9 + 15);
    expectSameRun(await resumed(backend, path, 'rebuild'), straight);
  });

  it('a checkpoint of the finished run resumes to the same end: no more steps, best weights restored', async () => {
    const path = join(dir, `${backend}-done.ckpt`);
    const s = setup(backend);
    await s.model.fit(DATA.x, DATA.y, { ...options(s), checkpoint: path });
    const ckpt = await readCheckpoint(path);
    expect(ckpt.training.stopped).toBe(true);
    expect(ckpt.training.epoch).toBe(straight.history.epoch.length);
    expectSameRun(await resumed(backend, path, 'load'), straight);
  });

  it('checkpointing does not change the run, and a given seed is kept', async () => {
    const plain = setup(backend);
    const a = outcome(plain, await plain.model.fit(DATA.x, DATA.y, options(plain, { seed: 99, epochs: 6 })));
    const path = join(dir, `${backend}-seed.ckpt`);
    await interrupted(backend, { step: 23 }, { seed: 99, epochs: 6, checkpoint: { path, everySteps: 4 } });
    expect((await readCheckpoint(path)).training.seed).toBe(99);
    expectSameRun(await resumed(backend, path, 'rebuild', { epochs: 6 }), a);
  });

  it.runIf(backend === 'native' && availableParallelism() > 1)('is exact at the default thread count too', async () => {
    threads(availableParallelism());
    const path = join(dir, `${backend}-threads.ckpt`);
    await interrupted(backend, { step: 30 }, { checkpoint: { path, everySteps: 4 } });
    expectSameRun(await resumed(backend, path, 'rebuild'), straight);
    threads(1);
  });
});

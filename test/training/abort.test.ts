// Aborting fit through an AbortSignal: fit rejects with AbortError and the model keeps the weights of
// the last completed step (checked by replaying exactly that many steps on a fresh model).

import { describe, expect, it } from 'vitest';
import { AbortError, layers, matrix, nativeAvailable, Rng, Sequential } from '../../src/index.js';

const BACKENDS = ['js', ...(nativeAvailable() ? ['native'] : [])] as ('js' | 'native')[];

const rng = new Rng(8);
const X = matrix(Float32Array.from({ length: 3000 * 12 }, () => rng.normal()), 12);
const Y = Float32Array.from({ length: 3000 }, (_, r) => r % 4);

function model(backend: 'js' | 'native'): Sequential {
  const m = new Sequential({ seed: 2, backend });
  m.add(layers.dense({ units: 32, activation: 'relu', inputShape: [12] }));
  m.add(layers.dropout({ rate: 0.2 }));
  m.add(layers.dense({ units: 4, activation: 'softmax' }));
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

/** A fresh model trained for exactly `steps` steps (aborted from onBatchEnd with one step per chunk). */
async function replay(backend: 'js' | 'native', steps: number): Promise<Float32Array> {
  const m = model(backend);
  const controller = new AbortController();
  let done = 0;
  await m
    .fit(X, Y, {
      epochs: 100_000, // a cap: the abort after `steps` ends it
      batchSize: 16,
      seed: 4,
      stepsPerChunk: 1,
      signal: controller.signal,
      callbacks: [{ onBatchEnd: () => void (++done === steps && controller.abort()) }],
    })
    .catch((e: unknown) => {
      if (!(e instanceof AbortError)) throw e;
    });
  expect(m.getOptimizerState()?.step).toBe(steps);
  return m.params.slice();
}

describe.each(BACKENDS)('abort on %s', (backend) => {
  it('aborting from onBatchEnd stops right after that step', async () => {
    const m = model(backend);
    const controller = new AbortController();
    const snapshots: Float32Array[] = [];
    const err = await m
      .fit(X, Y, {
        epochs: 100,
        batchSize: 16,
        seed: 4,
        stepsPerChunk: 1,
        signal: controller.signal,
        callbacks: [
          {
            onBatchEnd: () => {
              snapshots.push(m.params.slice());
              if (snapshots.length === 7) controller.abort();
            },
          },
        ],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).code).toBe('ABORT_ERR');
    expect(snapshots).toHaveLength(7);
    expect(m.getOptimizerState()?.step).toBe(7);
    expect(m.params).toEqual(snapshots[6]);
  });

  it('aborting from a timer mid-fit keeps the weights of the last completed step', async () => {
    const m = model(backend);
    const controller = new AbortController();
    // the timer starts once a step is done, so the abort lands mid-fit however slow the machine; the
    // epochs are a cap the abort must cut short
    let armed = false;
    const arm = { onBatchEnd: () => void (armed || ((armed = true), setTimeout(() => controller.abort(), 5))) };
    const err = await m.fit(X, Y, { epochs: 100_000, batchSize: 16, seed: 4, signal: controller.signal, callbacks: [arm] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    const steps = m.getOptimizerState()?.step ?? 0;
    expect(steps).toBeGreaterThan(0);
    expect(m.params.every(Number.isFinite)).toBe(true);
    expect(m.params).toEqual(await replay(backend, steps));
  });

  it('the model stays usable after an abort', async () => {
    const m = model(backend);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user pressed stop')), 20);
    const err = await m.fit(X, Y, { epochs: 1000, signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as Error).message).toMatch(/user pressed stop/);
    const h = await m.fit(X, Y, { epochs: 1 });
    expect(Number.isFinite(h.history.loss[0])).toBe(true);
  });
});

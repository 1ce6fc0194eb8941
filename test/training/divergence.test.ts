// fit's divergence check: a run whose loss explodes while staying finite (Adam at a learning rate of 1e6)
// stops with DivergenceError naming the epoch and batch; `divergence: false` turns the check off, and the
// factor is checked like any option.

import { describe, expect, it } from 'vitest';
import { ConfigError, DivergenceError, layers, optimizers, Sequential } from '../../src/index.js';
import { Rng } from '../../src/util/rng.js';
import { BACKENDS } from '../helpers/backends.js';

function data(): { x: number[][]; y: number[] } {
  const rng = new Rng(3);
  const x = Array.from({ length: 120 }, () => Array.from({ length: 4 }, () => rng.uniform() * 4 - 2));
  const y = x.map((r) => (r[0] + r[1] > 0 ? 1 : 0) + (r[2] > 0.5 ? 1 : 0));
  return { x, y };
}

function model(backend: 'js' | 'native', learningRate: number): Sequential {
  const m = new Sequential({ seed: 1, backend });
  m.add(layers.dense({ units: 16, activation: 'relu', inputShape: [4] }));
  m.add(layers.dense({ units: 3, activation: 'softmax' }));
  m.compile({ optimizer: optimizers.adam({ learningRate }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

describe.each(BACKENDS)('divergence ($name)', ({ name, available }) => {
  it.skipIf(!available)('a loss that grows by orders of magnitude stops the fit, naming the epoch and batch', async () => {
    const { x, y } = data();
    const err = await model(name, 1e6)
      .fit(x, y, { epochs: 20, batchSize: 16 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DivergenceError);
    const d = err as DivergenceError;
    expect(d.code).toBe('ERR_NNTRAIN_DIVERGED');
    expect(d.loss).toBeGreaterThan(1e4 * Math.max(d.startLoss, 1));
    expect(Number.isFinite(d.loss)).toBe(true);
    expect(d.message).toContain(`epoch ${d.epoch}, batch ${d.batch}`);
    expect(d.epoch * 8 + d.batch).toBeGreaterThan(0); // the first step is the reference, never the culprit
  });

  it.skipIf(!available)('divergence: false trains on; a larger factor moves the threshold', async () => {
    const { x, y } = data();
    const history = await model(name, 1e6).fit(x, y, { epochs: 3, batchSize: 16, divergence: false });
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(Math.max(...history.history.loss)).toBeGreaterThan(1e4);
    // a healthy run never comes near the default threshold
    const healthy = await model(name, 1e-2).fit(x, y, { epochs: 5, batchSize: 16 });
    expect(healthy.epoch.length).toBe(5);
    const lax = await model(name, 1e6)
      .fit(x, y, { epochs: 3, batchSize: 16, divergence: { factor: 1e30 } })
      .then(() => 'trained', (e: unknown) => e);
    expect(lax === 'trained' || lax instanceof DivergenceError).toBe(true);
    if (lax instanceof DivergenceError) expect(lax.loss).toBeGreaterThan(1e30 * Math.max(lax.startLoss, 1));
  });
});

describe('the divergence option', () => {
  it.each([{ factor: 1 }, { factor: 0.5 }, { factor: Number.NaN }, { factr: 10 }, true])('rejects %j', async (divergence) => {
    const { x, y } = data();
    await expect(model('js', 1e-2).fit(x, y, { epochs: 1, divergence: divergence as never })).rejects.toThrow(ConfigError);
  });
});

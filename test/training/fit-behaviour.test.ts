// fit's observable behaviour on every backend: history contents, validationSplit, determinism, chunking,
// schedules, callbacks (earlyStopping, modelCheckpoint, stopTraining), divergence and verbose output.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  callbacks,
  layers,
  loadModel,
  matrix,
  nativeAvailable,
  NonFiniteError,
  optimizers,
  regularizers,
  Rng,
  schedules,
  Sequential,
  sliceRows,
  type Matrix,
} from '../../src/index.js';

const BACKENDS = ['js', ...(nativeAvailable() ? ['native'] : [])] as ('js' | 'native')[];
const dir = mkdtempSync(join(tmpdir(), 'nntrain-fit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Three Gaussian blobs in 5-D: (rows, 5) features and integer labels. */
function blobs(rows: number, seed: number): { x: Matrix; y: Float32Array } {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * 5);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = r % 3;
    y[r] = c;
    for (let j = 0; j < 5; j++) x[r * 5 + j] = rng.normal() * 0.7 + (j === c ? 2 : 0);
  }
  return { x: matrix(x, 5), y };
}

function classifier(backend: 'js' | 'native', seed = 11, extra: { dropout?: boolean; l2?: number } = {}): Sequential {
  const m = new Sequential({ seed, backend });
  m.add(layers.dense({ units: 7, activation: 'relu', inputShape: [5], ...(extra.l2 ? { kernelRegularizer: regularizers.l2(extra.l2) } : {}) }));
  if (extra.dropout) m.add(layers.dropout({ rate: 0.3 }));
  m.add(layers.dense({ units: 3, activation: 'softmax' }));
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy', 'mae'] });
  return m;
}

describe.each(BACKENDS)('fit on %s', (backend) => {
  const data = blobs(97, 1); // a prime row count: the last batch is partial

  it('returns per-epoch history with loss, metrics and val_* keys', async () => {
    const m = classifier(backend);
    const batchEnds: number[] = [];
    const h = await m.fit(data.x, data.y, {
      epochs: 4,
      batchSize: 10,
      validationSplit: 0.2,
      callbacks: [{ onBatchEnd: (b) => void batchEnds.push(b) }],
    });
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'loss', 'mae', 'val_accuracy', 'val_loss', 'val_mae']);
    for (const values of Object.values(h.history)) {
      expect(values).toHaveLength(4);
      for (const v of values) expect(Number.isFinite(v)).toBe(true);
    }
    // 97 rows, split 0.2 → 77 training rows → ceil(77 / 10) = 8 batches per epoch
    expect(batchEnds).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7]);
    expect(h.history.loss[3]).toBeLessThan(h.history.loss[0]);
    expect(h.history.accuracy[3]).toBeGreaterThan(0.5);
  });

  it('validationSplit holds out the LAST rows, taken before shuffling', async () => {
    const a = classifier(backend);
    const b = classifier(backend);
    const ha = await a.fit(data.x, data.y, { epochs: 2, batchSize: 8, validationSplit: 0.25, seed: 9 });
    const train = Math.floor(97 * 0.75);
    const xTrain = sliceRows(data.x, 0, train);
    const xVal = sliceRows(data.x, train, 97);
    const hb = await b.fit(xTrain, data.y.subarray(0, train), { epochs: 2, batchSize: 8, seed: 9, validationData: [xVal, data.y.subarray(train)] });
    expect(a.params).toEqual(b.params);
    expect(ha.history).toEqual(hb.history);
    // the last epoch's validation logs are the model evaluated on those rows
    const ev = await a.evaluate(xVal, data.y.subarray(train), { batchSize: 8 });
    expect(ev.loss).toBeCloseTo(ha.history.val_loss[1], 5);
    expect(ev.accuracy).toBeCloseTo(ha.history.val_accuracy[1], 10);
  });

  it('is deterministic: same seeds give bit-identical params (with dropout)', async () => {
    const run = async () => {
      const m = classifier(backend, 4, { dropout: true });
      await m.fit(data.x, data.y, { epochs: 3, batchSize: 16, seed: 77 });
      return m.params.slice();
    };
    const first = await run();
    expect(await run()).toEqual(first);
    const other = classifier(backend, 4, { dropout: true });
    await other.fit(data.x, data.y, { epochs: 3, batchSize: 16, seed: 78 });
    expect(other.params).not.toEqual(first);
  });

  it('gives the same weights whatever the chunk size', async () => {
    const results: Float32Array[] = [];
    for (const stepsPerChunk of [1, 3, 100, 'auto'] as const) {
      const m = classifier(backend, 4, { dropout: true });
      await m.fit(data.x, data.y, { epochs: 2, batchSize: 9, seed: 5, stepsPerChunk });
      results.push(m.params.slice());
    }
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
  });

  it('passes the schedule learning rate of every step to the optimizer', async () => {
    const seen: [number, number][] = [];
    const schedule = schedules.custom((epoch, step) => {
      seen.push([epoch, step]);
      return 0.01 / (1 + step);
    });
    const m = classifier(backend);
    m.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'sparseCategoricalCrossentropy', schedule });
    await m.fit(data.x, data.y, { epochs: 2, batchSize: 40, shuffle: false });
    // 97 rows / 40 → 3 steps per epoch; global steps continue across epochs
    expect(seen).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 3],
      [1, 4],
      [1, 5],
    ]);
    // the rates reach the optimizer: a schedule returning c trains exactly like learningRate c
    const viaSchedule = classifier(backend);
    viaSchedule.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'sparseCategoricalCrossentropy', schedule: schedules.custom(() => 0.03) });
    const direct = classifier(backend);
    direct.compile({ optimizer: optimizers.sgd({ learningRate: 0.03 }), loss: 'sparseCategoricalCrossentropy' });
    await viaSchedule.fit(data.x, data.y, { epochs: 1, batchSize: 40, seed: 2 });
    await direct.fit(data.x, data.y, { epochs: 1, batchSize: 40, seed: 2 });
    expect(viaSchedule.params).toEqual(direct.params);
    expect(m.params).not.toEqual(direct.params);
  });

  it('continues the optimizer step count across fits and restores it through save/load', async () => {
    const m = classifier(backend);
    await m.fit(data.x, data.y, { epochs: 1, batchSize: 50 });
    expect(m.getOptimizerState()?.step).toBe(2);
    await m.fit(data.x, data.y, { epochs: 2, batchSize: 50 });
    expect(m.getOptimizerState()?.step).toBe(6);
  });

  it('earlyStopping stops when val_loss stops improving and restores the best weights', async () => {
    const m = classifier(backend);
    const snapshots: Float32Array[] = [];
    // a noisy, overfitting setup: tiny training set, large learning rate
    m.compile({ optimizer: optimizers.sgd({ learningRate: 2, momentum: 0.9 }), loss: 'sparseCategoricalCrossentropy' });
    const es = callbacks.earlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
    const h = await m.fit(sliceRows(data.x, 0, 12), data.y.subarray(0, 12), {
      epochs: 60,
      batchSize: 4,
      validationData: [sliceRows(data.x, 50, 97), data.y.subarray(50)],
      callbacks: [es, { onEpochEnd: () => void snapshots.push(m.params.slice()) }],
    });
    const epochs = h.epoch.length;
    expect(epochs).toBeLessThan(60);
    expect(es.stoppedEpoch).toBe(epochs - 1);
    const losses = h.history.val_loss;
    const best = losses.indexOf(Math.min(...losses));
    expect(es.bestEpoch).toBe(best);
    expect(epochs - 1 - best).toBe(2); // patience epochs after the best one
    expect(m.params).toEqual(snapshots[best]);
  });

  it('stops after the epoch in which a callback sets stopTraining', async () => {
    const m = classifier(backend);
    const h = await m.fit(data.x, data.y, {
      epochs: 10,
      callbacks: [
        {
          onEpochEnd(epoch) {
            if (epoch === 2) m.stopTraining = true;
          },
        },
      ],
    });
    expect(h.epoch).toEqual([0, 1, 2]);
  });

  it('modelCheckpoint writes a file when val_loss improves', async () => {
    const m = classifier(backend);
    const path = join(dir, `${backend}-best-{epoch}.nntrain`);
    const cp = callbacks.modelCheckpoint({ path });
    const h = await m.fit(data.x, data.y, { epochs: 3, batchSize: 16, validationSplit: 0.2, callbacks: [cp] });
    expect(cp.saved.length).toBeGreaterThan(0);
    expect(cp.saved[0]).toBe(join(dir, `${backend}-best-1.nntrain`));
    for (const p of cp.saved) expect(existsSync(p)).toBe(true);
    const improving = h.history.val_loss.filter((v, i, all) => all.slice(0, i).every((prev) => v < prev)).length;
    expect(cp.saved).toHaveLength(improving);
    const loaded = await loadModel(cp.saved.at(-1) as string, { backend });
    expect(loaded.params.length).toBe(m.params.length);
  });

  it('adds the L2 penalty to val_loss and evaluate, as Keras', async () => {
    const m = classifier(backend, 3, { l2: 0.5 });
    const plain = classifier(backend, 3);
    const x = sliceRows(data.x, 0, 30);
    const y = data.y.subarray(0, 30);
    const withPenalty = await m.evaluate(x, y);
    const without = await plain.evaluate(x, y);
    const kernel = m.layers[0].getWeights().kernel;
    let sq = 0;
    for (const w of kernel) sq += w * w;
    expect(withPenalty.loss - without.loss).toBeCloseTo(0.5 * sq, 4);
  });

  it('throws NonFiniteError naming epoch and batch when training diverges; the bad step is not applied', async () => {
    const m = new Sequential({ seed: 1, backend });
    m.add(layers.dense({ units: 1, inputShape: [2] }));
    m.compile({ optimizer: optimizers.sgd({ learningRate: 1e25 }), loss: 'mse' });
    const x = [
      [1e3, -2e3],
      [3e3, 1e3],
    ];
    const seen: Float32Array[] = [];
    const err = await m
      .fit(x, [1e3, -1e3], { epochs: 5, batchSize: 1, shuffle: false, stepsPerChunk: 1, callbacks: [{ onBatchEnd: () => void seen.push(m.params.slice()) }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteError);
    const e = err as NonFiniteError;
    expect(e.code).toBe('ERR_NNTRAIN_NON_FINITE');
    expect(e.message).toMatch(new RegExp(`epoch ${e.epoch}, batch ${e.batch}`));
    expect(e.message).toMatch(/learningRate.*clipNorm/);
    expect(m.params.every(Number.isFinite)).toBe(true);
    expect(m.params).toEqual(seen.at(-1));
  });

  it('prints one line per epoch with verbose: 1 and nothing by default', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const m = classifier(backend);
      await m.fit(data.x, data.y, { epochs: 2, validationSplit: 0.2 });
      expect(write).not.toHaveBeenCalled();
      await m.fit(data.x, data.y, { epochs: 2, validationSplit: 0.2, verbose: 1 });
      const lines = write.mock.calls.map((c) => String(c[0]));
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(/^Epoch 2\/2 - \d+\.\ds - loss: \d\.\d{4} - accuracy: \d\.\d{4} - mae: .* - val_loss: .* - val_accuracy: .*\n$/);
    } finally {
      write.mockRestore();
    }
  });

  it('allows evaluate/predict during fit (from callbacks or concurrently) but not a second fit', async () => {
    const m = classifier(backend);
    const fromCallback: number[] = [];
    const running = m.fit(data.x, data.y, {
      epochs: 3,
      batchSize: 8,
      callbacks: [{ onEpochEnd: async () => void fromCallback.push((await m.evaluate(data.x, data.y)).loss) }],
    });
    const concurrent = await m.predict(data.x);
    expect(concurrent.rows).toBe(97);
    await expect(m.fit(data.x, data.y)).rejects.toThrow(/while fit is running/);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse' })).toThrow(/while fit is running/);
    const h = await running;
    expect(fromCallback).toHaveLength(3);
    for (const v of fromCallback) expect(Number.isFinite(v)).toBe(true);
    expect(h.epoch).toHaveLength(3);
  });

  it('predicts with a built model that was never compiled, like the compiled plan', async () => {
    const raw = new Sequential({ seed: 11, backend });
    raw.add(layers.dense({ units: 7, activation: 'relu' }));
    raw.add(layers.dropout({ rate: 0.3 }));
    raw.add(layers.dense({ units: 3, activation: 'softmax' }));
    const out = await raw.predict(data.x, { batchSize: 10 }); // built from the data width
    expect(raw.inputWidth).toBe(5);
    const compiledTwin = classifier(backend, 11, { dropout: true });
    const ref = await compiledTwin.predict(data.x);
    expect(out.rows).toBe(97);
    expect(out.cols).toBe(3);
    for (let i = 0; i < ref.data.length; i++) expect(out.data[i]).toBeCloseTo(ref.data[i], 5);
  });

  it('resumes at initialEpoch', async () => {
    const m = classifier(backend);
    const h = await m.fit(data.x, data.y, { epochs: 5, initialEpoch: 3 });
    expect(h.epoch).toEqual([3, 4]);
  });
});

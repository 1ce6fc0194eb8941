// The optional sections of a model file seen from the API: `model.preprocessing` (checked, frozen, kept by
// save/load), the training-state codec, and the state methods of the stateful callbacks and schedule.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CallbackList } from '../../src/callbacks/callback.js';
import { toFrozenJson } from '../../src/io/json-value.js';
import { packState, unpackState } from '../../src/io/state-codec.js';
import { callbacks, ConfigError, layers, loadModel, matrix, scalerFromJSON, scalers, schedules, Sequential, ShapeError } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'nntrain-sections-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function model(): Sequential {
  const m = new Sequential({ seed: 1, backend: 'js' });
  m.add(layers.dense({ units: 2, inputShape: [2] }));
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  return m;
}

describe('model.preprocessing', () => {
  it('is null by default, stores a frozen copy, and is kept by save/load', async () => {
    const m = model();
    expect(m.preprocessing).toBeNull();
    const labels = ['setosa', 'versicolor'];
    m.preprocessing = { labels, target: 'species', columns: { sepal: 0, petal: 1 }, version: 1 };
    labels.push('virginica'); // the model's copy does not change
    expect(m.preprocessing).toEqual({ labels: ['setosa', 'versicolor'], target: 'species', columns: { sepal: 0, petal: 1 }, version: 1 });
    expect(Object.isFrozen(m.preprocessing)).toBe(true);
    expect(() => ((m.preprocessing as { labels: string[] }).labels as string[]).push('x')).toThrow(TypeError);
    const path = join(dir, 'pre.nntrain');
    await m.save(path);
    expect((await loadModel(path)).preprocessing).toEqual(m.preprocessing);
    m.preprocessing = null;
    await m.save(path);
    expect((await loadModel(path)).preprocessing).toBeNull();
  });

  it("converts objects with toJSON (the data layer's scalers) and they restore from it", async () => {
    const m = model();
    const scaler = scalers.standard().fit(matrix(new Float32Array([1, 10, 3, 30, 5, 50]), 2));
    m.preprocessing = { scaler, when: new Date(0) };
    expect(m.preprocessing?.when).toBe('1970-01-01T00:00:00.000Z');
    const path = join(dir, 'scaler.nntrain');
    await m.save(path);
    const restored = scalerFromJSON((await loadModel(path)).preprocessing?.scaler);
    expect(restored.transform(matrix(new Float32Array([3, 30]), 2)).data).toEqual(scaler.transform(matrix(new Float32Array([3, 30]), 2)).data);
  });

  it('rejects values JSON cannot hold exactly, naming where', () => {
    const m = model();
    const set = (v: unknown) => () => void (m.preprocessing = v as object);
    expect(set({ scaler: { mean: [1, NaN] } })).toThrow(/preprocessing\.scaler\.mean\[1\] is the number NaN/);
    expect(set({ s: Infinity })).toThrow(/preprocessing\.s is the number Infinity/);
    expect(set({ mean: new Float64Array(2) })).toThrow(/a Float64Array \(use Array\.from\)/);
    expect(set({ f: () => 1 })).toThrow(/preprocessing\.f is a function/);
    expect(set({ m: new Map() })).toThrow(/an instance of Map/);
    expect(set({ a: [1, undefined] })).toThrow(/preprocessing\.a\[1\] is undefined/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(set(cyclic)).toThrow(/cycle/);
    expect(set([1, 2])).toThrow(/Expected an object/);
    expect(set('scaler')).toThrow(ConfigError);
    expect(m.preprocessing).toBeNull(); // nothing half-set
  });

  it('bounds depth and size', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = { d: deep };
    expect(() => (model().preprocessing = deep as object)).toThrow(/nested deeper than 64 levels/);
    expect(() => toFrozenJson({ s: 'x'.repeat(100) }, 'preprocessing', { maxDepth: 8, maxBytes: 64 })).toThrow(/more than the 64 bytes/);
    expect(toFrozenJson({ s: 'x' }, 'p', { maxDepth: 8, maxBytes: 64 })).toEqual({ s: 'x' });
  });
});

describe('training-state codec', () => {
  it('round-trips special numbers, typed arrays and $-keys', () => {
    const value = { a: [NaN, -0, Infinity, -Infinity, 1e-310, 0.1], f: new Float32Array([1.5, NaN]), d: new Float64Array([Math.PI, -0]), $k: { $n: 1 } };
    const packed = packState(value, 'v');
    expect(packed.tensors).toHaveLength(1);
    const text = JSON.stringify(packed.json);
    const back = unpackState(JSON.parse(text), packed.tensors);
    expect(back).toEqual({ value });
    const v = (back as { value: typeof value }).value;
    expect(Object.is(v.a[1], -0)).toBe(true);
    expect(Object.is(v.d[1], -0)).toBe(true);
  });

  it('refuses what it cannot store', () => {
    expect(() => packState({ f: () => 0 }, 'the state of callbacks[1]')).toThrow(/the state of callbacks\[1\] cannot be saved.*\.f is a function/);
    expect(() => packState({ m: new Map() }, 's')).toThrow(/s\.m is an instance of Map/);
    expect(() => packState([undefined], 's')).toThrow(/s\[0\] is undefined/);
    expect(() => packState({ u: new Uint8Array(2) }, 's')).toThrow(/a Uint8Array/);
    expect(unpackState({ a: 1, $b: 2 }, [])).toMatch(/a key '\$b' outside/);
    expect(unpackState({ $f32: 0 }, [new Float32Array(1), new Float32Array(1)])).toMatch(/2 training tensors but its state references 1/);
  });
});

describe('state methods of stateful callbacks and schedules', () => {
  const fake = (n: number) => {
    const params = new Float32Array(n);
    return { stopTraining: false, params, setParams: (v: Float32Array) => params.set(v), save: async () => undefined };
  };

  it('earlyStopping: a restored copy stops and restores exactly as the original', async () => {
    const run = async (values: number[], split: number) => {
      const mk = () => callbacks.earlyStopping({ patience: 2, restoreBestWeights: true });
      let es = mk();
      let m = fake(2);
      let list = new CallbackList([es], m);
      await list.trainBegin({});
      for (let epoch = 0; epoch < values.length; epoch++) {
        if (epoch === split) {
          // a new process: new callback, new model with the same weights, state restored after onTrainBegin
          const states = list.states();
          const weights = m.params.slice();
          es = mk();
          m = fake(2);
          m.setParams(weights);
          list = new CallbackList([es], m);
          await list.trainBegin({});
          list.restoreStates(structuredClone(states));
        }
        m.params[0] = epoch;
        await list.epochEnd(epoch, { loss: values[epoch] });
        if (m.stopTraining) break;
      }
      await list.trainEnd({});
      return { stopped: es.stoppedEpoch, best: es.bestEpoch, weights: Array.from(m.params) };
    };
    const values = [1, 0.5, 0.7, 0.6, 0.8];
    const straight = await run(values, -1);
    expect(straight).toEqual({ stopped: 3, best: 1, weights: [1, 0] });
    for (const split of [1, 2, 3]) expect(await run(values, split)).toEqual(straight);
  });

  it('earlyStopping / modelCheckpoint reject states that do not fit', () => {
    const es = callbacks.earlyStopping();
    es.setModel(fake(3));
    const good = { wait: 0, best: 1, bestEpoch: 0, stoppedEpoch: -1, bestWeights: null };
    expect(() => es.setState({ ...good, bestWeights: new Float32Array(2) })).toThrow(ShapeError);
    expect(() => es.setState({ ...good, wait: -1 })).toThrow(/earlyStopping state\.wait/);
    expect(() => es.setState(null)).toThrow(ConfigError);
    const mc = callbacks.modelCheckpoint({ path: join(dir, 'x') });
    expect(() => mc.setState({ best: 'low' })).toThrow(/modelCheckpoint state/);
    mc.setState({ best: 0.25 });
    expect(mc.getState()).toEqual({ best: 0.25 });
  });

  it('a saved state must find a callback of the same class at its index', () => {
    const list = new CallbackList([{ onEpochEnd: () => undefined }], fake(1));
    expect(() => list.restoreStates([{ index: 0, kind: 'EarlyStopping', state: {} }])).toThrow(
      /state for callbacks\[0\] \(class EarlyStopping\) but this fit's callbacks\[0\] is of class Object without setState/,
    );
    expect(() => list.restoreStates([{ index: 3, kind: 'EarlyStopping', state: {} }])).toThrow(/callbacks\[3\] is missing/);
  });

  it('reduceOnPlateau: a restored copy reduces at the same epochs', () => {
    const losses = [1, 0.9, 0.95, 0.97, 0.96, 0.5, 0.6, 0.7, 0.8];
    const rates = (split: number) => {
      const mk = () => schedules.reduceOnPlateau({ monitor: 'val_loss', patience: 1, factor: 0.5, cooldown: 1 });
      let s = mk();
      const out: number[] = [];
      losses.forEach((loss, epoch) => {
        if (epoch === split) {
          const state = JSON.parse(JSON.stringify(s.getState())) as unknown;
          s = mk();
          s.setState(state);
        }
        out.push(s.at(0.1, epoch, epoch));
        s.onEpochEnd(epoch, { loss }); // no val_loss: falls back to 'loss' (the fallback is part of the state)
      });
      return out;
    };
    const straight = rates(-1);
    expect(new Set(straight).size).toBeGreaterThan(2);
    for (const split of [1, 3, 4, 6]) expect(rates(split)).toEqual(straight);
    expect(() => schedules.reduceOnPlateau().setState({ watched: 'acc' })).toThrow(/state\.watched/);
  });
});

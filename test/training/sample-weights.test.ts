// fit's classWeight and sampleWeight and evaluate's sampleWeight through the model API, on both backends:
// weights of 1 change no float, a class weight equals its rows given again (with the learning rate scaled
// by the row counts), validation data carry their own weights, and bad weights are rejected by name.

import { describe, expect, it } from 'vitest';
import { ConfigError, layers, optimizers, Sequential, ShapeError } from '../../src/index.js';
import { BACKENDS } from '../helpers/backends.js';
import { checkClose } from '../helpers/check.js';

type Name = 'js' | 'native';

function model(backend: Name, lr = 0.1, loss = 'sparseCategoricalCrossentropy', units = 3): Sequential {
  const m = new Sequential({ seed: 4, backend });
  m.add(layers.dense({ units: 5, activation: 'tanh', inputShape: [2] }));
  m.add(layers.dense({ units, activation: units === 1 && loss !== 'mse' ? 'sigmoid' : loss === 'mse' ? 'linear' : 'softmax' }));
  m.compile({ optimizer: optimizers.sgd({ learningRate: lr }), loss: loss as never, metrics: loss === 'mse' ? [] : ['accuracy'] });
  return m;
}

const x = [[0, 0], [0, 1], [1, 0], [1, 1], [0.2, 0.9], [0.8, 0.1], [0.5, 0.5]];
const y = [0, 1, 2, 0, 1, 2, 1];

async function paramsAfter(m: Sequential, fx: number[][], fy: number[], options: object): Promise<Float32Array> {
  await m.fit(fx, fy, { epochs: 3, shuffle: false, ...options });
  return Float32Array.from((await m.getWeights()).flatMap((t) => Array.from(t.data)));
}

describe.each(BACKENDS)('sample and class weights [$name]', ({ name, available }) => {
  describe.skipIf(!available)('fit and evaluate', () => {
    it('sampleWeight of ones and classWeight of ones give the floats of no weights', async () => {
      const plain = await paramsAfter(model(name), x, y, { batchSize: 3 });
      const ones = await paramsAfter(model(name), x, y, { batchSize: 3, sampleWeight: new Float32Array(7).fill(1), classWeight: [1, 1, 1] });
      expect(Array.from(ones)).toEqual(Array.from(plain));
      const e = await model(name).evaluate(x, y, { sampleWeight: [1, 1, 1, 1, 1, 1, 1] });
      expect(e).toEqual(await model(name).evaluate(x, y));
    });

    it('classWeight { 1: 2 } with full batches equals the class-1 rows given twice at lr·(N+k)/N', async () => {
      // the batch loss divides by the row count: weighted (1/N)(Σ + Σ_class1) = ((N+k)/N)·duplicated
      const k = y.filter((c) => c === 1).length;
      const n = x.length;
      const weighted = await paramsAfter(model(name, 0.1), x, y, { batchSize: n, classWeight: { 1: 2 } });
      const dx = [...x, ...x.filter((_, i) => y[i] === 1)];
      const dy = [...y, ...y.filter((c) => c === 1)];
      const dup = await paramsAfter(model(name, (0.1 * (n + k)) / n), dx, dy, { batchSize: n + k });
      checkClose(weighted, dup, { abs: 1e-6, rel: 1e-5 }, 'classWeight vs duplicated rows');
      const plain = await paramsAfter(model(name, 0.1), x, y, { batchSize: n });
      expect(Array.from(weighted)).not.toEqual(Array.from(plain));
    });

    it('sampleWeight times classWeight, and a zero weight removes a row', async () => {
      const both = await paramsAfter(model(name), x, y, { batchSize: 7, sampleWeight: [1, 2, 1, 0, 1, 1, 1], classWeight: [1, 3] });
      const folded = await paramsAfter(model(name), x, y, { batchSize: 7, sampleWeight: [1, 6, 1, 0, 3, 1, 3] });
      expect(Array.from(both)).toEqual(Array.from(folded));
    });

    it('evaluate weighs the loss by row and leaves accuracy unweighted', async () => {
      const m = model(name);
      const plain = await m.evaluate(x, y);
      const heavy = await m.evaluate(x, y, { sampleWeight: [2, 2, 2, 2, 2, 2, 2] });
      expect(heavy.loss).toBeCloseTo(2 * plain.loss, 6);
      expect(heavy.accuracy).toBe(plain.accuracy);
      const zero = await m.evaluate(x, y, { sampleWeight: [0, 0, 0, 0, 0, 0, 0] });
      expect(zero.loss).toBe(0);
    });

    it('validation data carry weights as [x, y, w] and { x, y, sampleWeight }; validationSplit keeps them', async () => {
      const vw = [0, 1, 3];
      const vx = x.slice(0, 3);
      const vy = y.slice(0, 3);
      const m = model(name);
      const want = (await m.evaluate(vx, vy, { sampleWeight: vw })).loss;
      const a = await model(name).fit(x, y, { epochs: 1, validationData: [vx, vy, vw], stepsPerChunk: 1, batchSize: 100, shuffle: false });
      const b = await model(name).fit(x, y, { epochs: 1, validationData: { x: vx, y: vy, sampleWeight: vw }, stepsPerChunk: 1, batchSize: 100, shuffle: false });
      const m2 = model(name);
      await m2.fit(x, y, { epochs: 1, batchSize: 100, shuffle: false });
      expect(a.history.val_loss[0]).toBe((await m2.evaluate(vx, vy, { sampleWeight: vw })).loss);
      expect(b.history.val_loss).toEqual(a.history.val_loss);
      expect(want).not.toBe((await m.evaluate(vx, vy)).loss);
      // validationSplit: the last rows are held out with their own sample weights
      const sw = [1, 1, 1, 1, 0, 0, 0]; // floor(7·0.7) = 4 training rows
      const split = await model(name).fit(x, y, { epochs: 1, validationSplit: 0.3, sampleWeight: sw });
      expect(split.history.val_loss[0]).toBe(0);
    });

    it('rejects bad weights naming the option', async () => {
      const m = model(name);
      await expect(m.fit(x, y, { sampleWeight: [1, 2] })).rejects.toThrow(new ShapeError('sampleWeight has 2 entries but x has 7 rows: give one weight per row'));
      await expect(m.fit(x, y, { sampleWeight: [1, 1, 1, -1, 1, 1, 1] })).rejects.toThrow(ConfigError);
      await expect(m.fit(x, y, { sampleWeight: [1, 1, 1, -1, 1, 1, 1] })).rejects.toThrow(/sampleWeight\[3\]/);
      await expect(m.fit(x, y, { classWeight: { a: 1 } as never })).rejects.toThrow(/classWeight key/);
      await expect(m.fit(x, y, { classWeight: { 1: NaN } })).rejects.toThrow(/classWeight\[1\]/);
      await expect(m.fit(x, y, { validationData: [x, y, [1]] })).rejects.toThrow(/validationData sampleWeight has 1 entries/);
      await expect(m.evaluate(x, y, { sampleWeight: 'no' as never })).rejects.toThrow(/sampleWeight/);
      await expect(model(name, 0.1, 'mse', 1).fit(x, y, { classWeight: { 0: 2 } })).rejects.toThrow(/classWeight needs class targets/);
    });
  });
});

// losses.custom on both backends: the same training trajectory as the built-in loss it rewrites, row
// weights, evaluation and validation, and the errors a bad custom loss gets.

import { describe, expect, it } from 'vitest';
import { losses } from '../../src/losses/index.js';
import { Sequential } from '../../src/models/sequential.js';
import { layers } from '../../src/layers/index.js';
import { BACKENDS } from '../helpers/backends.js';
import { memoryDataset } from '../../src/data/streaming-dataset.js';
import { customCrossentropy, customMse } from './fixtures.js';
import type { CustomLoss, LossConfig } from '../../src/losses/index.js';

const ROWS = 48;
const x = Array.from({ length: ROWS }, (_, r) => [Math.sin(r), Math.cos(r * 0.7), (r % 5) / 5, ((r * 7) % 11) / 11]);
const classes = x.map((row) => (row[0] + row[2] > 0.6 ? 2 : row[1] > 0 ? 1 : 0));
const oneHot = classes.map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)));
const weights = Float32Array.from({ length: ROWS }, (_, r) => 0.5 + (r % 3));

function model(backend: 'js' | 'native', last: 'softmax' | 'linear', loss: LossConfig | CustomLoss, metrics: string[] = []): Sequential {
  const m = new Sequential({ seed: 3, backend });
  m.add(layers.dense({ units: 8, activation: 'tanh', inputShape: [4] }));
  m.add(layers.dropout({ rate: 0.1 }));
  m.add(layers.dense({ units: 3, activation: last }));
  m.compile({ optimizer: 'adam', loss, metrics });
  return m;
}

const fitOptions = { epochs: 3, batchSize: 10, seed: 5, verbose: 0 as const, validationData: { x: x.slice(0, 12), y: oneHot.slice(0, 12) } };

describe.each(BACKENDS)('losses.custom on $name', ({ name, available }) => {
  it.skipIf(!available)('custom mse follows built-in mse step for step, with sample weights and validation', async () => {
    const builtIn = model(name, 'linear', 'mse', ['mae']);
    const custom = model(name, 'linear', customMse, ['mae']);
    const opts = { ...fitOptions, sampleWeight: weights };
    const a = await builtIn.fit(x, oneHot, opts);
    const b = await custom.fit(x, oneHot, opts);
    for (const key of ['loss', 'mae', 'val_loss', 'val_mae']) {
      expect(b.history[key].length).toBe(3);
      b.history[key].forEach((v, i) => expect(v).toBeCloseTo(a.history[key][i], 5));
    }
    const pa = builtIn.params;
    const pb = custom.params;
    let maxDiff = 0;
    for (let i = 0; i < pa.length; i++) maxDiff = Math.max(maxDiff, Math.abs(pa[i] - pb[i]));
    expect(maxDiff).toBeLessThan(1e-5);
    const ea = await builtIn.evaluate(x, oneHot, { sampleWeight: weights });
    const eb = await custom.evaluate(x, oneHot, { sampleWeight: weights });
    expect(eb.loss).toBeCloseTo(ea.loss, 6);
  });

  it.skipIf(!available)('custom cross-entropy on softmax follows the built-in (fused) categorical cross-entropy', async () => {
    const a = await model(name, 'softmax', 'categoricalCrossentropy', ['accuracy']).fit(x, oneHot, fitOptions);
    const b = await model(name, 'softmax', customCrossentropy, ['binaryAccuracy']).fit(x, oneHot, fitOptions);
    a.history.loss.forEach((v, i) => expect(b.history.loss[i]).toBeCloseTo(v, 4));
    a.history.val_loss.forEach((v, i) => expect(b.history.val_loss[i]).toBeCloseTo(v, 4));
    expect(b.history.binaryAccuracy.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});

describe('losses.custom with a Dataset', () => {
  it('trains a weighted memory dataset, with a dataset for validation, as the built-in loss', async () => {
    const m = (loss: LossConfig | CustomLoss) => model('js', 'linear', loss);
    const xm = { data: Float32Array.from(x.flat()), rows: ROWS, cols: 4 };
    const ym = { data: Float32Array.from(oneHot.flat()), rows: ROWS, cols: 3 };
    const opts = { epochs: 2, batchSize: 10, seed: 5, verbose: 0 as const, validationData: memoryDataset(xm, ym) };
    const a = await m('mse').fit(memoryDataset(xm, ym, weights), opts);
    const b = await m(customMse).fit(memoryDataset(xm, ym, weights), opts);
    a.history.loss.forEach((v, i) => expect(b.history.loss[i]).toBeCloseTo(v, 5));
    a.history.val_loss.forEach((v, i) => expect(b.history.val_loss[i]).toBeCloseTo(v, 5));
  });
});

describe('losses.custom errors name the loss', () => {
  it('refuses a non-function, a built-in name and a bad name', () => {
    expect(() => losses.custom({ name: 'bad', forward: customMse.forward, gradient: 3 as never })).toThrow(/custom loss 'bad': gradient must be a function but received 3/);
    expect(() => losses.custom({ name: 'mse', forward: customMse.forward, gradient: customMse.gradient })).toThrow(/'mse' is a built-in loss/);
    expect(() => losses.custom({ name: '', forward: customMse.forward, gradient: customMse.gradient })).toThrow(/name of losses.custom/);
  });

  it.each(BACKENDS.filter((b) => b.available).map((b) => b.name))('a wrong output length and NaN stop fit with the loss named (%s)', async (backend) => {
    const short = losses.custom({ name: 'short', forward: (p) => new Array<number>(p.rows - 1).fill(0), gradient: customMse.gradient });
    await expect(model(backend, 'linear', short).fit(x, oneHot, { epochs: 1, verbose: 0 })).rejects.toThrow(/custom loss 'short': forward must return one loss per row of the batch \(32\) but returned 31 values/);
    const longGrad = losses.custom({ name: 'longGrad', forward: customMse.forward, gradient: (p) => new Float64Array(p.rows * p.cols + 1) });
    await expect(model(backend, 'linear', longGrad).fit(x, oneHot, { epochs: 1, verbose: 0 })).rejects.toThrow(/custom loss 'longGrad': gradient must return rows × outputs/);
    const nan = losses.custom({ name: 'nanLoss', forward: (p, _t, out) => out.fill(p.rows > 0 ? NaN : 0), gradient: customMse.gradient });
    await expect(model(backend, 'linear', nan).fit(x, oneHot, { epochs: 1, verbose: 0 })).rejects.toMatchObject({
      code: 'ERR_NNTRAIN_NON_FINITE',
      message: expect.stringMatching(/loss became NaN .* epoch 0, batch 0 .*custom loss 'nanLoss': forward returned NaN for row 0/) as unknown,
    });
  });
});

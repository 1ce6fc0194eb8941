// metrics.custom on both backends: values equal to a hand computation from predict, training that is
// bit for bit the fit without the metric, early stopping on it, model files, and its errors.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callbacks } from '../../src/callbacks/index.js';
import { Monitor } from '../../src/callbacks/monitor.js';
import { layers } from '../../src/layers/index.js';
import { metrics } from '../../src/metrics/index.js';
import type { CustomMetric, MetricMatrix } from '../../src/metrics/index.js';
import { loadModel } from '../../src/models/load-model.js';
import { Sequential } from '../../src/models/sequential.js';
import { BACKENDS } from '../helpers/backends.js';
import { customMse } from '../losses/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'nntrain-custom-metric-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 40;
const x = Array.from({ length: ROWS }, (_, r) => [Math.sin(r), (r % 5) / 5, Math.cos(r * 1.3)]);
const y = x.map(([a, b, c]) => [a * b, c - a]);

/** Share of outputs within 0.25 of the target. */
function within(p: MetricMatrix, t: MetricMatrix): number {
  let k = 0;
  for (let i = 0; i < p.rows * p.cols; i++) if (Math.abs(p.data[i] - t.data[i]) < 0.25) k++;
  return k / (p.rows * p.cols);
}
const closeEnough = metrics.custom({ name: 'closeEnough', fn: within, higherIsBetter: true });
const firstOutput = metrics.custom({ name: 'meanFirstOutput', fn: (p) => { let s = 0; for (let r = 0; r < p.rows; r++) s += p.data[r * p.cols]; return s / p.rows; } });

function model(backend: 'js' | 'native', custom: CustomMetric[]): Sequential {
  const m = new Sequential({ seed: 4, backend });
  m.add(layers.dense({ units: 8, activation: 'tanh', inputShape: [3] }));
  m.add(layers.gaussianNoise({ stddev: 0.05 }));
  m.add(layers.dense({ units: 2 }));
  m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae', ...custom] });
  return m;
}

const fitOptions = { epochs: 3, batchSize: 16, seed: 2, verbose: 0 as const, validationData: { x: x.slice(0, 15), y: y.slice(0, 15) } };

describe.each(BACKENDS)('metrics.custom on $name', ({ name, available }) => {
  it.skipIf(!available)('trains bit for bit as without it, and its values are the hand-computed means', async () => {
    const plain = model(name, []);
    const withMetric = model(name, [closeEnough, firstOutput]);
    const a = await plain.fit(x, y, fitOptions);
    const b = await withMetric.fit(x, y, fitOptions);
    expect(Array.from(withMetric.params)).toEqual(Array.from(plain.params));
    expect(b.history.loss).toEqual(a.history.loss);
    expect(b.history.val_loss).toEqual(a.history.val_loss);
    expect(b.history.closeEnough).toHaveLength(3);
    expect(b.history.val_meanFirstOutput).toHaveLength(3);

    const pred = await withMetric.predict(x);
    const yTrue = { data: Float32Array.from(y.flat()), rows: ROWS, cols: 2 };
    const logs = await withMetric.evaluate(x, y, { batchSize: 16 }); // batches of 16, 16, 8: the mean over rows
    expect(logs.closeEnough).toBeCloseTo(within(pred, yTrue), 12);
    expect(logs.meanFirstOutput).toBeCloseTo(pred.data.filter((_, i) => i % 2 === 0).reduce((s, v) => s + v, 0) / ROWS, 6);
    expect(logs.mae).toBeCloseTo((await plain.evaluate(x, y)).mae, 6);
  });

  it.skipIf(!available)('works beside a custom loss', async () => {
    const m = new Sequential({ seed: 4, backend: name });
    m.add(layers.dense({ units: 2, inputShape: [3] }));
    m.compile({ optimizer: 'sgd', loss: customMse, metrics: [closeEnough] });
    const h = await m.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
    expect(h.history.closeEnough.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});

describe('metrics.custom with callbacks, files and bad input', () => {
  it("is what earlyStopping's mode 'auto' follows (higherIsBetter)", async () => {
    expect(new Monitor('earlyStopping', 'val_closeEnough', 'auto', 0).mode).toBe('max');
    expect(new Monitor('earlyStopping', 'meanFirstOutput', 'auto', 0).mode).toBe('min');
    const m = model('js', [closeEnough]);
    const h = await m.fit(x, y, { ...fitOptions, epochs: 20, callbacks: [callbacks.earlyStopping({ monitor: 'val_closeEnough', patience: 1 })] });
    const v = h.history.val_closeEnough;
    expect(v.length).toBeLessThan(20); // an epoch that does not beat the highest value so far stops the fit
    expect(v[v.length - 1]).toBeLessThanOrEqual(Math.max(...v.slice(0, -1)));
  });

  it('saves its name; loading needs it in customObjects', async () => {
    const m = model('js', [closeEnough]);
    const path = join(dir, 'metric.nntrain');
    await m.save(path);
    await expect(loadModel(path)).rejects.toMatchObject({ name: 'ModelFileError', message: expect.stringMatching(/custom metric 'closeEnough': pass it in customObjects/) as unknown });
    const again = await loadModel(path, { customObjects: [closeEnough] });
    expect(Object.keys(await again.evaluate(x, y))).toEqual(['loss', 'mae', 'closeEnough']);
  });

  it('names the metric in its errors', async () => {
    expect(() => metrics.custom({ name: 'mae', fn: within })).toThrow(/'mae' is the name of a built-in metric/);
    expect(() => metrics.custom({ name: 'm', fn: 'x' as never })).toThrow(/custom metric 'm': fn must be a function/);
    expect(() => metrics.custom({ name: 'val_m', fn: within })).toThrow(/name of metrics.custom/);
    const bad = metrics.custom({ name: 'notANumber', fn: () => 'x' as unknown as number });
    await expect(model('js', [bad]).fit(x, y, { epochs: 1, verbose: 0 })).rejects.toThrow(/custom metric 'notANumber': fn must return a number but returned/);
    const m = new Sequential({ seed: 1 });
    m.add(layers.dense({ units: 2, inputShape: [3] }));
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: [closeEnough, closeEnough] })).toThrow(/two metrics .* named 'closeEnough'/);
  });
});

// fit/evaluate/predict reject bad options and bad data with typed errors that name the problem, before
// any training starts: the weights stay as they were and no callback runs.

import { describe, expect, it } from 'vitest';
import { AbortError, ConfigError, DataError, layers, matrix, nativeAvailable, Sequential, ShapeError, type Callback } from '../../src/index.js';

const BACKENDS = ['js', ...(nativeAvailable() ? ['native'] : [])] as ('js' | 'native')[];

type Loss = 'sparseCategoricalCrossentropy' | 'categoricalCrossentropy' | 'binaryCrossentropy' | 'mse';

function model(backend: 'js' | 'native', loss: Loss, outputs = 3): Sequential {
  const m = new Sequential({ seed: 5, backend });
  m.add(layers.dense({ units: 4, activation: 'relu', inputShape: [3] }));
  const last = loss === 'binaryCrossentropy' ? 'sigmoid' : loss === 'mse' ? 'linear' : 'softmax';
  m.add(layers.dense({ units: outputs, activation: last }));
  m.compile({ optimizer: 'sgd', loss, metrics: loss === 'mse' ? ['mae'] : ['accuracy'] });
  return m;
}

const X = [
  [0.1, 0.2, 0.3],
  [0.4, 0.5, 0.6],
  [0.7, 0.8, 0.9],
  [1.0, 1.1, 1.2],
  [1.3, 1.4, 1.5],
];
const LABELS = [0, 1, 2, 1, 0];

/** Runs `call` and checks the error class, code and message; also that training never began and weights are unchanged. */
async function rejects(
  m: Sequential,
  call: (spy: Callback) => Promise<unknown>,
  errorClass: new (...args: never[]) => Error,
  code: string,
  message: RegExp,
): Promise<void> {
  const before = m.params.slice();
  let began = false;
  const spy: Callback = { onTrainBegin: () => void (began = true) };
  const err = await call(spy).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(errorClass);
  expect((err as { code: string }).code).toBe(code);
  expect((err as Error).message).toMatch(message);
  expect(began).toBe(false);
  expect(m.params).toEqual(before);
}

describe.each(BACKENDS)('fit validation on %s', (backend) => {
  it('rejects unknown and bad fit options with ConfigError naming the option', async () => {
    const m = model(backend, 'sparseCategoricalCrossentropy');
    const cfg = 'ERR_NNTRAIN_CONFIG';
    await rejects(m, (cb) => m.fit(X, LABELS, { epoch: 3, callbacks: [cb] } as never), ConfigError, cfg, /Unknown option 'epoch'.*Did you mean 'epochs'/);
    await rejects(m, (cb) => m.fit(X, LABELS, { batchSize: 0, callbacks: [cb] }), ConfigError, cfg, /Expected integer >= 1 for batchSize but received 0/);
    await rejects(m, (cb) => m.fit(X, LABELS, { batchSize: 2.5, callbacks: [cb] }), ConfigError, cfg, /batchSize but received 2.5/);
    await rejects(m, (cb) => m.fit(X, LABELS, { epochs: 0, callbacks: [cb] }), ConfigError, cfg, /for epochs but received 0/);
    await rejects(m, (cb) => m.fit(X, LABELS, { validationSplit: 1, callbacks: [cb] }), ConfigError, cfg, /number in \[0, 1\) for validationSplit but received 1/);
    await rejects(m, (cb) => m.fit(X, LABELS, { validationSplit: 0.9, callbacks: [cb] }), ConfigError, cfg, /validationSplit 0.9 of 5 rows leaves 0 training and 5 validation/);
    await rejects(m, (cb) => m.fit(X, LABELS, { stepsPerChunk: 0, callbacks: [cb] }), ConfigError, cfg, /stepsPerChunk but received 0/);
    await rejects(m, (cb) => m.fit(X, LABELS, { initialEpoch: 2, epochs: 2, callbacks: [cb] }), ConfigError, cfg, /initialEpoch/);
    await rejects(m, (cb) => m.fit(X, LABELS, { verbose: 2 as 1, callbacks: [cb] }), ConfigError, cfg, /verbose but received 2/);
    await rejects(m, (cb) => m.fit(X, LABELS, { seed: -1, callbacks: [cb] }), ConfigError, cfg, /seed but received -1/);
    await rejects(m, (cb) => m.fit(X, LABELS, { shuffle: 'yes' as never, callbacks: [cb] }), ConfigError, cfg, /boolean for shuffle/);
    await rejects(m, (cb) => m.fit(X, LABELS, { signal: {} as AbortSignal, callbacks: [cb] }), ConfigError, cfg, /AbortSignal for signal/);
    await rejects(m, () => m.fit(X, LABELS, { callbacks: [{ onEpochend: () => {} } as never] }), ConfigError, cfg, /Unknown option 'onEpochend'.*Did you mean 'onEpochEnd'/);
    await rejects(
      m,
      (cb) => m.fit(X, LABELS, { validationSplit: 0.2, validationData: [X, LABELS], callbacks: [cb] }),
      ConfigError,
      cfg,
      /validationData and validationSplit cannot be used together/,
    );
  });

  it('rejects fit before compile', async () => {
    const m = new Sequential({ backend });
    m.add(layers.dense({ units: 2, inputShape: [3] }));
    m.build();
    await rejects(m, () => m.fit(X, LABELS), ConfigError, 'ERR_NNTRAIN_CONFIG', /compile.*before fit/);
  });

  it('rejects x of the wrong width with ShapeError naming both shapes', async () => {
    const m = model(backend, 'sparseCategoricalCrossentropy');
    const wide = X.map((r) => [...r, 0]);
    await rejects(m, (cb) => m.fit(wide, LABELS, { callbacks: [cb] }), ShapeError, 'ERR_NNTRAIN_SHAPE', /x has shape \[5, 4\] but the model expects inputs of shape \[N, 3\]/);
    await rejects(m, () => m.evaluate(wide, LABELS), ShapeError, 'ERR_NNTRAIN_SHAPE', /\[5, 4\].*\[N, 3\]/);
    await rejects(m, () => m.predict(wide), ShapeError, 'ERR_NNTRAIN_SHAPE', /\[5, 4\].*\[N, 3\]/);
  });

  it('rejects ragged rows and row-count mismatches', async () => {
    const m = model(backend, 'sparseCategoricalCrossentropy');
    const ragged = [...X.slice(0, 2), [1, 2], ...X.slice(3)];
    await rejects(m, (cb) => m.fit(ragged, LABELS, { callbacks: [cb] }), ShapeError, 'ERR_NNTRAIN_SHAPE', /Row 2 of x has 2 columns but row 0 has 3/);
    await rejects(m, (cb) => m.fit(X, LABELS.slice(0, 4), { callbacks: [cb] }), ShapeError, 'ERR_NNTRAIN_SHAPE', /y has 4 rows but x has 5/);
  });

  it('rejects NaN and Infinity in x and y with DataError naming row and column', async () => {
    const m = model(backend, 'mse', 1);
    const bad = X.map((r) => [...r]);
    bad[3][2] = NaN;
    const err = await m.fit(bad, [1, 2, 3, 4, 5]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).row).toBe(3);
    expect((err as DataError).column).toBe(2);
    await rejects(m, (cb) => m.fit(bad, [1, 2, 3, 4, 5], { callbacks: [cb] }), DataError, 'ERR_NNTRAIN_DATA', /x contains NaN at row 3, column 2/);
    await rejects(m, (cb) => m.fit(X, [1, 2, Infinity, 4, 5], { callbacks: [cb] }), DataError, 'ERR_NNTRAIN_DATA', /y contains Infinity at row 2, column 0/);
    // a value beyond float32's range becomes Infinity and is caught too
    await rejects(m, (cb) => m.fit(X, [1, 2, 3, 1e39, 5], { callbacks: [cb] }), DataError, 'ERR_NNTRAIN_DATA', /row 3/);
  });

  it('rejects sparse labels that are not integers in [0, classes)', async () => {
    const m = model(backend, 'sparseCategoricalCrossentropy');
    await rejects(m, (cb) => m.fit(X, [0, 1, 3, 1, 0], { callbacks: [cb] }), DataError, 'ERR_NNTRAIN_DATA', /label 3 at row 2.*\[0, 3\)/);
    await rejects(m, (cb) => m.fit(X, [0, 1, 2, 0.5, 0], { callbacks: [cb] }), DataError, 'ERR_NNTRAIN_DATA', /label 0.5 at row 3/);
    await rejects(m, (cb) => m.fit(X, [0, -1, 2, 1, 0], { callbacks: [cb] }), DataError, 'ERR_NNTRAIN_DATA', /label -1 at row 1/);
    await rejects(m, () => m.evaluate(X, [0, 1, 2, 1, 7]), DataError, 'ERR_NNTRAIN_DATA', /label 7 at row 4/);
  });

  it('rejects one-hot targets of the wrong width and labels for categoricalCrossentropy', async () => {
    const m = model(backend, 'categoricalCrossentropy');
    const twoWide = LABELS.map((l) => [l === 0 ? 1 : 0, l === 1 ? 1 : 0]);
    await rejects(m, (cb) => m.fit(X, twoWide, { callbacks: [cb] }), ShapeError, 'ERR_NNTRAIN_SHAPE', /y has shape \[5, 2\] but categoricalCrossentropy with 3 outputs expects targets of shape \[N, 3\]/);
    await rejects(m, (cb) => m.fit(X, LABELS, { callbacks: [cb] }), ShapeError, 'ERR_NNTRAIN_SHAPE', /sparseCategoricalCrossentropy/);
  });

  it('rejects binary targets outside [0, 1]', async () => {
    const m = model(backend, 'binaryCrossentropy', 1);
    await rejects(m, (cb) => m.fit(X, [0, 1, 2, 1, 0], { callbacks: [cb] }), DataError, 'ERR_NNTRAIN_DATA', /y has 2 at row 2, column 0.*\[0, 1\]/);
  });

  it('rejects an empty dataset and bad validationData', async () => {
    const m = model(backend, 'sparseCategoricalCrossentropy');
    await rejects(m, (cb) => m.fit(matrix(new Float32Array(0), 3), new Float32Array(0), { callbacks: [cb] }), DataError, 'ERR_NNTRAIN_DATA', /x has no rows/);
    await rejects(m, (cb) => m.fit(X, LABELS, { validationData: [X, [0, 1, 2, 1, 9]], callbacks: [cb] }), DataError, 'ERR_NNTRAIN_DATA', /validationData\[1\] \(y\) has label 9 at row 4/);
    await rejects(m, (cb) => m.fit(X, LABELS, { validationData: [X] as never, callbacks: [cb] }), ConfigError, 'ERR_NNTRAIN_CONFIG', /array \[x, y\] for validationData/);
  });

  it('rejects an already aborted signal with AbortError before training', async () => {
    const m = model(backend, 'sparseCategoricalCrossentropy');
    const controller = new AbortController();
    controller.abort();
    await rejects(m, (cb) => m.fit(X, LABELS, { signal: controller.signal, callbacks: [cb] }), AbortError, 'ABORT_ERR', /aborted/);
  });

  it('rejects bad evaluate/predict options', async () => {
    const m = model(backend, 'sparseCategoricalCrossentropy');
    await rejects(m, () => m.evaluate(X, LABELS, { batchSize: -3 }), ConfigError, 'ERR_NNTRAIN_CONFIG', /batchSize but received -3/);
    await rejects(m, () => m.predict(X, { batch: 4 } as never), ConfigError, 'ERR_NNTRAIN_CONFIG', /Unknown option 'batch'.*batchSize/);
  });

  it('accepts every documented data form', async () => {
    const m = model(backend, 'sparseCategoricalCrossentropy');
    const xm = matrix(X);
    for (const y of [LABELS, Float32Array.from(LABELS), matrix(Float32Array.from(LABELS), 1), LABELS.map((l) => [l])]) {
      const h = await m.fit(xm, y, { epochs: 1, batchSize: 2 });
      expect(Number.isFinite(h.history.loss[0])).toBe(true);
    }
    const one = model(backend, 'mse', 1);
    const h = await one.fit(X, [1, 2, 3, 4, 5]);
    expect(h.history.mae).toHaveLength(1);
  });
});

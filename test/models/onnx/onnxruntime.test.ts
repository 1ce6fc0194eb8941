// The exported files run in onnxruntime-node and give the model's own predictions within 1e-5 on the
// bundled datasets, after a short fit (so the weights are trained ones, not the initialization).

import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkClose } from '../../helpers/check.js';
import { bundledDatasets, loadOrt, ortRun } from './helpers.js';

const { ort, reason } = await loadOrt();
const dir = mkdtempSync(join(tmpdir(), 'nntrain-onnx-ort-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(ort === null)(`exported models in onnxruntime${reason === null ? '' : ` (skipped: ${reason})`}`, async () => {
  const datasets = await bundledDatasets();
  it.each(datasets.map((d) => [d.name, d] as const))('%s: onnxruntime gives the model predictions within 1e-5', async (name, d) => {
    const model = d.model();
    const binary = name === 'breast_cancer';
    model.compile({ optimizer: 'adam', loss: binary ? 'binaryCrossentropy' : 'sparseCategoricalCrossentropy' });
    await model.fit(d.x, d.y, { epochs: 2, batchSize: 32, verbose: 0 });
    const path = join(dir, `${name}.onnx`);
    await model.exportOnnx(path);
    const expected = await model.predict(d.x);
    const actual = await ortRun(ort!, path, d.x, 'probabilities');
    expect(actual.length).toBe(expected.data.length);
    checkClose(actual, expected.data, { abs: 1e-5, rel: 0 }, `${name}: onnxruntime vs predict`);
  });
});

// The preprocessing API from the package entry, end to end: split, impute, scale (fitted on train only),
// rebalance the training split with SMOTE, train a small model, and restore the fitted preprocessors from
// JSON to prepare the test split the same way.

import { describe, expect, it } from 'vitest';
import {
  Imputer,
  imputerFromJSON,
  layers,
  optimizers,
  scalerFromJSON,
  scalers,
  Sequential,
  smote,
  splitData,
  stratifiedSplit,
  type Matrix,
} from '../../../src/index.js';
import { Rng } from '../../../src/util/rng.js';

/** Two Gaussian blobs in 3-D at very different scales, class 1 rarer (1 in 5), with 2% NaN cells. */
function blobs(rows: number, seed: number): { x: Matrix; y: Matrix } {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * 3);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = rng.uniform() < 0.2 ? 1 : 0;
    y[r] = c;
    const centre = [c ? 1000 : 980, c ? 0.02 : -0.02, c ? 5 : 3];
    const spread = [8, 0.01, 1];
    for (let j = 0; j < 3; j++) x[r * 3 + j] = rng.uniform() < 0.02 ? NaN : centre[j] + spread[j] * rng.normal();
  }
  return { x: { data: x, rows, cols: 3 }, y: { data: y, rows, cols: 1 } };
}

describe('a preprocessing pipeline through the public API', () => {
  it('prepares train and test the same way and trains a model that separates the classes', async () => {
    const data = blobs(600, 1);
    const parts = splitData(data, stratifiedSplit(data.y, { testFraction: 0.25, seed: 2 }));
    const { train, test } = parts;

    const imputer = new Imputer().fit(train.x);
    const scaler = scalers.standard().fit(imputer.transform(train.x, train.x));
    scaler.transform(train.x, train.x);
    const balanced = smote(train.x, train.y, { k: 5, seed: 3 });
    expect(balanced.x.rows).toBeGreaterThan(train.x.rows);

    // what a model file would keep, restored for inference on the test split
    const imputer2 = imputerFromJSON(JSON.stringify(imputer));
    const scaler2 = scalerFromJSON(JSON.stringify(scaler));
    const testX = scaler2.transform(imputer2.transform(test.x));
    expect(testX.data.some(Number.isNaN)).toBe(false);

    const model = new Sequential({ seed: 4, backend: 'js' });
    model.add(layers.dense({ units: 8, activation: 'relu', inputShape: [3] }));
    model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.02 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    await model.fit(balanced.x, balanced.y, { epochs: 30, batchSize: 32, seed: 5 });
    const { accuracy } = await model.evaluate(testX, test.y);
    expect(accuracy).toBeGreaterThan(0.9);
  });
});

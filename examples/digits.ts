// Demo: train a multilayer perceptron on the UCI handwritten digits (data/digits.csv, 1,797 8×8 images),
// holding out 20% of the rows as a test set. Run with `npm run demo`; NNTRAIN_BACKEND=js forces the
// pure-TypeScript backend. The last line printed is the test accuracy.

import { fileURLToPath } from 'node:url';
import { callbacks, layers, optimizers, readNumericCsv, Rng, Sequential, type Matrix } from '../src/index.js';

const DATA = fileURLToPath(new URL('../data/digits.csv', import.meta.url));
const SEED = 7;

/** Splits rows into (features scaled to [0, 1], integer labels) for the rows listed in `rows`. */
function take(all: Matrix, rows: Uint32Array): { x: Matrix; y: Float32Array } {
  const features = all.cols - 1;
  const x = new Float32Array(rows.length * features);
  const y = new Float32Array(rows.length);
  rows.forEach((row, i) => {
    for (let c = 0; c < features; c++) x[i * features + c] = all.data[row * all.cols + c] / 16; // pixels are 0..16
    y[i] = all.data[row * all.cols + features];
  });
  return { x: { data: x, rows: rows.length, cols: features }, y };
}

const { matrix: digits } = await readNumericCsv(DATA);
const order = Uint32Array.from({ length: digits.rows }, (_, i) => i);
new Rng(SEED).shuffle(order);
const testRows = Math.round(digits.rows * 0.2);
const test = take(digits, order.subarray(0, testRows));
const train = take(digits, order.subarray(testRows));

const model = new Sequential({ seed: SEED });
model.add(layers.dense({ units: 128, activation: 'relu', inputShape: [train.x.cols], kernelInitializer: 'heNormal' }));
model.add(layers.dropout({ rate: 0.2 }));
model.add(layers.dense({ units: 64, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(layers.dense({ units: 10, activation: 'softmax' }));
model.compile({
  optimizer: optimizers.adam({ learningRate: 2e-3 }),
  loss: 'sparseCategoricalCrossentropy',
  metrics: ['accuracy'],
});

console.log(`backend: ${model.backend.info().name} (${model.backend.info().kernel})`);
console.log(`digits: ${train.x.rows} training rows, ${test.x.rows} test rows, ${train.x.cols} features, 10 classes`);
await model.fit(train.x, train.y, {
  epochs: 60,
  batchSize: 32,
  validationSplit: 0.1,
  seed: SEED,
  verbose: 1,
  callbacks: [callbacks.earlyStopping({ monitor: 'val_loss', patience: 8, restoreBestWeights: true })],
});
const { accuracy } = await model.evaluate(test.x, test.y);
console.log(`test accuracy: ${accuracy.toFixed(4)}`);

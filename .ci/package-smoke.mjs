// Run inside a new project that installed the nntrain tarball (.ci/check-package.sh):
//   node package-smoke.mjs native   the default backend must be the prebuilt addon, and a short
//                                   training on it must match the same training on the js backend
//   node package-smoke.mjs js       the addon is absent: the default backend falls back to js (with
//                                   its warning) and the training still runs and learns
// Exit 1 with the reason on any mismatch.
import assert from 'node:assert/strict';

import { getBackend, layers, optimizers, Sequential } from 'nntrain';

const expected = process.argv[2];
assert.ok(expected === 'native' || expected === 'js', 'usage: node package-smoke.mjs native|js');

// Two interleaved spirals: a small problem an MLP learns in a few epochs but a linear model cannot.
function spirals(n) {
  const x = [];
  const y = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const t = (i / n) * 3 * Math.PI;
    const r = 0.2 + t / (3 * Math.PI);
    x.push([r * Math.cos(t + label * Math.PI), r * Math.sin(t + label * Math.PI)]);
    y.push(label);
  }
  return { x, y };
}

async function train(backend) {
  const model = new Sequential({ seed: 7, ...(backend ? { backend } : {}) });
  model.add(layers.dense({ units: 32, activation: 'tanh', inputShape: [2] }));
  model.add(layers.dense({ units: 32, activation: 'relu' }));
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const { x, y } = spirals(400);
  const history = await model.fit(x, y, { epochs: 40, batchSize: 32, shuffle: true, seed: 3 });
  const { accuracy } = await model.evaluate(x, y);
  const predictions = await model.predict(x);
  return { name: model.backend.info().name, losses: history.history.loss, accuracy, predictions: predictions.data };
}

const info = getBackend().info();
const location = import.meta.resolve('nntrain');
console.log(`backend: ${JSON.stringify(info)} (nntrain from ${location})`);
assert.equal(info.name, expected, `the default backend is ${info.name}, expected ${expected}`);

const run = await train(undefined);
assert.equal(run.name, expected);
assert.ok(run.losses.at(-1) < 0.8 * run.losses[0], `training did not learn: loss ${run.losses[0]} -> ${run.losses.at(-1)}`);
console.log(`${run.name}: loss ${run.losses[0].toFixed(4)} -> ${run.losses.at(-1).toFixed(4)}, accuracy ${run.accuracy.toFixed(3)}`);

if (expected === 'native') {
  // the same run on the reference backend: float32 sums in another order, so close, not equal
  const reference = await train('js');
  const worstLoss = Math.max(...run.losses.map((loss, i) => Math.abs(loss - reference.losses[i])));
  let worstPrediction = 0;
  for (let i = 0; i < run.predictions.length; i++) worstPrediction = Math.max(worstPrediction, Math.abs(run.predictions[i] - reference.predictions[i]));
  console.log(`js: loss ${reference.losses.at(-1).toFixed(4)}; largest difference: loss ${worstLoss.toExponential(2)}, prediction ${worstPrediction.toExponential(2)}`);
  assert.ok(worstLoss < 1e-4, `native and js losses differ by ${worstLoss}`);
  assert.ok(worstPrediction < 1e-3, `native and js predictions differ by ${worstPrediction}`);
}
console.log(`package-smoke: ${expected} ok`);

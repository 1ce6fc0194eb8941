// Seed corpora for the fuzz targets, made from the test fixtures and the bundled data sets at each run
// (the repository keeps only fuzz/corpus/, the inputs of findings):
//   csv/    option presets (fuzz/csv_reader.cc's first 40 bytes) followed by each CSV in a test fixtures
//           folder, the heads of data/*.csv and a few quoting cases
//   plan/   encoded plans of small models in fuzz/plan_decode.cc's byte format
//   model/  model files: the test fixtures, saved models of every layer kind, optimizer and loss, with
//           and without preprocessing and optimizer state, and fit checkpoints with a training section
// Usage: tsx fuzz/seeds.ts OUT_DIR

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import { encodePlan, PLAN_HEADER, PLAN_LAYER_WIDTH } from '../src/backend/native.js';
import { layers, optimizers, saveModel, Sequential } from '../src/index.js';
import type { LossConfig } from '../src/losses/index.js';
import { Rng } from '../src/util/rng.js';
import { syntheticValue } from '../bench/make-synthetic-csv.js';

const out = process.argv[2];
if (out === undefined) throw new Error('usage: tsx fuzz/seeds.ts OUT_DIR');
const root = join(import.meta.dirname, '..');
const dir = (name: string): string => {
  const path = join(out, name);
  mkdirSync(path, { recursive: true });
  return path;
};

// ---- csv: option presets x fixture files ----

const OPTION_BYTES = 40;
/** Presets: [byte offset, value] pairs over zeros (see make_plan in fuzz/csv_reader.cc). */
const presets: [number, number][][] = [
  [[3, 0x10], [4, 0x01]], // comma, header, numeric fields, 64-byte blocks
  [[3, 0x10], [4, 0x03], [6, 0x12], [7, 0x21], [16, 0x03], [17, 2], [18, 0x00], [19, 0x01], [22, 0x40]], // categories collected, missing tokens, 2 threads
  [[0, 1], [3, 0x10], [4, 0x05], [21, 0x30], [26, 0x02], [28, 3]], // semicolon, re-read after rewind, y column, 3 rows per read
  [[3, 0x10], [4, 0x01], [6, 0x22], [14, 0xff], [15, 0xff], [27, 0x01]], // fixed category lists, one-hot
  // header, every field numeric, 2 threads, the largest blocks and pieces (the all-numeric record
  // paths; pieces of more than 512 decimal fields take native/csv/convert.h's eight-at-a-time one)
  [[3, 0x10], [4, 0x01], ...Array.from({ length: 8 }, (_, i): [number, number] => [6 + i, 0x11]), [17, 2], [18, 0xff], [19, 0x0f], [20, 0xff], [21, 0x3f], [22, 0xff], [23, 0x0f]],
];
/** Files under test/ in a fixtures folder whose names end with `ext`. */
const fixtures = (ext: string): string[] =>
  readdirSync(join(root, 'test'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.split(sep).includes('fixtures') && f.endsWith(ext))
    .map((f) => join(root, 'test', f));
const csvFiles: [string, string][] = fixtures('.csv').map((f) => [basename(f, '.csv'), readFileSync(f, 'utf8')]);
for (const name of readdirSync(join(root, 'data')).filter((f) => f.endsWith('.csv'))) {
  const head = readFileSync(join(root, 'data', name), 'utf8').split('\n').slice(0, 25).join('\n');
  csvFiles.push([name.replace(/\.csv$/, ''), `${head}\n`]);
}
csvFiles.push(['quoted', 'name,"note, with comma",v\n"a ""b""",x,1\n"multi\nline",y,2\r\n\n,z,NA\n']);
{
  // decimals in the notations of real files, 8 columns, 720 fields
  const rng = new Rng(7);
  const rows = Array.from({ length: 90 }, () => Array.from({ length: 8 }, () => syntheticValue(rng)).join(','));
  csvFiles.push(['decimals', `${['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].join(',')}\n${rows.join('\n')}\n`]);
}
csvFiles.push(['bom-crlf', '\ufeffx;y\r\n1,5;2\r\n3;4\r\n']);
const csvDir = dir('csv');
for (const [name, text] of csvFiles) {
  presets.forEach((preset, i) => {
    const options = new Uint8Array(OPTION_BYTES);
    for (const [at, value] of preset) options[at] = value;
    writeFileSync(join(csvDir, `${name}-${i}`), Buffer.concat([options, Buffer.from(text)]));
  });
}

// ---- models: one per layer kind, optimizer and loss ----

interface Case {
  name: string;
  build: (m: Sequential) => void;
  loss: LossConfig;
  optimizer: Parameters<Sequential['compile']>[0]['optimizer'];
  labels: number;
  precision?: 'bf16';
}
const cases: Case[] = [
  {
    name: 'mlp-softmax-adam',
    build: (m) => {
      m.add(layers.dense({ units: 5, activation: 'relu', inputShape: [3] }));
      m.add(layers.dropout({ rate: 0.25 }));
      m.add(layers.dense({ units: 3, activation: 'softmax' }));
    },
    loss: 'sparseCategoricalCrossentropy',
    optimizer: optimizers.adam({ learningRate: 0.01, amsgrad: true }),
    labels: 3,
  },
  {
    name: 'sigmoid-sgd-noise',
    build: (m) => {
      m.add(layers.gaussianNoise({ stddev: 0.1, inputShape: [2] }));
      m.add(layers.dense({ units: 4, activation: 'tanh', kernelRegularizer: { l1: 0.01, l2: 0.001 } }));
      m.add(layers.dense({ units: 1, activation: 'sigmoid', useBias: false }));
    },
    loss: 'binaryCrossentropy',
    optimizer: optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }),
    labels: 2,
  },
  {
    name: 'regression-rmsprop',
    build: (m) => {
      m.add(layers.dense({ units: 3, activation: 'gelu', inputShape: [4] }));
      m.add(layers.activation({ activation: 'leakyRelu' }));
      m.add(layers.dense({ units: 2 }));
    },
    loss: { name: 'huber', delta: 1.5 },
    optimizer: optimizers.rmsprop({ learningRate: 0.01, centered: true, momentum: 0.5 }),
    labels: 0,
  },
  {
    name: 'onehot-adamw',
    build: (m) => {
      m.add(layers.dense({ units: 3, activation: 'elu', inputShape: [2] }));
      m.add(layers.dense({ units: 2, activation: 'softmax' }));
    },
    loss: 'categoricalCrossentropy',
    optimizer: optimizers.adamw({ learningRate: 0.01, weightDecay: 0.1 }),
    labels: -2,
  },
  {
    name: 'batch-layer-norm',
    build: (m) => {
      m.add(layers.dense({ units: 4, inputShape: [3] }));
      m.add(layers.batchNormalization());
      m.add(layers.activation({ activation: 'relu' }));
      m.add(layers.layerNormalization());
      m.add(layers.dense({ units: 2, activation: 'softmax' }));
    },
    loss: 'sparseCategoricalCrossentropy',
    optimizer: optimizers.sgd({ learningRate: 0.1 }),
    labels: 2,
  },
  {
    name: 'bf16-mlp-adam',
    build: (m) => {
      m.add(layers.dense({ units: 6, activation: 'silu', inputShape: [3] }));
      m.add(layers.dense({ units: 3, activation: 'softmax' }));
    },
    loss: 'sparseCategoricalCrossentropy',
    optimizer: optimizers.adam({ learningRate: 0.01 }),
    labels: 3,
    precision: 'bf16',
  },
];

/** Rows of inputs and targets for a model of `inputs` inputs (labels: classes, -k one-hot, 0 regression). */
function data(inputs: number, labels: number, outputs: number): { x: number[][]; y: number[] | number[][] } {
  const x = Array.from({ length: 8 }, (_, r) => Array.from({ length: inputs }, (_, c) => Math.sin(r * 3 + c)));
  if (labels > 0) return { x, y: x.map((_, r) => r % labels) };
  return { x, y: x.map((_, r) => Array.from({ length: outputs }, (_, c) => (labels < 0 ? (r % outputs === c ? 1 : 0) : Math.cos(r + c)))) };
}

// fuzz/plan_decode.cc's format: an integer in [-8, 239] is one byte (value + 8), anything else 0xff and
// the float64's 8 bytes.
function planBytes(spec: Float64Array): Buffer {
  const layerCount = (spec.length - PLAN_HEADER) / PLAN_LAYER_WIDTH;
  const parts: Buffer[] = [Buffer.from([layerCount])];
  for (const v of spec) {
    if (Number.isInteger(v) && v >= -8 && v <= 239 && !Object.is(v, -0)) {
      parts.push(Buffer.from([v + 8]));
    } else {
      const b = Buffer.alloc(9);
      b[0] = 0xff;
      b.writeDoubleLE(v, 1);
      parts.push(b);
    }
  }
  parts.push(Buffer.from([1, 2, ...Array.from({ length: 64 }, (_, i) => (i * 37) & 0xff)]));
  return Buffer.concat(parts);
}

const modelDir = dir('model');
const planDir = dir('plan');
for (const f of fixtures('.nntrain')) writeFileSync(join(modelDir, `fixture-${basename(f, '.nntrain')}`), readFileSync(f));
for (const c of cases) {
  const m = new Sequential({ seed: 7, backend: 'js' });
  c.build(m);
  m.compile({ optimizer: c.optimizer, loss: c.loss, metrics: c.labels > 0 ? ['accuracy'] : ['mae'], ...(c.precision ? { precision: c.precision } : {}) });
  const spec = m.planSpec;
  if (spec === null) throw new Error(`${c.name}: no plan`);
  writeFileSync(join(planDir, c.name), planBytes(encodePlan(spec)));
  const inputs = (m.toConfig().layers[0] as { inputShape: number[] }).inputShape[0];
  const { x, y } = data(inputs, c.labels, spec.outputWidth);
  await saveModel(m, join(modelDir, `${c.name}-untrained`), { includeOptimizer: false });
  m.preprocessing = { format: 'nntrain.fuzz-seed', version: 1, scaler: { mean: [0.5, -1], std: [2, 1e-3] }, labels: ['a', 'b'] };
  await m.fit(x, y as number[], {
    epochs: 2,
    batchSize: 3,
    verbose: 0,
    checkpoint: { path: join(modelDir, `${c.name}-checkpoint`), everySteps: 2 },
  });
  await saveModel(m, join(modelDir, `${c.name}-trained`));
}
console.log(`seeds: ${csvFiles.length * presets.length} csv, ${cases.length} plan, ${cases.length * 3 + fixtures('.nntrain').length} model files in ${out}`);

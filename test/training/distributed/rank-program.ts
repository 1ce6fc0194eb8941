// One process of the MPI tests (mpi.test.ts runs it under mpirun): trains a small classifier on a
// deterministic dataset and writes what the test compares to OUT_DIR/rank-<rank>.json.
//   MODE=distributed: fit with distributed: 'mpi' on this rank's shard (SHARD=strided: row i to rank
//     i % size; SHARD=uneven: ROWS_PER_RANK rows per rank, comma-separated, contiguous);
//   VAL_SPLIT: fit's validationSplit (of each rank's rows);
//   WEIGHTED=1: sampleWeight 0.5 + (global row % 4) and classWeight { 2: 3 }, so each row's weight goes with it;
//   MODE=single: a plain fit on all rows with batch BATCH × SINGLE_SCALE (the 1-process reference).
//   HIDDEN: the hidden layers' units, comma-separated (default 16: one layer), each followed by dropout
//     DROPOUT when > 0; more units make the gradient larger. NORM=1: each hidden layer is linear dense →
//     batchNormalization → relu, and a layerNormalization comes before the output layer. PRECISION: compile's
//     precision (default fp32).
// Each rank also reports where it ran: its non-loopback IPv4 addresses and OMPI_COMM_WORLD_LOCAL_SIZE.
// Faults: NAN_RANK=r puts 3e38 in rank r's first row (a finite value whose loss is not); BATCH_RANK1=b gives rank 1 another batch size;
// NNTRAIN_OVERLAP_RANK1=1 gives rank 1 alone another all-reduce bucket size; FAIL_RANK=r makes rank r throw before its fit; BAD_DATA_RANK=r gives rank r a NaN its fit rejects. A fit that throws writes { error, message, epoch, batch }.

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { initDistributed, layers, optimizers, Sequential } from '../../../src/index.js';
import { Rng } from '../../../src/util/rng.js';

const env = (key: string, fallback: string) => process.env[key] ?? fallback;
const mode = env('MODE', 'distributed');
const shard = env('SHARD', 'strided');
const rows = Number(env('ROWS', '96'));
const batch = Number(env('BATCH', '8'));
const epochs = Number(env('EPOCHS', '3'));
const dropout = Number(env('DROPOUT', '0'));
const hidden = env('HIDDEN', '16').split(',').map(Number);
const features = 6;
const classes = 3;

// rows × features in [-1, 1); the class is the argmax of a fixed linear map, so the model can learn it
const rng = new Rng(7);
const x = Float32Array.from({ length: rows * features }, () => rng.uniform() * 2 - 1);
const y = new Float32Array(rows);
for (let r = 0; r < rows; r++) {
  let best = 0;
  let bestScore = -Infinity;
  for (let c = 0; c < classes; c++) {
    let score = 0;
    for (let f = 0; f < features; f++) score += x[r * features + f] * Math.sin(1 + c * features + f);
    if (score > bestScore) [best, bestScore] = [c, score];
  }
  y[r] = best;
}

function pick(indices: number[]): { x: Float32Array; y: Float32Array; w: Float32Array } {
  const xs = new Float32Array(indices.length * features);
  indices.forEach((r, i) => xs.set(x.subarray(r * features, (r + 1) * features), i * features));
  return { x: xs, y: Float32Array.from(indices, (r) => y[r]), w: Float32Array.from(indices, (r) => 0.5 + (r % 4)) };
}

const model = new Sequential({ seed: 11 });
const norm = env('NORM', '0') === '1';
hidden.forEach((units, i) => {
  const first = i === 0 ? { inputShape: [features] as [number] } : {};
  if (norm) {
    model.add(layers.dense({ units, useBias: false, ...first }));
    model.add(layers.batchNormalization({ momentum: 0.3 }));
    model.add(layers.activation({ activation: 'relu' }));
  } else {
    model.add(layers.dense({ units, activation: 'relu', ...first }));
  }
  if (dropout > 0) model.add(layers.dropout({ rate: dropout }));
});
if (norm) model.add(layers.layerNormalization());
model.add(layers.dense({ units: classes, activation: 'softmax' }));
model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'], precision: env('PRECISION', 'fp32') as 'fp32' | 'bf16' });

const { rank, size } = mode === 'single' ? { rank: 0, size: 1 } : initDistributed();
if (rank === 1 && process.env.NNTRAIN_OVERLAP_RANK1) process.env.NNTRAIN_BUCKET_BYTES = '1';
let data: { x: Float32Array; y: Float32Array; w: Float32Array };
if (mode === 'single') {
  data = pick(Array.from({ length: rows }, (_, i) => i));
} else if (shard === 'strided') {
  data = pick(Array.from({ length: rows }, (_, i) => i).filter((i) => i % size === rank));
} else {
  const counts = env('ROWS_PER_RANK', '').split(',').map(Number);
  const first = counts.slice(0, rank).reduce((a, b) => a + b, 0);
  data = pick(Array.from({ length: counts[rank] }, (_, i) => first + i));
}
const n = data.y.length;
if (env('NAN_RANK', '') === String(rank)) data.x.fill(3e38, 0, features); // finite, but the loss overflows
if (env('BAD_DATA_RANK', '') === String(rank)) data.x[0] = NaN;
if (env('FAIL_RANK', '') === String(rank)) throw new Error(`rank ${rank} fails before its fit`);
const batchSize = rank === 1 && process.env.BATCH_RANK1 ? Number(process.env.BATCH_RANK1) : batch;
let batchesSeen = 0;
const addresses = Object.values(networkInterfaces())
  .flatMap((list) => list ?? [])
  .filter((a) => a.family === 'IPv4' && !a.internal)
  .map((a) => a.address);
const host = { addresses, localSize: process.env.OMPI_COMM_WORLD_LOCAL_SIZE };
const out = (result: object) => writeFileSync(join(env('OUT_DIR', '.'), `rank-${rank}.json`), JSON.stringify({ rank, size, rows: n, host, ...result }));
let history;
try {
  history = await model.fit(fromFlat(data.x, n), Array.from(data.y), {
    epochs,
    batchSize: mode === 'single' ? batch * Number(env('SINGLE_SCALE', '1')) : batchSize,
    shuffle: env('SHUFFLE', '1') === '1',
    seed: 5,
    validationSplit: Number(env('VAL_SPLIT', '0')),
    distributed: mode === 'single' ? undefined : 'mpi',
    callbacks: [{ onBatchEnd: () => void batchesSeen++ }],
    ...(env('WEIGHTED', '0') === '1' ? { sampleWeight: data.w, classWeight: { 2: 3 } } : {}),
  });
} catch (err) {
  const e = err as Error & { epoch?: number; batch?: number };
  out({ error: e.name, message: e.message, epoch: e.epoch, batch: e.batch });
}
if (history !== undefined) {
  const params = model.params;
  const hash = createHash('sha256').update(new Uint8Array(params.buffer, params.byteOffset, params.byteLength)).digest('hex');
  out({ hash, params: Array.from(params), loss: history.history.loss, valLoss: history.history.val_loss, batchesSeen });
}

function fromFlat(flat: Float32Array, count: number): number[][] {
  return Array.from({ length: count }, (_, r) => Array.from(flat.subarray(r * features, (r + 1) * features)));
}

// One process of the MPI tests (mpi.test.ts runs it under mpirun): trains a small classifier on a
// deterministic dataset and writes what the test compares to OUT_DIR/rank-<rank>.json.
//   MODE=distributed: fit with distributed: 'mpi' on this rank's shard (SHARD=strided: row i to rank
//     i % size; SHARD=uneven: ROWS_PER_RANK rows per rank, comma-separated, contiguous);
//   MODE=single: a plain fit on all rows with batch BATCH × SINGLE_SCALE (the 1-process reference).

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
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

function pick(indices: number[]): { x: Float32Array; y: Float32Array } {
  const xs = new Float32Array(indices.length * features);
  indices.forEach((r, i) => xs.set(x.subarray(r * features, (r + 1) * features), i * features));
  return { x: xs, y: Float32Array.from(indices, (r) => y[r]) };
}

const model = new Sequential({ seed: 11 });
model.add(layers.dense({ units: 16, activation: 'relu', inputShape: [features] }));
if (dropout > 0) model.add(layers.dropout({ rate: dropout }));
model.add(layers.dense({ units: classes, activation: 'softmax' }));
model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });

const { rank, size } = mode === 'single' ? { rank: 0, size: 1 } : initDistributed();
let data: { x: Float32Array; y: Float32Array };
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
let batchesSeen = 0;
const history = await model.fit(fromFlat(data.x, n), Array.from(data.y), {
  epochs,
  batchSize: mode === 'single' ? batch * Number(env('SINGLE_SCALE', '1')) : batch,
  shuffle: env('SHUFFLE', '1') === '1',
  seed: 5,
  distributed: mode === 'single' ? undefined : 'mpi',
  callbacks: [{ onBatchEnd: () => void batchesSeen++ }],
});
const params = model.params;
const hash = createHash('sha256').update(new Uint8Array(params.buffer, params.byteOffset, params.byteLength)).digest('hex');
const result = { rank, size, rows: n, hash, params: Array.from(params), loss: history.history.loss, accuracy: history.history.accuracy, batchesSeen };
writeFileSync(join(env('OUT_DIR', '.'), `rank-${rank}.json`), JSON.stringify(result));

function fromFlat(flat: Float32Array, count: number): number[][] {
  return Array.from({ length: count }, (_, r) => Array.from(flat.subarray(r * features, (r + 1) * features)));
}

// One process of the streaming and evaluate tests (stream.mpi.test.ts runs it under mpirun, or alone):
// writes OUT_DIR/rank-<rank>.json.
//   MODE=stream: fit({ distributed: 'mpi' }) over a streaming dataset of this rank's rows
//     (ROWS_PER_RANK, comma-separated, contiguous), BUFFER rows per block; { hash, loss, batchesSeen }.
//   MODE=plain: the same fit of rank 0's rows without distributed, started without mpirun.
//   MODE=evaluate: evaluate({ distributed: 'mpi' }) of this rank's strided rows (DATASET=1: as a
//     streaming dataset); MODE=evaluate-single: evaluate of all rows in one process; { logs }.
//   BAD_RANK=r: rank r's rows hold a NaN its fit or evaluate rejects; { error, message }.
//   WEIGHTED=1: the stream's rows carry weights (0.5, 1, 2, 3 by row) and the fit has classWeight { 1: 2 }.

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initDistributed, layers, optimizers, Sequential, streamingDataset, type RowSource } from '../../../src/index.js';
import { Rng } from '../../../src/util/rng.js';

const env = (key: string, fallback = '') => process.env[key] ?? fallback;
const mode = env('MODE', 'stream');
const features = 5;
const classes = 3;
const counts = env('ROWS_PER_RANK', '48,48').split(',').map(Number);
const total = counts.reduce((a, b) => a + b, 0);

const rng = new Rng(3);
const x = Float32Array.from({ length: total * features }, () => rng.uniform() * 2 - 1);
const y = Float32Array.from({ length: total }, (_, r) => {
  const scores = Array.from({ length: classes }, (_, c) => x.subarray(r * features, (r + 1) * features).reduce((s, v, f) => s + v * Math.cos(c + f), 0));
  return scores.indexOf(Math.max(...scores));
});

const weighted = env('WEIGHTED') === '1';
const { rank, size } = mode === 'plain' || mode === 'evaluate-single' ? { rank: 0, size: 1 } : initDistributed();
const rowsOf = (indices: number[]) => ({
  x: Float32Array.from(indices.flatMap((r) => Array.from(x.subarray(r * features, (r + 1) * features)))),
  y: Float32Array.from(indices, (r) => y[r]),
  w: Float32Array.from(indices, (r) => [0.5, 1, 2, 3][r % 4]),
  n: indices.length,
});
const first = counts.slice(0, rank).reduce((a, b) => a + b, 0);
const data = mode.startsWith('evaluate')
  ? rowsOf(Array.from({ length: total }, (_, i) => i).filter((i) => mode === 'evaluate-single' || i % size === rank))
  : rowsOf(Array.from({ length: counts[rank] }, (_, i) => first + i));
if (env('BAD_RANK') === String(rank)) data.x[features] = NaN;

/** The rows as a RowSource that reads them again every pass. */
function source(xs: Float32Array, ys: Float32Array, ws: Float32Array, n: number): RowSource {
  let next = 0;
  return {
    read: (maxRows, buffers) => {
      if (next >= n) return Promise.resolve(null);
      const k = Math.min(maxRows, n - next);
      buffers.x.set(xs.subarray(next * features, (next + k) * features));
      buffers.y.set(ys.subarray(next, next + k));
      buffers.w?.set(ws.subarray(next, next + k));
      next += k;
      return Promise.resolve({ rows: k, firstRow: next - k });
    },
    rewind: () => {
      next = 0;
      return Promise.resolve();
    },
  };
}
const dataset = () => streamingDataset(source(data.x, data.y, data.w, data.n), { inputWidth: features, targetWidth: 1, bufferRows: Number(env('BUFFER', '16')), weighted });

const model = new Sequential({ seed: 4 });
model.add(layers.dense({ units: 12, activation: 'tanh', inputShape: [features] }));
model.add(layers.dropout({ rate: 0.25 }));
model.add(layers.dense({ units: classes, activation: 'softmax' }));
model.compile({ optimizer: optimizers.adam({ learningRate: 0.02 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });

const out = (result: object) => writeFileSync(join(env('OUT_DIR', '.'), `rank-${rank}.json`), JSON.stringify({ rank, size, rows: data.n, ...result }));
const distributed = mode === 'plain' || mode === 'evaluate-single' ? undefined : ('mpi' as const);
try {
  if (mode.startsWith('evaluate')) {
    const xs = Array.from({ length: data.n }, (_, r) => Array.from(data.x.subarray(r * features, (r + 1) * features)));
    const logs = env('DATASET') === '1' ? await model.evaluate(dataset(), { distributed }) : await model.evaluate(xs, Array.from(data.y), { distributed });
    out({ logs });
  } else {
    let batchesSeen = 0;
    const history = await model.fit(dataset(), { epochs: Number(env('EPOCHS', '3')), batchSize: 8, seed: 9, distributed, ...(weighted ? { classWeight: { 1: 2 } } : {}), callbacks: [{ onBatchEnd: () => void batchesSeen++ }] });
    const p = model.params;
    out({ hash: createHash('sha256').update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength)).digest('hex'), loss: history.history.loss, batchesSeen });
  }
} catch (err) {
  out({ error: (err as Error).name, message: (err as Error).message });
}

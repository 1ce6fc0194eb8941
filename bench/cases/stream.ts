// Child: one epoch of streaming training over a synthetic CSV several times larger than the memory bound
// of the streaming Dataset, with resident memory sampled throughout. The bound is stated up front:
//   RSS before the file is opened (Node, the addon, the model)
//   + the block buffer (bufferRows × (features + 1) × 4 bytes) + the reader's read buffer (8 MB)
//   + 64 MB for the reader's per-block temporaries, the JIT and the GC's slack.
// The case reports that bound, the peak RSS measured while the epoch ran, the file size and samples/s.

import { statSync } from 'node:fs';
import { csvDataset, layers, optimizers, Sequential } from '../../src/index.js';
import { emit } from '../lib/protocol.js';
import { makeSyntheticCsv, syntheticPath } from '../make-synthetic-csv.js';

export interface StreamParams {
  mb: number; // file size
  bufferRows: number;
}

export interface StreamResult {
  fileMb: number;
  rows: number;
  boundMb: number;
  baselineMb: number;
  peakMb: number;
  samplesPerSec: number;
}

const MB = 1e6;
const rssMb = (): number => process.memoryUsage.rss() / MB;

export async function runStream(p: StreamParams): Promise<void> {
  const path = syntheticPath(p.mb);
  let bytes: number;
  try {
    bytes = statSync(path).size;
  } catch {
    bytes = (await makeSyntheticCsv({ mb: p.mb })).bytes;
  }
  const model = new Sequential({ seed: 1 });
  model.add(layers.dense({ units: 64, activation: 'relu', inputShape: [100] }));
  model.add(layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy' });
  model.build(100);
  global.gc?.();
  const baselineMb = rssMb();
  const boundMb = baselineMb + (p.bufferRows * 101 * 4) / MB + (8 << 20) / MB + 64;
  let peakMb = baselineMb;
  const timer = setInterval(() => (peakMb = Math.max(peakMb, rssMb())), 20);
  try {
    const train = await csvDataset(path, { target: 'label', bufferRows: p.bufferRows });
    const t0 = performance.now();
    await model.fit(train, { epochs: 1, batchSize: 128, seed: 1 });
    const seconds = (performance.now() - t0) / 1000;
    peakMb = Math.max(peakMb, rssMb());
    await train.close();
    const rows = train.rows ?? 0;
    emit({ fileMb: bytes / MB, rows, boundMb, baselineMb, peakMb, samplesPerSec: rows / seconds } satisfies StreamResult);
  } finally {
    clearInterval(timer);
  }
}

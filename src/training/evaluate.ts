// Evaluation and prediction through the plan, in chunks of whole batches sized like training chunks so
// the js backend returns to the event loop every ~10 ms.

import { emptyStats, logsFromStats } from '../metrics/metrics.js';
import type { Matrix } from '../data/matrix.js';
import { ChunkSizer, CHUNK_TARGET_MS, MAX_CHUNK_STEPS } from './chunk-sizer.js';
import { modelPenalty } from './penalty.js';
import type { TrainingRuntime } from './runtime.js';
import { nextMacrotask, now } from '../util/yield.js';

/**
 * Loss (data loss + the model's L1/L2 penalty) and metrics over all rows of x/y in inference mode,
 * keys prefixed with `prefix` ('' or 'val_').
 */
export async function runEvaluate(rt: TrainingRuntime, x: Matrix, y: Matrix, batchSize: number, prefix = ''): Promise<Record<string, number>> {
  const bs = Math.min(batchSize, x.rows);
  const plan = rt.plan(bs);
  const stats = emptyStats();
  await inChunks(rt, x.rows, bs, (start, count) => plan.evaluate(x.data, y.data, start, count, bs, stats));
  return logsFromStats(stats, rt.metrics, modelPenalty(rt.spec, rt.arena.params), prefix);
}

/** Outputs (rows, outputWidth) for all rows of x, in inference mode. */
export async function runPredict(rt: TrainingRuntime, x: Matrix, batchSize: number): Promise<Matrix> {
  const cols = rt.spec.outputWidth;
  const out = new Float32Array(x.rows * cols);
  const bs = Math.min(batchSize, x.rows);
  const plan = rt.plan(bs);
  await inChunks(rt, x.rows, bs, (start, count) => plan.predict(x.data, start, count, bs, out.subarray(start * cols, (start + count) * cols)));
  return { data: out, rows: x.rows, cols };
}

/** Calls `run(start, count)` over [0, rows) in chunks of whole batches, yielding between chunks. */
export async function inChunks(
  rt: { backend: { name: 'js' | 'native' }; exclusive<T>(fn: () => Promise<T>): Promise<T> },
  rows: number,
  batchSize: number,
  run: (start: number, count: number) => Promise<void> | void,
): Promise<void> {
  const batches = Math.ceil(rows / batchSize);
  const sizer = new ChunkSizer(null, CHUNK_TARGET_MS[rt.backend.name], MAX_CHUNK_STEPS);
  for (let b = 0; b < batches; ) {
    const n = sizer.size(batches - b);
    const start = b * batchSize;
    const count = Math.min(n * batchSize, rows - start);
    const t0 = now();
    await rt.exclusive(async () => run(start, count));
    sizer.record(n, now() - t0);
    b += n;
    if (b < batches) await nextMacrotask();
  }
}

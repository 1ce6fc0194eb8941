// Evaluation and prediction through the plan, in chunks of whole batches sized like training chunks so
// the js backend returns to the event loop every ~10 ms.

import { LayerKind, STATS_WIDTH } from '../backend/codes.js';
import type { PlanSpec } from '../backend/contract.js';
import { logsFromStats, statsRow } from '../metrics/metrics.js';
import type { Dataset } from '../data/dataset.js';
import type { Matrix } from '../data/matrix.js';
import { scanValues, type TargetRule } from '../data/validate-data.js';
import { AbortError, ConfigError } from '../util/errors.js';
import { ChunkSizer, CHUNK_TARGET_MS, MAX_CHUNK_STEPS } from './chunk-sizer.js';
import { splitEvaluator, type EvaluateRange } from './split-evaluate.js';
import { needsSplitSteps, statsWidthOf } from './split-steps.js';
import { modelPenalty } from './penalty.js';
import { blockWeights } from './stream-block.js';
import type { TrainingRuntime } from './runtime.js';
import { msSinceEventLoopTurn, nextMacrotask, now } from '../util/yield.js';

/** Sums a stats row over the processes of a distributed fit (in place), so every rank logs the same figures. */
export type ReduceStats = (stats: Float64Array) => void;

/**
 * Loss (data loss + the model's L1/L2 penalty) and metrics over all rows of x/y in inference mode,
 * keys prefixed with `prefix` ('' or 'val_'); with `reduce`, over the rows of every rank.
 */
export async function runEvaluate(rt: TrainingRuntime, x: Matrix, y: Matrix, batchSize: number, prefix = '', reduce?: ReduceStats, weights: Float32Array | null = null): Promise<Record<string, number>> {
  const local = () => evaluateStats(rt, x, y, batchSize, weights);
  // held: the chunks and the penalty see the weights of one step while a fit of this model runs beside it
  return rt.holdSteps(async () => evaluationLogs(rt, reduce === undefined ? await local() : await sumOverRanks(reduce, local, statsWidthOf(rt)), prefix));
}

/** The stats sums of x/y (this process's rows), the loss weighted per row by `weights` unless null. */
export async function evaluateStats(rt: TrainingRuntime, x: Matrix, y: Matrix, batchSize: number, weights: Float32Array | null = null): Promise<Float64Array> {
  const bs = Math.min(batchSize, x.rows);
  const run = evaluator(rt, bs);
  const stats = statsRow(rt.customMetrics.length);
  const w = weights ?? undefined;
  await inChunks(rt, x.rows, bs, (start, count) => run(x.data, y.data, start, count, stats, w));
  return stats;
}

/** plan.evaluate in batches of batchSize, or its twin around a custom loss. */
function evaluator(rt: TrainingRuntime, batchSize: number): EvaluateRange {
  const plan = rt.plan(batchSize);
  if (needsSplitSteps(rt)) return splitEvaluator(rt, plan, batchSize);
  return (x, y, start, count, stats, weights) => plan.evaluate(x, y, start, count, batchSize, stats, weights);
}

/** Loss (with the model's L1/L2 penalty) and metrics from stats sums, keys prefixed with `prefix`. */
export function evaluationLogs(rt: TrainingRuntime, stats: Float64Array, prefix = '', penalty = modelPenalty(rt.spec, rt.arena.params)): Record<string, number> {
  return logsFromStats(stats, rt.metrics, penalty, prefix, rt.customMetrics);
}

/**
 * This process's stats sums from `local`, added over the processes with `reduce` (collective). A process
 * whose `local` throws still joins the sum, marked failed, so every process throws instead of one
 * leaving the others waiting in it.
 * @throws what `local` threw on that process; ConfigError on the others.
 */
export async function sumOverRanks(reduce: ReduceStats, local: () => Promise<Float64Array>, width = STATS_WIDTH): Promise<Float64Array> {
  const sums = new Float64Array(width + 1); // the stats, then the count of failed processes
  let failure: unknown = null;
  try {
    sums.set(await local());
  } catch (err) {
    failure = err;
    sums.fill(0);
    sums[width] = 1;
  }
  reduce(sums);
  if (failure !== null) throw failure;
  if (sums[width] > 0) throw new ConfigError('Another process of the distributed job failed to evaluate its rows (its error says why)');
  return sums.subarray(0, width);
}

/** Validation data of a fit: matrices in memory, or a Dataset read again at every evaluation. */
export type Validation = { x: Matrix; y: Matrix } | Dataset;

/**
 * Like runEvaluate over every block of a dataset (each block checked as fit checks its data, its loss
 * weighted by the block's w when it has one), the sums of all blocks folded into one set of logs.
 * @throws ShapeError for blocks whose widths differ from the dataset's; DataError for bad values.
 */
export async function runEvaluateDataset(
  rt: TrainingRuntime,
  dataset: Dataset,
  rule: TargetRule,
  batchSize: number,
  prefix = '',
  signal?: AbortSignal,
  reduce?: ReduceStats,
): Promise<Record<string, number>> {
  const local = () => evaluateDatasetStats(rt, dataset, rule, batchSize, prefix, signal);
  return rt.holdSteps(async () => evaluationLogs(rt, reduce === undefined ? await local() : await sumOverRanks(reduce, local, statsWidthOf(rt)), prefix));
}

/** The stats sums of every block of `dataset` (this process's rows). */
export async function evaluateDatasetStats(rt: TrainingRuntime, dataset: Dataset, rule: TargetRule, batchSize: number, prefix = '', signal?: AbortSignal): Promise<Float64Array> {
  const bs = Math.min(batchSize, dataset.maxBlockRows);
  const run = evaluator(rt, bs);
  const stats = statsRow(rt.customMetrics.length);
  let buffer: Float32Array | null = null; // allocated at the first weighted block
  let index = 0;
  for await (const block of dataset.blocks({ signal })) {
    const rowText = `rows ${block.firstRow}..${block.firstRow + block.x.rows - 1}`;
    await scanValues(block.x, `${prefix}x (${rowText})`, null, rt.backend);
    await scanValues(block.y, `${prefix}y (${rowText})`, rule, rt.backend);
    if (block.w != null) buffer ??= new Float32Array(dataset.maxBlockRows);
    const w = buffer === null ? null : blockWeights(block, rule, null, buffer, index);
    await inChunks(rt, block.x.rows, bs, (start, count) => run(block.x.data, block.y.data, start, count, stats, w ?? undefined));
    index++;
  }
  if (signal?.aborted) throw new AbortError();
  return stats;
}

/** The val_ logs of a fit's validation data (with `reduce`, over every process's validation rows). */
export function evaluateValidation(rt: TrainingRuntime, validation: Validation, rule: TargetRule, batchSize: number, signal?: AbortSignal, reduce?: ReduceStats): Promise<Record<string, number>> {
  return 'blocks' in validation
    ? runEvaluateDataset(rt, validation, rule, batchSize, 'val_', signal, reduce)
    : runEvaluate(rt, validation.x, validation.y, batchSize, 'val_', reduce);
}

/**
 * Forward flops of x's rows below which predict runs on the calling thread when the model is idle: a
 * native worker hop and the promise queue cost tens of microseconds, more than a few rows' forward (about
 * 0.05 ms at this size). js: its forward is synchronous anyway; this keeps it under a millisecond.
 */
export const INLINE_PREDICT_FLOPS = { native: 8e6, js: 1e6 } as const;

/** Milliseconds of back-to-back calling-thread predicts after which one waits for a turn of the event loop. */
const INLINE_SLICE_MS = 1;

/** Forward flops of one row of `spec` (2 per multiply-add of its dense layers). */
export function forwardFlopsPerRow(spec: PlanSpec): number {
  let flops = 0;
  for (const l of spec.layers) if (l.kind === LayerKind.dense) flops += 2 * l.inputs * l.units;
  return flops;
}

/** Outputs (rows, outputWidth) for all rows of x, in inference mode. */
export async function runPredict(rt: TrainingRuntime, x: Matrix, batchSize: number): Promise<Matrix> {
  const cols = rt.spec.outputWidth;
  const out = new Float32Array(x.rows * cols);
  const bs = Math.min(batchSize, x.rows);
  const plan = rt.plan(bs);
  if (plan.predictSync !== undefined && x.rows * forwardFlopsPerRow(rt.spec) <= INLINE_PREDICT_FLOPS[rt.backend.name]) {
    // a loop of awaited one-row predicts never leaves the microtask queue: let timers and I/O in now and then
    if (msSinceEventLoopTurn() > INLINE_SLICE_MS) await nextMacrotask();
    // idle: no fit chunk or other plan call is in flight, so the weights are whole and stay so while this runs
    if (rt.idle()) {
      plan.predictSync(x.data, 0, x.rows, bs, out);
      return { data: out, rows: x.rows, cols };
    }
  }
  await rt.holdSteps(() => inChunks(rt, x.rows, bs, (start, count) => plan.predict(x.data, start, count, bs, out.subarray(start * cols, (start + count) * cols))));
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

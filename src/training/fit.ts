// The fit loop: epochs of shuffled batches run in chunks of steps through the step executor, with
// per-step learning rates from the schedule, per-step stats folded into epoch logs, validation, callbacks,
// checkpoints and abort. Everything a chunk needs is allocated once per fit; between chunks the loop yields
// a macrotask so timers and I/O keep running (the js backend trains on the event loop's thread).
//
// A run is a pure function of its start (FitStart: seed, epoch, batch, partial epoch stats) and the
// model's weights, optimizer state and step: the shuffle of epoch e is seeded by (seed, e), dropout/noise
// of step t by (seed, t), and chunk boundaries change nothing but when callbacks see the batches. That is
// what makes a checkpoint written mid-epoch resume to the same result.

import type { CallbackList } from '../callbacks/callback.js';
import type { Dataset } from '../data/dataset.js';
import type { Matrix } from '../data/matrix.js';
import type { TargetRule } from '../data/validate-data.js';
import { logsFromStats } from '../metrics/metrics.js';
import { AbortError } from '../util/errors.js';
import { fmix32, Rng, stepSeed } from '../util/rng.js';
import type { Checkpointer, FitStart } from './checkpointer.js';
import { ChunkRunner } from './chunk-runner.js';
import { MAX_CHUNK_STEPS } from './chunk-sizer.js';
import { runEvaluate, runEvaluateDataset } from './evaluate.js';
import type { FitConfig } from './fit-options.js';
import type { History } from './history.js';
import { epochLine } from './progress.js';
import type { TrainingRuntime } from './runtime.js';
import type { DistributedFit } from './distributed/setup.js';
import { stepExecutor } from './step-executor.js';
import { nextMacrotask, now } from '../util/yield.js';

export interface FitData {
  x: Matrix; // (N, inputWidth)
  y: Matrix; // (N, labelWidth)
  /** (N) per-row loss weights, or null: unweighted. */
  weights?: Float32Array | null;
  validation: { x: Matrix; y: Matrix; weights?: Float32Array | null } | null;
  /** Validation given as a Dataset (read again every epoch), with the target rule its blocks are checked by. */
  validationDataset?: { dataset: Dataset; rule: TargetRule } | null;
}

/**
 * Runs a validated fit from `start` (a new run, or a resumed one at its saved epoch and batch), saving
 * through `checkpointer` at epoch ends and when it is due after a step. With `dist`, one rank of a
 * distributed fit: x/y are this rank's rows, every rank runs dist.stepsPerEpoch steps of batchSize rows
 * per epoch (the rows past them are left out of that epoch), and the figures are summed over the ranks.
 */
export async function runFit(
  rt: TrainingRuntime,
  data: FitData,
  cfg: FitConfig,
  start: FitStart,
  callbacks: CallbackList,
  checkpointer: Checkpointer | null,
  dist: DistributedFit | null = null,
): Promise<History> {
  const { x, y, validation } = data;
  const seed = start.seed;
  const n = x.rows;
  // distributed: every rank's batches have the same size, whatever its rows
  const batchSize = dist === null ? Math.min(cfg.batchSize, n) : cfg.batchSize;
  const batches = dist === null ? Math.ceil(n / batchSize) : dist.stepsPerEpoch;
  const steps = stepExecutor(rt, Math.min(batchSize, n));
  const stepsPerChunk = dist === null ? cfg.stepsPerChunk : dist.chunkSteps;
  const maxChunk = Math.min(stepsPerChunk ?? MAX_CHUNK_STEPS, batches, MAX_CHUNK_STEPS);
  const chunks = new ChunkRunner(rt, { steps, seed, batchSize, maxChunk, stepsPerChunk, signal: cfg.signal, callbacks, dist, divergenceFactor: cfg.divergenceFactor, weights: data.weights ?? null });
  const { epochStats } = chunks;
  const checkAbort = () => chunks.checkAbort();

  // per-fit buffers, reused by every epoch
  const order = new Uint32Array(n);
  const trained = order.subarray(0, Math.min(n, batches * batchSize)); // the rows an epoch's steps visit
  // Each epoch's shuffle is seeded by (seed, epoch), so a run resumed at initialEpoch sees the same orders.
  const shuffleRng = new Rng(0);
  const shuffleSeed = fmix32(seed ^ 0x2545f491); // a stream apart from the dropout/noise stream stepRng(seed, step)
  const history = start.history;
  const signal = cfg.signal;

  try {
    checkAbort();
    rt.model.stopTraining = false;
    if (start.restore === null && start.epoch === 0) rt.schedule?.reset?.();
    await callbacks.trainBegin({});
    start.restore?.(); // after onTrainBegin, which resets the callbacks
    for (let epoch = start.epoch; epoch < cfg.epochs && !start.stopped; epoch++) {
      const started = now();
      await callbacks.epochBegin(epoch, {});
      for (let i = 0; i < n; i++) order[i] = i;
      if (cfg.shuffle) shuffleRng.reseed(stepSeed(shuffleSeed, epoch)).shuffle(order);
      // a resumed run continues its first epoch at the saved batch, with that epoch's sums so far
      const firstBatch = epoch === start.epoch ? start.batch : 0;
      if (firstBatch > 0 && start.epochStats !== null) epochStats.set(start.epochStats);
      else epochStats.fill(0);

      for (let b = firstBatch; b < batches; ) {
        // a chunk ends where a mid-epoch checkpoint is due
        try {
          b += await chunks.run(x, y, trained, b, Math.min(batches - b, checkpointer?.stepsUntilDue(rt.getStep()) ?? Infinity), epoch);
        } catch (err) {
          // checkpoint.onAbort: an aborted run keeps its position, the steps applied before the abort
          const at = b + chunks.lastSteps;
          if (err instanceof AbortError && checkpointer !== null && cfg.checkpoint?.onAbort === true && dist === null && at < batches) {
            await checkpointer.write({ epoch, batch: at, epochStats: at > 0 ? epochStats : null, history, stopped: false });
          }
          throw err;
        }
        if (checkpointer?.isDue(rt.getStep()) && b < batches) {
          await checkpointer.write({ epoch, batch: b, epochStats, history, stopped: false });
        }
        await nextMacrotask();
      }

      const logs = logsFromStats(epochStats, rt.metrics, 0, '', rt.customMetrics);
      if (validation !== null) {
        checkAbort();
        Object.assign(logs, await runEvaluate(rt, validation.x, validation.y, batchSize, 'val_', dist?.reduceStats, validation.weights ?? null));
      } else if (data.validationDataset) {
        checkAbort();
        const { dataset, rule } = data.validationDataset;
        Object.assign(logs, await runEvaluateDataset(rt, dataset, rule, batchSize, 'val_', signal, dist?.reduceStats));
      }
      history.record(epoch, logs);
      rt.schedule?.onEpochEnd?.(epoch, { ...logs });
      await callbacks.epochEnd(epoch, logs);
      // after the callbacks, so their state (earlyStopping's wait, best weights) includes this epoch
      await checkpointer?.write({ epoch: epoch + 1, batch: 0, epochStats: null, history, stopped: rt.model.stopTraining });
      if (cfg.verbose === 1 && (dist === null || dist.rank === 0)) process.stdout.write(`${epochLine(epoch, cfg.epochs, (now() - started) / 1000, logs)}\n`);
      if (rt.model.stopTraining) break;
    }
    await callbacks.trainEnd(history.lastLogs());
    return history;
  } finally {
    chunks.dispose();
  }
}

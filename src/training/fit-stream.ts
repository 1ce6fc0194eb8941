// The fit loop over a streaming Dataset: every epoch reads the dataset again block by block; each block
// is checked (NaN, label ranges), its rows are visited in an order seeded by (seed, epoch, block) and
// trained in chunks of steps through the step executor, as the in-memory loop does over the whole data.
// Batches do not span blocks (a block's last batch may be short). A block's rows weigh in the loss by
// its own weights (w) times classWeight, as an in-memory fit's rows do. Validation, when given, is
// evaluated after every epoch (a Dataset pass or matrices). Checkpoints and resume are in-memory-only
// for now (their data fingerprint needs the whole data); fit rejects them for streams before any work starts.
// A rank of a distributed fit settles its steps with the other ranks (distributed/stream-epoch.ts).

import type { CallbackList } from '../callbacks/callback.js';
import type { Dataset } from '../data/dataset.js';
import type { TargetRule } from '../data/validate-data.js';
import { logsFromStats } from '../metrics/metrics.js';
import { ConfigError } from '../util/errors.js';
import { nextMacrotask, now } from '../util/yield.js';
import { ChunkRunner } from './chunk-runner.js';
import { MAX_CHUNK_STEPS } from './chunk-sizer.js';
import type { DistributedFit } from './distributed/setup.js';
import { runDistributedStreamEpoch, type StreamEpochContext } from './distributed/stream-epoch.js';
import { evaluateValidation, type Validation } from './evaluate.js';
import type { FitConfig } from './fit-options.js';
import { History } from './history.js';
import { epochLine } from './progress.js';
import type { TrainingRuntime } from './runtime.js';
import { stepExecutor } from './step-executor.js';
import { BlockPreparer } from './stream-block.js';

/** Runs a validated fit over a streaming dataset with run seed `seed` (with `dist`, one rank's). */
export async function runStreamFit(
  rt: TrainingRuntime,
  dataset: Dataset,
  rule: TargetRule,
  validation: Validation | null,
  cfg: FitConfig,
  seed: number,
  callbacks: CallbackList,
  dist: DistributedFit | null = null,
): Promise<History> {
  const batchSize = Math.min(cfg.batchSize, dataset.maxBlockRows);
  const steps = stepExecutor(rt, batchSize);
  const stepsPerChunk = dist === null ? cfg.stepsPerChunk : dist.chunkSteps;
  const maxChunk = Math.min(stepsPerChunk ?? MAX_CHUNK_STEPS, Math.ceil(dataset.maxBlockRows / batchSize), MAX_CHUNK_STEPS);
  const chunks = new ChunkRunner(rt, { steps, seed, batchSize, maxChunk, stepsPerChunk, signal: cfg.signal, callbacks, dist, divergenceFactor: cfg.divergenceFactor });
  const { epochStats } = chunks;
  const checkAbort = () => chunks.checkAbort();
  const blocks = new BlockPreparer(rt, dataset, rule, cfg.shuffle, seed, cfg.classWeight);
  const history = new History();
  const signal = cfg.signal;
  const ranked: StreamEpochContext | null =
    dist === null ? null : { dataset, blocks, chunks, batchSize, dist, signal, settle: new Float64Array(3), shortRows: new Float64Array(1) };

  try {
    checkAbort();
    rt.model.stopTraining = false;
    rt.schedule?.reset?.();
    await callbacks.trainBegin({});
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      const started = now();
      await callbacks.epochBegin(epoch, {});
      epochStats.fill(0);
      if (ranked !== null) await runDistributedStreamEpoch(ranked, epoch);
      else await runEpoch(epoch);
      const logs = logsFromStats(epochStats, rt.metrics, 0, '', rt.customMetrics);
      if (validation !== null) Object.assign(logs, await evaluateValidation(rt, validation, rule, batchSize, signal, dist?.reduceStats));
      history.record(epoch, logs);
      rt.schedule?.onEpochEnd?.(epoch, { ...logs });
      await callbacks.epochEnd(epoch, logs);
      if (cfg.verbose === 1 && (dist === null || dist.rank === 0)) process.stdout.write(`${epochLine(epoch, cfg.epochs, (now() - started) / 1000, logs)}\n`);
      if (rt.model.stopTraining) break;
    }
    await callbacks.trainEnd(history.lastLogs());
    return history;
  } finally {
    chunks.dispose();
  }

  async function runEpoch(epoch: number): Promise<void> {
    let batchInEpoch = 0;
    let blockIndex = 0;
    for await (const block of dataset.blocks({ signal })) {
      checkAbort();
      const blockOrder = await blocks.prepare(block, epoch, blockIndex);
      chunks.useWeights(blocks.weights);
      const batches = Math.ceil(block.x.rows / batchSize);
      for (let b = 0; b < batches; ) {
        b += await chunks.run(block.x, block.y, blockOrder, b, batches - b, epoch, batchInEpoch);
        await nextMacrotask();
      }
      batchInEpoch += batches;
      blockIndex++;
    }
    checkAbort();
    if (batchInEpoch === 0) throw new ConfigError('The dataset yielded no rows in this epoch: nothing to train on');
  }
}

// The fit loop over a streaming Dataset: every epoch reads the dataset again block by block; each block
// is checked (NaN, label ranges), its rows are visited in an order seeded by (seed, epoch, block) and
// trained in chunks of steps through the step executor, as the in-memory loop does over the whole data.
// Batches do not span blocks (a block's last batch may be short). Validation, when given, is evaluated
// after every epoch (a Dataset pass or matrices). Checkpoints and resume are in-memory-only for now
// (their data fingerprint needs the whole data); fit rejects them for streams before any work starts.

import type { CallbackList } from '../callbacks/callback.js';
import type { Dataset } from '../data/dataset.js';
import { scanValues, type TargetRule } from '../data/validate-data.js';
import { logsFromStats } from '../metrics/metrics.js';
import { ConfigError } from '../util/errors.js';
import { fmix32, Rng, stepSeed } from '../util/rng.js';
import { nextMacrotask, now } from '../util/yield.js';
import { ChunkRunner } from './chunk-runner.js';
import { MAX_CHUNK_STEPS } from './chunk-sizer.js';
import { evaluateValidation, type Validation } from './evaluate.js';
import type { FitConfig } from './fit-options.js';
import { History } from './history.js';
import { epochLine } from './progress.js';
import type { TrainingRuntime } from './runtime.js';
import { stepExecutor } from './step-executor.js';

/** Runs a validated fit over a streaming dataset with run seed `seed`. */
export async function runStreamFit(
  rt: TrainingRuntime,
  dataset: Dataset,
  rule: TargetRule,
  validation: Validation | null,
  cfg: FitConfig,
  seed: number,
  callbacks: CallbackList,
): Promise<History> {
  const batchSize = Math.min(cfg.batchSize, dataset.maxBlockRows);
  const steps = stepExecutor(rt, batchSize);
  const maxChunk = Math.min(cfg.stepsPerChunk ?? MAX_CHUNK_STEPS, Math.ceil(dataset.maxBlockRows / batchSize), MAX_CHUNK_STEPS);
  const chunks = new ChunkRunner(rt, { steps, seed, batchSize, maxChunk, stepsPerChunk: cfg.stepsPerChunk, signal: cfg.signal, callbacks });
  const { epochStats } = chunks;
  const checkAbort = () => chunks.checkAbort();
  const order = new Uint32Array(dataset.maxBlockRows);
  const shuffleRng = new Rng(0);
  const shuffleSeed = fmix32(seed ^ 0x2545f491);
  const history = new History();
  const signal = cfg.signal;

  try {
    checkAbort();
    rt.model.stopTraining = false;
    rt.schedule?.reset?.();
    await callbacks.trainBegin({});
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      const started = now();
      await callbacks.epochBegin(epoch, {});
      epochStats.fill(0);
      let batchInEpoch = 0;
      let blockIndex = 0;
      for await (const block of dataset.blocks({ signal })) {
        checkAbort();
        const rows = block.x.rows;
        if (block.x.cols !== dataset.inputWidth || block.y.cols !== dataset.targetWidth || block.y.rows !== rows) {
          throw new ConfigError(`Dataset block ${blockIndex} has shapes [${rows}, ${block.x.cols}] / [${block.y.rows}, ${block.y.cols}], not [N, ${dataset.inputWidth}] / [N, ${dataset.targetWidth}]`);
        }
        const rowText = `rows ${block.firstRow}..${block.firstRow + rows - 1}`;
        await scanValues(block.x, `x (${rowText})`, null, rt.backend);
        await scanValues(block.y, `y (${rowText})`, rule, rt.backend);
        const blockOrder = order.subarray(0, rows);
        for (let i = 0; i < rows; i++) blockOrder[i] = i;
        if (cfg.shuffle) shuffleRng.reseed(stepSeed(stepSeed(shuffleSeed, epoch), blockIndex)).shuffle(blockOrder);
        const batches = Math.ceil(rows / batchSize);
        for (let b = 0; b < batches; ) {
          b += await chunks.run(block.x, block.y, blockOrder, b, batches - b, epoch, batchInEpoch);
          await nextMacrotask();
        }
        batchInEpoch += batches;
        blockIndex++;
      }
      checkAbort();
      if (batchInEpoch === 0) throw new ConfigError('The dataset yielded no rows in this epoch: nothing to train on');
      const logs = logsFromStats(epochStats, rt.metrics);
      if (validation !== null) Object.assign(logs, await evaluateValidation(rt, validation, rule, batchSize, signal));
      history.record(epoch, logs);
      rt.schedule?.onEpochEnd?.(epoch, { ...logs });
      await callbacks.epochEnd(epoch, logs);
      if (cfg.verbose === 1) process.stdout.write(`${epochLine(epoch, cfg.epochs, (now() - started) / 1000, logs)}\n`);
      if (rt.model.stopTraining) break;
    }
    await callbacks.trainEnd(history.lastLogs());
    return history;
  } finally {
    chunks.dispose();
  }
}

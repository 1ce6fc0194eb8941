// trainModel: a whole fit of a TrainableModel, from the options to the History. Options are resolved and,
// for `resumeFrom`, the checkpoint is read and its options merged; the data are checked against the model
// (widths, then values in slices that yield); validation rows are split off; the model is built for the
// data's width; then the run starts (new, or resumed from the checkpoint) and the in-memory loop (fit.ts)
// or the streaming loop (fit-stream.ts) trains it. Sequential.fit only checks its own arguments and
// hands off here.

import { CallbackList } from '../callbacks/callback.js';
import { isDataset, type Dataset } from '../data/dataset.js';
import { sliceRows, type Matrix } from '../data/matrix.js';
import { inputWidthOf, scanValues, toInputMatrix, toTargetMatrix, type InputData, type TargetData, type TargetRule } from '../data/validate-data.js';
import { AbortError, ConfigError } from '../util/errors.js';
import { stepSeed } from '../util/rng.js';
import { checkBatchRows, checkDataset, validationMatrices } from './data-checks.js';
import { runFit } from './fit.js';
import { parseSampleWeight, rowWeights } from './row-weights.js';
import { parseFitOptions, type FitConfig, type FitOptions } from './fit-options.js';
import { runStreamFit } from './fit-stream.js';
import { allgatherJson } from '../backend/mpi-context.js';
import { distributedSave } from './distributed/checkpoint-save.js';
import { DistributedSession } from './distributed/session.js';
import { startDistributedFit } from './distributed/setup.js';
import type { History } from './history.js';
import { loadResumeSource, resumeConfig, startRun } from './resume.js';
import type { TrainableModel } from './trainable-model.js';

/** What a fit trains on: in-memory x and y, or a Dataset. */
export type TrainingData = { x: InputData; y: TargetData } | Dataset;

/**
 * Trains `model` on `data` with fit's `options` (see Sequential.fit for what is checked and thrown).
 * A memory Dataset trains as its matrices do (all options apply); a streaming one is read again every
 * epoch in blocks (checkpoint, resumeFrom, validationSplit and initialEpoch need the data in memory and
 * are rejected). With `distributed`, this is one rank of a fit over MPI (see DistributedSession).
 */
export async function trainModel(model: TrainableModel, data: TrainingData, options: FitOptions): Promise<History> {
  if (!isDataset(data)) return trainOnMatrices(model, data.x, data.y, options);
  if (data.kind === 'memory') {
    for await (const block of data.blocks()) {
      if (block.w == null) return trainOnMatrices(model, block.x, block.y, options);
      if (options.sampleWeight !== undefined) throw new ConfigError("sampleWeight cannot be combined with a dataset whose blocks carry weights (w): pass one of them");
      return trainOnMatrices(model, block.x, block.y, { ...options, sampleWeight: block.w });
    }
    throw new ConfigError('The dataset has no rows: nothing to train on');
  }
  return trainOnStream(model, data, options);
}

async function trainOnMatrices(model: TrainableModel, x: InputData, y: TargetData, options: FitOptions): Promise<History> {
  const cfg = parseFitOptions(options);
  if (cfg.distributed === null) return fitMatrices(model, x, y, options, cfg, null);
  refuseCustomLoss(model);
  const session = DistributedSession.open(model.backend, cfg);
  return session.run(() => fitMatrices(model, x, y, options, cfg, session));
}

async function fitMatrices(model: TrainableModel, x: InputData, y: TargetData, options: FitOptions, parsed: FitConfig, session: DistributedSession | null): Promise<History> {
  let cfg = parsed;
  const resume = session !== null ? await session.resumeSource(cfg) : cfg.resumeFrom === null ? null : await loadResumeSource(cfg.resumeFrom);
  if (resume !== null) cfg = resumeConfig(cfg, options, resume);
  model.requireCompiled('fit');
  model.requireIdle('fit');
  const width = model.inputWidth ?? inputWidthOf(x);
  const rule = model.targetRule(width);
  // shapes are checked here; values (NaN, label ranges) below, in slices that yield to the event loop
  let xs = toInputMatrix(x, width, 'x', false);
  let ys = toTargetMatrix(y, xs.rows, rule, 'y', false);
  let validation: { x: Matrix; y: Matrix; weights?: Float32Array | null } | null = null;
  let sampleWeight = cfg.sampleWeight === undefined ? null : parseSampleWeight('sampleWeight', cfg.sampleWeight, xs.rows);
  let validationWeight: Float32Array | null = null;
  const scans: [Matrix, string, TargetRule | null][] = [
    [xs, 'x', null],
    [ys, 'y', rule],
  ];
  if (cfg.validationData !== undefined) {
    validation = validationMatrices(cfg.validationData, width, rule);
    if (cfg.validationWeight !== undefined) validationWeight = parseSampleWeight('validationData sampleWeight', cfg.validationWeight, validation.x.rows);
    scans.push([validation.x, 'validationData[0] (x)', null], [validation.y, 'validationData[1] (y)', rule]);
  } else if (cfg.validationSplit > 0) {
    // Keras: the LAST fraction of the rows, before any shuffling
    const trainRows = Math.floor(xs.rows * (1 - cfg.validationSplit));
    if (trainRows < 1 || trainRows === xs.rows) {
      throw new ConfigError(
        `validationSplit ${cfg.validationSplit} of ${xs.rows} rows leaves ${trainRows} training and ${xs.rows - trainRows} validation rows; both need at least one`,
      );
    }
    validation = { x: sliceRows(xs, trainRows, xs.rows), y: sliceRows(ys, trainRows, ys.rows) };
    xs = sliceRows(xs, 0, trainRows);
    ys = sliceRows(ys, 0, trainRows);
    // Keras: the held-out rows keep their sample weights; classWeight weighs the training rows only
    if (sampleWeight !== null) {
      validationWeight = sampleWeight.subarray(trainRows);
      sampleWeight = sampleWeight.subarray(0, trainRows);
    }
  }
  return model.whileBusy(async () => {
    for (const [m, name, r] of scans) await scanValues(m, name, r, model.backend);
    if (cfg.signal?.aborted) throw new AbortError();
    const weights = rowWeights(ys, rule, cfg.classWeight, sampleWeight, 'fit');
    if (validation !== null) validation.weights = validationWeight === null ? null : rowWeights(validation.y, rule, null, validationWeight, 'fit');
    model.build(width);
    const vds = cfg.validationDataset;
    const data = { x: xs, y: ys, weights, validation, validationDataset: vds === null ? null : { dataset: checkDataset(vds, width, rule, 'validationData'), rule } };
    const callbacks = new CallbackList(cfg.callbacks, model.callbackModel);
    const rt = model.runtime();
    checkBatchRows(rt.spec, xs.rows, cfg.batchSize);
    const defaultSeed = stepSeed(model.seed, rt.getStep());
    const { start, checkpointer } = startRun(model, { cfg, data, callbacks, schedule: rt.schedule, defaultSeed, resume });
    if (session === null) return runFit(rt, data, cfg, start, callbacks, checkpointer);
    const shape = { ...cfg, validation: validation !== null || vds !== null };
    session.joined();
    const fit = startDistributedFit(session.ctx, rt, shape, xs.rows, start.seed);
    // rank 0 writes every rank's data fingerprint, so a resume checks each rank's rows
    // rank 0 alone writes, and every rank learns whether the write worked
    const fingerprints = checkpointer === null ? null : allgatherJson(session.ctx, checkpointer.data, "the gather of the ranks' data fingerprints for checkpoints");
    const ranked = checkpointer === null || fingerprints === null ? null : checkpointer.forRanks(fingerprints, (save) => distributedSave(session.ctx, save));
    return runFit(rt, data, cfg, { ...start, seed: fit.seed }, callbacks, ranked, fit);
  });
}

async function trainOnStream(model: TrainableModel, dataset: Dataset, options: FitOptions): Promise<History> {
  const cfg = parseFitOptions(options);
  const unsupported = (['checkpoint', 'resumeFrom', 'validationSplit', 'initialEpoch'] as const).find((k) => options[k] !== undefined && options[k] !== 0);
  if (unsupported !== undefined) {
    throw new ConfigError(`The option '${unsupported}' needs the data in memory; it cannot be used with a streaming dataset (split a stream with hashSplitter when reading it)`);
  }
  if (options.sampleWeight !== undefined) {
    throw new ConfigError("sampleWeight gives one weight per row of x in memory; a streaming dataset's rows carry their own weights (csvDataset's weight column, or blocks with w)");
  }
  if (cfg.validationWeight !== undefined) throw new ConfigError('validationData sampleWeight needs the training data in memory; it cannot be used with a streaming dataset');
  if (cfg.distributed === null) return fitStream(model, dataset, cfg, null);
  refuseCustomLoss(model);
  const session = DistributedSession.open(model.backend, cfg);
  return session.run(() => fitStream(model, dataset, cfg, session));
}

async function fitStream(model: TrainableModel, dataset: Dataset, cfg: FitConfig, session: DistributedSession | null): Promise<History> {
  await session?.resumeSource(cfg); // the handshake: a streaming fit neither resumes nor checkpoints
  model.requireCompiled('fit');
  model.requireIdle('fit');
  const width = model.inputWidth ?? dataset.inputWidth;
  const rule = model.targetRule(width);
  checkDataset(dataset, width, rule, 'the dataset');
  const validation =
    cfg.validationDataset !== null
      ? checkDataset(cfg.validationDataset, width, rule, 'validationData')
      : cfg.validationData !== undefined
        ? validationMatrices(cfg.validationData, width, rule)
        : null;
  return model.whileBusy(async () => {
    if (validation !== null && !('blocks' in validation)) {
      await scanValues(validation.x, 'validationData[0] (x)', null, model.backend);
      await scanValues(validation.y, 'validationData[1] (y)', rule, model.backend);
    }
    model.build(width);
    const callbacks = new CallbackList(cfg.callbacks, model.callbackModel);
    const rt = model.runtime();
    const seed = cfg.seed ?? stepSeed(model.seed, rt.getStep());
    if (session === null) return runStreamFit(rt, dataset, rule, validation, cfg, seed, callbacks);
    session.joined();
    const batchSize = Math.min(cfg.batchSize, dataset.maxBlockRows);
    const fit = startDistributedFit(session.ctx, rt, { ...cfg, batchSize, validation: validation !== null }, null, seed);
    return runStreamFit(rt, dataset, rule, validation, cfg, fit.seed, callbacks, fit);
  });
}

/**
 * A distributed fit all-reduces each step's gradients inside the native chunk, which a custom loss or
 * metric (JS between forward and backward) leaves; refused before MPI starts, on every rank alike.
 */
function refuseCustomLoss(model: TrainableModel): void {
  const loss = model.customLossName;
  const metric = model.customMetricNames[0];
  if (loss !== null || metric !== undefined) {
    const uses = loss !== null ? `custom loss '${loss}'` : `custom metric '${metric}'`;
    throw new ConfigError(`distributed: 'mpi' does not support custom losses or metrics yet (the model uses ${uses}); train it on one process, or with built-in ones`);
  }
}

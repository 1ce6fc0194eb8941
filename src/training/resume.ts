// Starting a fit: a new run, or the continuation of a checkpointed one (fit's `resumeFrom`). Resuming
// checks that the model, the options and the data are those of the checkpointed run — anything else
// would silently train a different run — then restores the weights, optimizer state and preprocessing and
// hands the loop the saved position; callback and schedule state are restored after onTrainBegin.

import type { CallbackList } from '../callbacks/callback.js';
import type { LearningRateSchedule } from '../schedules/index.js';
import { ConfigError, DataError, ModelFileError, ShapeError } from '../util/errors.js';
import { readCheckpoint, writeCheckpointFile, type Checkpoint } from './checkpoint-file.js';
import { Checkpointer, checkpointFitOptions, fingerprintData, newRunStart, type FitStart } from './checkpointer.js';
import type { FitData } from './fit.js';
import type { FitConfig, FitOptions } from './fit-options.js';
import { History } from './history.js';
import type { TrainableModel } from './trainable-model.js';
import type { DataFingerprint } from './training-state.js';

/** The checkpoint named by `resumeFrom`: a path is read (and validated), a Checkpoint is used as is. */
export function loadResumeSource(source: string | Checkpoint): Promise<Checkpoint> {
  return typeof source === 'string' ? readCheckpoint(source) : Promise.resolve(source);
}

/**
 * The config of a resumed fit: the checkpoint's batchSize, shuffle, validationSplit, seed and epochs where
 * `given` has none. epochs may be raised (not set below the saved epoch); the others must match.
 * @throws ConfigError naming the option that conflicts with the checkpoint, or for a distributed
 *   fit's checkpoint resumed without distributed.
 */
export function resumeConfig(cfg: FitConfig, given: FitOptions, ckpt: Checkpoint): FitConfig {
  const { fit, seed, epoch, ranks } = ckpt.training;
  if (cfg.distributed === null && ranks !== undefined && ranks.length > 1) {
    throw new ConfigError(`The checkpoint ${ckpt.path} was written by a distributed fit of ${ranks.length} processes: resume it with distributed: 'mpi' under mpirun -np ${ranks.length}`);
  }
  const same = (option: keyof FitOptions, saved: unknown, value: unknown) => {
    if (given[option] !== undefined && value !== saved) {
      throw new ConfigError(`${option} ${String(value)} differs from the checkpoint's ${String(saved)} (${ckpt.path}); omit ${option} to resume with the checkpoint's`);
    }
  };
  same('batchSize', fit.batchSize, cfg.batchSize);
  same('shuffle', fit.shuffle, cfg.shuffle);
  same('validationSplit', fit.validationSplit, cfg.validationSplit);
  same('seed', seed, cfg.seed);
  const validation = cfg.validationData !== undefined ? 'data' : fit.validation === 'split' ? 'split' : 'none';
  if (validation !== fit.validation) {
    throw new ConfigError(
      fit.validation === 'data'
        ? `The checkpointed run validated on validationData; pass the same validationData to resume it (${ckpt.path})`
        : `validationData was given but the checkpointed run had ${fit.validation === 'split' ? 'validationSplit' : 'no validation'} (${ckpt.path})`,
    );
  }
  const epochs = given.epochs === undefined ? fit.epochs : cfg.epochs;
  if (epochs < epoch) throw new ConfigError(`epochs ${epochs} is before the checkpoint's position (epoch ${epoch} done) in ${ckpt.path}`);
  return { ...cfg, epochs, batchSize: fit.batchSize, shuffle: fit.shuffle, validationSplit: fit.validationSplit, seed };
}

/** What a run needs besides the data: the fit config, its callbacks and the compiled schedule. */
export interface RunContext {
  cfg: FitConfig;
  data: FitData;
  callbacks: CallbackList;
  schedule: LearningRateSchedule | null;
  /** The run seed when neither the options nor a checkpoint give one. */
  defaultSeed: number;
  resume: Checkpoint | null;
}

/**
 * The start of a fit and its checkpointer. Resuming first checks the model and data against the
 * checkpoint and restores the model (weights, optimizer state, preprocessing).
 * @throws ConfigError when the model's config differs from the checkpoint's, or a saved callback state has
 *   no matching callback (at the loop's start); ShapeError / DataError when the data differ.
 */
export function startRun(model: TrainableModel, ctx: RunContext): { start: FitStart; checkpointer: Checkpointer | null } {
  const { cfg, data, resume } = ctx;
  const fingerprint = resume !== null || cfg.checkpoint !== null ? fingerprintData(data) : null;
  let start: FitStart;
  if (resume === null) {
    start = newRunStart(cfg.seed ?? ctx.defaultSeed, cfg.initialEpoch);
  } else {
    checkModel(model, resume);
    checkData(fingerprint ?? fingerprintData(data), resume);
    restoreModel(model, resume);
    start = resumedStart(resume, ctx);
  }
  const checkpointer =
    cfg.checkpoint === null || fingerprint === null
      ? null
      : new Checkpointer(cfg.checkpoint, {
          seed: start.seed,
          fit: checkpointFitOptions(cfg),
          data: fingerprint,
          callbacks: ctx.callbacks,
          schedule: ctx.schedule,
          step: () => model.getOptimizerState()?.step ?? 0,
          save: (path, state) => writeCheckpointFile(model, path, state),
        });
  return { start, checkpointer };
}

function resumedStart(ckpt: Checkpoint, ctx: RunContext): FitStart {
  const t = ckpt.training;
  return {
    seed: t.seed,
    epoch: t.epoch,
    batch: t.batch,
    epochStats: t.epochStats,
    history: History.restore(t.history),
    stopped: t.stopped,
    restore: () => {
      ctx.callbacks.restoreStates(t.callbacks);
      if (t.schedule !== null && ctx.schedule?.setState) ctx.schedule.setState(t.schedule.state);
    },
  };
}

/** The model must be the checkpoint's: same layers, seed, optimizer, loss, metrics and schedule. */
function checkModel(model: TrainableModel, ckpt: Checkpoint): void {
  const diff = firstDifference(ckpt.model, JSON.parse(JSON.stringify(model.toConfig())), 'config');
  if (diff !== null) {
    throw new ConfigError(
      `The model differs from the checkpoint's (${ckpt.path}): ${diff}. Resume on the model that wrote it, e.g. await loadModel(path)`,
    );
  }
  if (model.params.length !== ckpt.params.length) {
    throw new ModelFileError(ckpt.path, `holds ${ckpt.params.length} parameters but the model has ${model.params.length}`);
  }
}

function checkData(found: DataFingerprint, ckpt: Checkpoint): void {
  const saved = ckpt.training.data;
  const where = `the checkpoint (${ckpt.path})`;
  if (found.inputWidth !== saved.inputWidth || found.labelWidth !== saved.labelWidth) {
    throw new ShapeError(`x/y have ${found.inputWidth}/${found.labelWidth} columns but ${where} was trained on ${saved.inputWidth}/${saved.labelWidth}`);
  }
  if (found.rows !== saved.rows || found.validationRows !== saved.validationRows) {
    throw new ShapeError(
      `The data have ${found.rows} training and ${found.validationRows} validation rows but ${where} was trained on ${saved.rows} and ${saved.validationRows}`,
    );
  }
  if (found.crc32 !== saved.crc32) {
    throw new DataError(`x/y differ from the training data of ${where} (same shape, other values or row order); resume needs the same rows in the same order`);
  }
  if (found.validationCrc32 !== saved.validationCrc32) {
    throw new DataError(`The validation data differ from those of ${where}; resume needs the same validation rows`);
  }
  // absent: a checkpoint from before weights were fingerprinted
  const weights = (what: string, f: number | null | undefined, s: number | null | undefined) => {
    if (s === undefined || f === s) return;
    const how = s === null ? 'were unweighted' : f === null ? 'were weighted, and none are given now' : 'had other weights';
    throw new DataError(`The ${what} loss weights (sampleWeight × classWeight) differ from those of ${where}: its rows ${how}; resume needs the same sampleWeight and classWeight`);
  };
  weights('training', found.weightsCrc32, saved.weightsCrc32);
  weights('validation', found.validationWeightsCrc32, saved.validationWeightsCrc32);
}

function restoreModel(model: TrainableModel, ckpt: Checkpoint): void {
  model.setParams(ckpt.params);
  model.setOptimizerState(ckpt.optimizer);
  if (ckpt.preprocessing !== null) model.preprocessing = ckpt.preprocessing;
}

/** The first path where two JSON values differ, with both values, or null when they are equal. */
function firstDifference(expected: unknown, actual: unknown, path: string): string | null {
  if (Object.is(expected, actual)) return null;
  const bothObjects = typeof expected === 'object' && expected !== null && typeof actual === 'object' && actual !== null;
  if (!bothObjects || Array.isArray(expected) !== Array.isArray(actual)) {
    return `${path} is ${JSON.stringify(actual)} here but ${JSON.stringify(expected)} in the checkpoint`;
  }
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  for (const key of new Set([...Object.keys(e), ...Object.keys(a)])) {
    const diff = firstDifference(e[key], a[key], Array.isArray(expected) ? `${path}[${key}]` : `${path}.${key}`);
    if (diff !== null) return diff;
  }
  return null;
}

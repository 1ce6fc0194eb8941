// The options of fit, evaluate and predict: checked and defaulted before any work starts.

import { checkCallbacks, type Callback } from '../callbacks/callback.js';
import { isDataset, type Dataset } from '../data/dataset.js';
import type { InputData, TargetData } from '../data/validate-data.js';
import type { Checkpoint } from './checkpoint-file.js';
import { ConfigError } from '../util/errors.js';
import { parseClassWeight, type ClassWeight, type SampleWeight } from './row-weights.js';
import { checkBoolean, checkChoice, checkInteger, checkNumber, invalid, isPlainObject, isString, readOptions } from '../util/validate.js';

/** Options of `model.fit(x, y, options)`; every field is optional. */
export interface FitOptions {
  /** Index of the last epoch to train (as Keras): trains epochs [initialEpoch, epochs). Integer >= 1. Default 1. */
  epochs?: number;
  /** Rows per step, integer >= 1 (more than the dataset means the whole dataset). Default 32. */
  batchSize?: number;
  /** Visit the rows in a new random order each epoch. Default true. */
  shuffle?: boolean;
  /**
   * uint32 seed of the shuffles and of dropout/noise. Default: derived from the model seed and the
   * model's step count, so a model's runs are reproducible.
   */
  seed?: number;
  /** Fraction in [0, 1) of rows, taken from the END of x/y before shuffling (as Keras), held out for validation. Default 0. */
  validationSplit?: number;
  /**
   * Validation data `[x, y]`, `[x, y, sampleWeight]`, `{ x, y }` or `{ x, y, sampleWeight }` (other keys are
   * ignored), or a Dataset (e.g. a streaming one), evaluated after every epoch (cannot be combined with
   * validationSplit). With sampleWeight its loss is weighted as the training loss.
   */
  validationData?: [InputData, TargetData] | [InputData, TargetData, SampleWeight] | { x: InputData; y: TargetData; sampleWeight?: SampleWeight } | Dataset;
  /**
   * Weight of each class in the loss, as Keras: `{ 0: 1, 1: 5 }` (class index → weight) or an array indexed
   * by class; classes left out weigh 1. The class of a row is its sparse label, the argmax of a one-hot
   * row, or the rounded value of one binary column. With a Dataset it weighs every block's rows (times
   * their own weights, e.g. csvDataset's weight column). 'balanced' is not computed here (it needs every
   * row's class; the command line's --class-weight balanced counts them). Default: none.
   */
  classWeight?: ClassWeight;
  /**
   * Weight of each row of x in the loss (a Float32Array or number[] of finite numbers >= 0), as Keras;
   * multiplied by classWeight when both are given. A batch's loss is (1/rows)·Σ w·loss (divided by the
   * row count, not the weight sum); the metrics stay unweighted. In-memory data only: a Dataset's rows
   * carry their own weights (csvDataset's `weight` column, or blocks with `w`). Default: none.
   */
  sampleWeight?: SampleWeight;
  /** Hooks called at train/epoch/batch boundaries. Default []. */
  callbacks?: Callback[];
  /** 0: silent; 1: one line per epoch on stdout. Default 0 (a library should not print unless asked). */
  verbose?: 0 | 1;
  /** Aborting stops training after the current step; fit then rejects with AbortError. */
  signal?: AbortSignal;
  /**
   * Steps per backend call. 'auto' (default) sizes chunks for ~10 ms on js and ~100 ms on native.
   * With n > 1, onBatchEnd runs after the chunk, so weights then reflect the chunk's end (as Keras's
   * steps_per_execution); 1 gives exact per-batch semantics.
   */
  stepsPerChunk?: 'auto' | number;
  /**
   * Epoch to start at, integer in [0, epochs). Default 0. Only the epoch counter and the shuffle order
   * follow it; to continue an interrupted run exactly, use `checkpoint` and `resumeFrom`.
   */
  initialEpoch?: number;
  /**
   * Save the full training position to a model file, atomically, at the end of every epoch and, with
   * `everySteps`, after every optimizer step that is a multiple of it (mid-epoch): weights, optimizer
   * state, preprocessing, and the run's seed, epoch, batch, History, schedule and callback state. A path
   * is `{ path }`. Resume with `resumeFrom`. Default: none.
   */
  checkpoint?: string | CheckpointOptions;
  /**
   * Continue the run saved by `checkpoint` (a path, or a Checkpoint from readCheckpoint): the model's
   * config must equal the checkpoint's; its weights, optimizer state and preprocessing are restored, and
   * training continues at the saved epoch and batch with the same shuffle order, dropout/noise stream,
   * schedule and callback state (pass the same callbacks, in the same order). x/y (and validationData)
   * must be the data of the checkpointed run. batchSize, shuffle, validationSplit and seed default to the
   * checkpoint's and may not differ; epochs defaults to the checkpoint's and may be raised. Returns the
   * whole History (the checkpoint's epochs and the new ones). Cannot be combined with initialEpoch.
   * The resumed process calls onTrainBegin, then restores the callbacks' state, then onEpochBegin of the
   * epoch it continues (whose first onBatchEnd is then the saved batch). Pass `checkpoint` again to keep
   * saving. Exact on both backends: the same weights bit for bit as an uninterrupted run.
   * @example await model.fit(x, y, { resumeFrom: 'run.ckpt', checkpoint: 'run.ckpt', callbacks });
   */
  resumeFrom?: string | Checkpoint;
  /**
   * 'mpi': train one model with every process of the MPI job (`mpirun -np N node app.js`), synchronous
   * data parallelism. x and y (or the Dataset, streaming ones included) are this process's own rows
   * (shard the data yourself, e.g. row i to rank i % size); batchSize is per process, so a step trains
   * on batchSize × size rows. Every rank must build the same model and pass the same options; rank 0's
   * weights and seed are broadcast first, each step's gradients are averaged over the ranks, and loss,
   * metrics and validation figures are summed over them, so every rank ends with the same weights and
   * logs. In memory, an epoch has as many steps as the rank with the fewest rows fills; streaming, each
   * step takes min(batchSize, rows left in its block) rows on every rank, and the epoch ends when a rank
   * has no rows left. `checkpoint` is written by rank 0 only; `resumeFrom` is read by rank 0 only (the
   * other ranks get its contents over MPI) and needs the same number of processes. Needs the native
   * backend and nntrain's MPI addon (built where Open MPI is installed). Default: none.
   * @example await model.fit(myRows.x, myRows.y, { distributed: 'mpi', batchSize: 64, epochs: 5 });
   */
  distributed?: 'mpi';
  /**
   * With `distributed`: the watchdog's limit in seconds on one wait in an MPI call during this fit (0
   * disables it). A rank that waits longer (another rank stopped, hangs or died unnoticed) prints its
   * rank and what it waited in and exits with code 124, which ends the job. Default: NNTRAIN_MPI_TIMEOUT,
   * else 300 (room for rank 0's checkpoint writes and a slow first step).
   */
  distributedTimeout?: number;
  /**
   * Stops a run whose loss explodes while staying finite (a learning rate far too high): a step whose
   * loss (the batch mean, penalties included) is more than `factor` × max(L0, 1), where L0 is the loss
   * of this fit's first step (the untrained model's, for a new run), throws DivergenceError naming the
   * epoch and batch. The floor of 1 keeps a tiny starting loss from making ordinary noise look like
   * divergence. `false` turns the check off. NaN/Infinity always stop training (NonFiniteError).
   * Default `{ factor: 1e4 }`.
   */
  divergence?: false | { factor?: number };
}

/** The `checkpoint` option of fit. */
export interface CheckpointOptions {
  /** The file to write (replaced atomically each time). Required. */
  path: string;
  /** Also save after every optimizer step that is a multiple of this (integer >= 1). Default: epochs only. */
  everySteps?: number;
  /**
   * Also save when `signal` aborts the fit mid-epoch: the position after the last applied step, so a
   * resumed run loses nothing (the command line's SIGINT/SIGTERM). Default false: the last periodic save stands.
   */
  onAbort?: boolean;
}

/** The parsed `checkpoint` option. */
export interface CheckpointConfig {
  path: string;
  everySteps: number | null;
  onAbort: boolean;
}

export interface FitConfig {
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  seed: number | undefined;
  validationSplit: number;
  validationData: [unknown, unknown] | undefined;
  /** The sampleWeight of validationData (unchecked: its rows are known later), or undefined. */
  validationWeight: unknown;
  /** classWeight as an array indexed by class, or null. */
  classWeight: number[] | null;
  /** sampleWeight as given (checked against x's rows later), or undefined. */
  sampleWeight: unknown;
  /** validationData when it was a Dataset. */
  validationDataset: Dataset | null;
  callbacks: Callback[];
  verbose: 0 | 1;
  signal: AbortSignal | undefined;
  stepsPerChunk: number | null; // null = auto
  initialEpoch: number;
  checkpoint: CheckpointConfig | null;
  resumeFrom: string | Checkpoint | null;
  distributed: 'mpi' | null;
  /** Seconds, or null for the process's setting (NNTRAIN_MPI_TIMEOUT or its default). */
  distributedTimeout: number | null;
  /** The divergence factor, or null when the check is off. */
  divergenceFactor: number | null;
}

/** The default of fit's `divergence.factor`: four orders of magnitude over the starting loss. */
export const DEFAULT_DIVERGENCE_FACTOR = 1e4;

const FIT_KEYS = [
  'epochs',
  'batchSize',
  'shuffle',
  'seed',
  'validationSplit',
  'validationData',
  'callbacks',
  'verbose',
  'signal',
  'stepsPerChunk',
  'initialEpoch',
  'checkpoint',
  'resumeFrom',
  'distributed',
  'distributedTimeout',
  'divergence',
  'classWeight',
  'sampleWeight',
] as const;

/** validationData `[x, y(, w)]` or `{ x, y(, sampleWeight) }` as `[x, y, w]`. @throws ConfigError for anything else. */
function validationTriple(vd: unknown): [unknown, unknown, unknown] {
  if (Array.isArray(vd) && (vd.length === 2 || vd.length === 3)) return [vd[0], vd[1], vd[2]];
  if (typeof vd === 'object' && vd !== null && !Array.isArray(vd) && 'x' in vd && 'y' in vd) {
    return [vd.x, vd.y, 'sampleWeight' in vd ? vd.sampleWeight : undefined];
  }
  throw invalid('validationData', '{ x, y }, a Dataset or an array [x, y]', vd);
}

/** @throws ConfigError naming the option for an unknown key (with a hint) or a bad value. */
export function parseFitOptions(options: unknown): FitConfig {
  const o = readOptions<FitOptions>('fit', options, FIT_KEYS);
  const resumeFrom = parseResumeFrom(o.resumeFrom, o.initialEpoch);
  let validationDataset: Dataset | null = null;
  if (isDataset(o.validationData)) {
    validationDataset = o.validationData;
    if (o.validationSplit !== undefined && o.validationSplit > 0) {
      throw new ConfigError('validationData and validationSplit cannot be used together: pass one of them');
    }
  }
  const epochs = checkInteger('epochs', o.epochs ?? 1, { min: 1 });
  const initialEpoch = checkInteger('initialEpoch', o.initialEpoch ?? 0, { min: 0, max: epochs - 1 });
  const validationSplit = checkNumber('validationSplit', o.validationSplit ?? 0, { min: 0, max: 1, maxOpen: true });
  let validationData: [unknown, unknown] | undefined;
  let validationWeight: unknown;
  if (o.validationData !== undefined && validationDataset === null) {
    const [vx, vy, vw] = validationTriple(o.validationData);
    validationData = [vx, vy];
    validationWeight = vw;
    if (validationSplit > 0) {
      throw new ConfigError('validationData and validationSplit cannot be used together: pass one of them');
    }
  }
  const signal: unknown = o.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalid('signal', 'an AbortSignal', signal);
  const chunk: unknown = o.stepsPerChunk ?? 'auto';
  const stepsPerChunk = chunk === 'auto' ? null : checkInteger('stepsPerChunk', chunk, { min: 1 });
  return {
    epochs,
    batchSize: checkInteger('batchSize', o.batchSize ?? 32, { min: 1 }),
    shuffle: checkBoolean('shuffle', o.shuffle ?? true),
    seed: o.seed === undefined ? undefined : checkInteger('seed', o.seed, { min: 0, max: 0xffffffff }),
    validationSplit,
    validationData,
    validationWeight,
    classWeight: o.classWeight === undefined ? null : parseClassWeight('classWeight', o.classWeight),
    sampleWeight: o.sampleWeight,
    validationDataset,
    callbacks: checkCallbacks(o.callbacks),
    verbose: checkInteger('verbose', o.verbose ?? 0, { min: 0, max: 1 }) as 0 | 1,
    signal: signal as AbortSignal | undefined,
    stepsPerChunk,
    initialEpoch,
    checkpoint: parseCheckpoint(o.checkpoint),
    resumeFrom,
    distributed: o.distributed === undefined ? null : checkChoice('distributed', o.distributed, ['mpi'] as const),
    distributedTimeout: o.distributedTimeout === undefined ? null : checkNumber('distributedTimeout', o.distributedTimeout, { min: 0, max: 1e9 }),
    divergenceFactor: parseDivergence(o.divergence),
  };
}

function parseDivergence(value: unknown): number | null {
  if (value === false) return null;
  if (value === undefined) return DEFAULT_DIVERGENCE_FACTOR;
  const o = readOptions<{ factor?: number }>('divergence', value, ['factor']);
  return checkNumber('divergence.factor', o.factor ?? DEFAULT_DIVERGENCE_FACTOR, { min: 1, minOpen: true });
}

function parseCheckpoint(value: unknown): CheckpointConfig | null {
  if (value === undefined) return null;
  const o = isString(value) ? { path: value } : readOptions<CheckpointOptions>('checkpoint', value, ['path', 'everySteps', 'onAbort']);
  if (!isString(o.path) || o.path.length === 0) throw invalid('checkpoint.path', 'a non-empty file path', o.path);
  const everySteps = o.everySteps === undefined ? null : checkInteger('checkpoint.everySteps', o.everySteps, { min: 1 });
  return { path: o.path, everySteps, onAbort: checkBoolean('checkpoint.onAbort', o.onAbort ?? false) };
}

function parseResumeFrom(value: unknown, initialEpoch: unknown): string | Checkpoint | null {
  if (value === undefined) return null;
  const ok = (isString(value) && value.length > 0) || (isPlainObject(value) && isPlainObject(value.training) && value.params instanceof Float32Array);
  if (!ok) throw invalid('resumeFrom', 'a checkpoint file path or a Checkpoint from readCheckpoint()', value);
  if (initialEpoch !== undefined) {
    throw new ConfigError('initialEpoch cannot be combined with resumeFrom: the checkpoint holds the epoch and batch to continue from');
  }
  return value as string | Checkpoint;
}

/** Options of `model.evaluate(x, y, options)`. */
export interface EvaluateOptions {
  /** Rows per forward pass, integer >= 1. Default 32. */
  batchSize?: number;
  /**
   * 'mpi': every process of the MPI job evaluates its own rows and the loss and metric sums are added
   * over the processes, so every process returns the figures of all rows (collective: every rank calls
   * evaluate with the same model). Needs nntrain's MPI addon. Default: this process's rows only.
   * @example const { loss } = await model.evaluate(myRows.x, myRows.y, { distributed: 'mpi' });
   */
  distributed?: 'mpi';
  /**
   * Weight of each row of x in the loss, as fit's sampleWeight (the metrics stay unweighted); a Dataset's
   * rows carry their own (csvDataset's `weight` column). Default: none.
   */
  sampleWeight?: SampleWeight;
}

/** Options of `model.predict(x, options)`. */
export interface PredictOptions {
  /** Rows per forward pass, integer >= 1 (the result does not depend on it). Default 1024. */
  batchSize?: number;
}

/** @throws ConfigError for an unknown key or a batchSize that is not an integer >= 1. */
export function parseBatchOptions(context: 'evaluate' | 'predict', options: unknown, defaultBatch: number): { batchSize: number } {
  const o = readOptions<EvaluateOptions>(context, options, ['batchSize']);
  return { batchSize: checkInteger('batchSize', o.batchSize ?? defaultBatch, { min: 1 }) };
}

/** @throws ConfigError for an unknown key, a batchSize that is not an integer >= 1 or a distributed that is not 'mpi'. */
export function parseEvaluateOptions(options: unknown): { batchSize: number; distributed: 'mpi' | null; sampleWeight: unknown } {
  const o = readOptions<EvaluateOptions>('evaluate', options, ['batchSize', 'distributed', 'sampleWeight']);
  return {
    sampleWeight: o.sampleWeight,
    batchSize: checkInteger('batchSize', o.batchSize ?? 32, { min: 1 }),
    distributed: o.distributed === undefined ? null : checkChoice('distributed', o.distributed, ['mpi'] as const),
  };
}

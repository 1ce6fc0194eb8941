// The position of an interrupted fit, as stored in a model file's training section: everything a resumed
// run needs (besides the weights and optimizer slots, stored already) to continue exactly where the
// uninterrupted run would be. Checked field by field on load, because a resumed run trusts every number.

import { STATS_WIDTH } from '../backend/codes.js';
import type { CallbackStateEntry } from '../callbacks/callback.js';
import { packState, unpackState, type PackedState } from '../io/state-codec.js';
import { isBoolean, isInteger, isPlainObject, isString } from '../util/validate.js';

/** How validation data was given to the checkpointed fit. */
export type ValidationSource = 'none' | 'split' | 'data';

/** The fit options a resumed run continues with (it may raise `epochs`; the others must stay). */
export interface CheckpointFitOptions {
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  validationSplit: number;
  validation: ValidationSource;
}

/**
 * What the checkpointed fit trained on, so a resume on other data is an error rather than a silently
 * different run. `rows` are the training rows (after validationSplit); the CRCs cover the float32 bytes.
 */
export interface DataFingerprint {
  rows: number;
  inputWidth: number;
  labelWidth: number;
  crc32: number; // of x's then y's training bytes
  validationRows: number;
  validationCrc32: number; // of the validation x's then y's bytes; 0 without validation
  /**
   * CRC-32 of the training rows' loss weights (sampleWeight × classWeight, float32 bytes), or null:
   * unweighted. Absent in files written before weights were fingerprinted (then not checked).
   */
  weightsCrc32?: number | null;
  /** The same of the validation rows' weights. */
  validationWeightsCrc32?: number | null;
}

/** The training position of a fit, saved at the end of an epoch or after a step. */
export interface TrainingState {
  /** The run seed (uint32): shuffles and dropout/noise. Stored so that a resume is exact without `seed`. */
  seed: number;
  /** The next epoch to train (0-based); equals fit.epochs when the run had finished. */
  epoch: number;
  /** The next batch of that epoch (0 at an epoch boundary). */
  batch: number;
  /** Optimizer steps so far (equals the stored optimizer step). */
  step: number;
  /** A callback (e.g. earlyStopping) stopped training at the end of epoch `epoch − 1`. */
  stopped: boolean;
  /** Stats sums of the epoch in progress (batch > 0), else null. */
  epochStats: Float64Array | null;
  /** The History so far: epochs completed and their logs. */
  history: { epoch: number[]; history: Record<string, number[]> };
  fit: CheckpointFitOptions;
  /** The training data (of rank 0, in a distributed fit). */
  data: DataFingerprint;
  /**
   * A distributed fit's data, one fingerprint per rank in rank order (its length is the world size);
   * absent for a fit of one process.
   */
  ranks?: DataFingerprint[];
  /** The schedule's state (reduceOnPlateau's best, wait, reductions, ...), or null for stateless schedules. */
  schedule: { name: string; state: unknown } | null;
  /** State of the fit's stateful callbacks (earlyStopping, modelCheckpoint, ...). */
  callbacks: CallbackStateEntry[];
}

/** Packs a state for the model file's training section. @throws ConfigError when a callback's state cannot be stored. */
export function packTrainingState(state: TrainingState): PackedState {
  return packState(state, 'the training state');
}

/** The validated state from a file's training section, or a message saying what is wrong with it. */
export function readTrainingState(json: unknown, tensors: readonly Float32Array[]): TrainingState | string {
  const unpacked = unpackState(json, tensors);
  if (typeof unpacked === 'string') return unpacked;
  try {
    return checkState(unpacked.value);
  } catch (err) {
    if (err instanceof Invalid) return `has an invalid training state: ${err.message}`;
    throw err;
  }
}

class Invalid extends Error {}

function field<T>(obj: Record<string, unknown>, key: string, ok: (v: unknown) => v is T, expected: string): T {
  const v = obj[key];
  if (!ok(v)) throw new Invalid(`${key} should be ${expected} but is ${JSON.stringify(v) ?? String(v)}`);
  return v;
}

const intAtLeast =
  (min: number) =>
  (v: unknown): v is number =>
    isInteger(v) && v >= min;
const isUint32 = (v: unknown): v is number => isInteger(v) && v >= 0 && v <= 0xffffffff;
const isNum = (v: unknown): v is number => typeof v === 'number';
const isObject = (v: unknown): v is Record<string, unknown> => isPlainObject(v);

function checkState(value: unknown): TrainingState {
  if (!isObject(value)) throw new Invalid('it is not an object');
  const fit = checkFit(field(value, 'fit', isObject, 'an object'));
  const data = checkData(field(value, 'data', isObject, 'an object'));
  const epoch = field(value, 'epoch', intAtLeast(0), 'an integer >= 0');
  const batch = field(value, 'batch', intAtLeast(0), 'an integer >= 0');
  if (epoch > fit.epochs) throw new Invalid(`epoch ${epoch} is past fit.epochs ${fit.epochs}`);
  const batches = Math.ceil(data.rows / Math.min(fit.batchSize, data.rows));
  if (batch >= batches || (batch > 0 && epoch === fit.epochs)) throw new Invalid(`batch ${batch} is not a batch of epoch ${epoch} (${batches} per epoch)`);
  const stats = value.epochStats;
  const epochStats = stats === null ? null : stats instanceof Float64Array && stats.length >= STATS_WIDTH ? stats : undefined; // then custom metrics' sums
  if (epochStats === undefined || (batch > 0) !== (epochStats !== null)) {
    throw new Invalid(`epochStats should be ${batch > 0 ? `${STATS_WIDTH} float64 sums (and one more per custom metric)` : 'null'} at batch ${batch}`);
  }
  const ranks = value.ranks === undefined ? undefined : checkRanks(field(value, 'ranks', Array.isArray, 'an array of data fingerprints'), data);
  return {
    ...(ranks === undefined ? {} : { ranks }),
    seed: field(value, 'seed', isUint32, 'a uint32'),
    epoch,
    batch,
    step: field(value, 'step', intAtLeast(0), 'an integer >= 0'),
    stopped: field(value, 'stopped', isBoolean, 'a boolean'),
    epochStats,
    history: checkHistory(field(value, 'history', isObject, 'an object')),
    fit,
    data,
    schedule: checkSchedule(value.schedule),
    callbacks: checkCallbackStates(field(value, 'callbacks', Array.isArray, 'an array')),
  };
}

function checkFit(fit: Record<string, unknown>): CheckpointFitOptions {
  const validation = field(fit, 'validation', isString, "'none', 'split' or 'data'");
  if (validation !== 'none' && validation !== 'split' && validation !== 'data') throw new Invalid(`fit.validation is '${validation}'`);
  const validationSplit = field(fit, 'validationSplit', isNum, 'a number');
  if (!(validationSplit >= 0 && validationSplit < 1) || (validation === 'split') !== validationSplit > 0) {
    throw new Invalid(`fit.validationSplit ${validationSplit} does not fit validation '${validation}'`);
  }
  return {
    epochs: field(fit, 'epochs', intAtLeast(1), 'an integer >= 1'),
    batchSize: field(fit, 'batchSize', intAtLeast(1), 'an integer >= 1'),
    shuffle: field(fit, 'shuffle', isBoolean, 'a boolean'),
    validationSplit,
    validation,
  };
}

function checkData(data: Record<string, unknown>): DataFingerprint {
  return {
    rows: field(data, 'rows', intAtLeast(1), 'an integer >= 1'),
    inputWidth: field(data, 'inputWidth', intAtLeast(1), 'an integer >= 1'),
    labelWidth: field(data, 'labelWidth', intAtLeast(1), 'an integer >= 1'),
    crc32: field(data, 'crc32', isUint32, 'a uint32'),
    validationRows: field(data, 'validationRows', intAtLeast(0), 'an integer >= 0'),
    validationCrc32: field(data, 'validationCrc32', isUint32, 'a uint32'),
    ...optionalCrc(data, 'weightsCrc32'),
    ...optionalCrc(data, 'validationWeightsCrc32'),
  };
}

/** `{ [key]: uint32 | null }`, or `{}` when a file from before the key lacks it. */
function optionalCrc(data: Record<string, unknown>, key: 'weightsCrc32' | 'validationWeightsCrc32'): Partial<DataFingerprint> {
  if (!(key in data)) return {};
  return { [key]: field(data, key, (v: unknown) => v === null || isUint32(v), 'a uint32 or null') };
}

function checkRanks(ranks: unknown[], data: DataFingerprint): DataFingerprint[] {
  const out = ranks.map((r, i) => {
    if (!isObject(r)) throw new Invalid(`ranks[${i}] should be a data fingerprint`);
    return checkData(r);
  });
  if (out.length < 1 || JSON.stringify(out[0]) !== JSON.stringify(data)) throw new Invalid('ranks[0] should equal data (rank 0 writes the checkpoint)');
  return out;
}

function checkHistory(history: Record<string, unknown>): TrainingState['history'] {
  const epochs = field(history, 'epoch', Array.isArray, 'an array') as unknown[];
  if (!epochs.every(intAtLeast(0))) throw new Invalid('history.epoch should hold epoch indices');
  const logs = field(history, 'history', isObject, 'an object');
  const out: Record<string, number[]> = {};
  for (const [key, values] of Object.entries(logs)) {
    if (!Array.isArray(values) || values.length !== epochs.length || !values.every(isNum)) {
      throw new Invalid(`history.history.${key} should hold ${epochs.length} numbers`);
    }
    out[key] = values as number[];
  }
  return { epoch: epochs as number[], history: out };
}

function checkSchedule(schedule: unknown): TrainingState['schedule'] {
  if (schedule === null) return null;
  if (!isObject(schedule) || !isString(schedule.name) || !('state' in schedule)) {
    throw new Invalid('schedule should be null or { name, state }');
  }
  return { name: schedule.name, state: schedule.state };
}

function checkCallbackStates(entries: unknown[]): CallbackStateEntry[] {
  return entries.map((entry, i) => {
    if (!isObject(entry) || !intAtLeast(0)(entry.index) || !isString(entry.kind) || !('state' in entry)) {
      throw new Invalid(`callbacks[${i}] should be { index, kind, state }`);
    }
    if (entries.findIndex((e) => isObject(e) && e.index === entry.index) !== i) throw new Invalid(`callbacks holds index ${entry.index} twice`);
    return { index: entry.index, kind: entry.kind, state: entry.state };
  });
}

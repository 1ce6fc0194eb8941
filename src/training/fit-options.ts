// The options of fit, evaluate and predict: checked and defaulted before any work starts.

import { checkCallbacks, type Callback } from '../callbacks/callback.js';
import type { InputData, TargetData } from '../data/validate-data.js';
import { ConfigError } from '../util/errors.js';
import { checkBoolean, checkInteger, checkNumber, invalid, readOptions } from '../util/validate.js';

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
  /** Validation data `[x, y]`, evaluated after every epoch (cannot be combined with validationSplit). */
  validationData?: [InputData, TargetData];
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
  /** Epoch to start at (for resuming), integer in [0, epochs). Default 0. */
  initialEpoch?: number;
}

export interface FitConfig {
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  seed: number | undefined;
  validationSplit: number;
  validationData: [unknown, unknown] | undefined;
  callbacks: Callback[];
  verbose: 0 | 1;
  signal: AbortSignal | undefined;
  stepsPerChunk: number | null; // null = auto
  initialEpoch: number;
}

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
] as const;

/** @throws ConfigError naming the option for an unknown key (with a hint) or a bad value. */
export function parseFitOptions(options: unknown): FitConfig {
  const o = readOptions<FitOptions>('fit', options, FIT_KEYS);
  const epochs = checkInteger('epochs', o.epochs ?? 1, { min: 1 });
  const initialEpoch = checkInteger('initialEpoch', o.initialEpoch ?? 0, { min: 0, max: epochs - 1 });
  const validationSplit = checkNumber('validationSplit', o.validationSplit ?? 0, { min: 0, max: 1, maxOpen: true });
  let validationData: [unknown, unknown] | undefined;
  if (o.validationData !== undefined) {
    const vd: unknown = o.validationData;
    if (!Array.isArray(vd) || vd.length !== 2) throw invalid('validationData', 'an array [x, y]', vd);
    if (validationSplit > 0) {
      throw new ConfigError('validationData and validationSplit cannot be used together: pass one of them');
    }
    validationData = [vd[0], vd[1]];
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
    callbacks: checkCallbacks(o.callbacks),
    verbose: checkInteger('verbose', o.verbose ?? 0, { min: 0, max: 1 }) as 0 | 1,
    signal: signal as AbortSignal | undefined,
    stepsPerChunk,
    initialEpoch,
  };
}

/** Options of `model.evaluate(x, y, options)`. */
export interface EvaluateOptions {
  /** Rows per forward pass, integer >= 1. Default 32. */
  batchSize?: number;
}

/** Options of `model.predict(x, options)`. */
export interface PredictOptions {
  /** Rows per forward pass, integer >= 1. Default 256. */
  batchSize?: number;
}

/** @throws ConfigError for an unknown key or a batchSize that is not an integer >= 1. */
export function parseBatchOptions(context: 'evaluate' | 'predict', options: unknown, defaultBatch: number): { batchSize: number } {
  const o = readOptions<EvaluateOptions>(context, options, ['batchSize']);
  return { batchSize: checkInteger('batchSize', o.batchSize ?? defaultBatch, { min: 1 }) };
}

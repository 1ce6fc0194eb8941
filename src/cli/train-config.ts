// The resolved options of a training command: defaults, then (for --resume) the checkpointed run's
// options, then the config file, then the flags. Checks that span several options live here, e.g. an
// optimizer hyperparameter given for an optimizer that does not have it.

import { basename, extname, resolve } from 'node:path';
import { absoluteData } from './pipeline/inputs.js';
import type { Command } from 'commander';
import { checkGivenValues, readConfigFile, type GivenValues } from './config-schema.js';
import { UsageError } from './errors.js';
import { givenFlags } from './flags.js';
import { optionsFor, type TrainingCommand } from './option-table.js';

/** Every training option after resolution (see option-table.ts for meanings and defaults). */
export interface TrainConfig {
  data: string;
  target: string | number | undefined;
  task: 'auto' | 'classification' | 'regression';
  valSplit: number;
  valFile: string | undefined;
  /** The column of per-row loss weights, or undefined. */
  weightColumn: string | undefined;
  scale: 'standard' | 'minMax' | 'none';
  missing: 'impute' | 'drop' | 'error';
  /** What a category training never saw does at evaluate/predict time (saved in the model). */
  unknown: 'error' | 'ignore';
  delimiter: string;
  header: boolean;
  ignore: string[];
  categorical: string[];
  layers: number[];
  activation: string;
  /** Normalization in each hidden layer: dense (linear) → norm → activation. */
  norm: 'none' | 'batch' | 'layer';
  dropout: number;
  loss: string;
  l1: number;
  l2: number;
  optimizer: string;
  lr?: number;
  momentum?: number;
  nesterov?: boolean;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  decoupledWeightDecay?: boolean;
  momentumDecay?: number;
  rho?: number;
  alpha?: number;
  centered?: boolean;
  amsgrad?: boolean;
  clipNorm?: number;
  clipValue?: number;
  schedule: string | Record<string, unknown>;
  epochs: number;
  batchSize: number;
  earlyStop: number | false;
  /** Per-class loss weights: 'balanced', or class label → weight. */
  classWeight: 'balanced' | Record<string, number> | undefined;
  seed: number;
  threads: number | undefined;
  precision: 'fp32' | 'bf16';
  backend: 'native' | 'js' | undefined;
  distributed: 'mpi' | undefined;
  checkpoint: string | undefined;
  checkpointEvery: number | undefined;
  resume: string | undefined;
  ensemble: number;
  models: number;
  folds: number;
  grid: string | undefined;
  trials: number | undefined;
  metric: string;
  out: string;
  report: boolean;
  logFormat: 'text' | 'json';
}

/** Optimizer hyperparameters and the optimizers that have them (the library's option names). */
export const OPTIMIZER_OPTIONS: Record<string, { name: string; optimizers: readonly string[] }> = {
  lr: { name: 'learningRate', optimizers: ['sgd', 'adagrad', 'adadelta', 'rmsprop', 'adam', 'adamw', 'adamax', 'nadam', 'radam'] },
  momentum: { name: 'momentum', optimizers: ['sgd', 'rmsprop'] },
  nesterov: { name: 'nesterov', optimizers: ['sgd'] },
  beta1: { name: 'beta1', optimizers: ['adam', 'adamw', 'adamax', 'nadam', 'radam'] },
  beta2: { name: 'beta2', optimizers: ['adam', 'adamw', 'adamax', 'nadam', 'radam'] },
  eps: { name: 'eps', optimizers: ['adagrad', 'adadelta', 'rmsprop', 'adam', 'adamw', 'adamax', 'nadam', 'radam'] },
  weightDecay: { name: 'weightDecay', optimizers: ['sgd', 'adagrad', 'adadelta', 'rmsprop', 'adam', 'adamw', 'adamax', 'nadam', 'radam'] },
  decoupledWeightDecay: { name: 'decoupledWeightDecay', optimizers: ['nadam', 'radam'] },
  momentumDecay: { name: 'momentumDecay', optimizers: ['nadam'] },
  rho: { name: 'rho', optimizers: ['adadelta'] },
  alpha: { name: 'alpha', optimizers: ['rmsprop'] },
  centered: { name: 'centered', optimizers: ['rmsprop'] },
  amsgrad: { name: 'amsgrad', optimizers: ['adam', 'adamw'] },
  clipNorm: { name: 'clipNorm', optimizers: ['sgd', 'adagrad', 'adadelta', 'rmsprop', 'adam', 'adamw', 'adamax', 'nadam', 'radam'] },
  clipValue: { name: 'clipValue', optimizers: ['sgd', 'adagrad', 'adadelta', 'rmsprop', 'adam', 'adamw', 'adamax', 'nadam', 'radam'] },
};

/** The given values: the config file (when --config names one), overridden by the flags. */
export async function givenValues(cmd: Command, command: TrainingCommand): Promise<{ given: GivenValues; configPath: string | undefined }> {
  const configPath = cmd.opts<{ config?: string }>().config;
  const given: GivenValues = configPath === undefined ? new Map() : await readConfigFile(configPath);
  for (const [key, value] of givenFlags(cmd, command)) given.set(key, value);
  checkGivenValues(given, configPath);
  return { given, configPath };
}

/**
 * The full config: defaults < `base` (a checkpointed run's options) < config file < flags.
 * @throws UsageError for a missing data file argument or target, or options that do not go together.
 */
export function resolveConfig(command: TrainingCommand, dataArg: string | undefined, given: GivenValues, base: Partial<TrainConfig> = {}): TrainConfig {
  const values: Record<string, unknown> = { ensemble: 1, models: 5, folds: 5, metric: 'auto' };
  for (const spec of optionsFor(command)) if (spec.default !== undefined) values[spec.key] = structuredClone(spec.default);
  Object.assign(values, base);
  for (const [key, { value }] of given) values[key] = value;
  const data = dataArg ?? (values.data as string | undefined);
  if (data === undefined) throw new UsageError(`missing the data file: nntrain ${command} DATA.csv --target COLUMN`);
  values.data = absoluteData(data); // absolute: the run is saved with the model and may resume from elsewhere
  if (values.target === undefined && values.resume === undefined) {
    throw new UsageError(`missing --target: name the column to predict, e.g. nntrain ${command} ${data} --target label (or an index: --target -1 for the last column)`);
  }
  if (given.has('valFile') && given.has('valSplit')) throw new UsageError('--val-file and --val-split cannot be combined: validate on a file or on a split of the data');
  if (values.valFile !== undefined) values.valSplit = 0;
  values.out = values.out === undefined ? defaultModelPath(data, defaultKind(command, values.ensemble as number)) : resolve(values.out as string);
  if (values.valFile !== undefined) values.valFile = absoluteData(values.valFile as string);
  const config = values as unknown as TrainConfig;
  checkOptimizerOptions(config, given);
  if (config.checkpointEvery !== undefined && config.checkpoint === undefined && config.resume === undefined) config.checkpoint = checkpointPathFor(config.out);
  if (config.resume !== undefined && config.checkpoint === undefined) config.checkpoint = config.resume;
  if (config.ensemble > 1 && (config.resume !== undefined || config.checkpoint !== undefined)) {
    throw new UsageError(`${config.resume !== undefined ? '--resume' : '--checkpoint'} applies to one model; it cannot be combined with --ensemble`);
  }
  return config;
}

function checkOptimizerOptions(config: TrainConfig, given: GivenValues): void {
  for (const [key, { optimizers }] of Object.entries(OPTIMIZER_OPTIONS)) {
    if (!given.has(key) || optimizers.includes(config.optimizer)) continue;
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new UsageError(`${flag} does not apply to --optimizer ${config.optimizer}; it applies to ${optimizers.join(', ')}`);
  }
}

/**
 * What the default output name says, so commands never replace each other's files: '' for train, 'tune'
 * for tune's best model, 'ensemble' for an ensemble's manifest (ensemble, train --ensemble).
 */
function defaultKind(command: TrainingCommand, ensemble: number): string {
  if (command === 'tune') return 'tune';
  return command === 'ensemble' || ensemble > 1 ? 'ensemble' : '';
}

/**
 * `data/iris.csv` (or `iris.csv.gz`) → `iris.nntrain` (or `iris.tune.nntrain` for kind 'tune') in the
 * current directory; `-` (stdin) → `stdin.nntrain`; a pattern's wildcards are left out ('part-*.csv' → `part.nntrain`).
 */
export function defaultModelPath(data: string, kind = ''): string {
  const name = data === '-' ? 'stdin' : basename(data).replace(/\.gz$/, '');
  const stem = basename(name, extname(name)).replace(/[*?[\]{}]+/g, '').replace(/^[-_.]+|[-_.]+$/g, '') || 'data';
  return resolve(`${stem}${kind === '' ? '' : `.${kind}`}.nntrain`);
}

/** `out/iris.nntrain` → `out/iris.ckpt`. */
export function checkpointPathFor(model: string): string {
  return model.endsWith('.nntrain') ? `${model.slice(0, -'.nntrain'.length)}.ckpt` : `${model}.ckpt`;
}

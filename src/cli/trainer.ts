// Training one model on a prepared split — the step every training command shares: build (or take the
// checkpoint's model), fit with early stopping and progress, then evaluate on the validation rows (the
// training rows when there are none) in the data's own units.

import type { DistributedContext } from '../backend/mpi-context.js';
import { EarlyStopping } from '../callbacks/early-stopping.js';
import type { Callback, Logs } from '../callbacks/callback.js';
import type { Matrix } from '../data/matrix.js';
import { evaluatePredictions, type EvaluationResult } from '../evaluation/index.js';
import type { Sequential } from '../models/sequential.js';
import type { FitOptions } from '../training/fit-options.js';
import { History } from '../training/history.js';
import { DivergenceError, NonFiniteError } from '../util/errors.js';
import { classWeights } from './class-weight.js';
import { gatherRows, minAcross, sumAcross } from './distributed/collectives.js';
import { interruptSignal } from './interrupt.js';
import { buildModel, lossFor } from './model-builder.js';
import type { Output } from './output.js';
import type { ModelData, PreparedSplit, Preprocessor, TargetInfo } from './pipeline/index.js';
import type { TrainConfig } from './train-config.js';

/** What trainOne trains: one model on a prepared split, with its seed and how to report progress. */
export interface TrainOneOptions {
  cfg: TrainConfig;
  split: PreparedSplit;
  seed: number;
  output: Output;
  /** Progress prefix for cv/tune/ensemble runs. */
  label?: string;
  /** One line per epoch in text mode (train) rather than the transient bar only. */
  lines: boolean;
  /** The model to train, e.g. rebuilt from a checkpoint; default: built from the options. */
  model?: Sequential;
  /** fit's checkpoint and resumeFrom options. */
  checkpoint?: { path: string; everySteps?: number };
  resumeFrom?: FitOptions['resumeFrom'];
  /**
   * When training diverges after early stopping kept the best weights of an earlier epoch, return the
   * model with those weights and the error in `diverged` instead of throwing (train, tune).
   */
  keepBestOnDivergence?: boolean;
  /** Train with every rank of this MPI job (split holds this rank's rows); the evaluation covers every rank's. */
  dist?: DistributedContext;
}

export interface TrainedModel {
  model: Sequential;
  history: History;
  /** The epoch whose weights were restored by early stopping, or undefined. */
  bestEpoch: number | undefined;
  /** Evaluation on the validation rows (or the training rows without any). */
  evaluation: EvaluationResult;
  /** The predictions it was computed from, in the data's units (an ensemble averages them). */
  outputs: Matrix;
  evaluatedOn: 'validation' | 'training';
  seconds: number;
  /** Training diverged; the model holds the best weights from before it (epoch `bestEpoch`). */
  diverged?: DivergenceError | NonFiniteError;
}

/** Rows per step as fit uses them, and steps per epoch. */
export function stepsPerEpoch(rows: number, batchSize: number): number {
  return rows === 0 ? 0 : Math.ceil(rows / Math.min(batchSize, rows));
}

/**
 * Steps per epoch and rows trained per epoch, as the fit will take them: in a distributed run, the
 * fewest steps any rank fills (the schedule must count the same steps on every rank) and every rank's
 * rows within them (collective).
 */
function epochShape(rows: number, batchSize: number, dist: DistributedContext | undefined): { steps: number; rows: number } {
  if (dist === undefined) return { steps: stepsPerEpoch(rows, batchSize), rows };
  const steps = minAcross(dist, stepsPerEpoch(rows, batchSize));
  return { steps, rows: sumAcross(dist, [Math.min(rows, steps * batchSize)])[0] };
}

/** Trains, restores the best weights, evaluates. */
export async function trainOne(options: TrainOneOptions): Promise<TrainedModel> {
  const { cfg, split, output } = options;
  const target = split.pre.target;
  const { dist } = options;
  const { steps, rows: rowsPerEpoch } = epochShape(split.train.x.rows, cfg.batchSize, dist);
  const validation = split.validation !== null;
  const model = options.model ?? buildModel(cfg, split.train.x.cols, target, options.seed, { epochs: cfg.epochs, stepsPerEpoch: steps, validation });
  model.preprocessing = split.pre.toJSON(runRecord(cfg), cfg.unknown);
  const classes = target.labels?.length ?? 1;
  const categorical = lossFor(cfg, target) === 'categoricalCrossentropy';
  const y = (m: ModelData): Matrix => (categorical ? oneHot(m.y, classes) : m.y);
  const classWeight = classWeights(cfg.classWeight, target, split.train.y, dist);
  const early = cfg.earlyStop === false ? null : new EarlyStopping({ monitor: validation ? 'val_loss' : 'loss', patience: cfg.earlyStop, restoreBestWeights: true });
  const callbacks: Callback[] = [
    ...(early !== null ? [early] : []),
    output.epochCallback({ epochs: cfg.epochs, batchesPerEpoch: steps, rowsPerEpoch, lines: options.lines, ...(options.label !== undefined ? { label: options.label } : {}) }),
  ];
  // the epochs seen, for the report of a run that diverged after its best epoch
  const seen = new History();
  callbacks.push({ onEpochEnd: (epoch: number, logs: Logs) => void seen.record(epoch, { ...logs }) });
  const t0 = performance.now();
  let history: History;
  let diverged: DivergenceError | NonFiniteError | undefined;
  try {
    history = await fitWithHint(model, split.train.x, y(split.train), {
      epochs: cfg.epochs,
      batchSize: cfg.batchSize,
      seed: options.seed,
      callbacks,
      signal: interruptSignal(), // SIGINT/SIGTERM stop after the current step
      ...(classWeight !== null ? { classWeight } : {}),
      ...(split.train.w !== null ? { sampleWeight: split.train.w } : {}),
      ...(split.validation !== null ? { validationData: validationData(split.validation, y(split.validation)) } : {}),
      ...(options.checkpoint !== undefined ? { checkpoint: { ...options.checkpoint, onAbort: true } } : {}),
      ...(options.resumeFrom !== undefined ? { resumeFrom: options.resumeFrom } : {}),
      ...(dist !== undefined ? { distributed: 'mpi' as const } : {}),
    });
  } catch (err) {
    const best = early?.getState().bestWeights ?? null;
    if (!(err instanceof DivergenceError || err instanceof NonFiniteError) || options.keepBestOnDivergence !== true || best === null || !allFinite(best)) throw err;
    // the weights of the best epoch before the divergence: usable, and said so by the command
    model.setParams(best);
    diverged = err;
    history = seen;
  }
  const seconds = (performance.now() - t0) / 1000;
  model.preprocessing = split.pre.toJSON(runRecord(cfg), cfg.unknown); // a resumed fit restored the checkpoint's
  const on = split.validation ?? split.train;
  const local = await predictOutputs(model, split.pre, on.x);
  // every rank's rows in one evaluation, the same on every rank: what one process would compute on them
  const outputs = dist === undefined ? local : gatherRows(dist, local);
  const evaluation = evaluateOutputs(outputs, target, dist === undefined ? on.yTrue : gatherRows(dist, on.yTrue));
  const restored = early !== null && early.bestEpoch >= 0 && (diverged !== undefined || early.bestEpoch !== history.epoch[history.epoch.length - 1]);
  return {
    model,
    history,
    bestEpoch: restored ? early.bestEpoch : undefined,
    evaluation,
    outputs,
    evaluatedOn: validation ? 'validation' : 'training',
    seconds,
    ...(diverged !== undefined ? { diverged } : {}),
  };
}

/** fit's validationData: [x, y], or [x, y, w] with weights. */
function validationData(v: ModelData, y: Matrix): FitOptions['validationData'] {
  return v.w === null ? [v.x, y] : [v.x, y, v.w];
}

function allFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/** fit, with the command-line flags named when training diverges. */
async function fitWithHint(model: Sequential, x: Matrix, y: Matrix, options: FitOptions): Promise<History> {
  try {
    return await model.fit(x, y, options);
  } catch (err) {
    const hint = ' On the command line: --lr, --clip-norm.';
    if (err instanceof NonFiniteError) throw new NonFiniteError(`${err.message}${hint}`, err.epoch, err.batch);
    if (err instanceof DivergenceError) throw new DivergenceError(`${err.message}${hint}`, err);
    throw err;
  }
}

/** A model's predictions for x, in the data's units. */
async function predictOutputs(model: Sequential, pre: Preprocessor, x: Matrix): Promise<Matrix> {
  return pre.outputs(await model.predict(x));
}

/** The evaluation metrics of one model's predictions (in the data's units) against `yTrue`. */
export async function evaluateModel(model: Sequential, pre: Preprocessor, x: Matrix, yTrue: Matrix): Promise<EvaluationResult> {
  return evaluateOutputs(await predictOutputs(model, pre, x), pre.target, yTrue);
}

/** Metrics of model outputs (already in the data's units). */
export function evaluateOutputs(outputs: Matrix, target: TargetInfo, yTrue: Matrix): EvaluationResult {
  if (target.task === 'regression') return evaluatePredictions(outputs, yTrue, { task: 'regression', outputNames: [target.name] });
  return evaluatePredictions(outputs, yTrue, { task: 'classification', ...(target.labels !== null ? { labelNames: target.labels } : {}) });
}

/** Indices as a one-hot (rows, classes) matrix, for categoricalCrossentropy. */
function oneHot(y: Matrix, classes: number): Matrix {
  const data = new Float32Array(y.rows * classes);
  for (let r = 0; r < y.rows; r++) data[r * classes + y.data[r]] = 1;
  return { data, rows: y.rows, cols: classes };
}

/** The options worth keeping with a model (for --resume and `info`): what decides the run. */
export function runRecord(cfg: TrainConfig): Partial<TrainConfig> {
  const { grid: _grid, trials: _trials, folds: _folds, models: _models, metric: _metric, resume: _resume, ...rest } = cfg;
  return rest;
}

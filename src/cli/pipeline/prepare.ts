// The data pipeline of the training commands, stage by stage: read the CSV once (read.ts) → split it
// into row indices (split.ts) → copy each part's rows into the buffers the model reads (gather.ts) →
// fit the preprocessing on the training buffer, transforming it (fit.ts) → transform the other parts in
// place (the Preprocessor). Every cell is copied once and imputed and scaled once.

import type { DistributedContext } from '../../backend/mpi-context.js';
import type { Matrix } from '../../data/matrix.js';
import type { TrainConfig } from '../train-config.js';
import { fitTransform } from './fit.js';
import { takeRows, type Rows } from './gather.js';
import type { Preprocessor } from '../../data/preprocessing/index.js';
import { readTrainingData, type DataSummary, type TrainingData } from './read.js';
import { standardSplit, type RowSplit } from './split.js';

/** Inputs and targets ready for the model, and the true targets in the data's units. */
export interface ModelData {
  /** Imputed and scaled inputs. */
  x: Matrix;
  /** Targets as the model trains on them (class indices, or standardized values). */
  y: Matrix;
  /** Targets as in the file (class indices, or values), for the evaluation metrics. */
  yTrue: Matrix;
  /** Per-row loss weights (--weight-column), or null. */
  w: Float32Array | null;
}

/** A training split with its fitted preprocessing. */
export interface PreparedSplit {
  pre: Preprocessor;
  train: ModelData;
  validation: ModelData | null;
}

/**
 * Reads cfg.data, splits it the standard way (--val-split or --val-file) and prepares that split. The
 * data's buffers become the training buffers, so only its summary is returned. With `dist`, this rank's
 * rows of the data (and of --val-file), split on this rank, with the preprocessing fitted on every rank's
 * training rows (collective).
 * @throws DataError, UsageError for bad data or options (see readTrainingData, standardSplit).
 */
export async function prepareTraining(cfg: TrainConfig, dist: DistributedContext | null = null): Promise<{ data: DataSummary; split: PreparedSplit }> {
  const data = await readTrainingData(cfg, dist);
  const rows = await standardSplit(cfg, data, dist);
  const split = prepareSplit(data, rows, cfg.scale, true, dist);
  const { x: _x, y: _y, ...summary } = data;
  return { data: summary, split };
}

/**
 * Copies the split's parts into the model's buffers, fits the preprocessing on the training part and
 * transforms every part. With `consume`, the data's own buffers (and a validation file's) are reused and
 * overwritten: for a run that prepares one split; without it they are left as read, for more splits.
 * With `dist`, the preprocessing is fitted on every rank's training part (collective).
 */
export function prepareSplit(data: TrainingData, split: RowSplit, scale: TrainConfig['scale'], consume: boolean, dist: DistributedContext | null = null): PreparedSplit {
  const { validation } = split;
  // validation rows first: with consume, the training rows move over them
  const rawValidation = validation instanceof Uint32Array ? (validation.length > 0 ? takeRows(data, validation, false) : null) : validation;
  const train = takeRows(data, split.train, consume);
  const pre = fitTransform(data, train, scale, dist !== null);
  return {
    pre,
    train: { x: train.x, y: pre.targets(train.y), yTrue: train.y, w: train.w ?? null },
    validation: rawValidation === null ? null : transformRows(pre, rawValidation, consume || validation instanceof Uint32Array),
  };
}

/** Raw rows through a fitted preprocessing: in place, or into new buffers (leaving `rows` as they were). */
export function transformRows(pre: Preprocessor, rows: Rows, inPlace: boolean): ModelData {
  return { x: pre.inputs(rows.x, inPlace ? rows.x : undefined), y: pre.targets(rows.y), yTrue: rows.y, w: rows.w ?? null };
}

// Stage 2 of the data pipeline: which rows each part gets, as row indices into the data read once —
// nothing is copied here. The validation split is seeded and, for classes, stratified, so a file sorted by
// class still validates on every class; each part lists its rows in ascending order.

import type { DistributedContext } from '../../backend/mpi-context.js';
import { gatherRows, randomSplit, stratifiedSplit } from '../../data/preprocess/index.js';
import type { TrainConfig } from '../train-config.js';
import { addMissing } from '../../data/preprocessing/index.js';
import { countMissing, readLabeledData, type LabeledData, type TrainingData } from './read.js';

/** The rows of a training run: training rows of the data, and validation rows of it or another file's rows. */
export interface RowSplit {
  train: Uint32Array;
  /** Rows of the data (possibly none), or a validation file read with the data's schema. */
  validation: Uint32Array | LabeledData;
}

/** 0, 1, …, rows − 1. */
export function allRows(rows: number): Uint32Array {
  return Uint32Array.from({ length: rows }, (_, i) => i);
}

/**
 * Splits `rows` (default: every row) into training and validation rows: stratified by class for
 * classification, random for regression, seeded; each part in ascending row order.
 */
export function splitRows(data: TrainingData, fraction: number, seed: number, rows?: Uint32Array): { train: Uint32Array; validation: Uint32Array } {
  const all = rows ?? allRows(data.rows);
  if (fraction === 0) return { train: all, validation: new Uint32Array(0) };
  // the held-out part is the split's "test" part: the one a single fraction names
  const split =
    data.target.task === 'regression'
      ? randomSplit(all.length, { testFraction: fraction, seed })
      : stratifiedSplit(gatherRows(data.y, all), { testFraction: fraction, seed });
  return { train: split.train.map((i) => all[i]), validation: split.test.map((i) => all[i]) };
}

/**
 * The standard split of the training commands: every row for training and --val-file's rows for
 * validation, or a seeded --val-split of the rows. With `dist`, each rank splits its own rows by that
 * rule and reads its part of --val-file.
 * @throws DataError for a validation file that does not fit the data's schema or classes.
 */
export async function standardSplit(cfg: TrainConfig, data: TrainingData, dist: DistributedContext | null = null): Promise<RowSplit> {
  if (cfg.valFile === undefined) return splitRows(data, cfg.valSplit, cfg.seed);
  const validation = await readLabeledData(cfg.valFile, data.schema, data.target, { backend: cfg.backend, weightColumn: cfg.weightColumn }, dist);
  data.missing = addMissing(data.missing, countMissing(cfg.valFile, data.schema, validation.x, dist));
  return { train: allRows(data.rows), validation };
}

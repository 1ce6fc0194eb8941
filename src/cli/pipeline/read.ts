// Stage 1 of the data pipeline: reading a labeled CSV file, once. The training file settles which column
// is the target and the task (target.ts); a validation or evaluation file is read through the schema saved
// with a model, so categories and class numbers stay those of training. Features stay raw here (NaN where
// a value is missing): the later stages split, fit and transform them.

import type { DistributedContext } from '../../backend/mpi-context.js';
import { readCsv } from '../../data/csv/index.js';
import type { CsvData, CsvReadOptions, CsvSchema, CsvShard, UnknownCategories } from '../../data/csv/index.js';
import type { Matrix } from '../../data/matrix.js';
import { MissingCounter, type MissingCounts } from '../../data/preprocessing/index.js';
import { DataError } from '../../util/errors.js';
import { UsageError } from '../errors.js';
import { interruptSignal } from '../interrupt.js';
import type { TrainConfig } from '../train-config.js';
import { dataPaths } from './inputs.js';
import { decideTask, mapClassValues, type TargetInfo } from './target.js';
import { decideTaskAcrossRanks } from './target-across-ranks.js';

/** A labeled CSV file in memory: raw features (NaN where a value is missing and imputed later), targets. */
export interface LabeledData {
  path: string;
  /** (rows, features), before imputation and scaling. */
  x: Matrix;
  /** (rows, 1): class indices, or the target values for regression. */
  y: Matrix;
  rows: number;
  droppedRows: number;
  /** The whole file's rows and dropped records: `rows` and `droppedRows`, or every rank's together. */
  total: { rows: number; droppedRows: number };
  /** In a distributed run, this rank's part of the file (its byte range, lines, bytes read); else null. */
  shard: CsvShard | null;
  /** The file's size in bytes. */
  bytes: number;
}

/** A training file: the data, its target and the schema to read later files with. */
export interface TrainingData extends LabeledData {
  target: TargetInfo;
  schema: CsvSchema;
  xColumns: string[];
  oneHotGroups: number[][];
  indexColumns: number[];
  imputeColumns: number[];
  /** Missing feature values (imputed later), by column: this file's and --val-file's, over every rank. */
  missing: MissingCounts;
}

/** What the commands print and save about a training file once its rows went into the model's buffers. */
export type DataSummary = Omit<TrainingData, 'x' | 'y'>;

/**
 * Reads the training file: features (categorical columns one-hot), the target (rows missing it are
 * dropped), and the task. With `dist`, this rank's rows of it, the task decided over every rank's.
 * @throws DataError naming the file, line and column for bad input, or a target unfit for the task;
 *   UsageError when --task contradicts the target.
 */
export async function readTrainingData(cfg: TrainConfig, dist: DistributedContext | null = null): Promise<TrainingData> {
  const path = cfg.data;
  if (cfg.target === undefined) throw new UsageError('missing --target');
  // a name, else an integer index (negative from the end): readCsv's rule, which also settles the
  // missing-target policy's column, so the file is sampled once (stdin can be read once)
  const ref = String(cfg.target);
  const csv = await readPart(path, {
    signal: interruptSignal(), // SIGINT/SIGTERM stop a long read too
    target: ref,
    delimiter: cfg.delimiter,
    header: cfg.header,
    ignore: cfg.ignore,
    categorical: cfg.categorical,
    missing: { '*': cfg.missing, [ref]: 'drop' },
    ...(cfg.backend !== undefined ? { backend: cfg.backend } : {}),
  }, dist);
  const name = csv.schema.targets[0];
  if (csv.y === null || csv.y.cols !== 1) throw new DataError(`${path}: expected one target column '${name}'`);
  if (csv.x.cols === 0) throw new DataError(`${path}: no feature columns are left besides the target '${name}'`);
  const { target, y } = dist === null ? decideTask(path, name, csv.y, csv.labels, cfg.task) : decideTaskAcrossRanks(dist, path, name, csv.y, csv.labels, cfg.task);
  return {
    path,
    x: csv.x,
    y,
    rows: csv.rows,
    droppedRows: csv.droppedRows,
    ...partOf(csv),
    target,
    schema: csv.schema,
    xColumns: csv.xColumns,
    oneHotGroups: csv.oneHotGroups,
    indexColumns: csv.indexColumns,
    imputeColumns: csv.imputeColumns,
    missing: countMissing(path, csv.schema, csv.x, dist),
  };
}

/** The missing values of raw features `x` by column; with `dist`, summed over every rank (collective). */
export function countMissing(path: string, schema: CsvSchema, x: Matrix, dist: DistributedContext | null): MissingCounts {
  const counter = new MissingCounter(schema);
  counter.add(x);
  dist?.mpi.allreduce(counter.counts, 'sum', `the missing-value counts of ${path}`);
  return counter.result();
}

/**
 * Reads a labeled file with a model's schema (its columns matched by name, the same categories and
 * missing policies; `unknown` for a category training never saw); with `dist`, this rank's rows of it.
 * @throws DataError for bad input, a file without the target column, or a class unknown to the model.
 */
export async function readLabeledData(
  path: string,
  schema: CsvSchema,
  target: TargetInfo,
  how: { backend: 'native' | 'js' | undefined; unknown?: UnknownCategories },
  dist: DistributedContext | null = null,
): Promise<LabeledData> {
  const { backend, unknown } = how;
  const csv = await readPart(path, { schema, signal: interruptSignal(), ...(unknown !== undefined ? { unknown } : {}), ...(backend !== undefined ? { backend } : {}) }, dist);
  if (csv.y === null) {
    throw new DataError(`${path}: the file has no target column '${target.name}'; it is needed to evaluate (predict works without it)`);
  }
  const y = target.classValues !== null ? mapClassValues(path, csv.y, target.classValues, target.name) : csv.y;
  return { path, x: csv.x, y, rows: csv.rows, droppedRows: csv.droppedRows, ...partOf(csv) };
}

/**
 * The whole file (a pattern: its files), or with `dist` this rank's rows of it: its newline-aligned
 * byte range alone, with the schema, categories and labels of the whole file (collective).
 */
async function readPart(path: string, options: CsvReadOptions, dist: DistributedContext | null): Promise<CsvData> {
  return readCsv(await dataPaths(path, 'the data file'), dist === null ? options : { ...options, distributed: 'mpi' });
}

/** The whole file's counts and this rank's part of it. */
function partOf(csv: CsvData): Pick<LabeledData, 'total' | 'shard' | 'bytes'> {
  const { shard } = csv;
  const total = shard === undefined ? { rows: csv.rows, droppedRows: csv.droppedRows } : { rows: shard.totalRows, droppedRows: shard.totalDroppedRows };
  return { total, shard: shard ?? null, bytes: csv.bytes };
}

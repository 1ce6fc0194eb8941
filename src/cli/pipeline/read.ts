// Stage 1 of the data pipeline: reading a labeled CSV file, once. The training file settles which column
// is the target and the task (target.ts); a validation or evaluation file is read through the schema saved
// with a model, so categories and class numbers stay those of training. Features stay raw here (NaN where
// a value is missing): the later stages split, fit and transform them.

import type { DistributedContext } from '../../backend/mpi-context.js';
import { inferCsvSchema, readCsv } from '../../data/csv/index.js';
import type { CsvData, CsvReadOptions, CsvSchema, CsvShard, UnknownCategories } from '../../data/csv/index.js';
import type { Matrix } from '../../data/matrix.js';
import { MissingCounter, type MissingCounts } from '../../data/preprocessing/index.js';
import { DataError } from '../../util/errors.js';
import { UsageError } from '../errors.js';
import { interruptSignal } from '../interrupt.js';
import type { TrainConfig } from '../train-config.js';
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

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The name of the target column: a name as in the header, else an integer as a 0-based index (negative:
 * from the end). A name that is also a number (a header such as `150,4,…`) is read as the name.
 * @throws DataError for an index beyond the file's columns (names are checked by readCsv, with a hint);
 *   UsageError when an index is given and the header row holds only numbers (a headerless file).
 */
export async function resolveTarget(path: string, target: string | number, cfg: Pick<TrainConfig, 'delimiter' | 'header'>): Promise<string> {
  if (typeof target === 'string' && !INTEGER.test(target.trim())) return target;
  const schema = await inferCsvSchema(path, { delimiter: cfg.delimiter, header: cfg.header, sampleRows: 1 });
  const names = schema.columns.map((c) => c.name);
  if (cfg.header !== false && names.length > 1 && names.every((n) => NUMBER.test(n.trim()))) {
    // a first row of numbers is data, not names (digits.csv): the index would resolve to an ambiguous name
    throw new UsageError(`${path}: line 1 holds only numbers, so it looks like data rather than a header row: pass --no-header`);
  }
  if (typeof target === 'string' && names.includes(target)) return target;
  const index = Number(target);
  const resolved = index < 0 ? names.length + index : index;
  if (resolved < 0 || resolved >= names.length) {
    throw new DataError(`${path}: --target index ${index} is out of range: the file has ${names.length} columns (0 to ${names.length - 1}, or -1 to -${names.length} from the end)`);
  }
  return names[resolved];
}

/**
 * Reads the training file: features (categorical columns one-hot), the target (rows missing it are
 * dropped), and the task. With `dist`, this rank's rows of it, the task decided over every rank's.
 * @throws DataError naming the file, line and column for bad input, or a target unfit for the task;
 *   UsageError when --task contradicts the target.
 */
export async function readTrainingData(cfg: TrainConfig, dist: DistributedContext | null = null): Promise<TrainingData> {
  const path = cfg.data;
  if (cfg.target === undefined) throw new UsageError('missing --target');
  const name = await resolveTarget(path, cfg.target, cfg);
  const csv = await readPart(path, {
    signal: interruptSignal(), // SIGINT/SIGTERM stop a long read too
    target: name,
    delimiter: cfg.delimiter,
    header: cfg.header,
    ignore: cfg.ignore,
    categorical: cfg.categorical,
    missing: { '*': cfg.missing, [name]: 'drop' },
    ...(cfg.backend !== undefined ? { backend: cfg.backend } : {}),
  }, dist);
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
 * The whole file, or with `dist` this rank's rows of it: its newline-aligned byte range alone, with the
 * schema, categories and labels of the whole file (collective).
 */
function readPart(path: string, options: CsvReadOptions, dist: DistributedContext | null): Promise<CsvData> {
  return readCsv(path, dist === null ? options : { ...options, distributed: 'mpi' });
}

/** The whole file's counts and this rank's part of it. */
function partOf(csv: CsvData): Pick<LabeledData, 'total' | 'shard' | 'bytes'> {
  const { shard } = csv;
  const total = shard === undefined ? { rows: csv.rows, droppedRows: csv.droppedRows } : { rows: shard.totalRows, droppedRows: shard.totalDroppedRows };
  return { total, shard: shard ?? null, bytes: csv.bytes };
}

// Stage 1 of the data pipeline: reading a labeled CSV file, once. The training file settles which column
// is the target and the task (target.ts); a validation or evaluation file is read through the schema saved
// with a model, so categories and class numbers stay those of training. Features stay raw here (NaN where
// a value is missing): the later stages split, fit and transform them. A --weight-column is read as a
// second target column and split off into per-row loss weights; the saved schema has it ignored.

import type { DistributedContext } from '../../backend/mpi-context.js';
import { readCsv } from '../../data/csv/index.js';
import { negativeWeightError, schemaWithoutWeight, splitWeightColumn, withWeightColumn } from '../../data/csv/weight-column.js';
import type { CsvData, CsvReadOptions, CsvSchema, CsvShard, UnknownCategories } from '../../data/csv/index.js';
import type { Matrix } from '../../data/matrix.js';
import { MissingCounter, type MissingCounts } from '../../data/preprocessing/index.js';
import { DataError } from '../../util/errors.js';
import { printable } from '../../util/printable.js';
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
  /** (rows) per-row loss weights of --weight-column, or null. */
  w: Float32Array | null;
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
export type DataSummary = Omit<TrainingData, 'x' | 'y' | 'w'>;

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
  const options: CsvReadOptions = {
    signal: interruptSignal(), // SIGINT/SIGTERM stop a long read too
    target: ref,
    delimiter: cfg.delimiter,
    header: cfg.header,
    ignore: cfg.ignore,
    categorical: cfg.categorical,
    missing: { '*': cfg.missing, [ref]: 'drop' },
    ...(cfg.backend !== undefined ? { backend: cfg.backend } : {}),
  };
  const csv = await readPart(path, cfg.weightColumn === undefined ? options : withWeightColumn(options, cfg.weightColumn), dist);
  const name = csv.schema.targets[0];
  const weighted = await weightsOf(path, csv, cfg.weightColumn, dist);
  if (weighted.y.cols !== 1) throw new DataError(`${path}: expected one target column '${name}'`);
  if (csv.x.cols === 0) throw new DataError(`${path}: no feature columns are left besides the target '${name}'`);
  const labels = weighted.labels;
  const { target, y } = dist === null ? decideTask(path, name, weighted.y, labels, cfg.task) : decideTaskAcrossRanks(dist, path, name, weighted.y, labels, cfg.task);
  return {
    path,
    x: csv.x,
    y,
    w: weighted.w,
    rows: csv.rows,
    droppedRows: csv.droppedRows,
    ...partOf(csv),
    target,
    schema: weighted.schema,
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
  how: { backend: 'native' | 'js' | undefined; unknown?: UnknownCategories; weightColumn?: string | undefined },
  dist: DistributedContext | null = null,
): Promise<LabeledData> {
  const { backend, unknown, weightColumn } = how;
  const options: CsvReadOptions = { schema, signal: interruptSignal(), ...(unknown !== undefined ? { unknown } : {}), ...(backend !== undefined ? { backend } : {}) };
  const csv = await readPart(path, weightColumn === undefined ? options : withWeightColumn(options, weightColumn), dist);
  if (csv.y === null || !csv.schema.targets.includes(target.name)) {
    throw new DataError(`${path}: the file has no target column '${target.name}'; it is needed to evaluate (predict works without it)`);
  }
  const { y: raw, w } = await weightsOf(path, csv, weightColumn, dist);
  const y = target.classValues !== null ? mapClassValues(path, raw, target.classValues, target.name) : raw;
  return { path, x: csv.x, y, w, rows: csv.rows, droppedRows: csv.droppedRows, ...partOf(csv) };
}

/**
 * The targets, weights, class labels and schema to save of a read with `weightColumn` (its last target
 * column): y without it and its values as weights; without one, the read's own.
 * @throws DataError when the file lacks the column or a weight is negative (naming file, line and column).
 */
async function weightsOf(path: string, csv: CsvData, weightColumn: string | undefined, dist: DistributedContext | null): Promise<{ y: Matrix; w: Float32Array | null; labels: string[] | null; schema: CsvSchema }> {
  const { schema } = csv;
  const name = schema.targets[0] ?? '';
  if (csv.y === null) throw new DataError(`${path}: expected one target column '${printable(name)}'`);
  if (weightColumn === undefined) return { y: csv.y, w: null, labels: csv.labels, schema };
  if (schema.targets[schema.targets.length - 1] !== weightColumn || csv.y.cols < 2) throw new DataError(`${path}: the file has no weight column '${printable(weightColumn)}'`);
  const rows = csv.y.rows;
  const cols = csv.y.cols - 1;
  const y = { data: new Float32Array(rows * cols), rows, cols };
  const w = new Float32Array(rows);
  const negative = splitWeightColumn(csv.y.data, rows, cols, y.data, w);
  if (negative >= 0) {
    const names = schema.columns.map((c) => c.name);
    const place = { field: names.indexOf(weightColumn), name: weightColumn, names, delimiter: schema.delimiter, header: schema.header };
    const paths = await dataPaths(path, 'the data file');
    throw await negativeWeightError(typeof paths === 'string' ? [paths] : paths, place, w[negative], `row ${negative + 1} of ${dist === null ? 'the data' : "this process's part"}`);
  }
  const saved = schemaWithoutWeight(schema, weightColumn);
  const targetColumn = saved.columns.find((c) => c.name === saved.targets[0]);
  const labels = saved.targets.length === 1 && targetColumn?.kind === 'categorical' ? [...(targetColumn.categories ?? [])] : null;
  return { y, w, labels, schema: saved };
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

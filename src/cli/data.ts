// Reading a labeled CSV file for the training commands: which column is the target, whether the task is
// regression or classification (and which classes), and the same reading for a validation or evaluation
// file through the schema saved with a model, so categories and class numbers stay those of training.

import { inferCsvSchema, readCsv } from '../data/csv/index.js';
import type { CsvSchema } from '../data/csv/index.js';
import type { Matrix } from '../data/matrix.js';
import { DataError } from '../util/errors.js';
import { UsageError } from './errors.js';
import type { TrainConfig } from './train-config.js';

/** regression: one value; binary: two classes; multiclass: three or more. */
export type Task = 'regression' | 'binary' | 'multiclass';

/** What the target column is, saved with the model so that evaluate and predict read it the same way. */
export interface TargetInfo {
  name: string;
  task: Task;
  /** Class names (class i is labels[i]); null for regression. */
  labels: string[] | null;
  /** For a numeric target read as classes: class i is the value classValues[i] (ascending). */
  classValues: number[] | null;
}

/** A labeled CSV file in memory: raw features (NaN where a value is missing and imputed later), targets. */
export interface LabeledData {
  path: string;
  /** (rows, features), before imputation and scaling. */
  x: Matrix;
  /** (rows, 1): class indices, or the target values for regression. */
  y: Matrix;
  rows: number;
  droppedRows: number;
}

/** A training file: the data, its target and the schema to read later files with. */
export interface TrainingData extends LabeledData {
  target: TargetInfo;
  schema: CsvSchema;
  xColumns: string[];
  oneHotGroups: number[][];
  indexColumns: number[];
  imputeColumns: number[];
}

/** Automatic classification: integer targets with at most this many distinct values. */
const AUTO_MAX_CLASSES = 20;
/** Most classes a numeric target may be read as (with --task classification). */
const MAX_CLASSES = 1000;

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
 * dropped), and the task.
 * @throws DataError naming the file, line and column for bad input, or a target unfit for the task;
 *   UsageError when --task contradicts the target.
 */
export async function readTrainingData(cfg: TrainConfig): Promise<TrainingData> {
  const path = cfg.data;
  if (cfg.target === undefined) throw new UsageError('missing --target');
  const name = await resolveTarget(path, cfg.target, cfg);
  const csv = await readCsv(path, {
    target: name,
    delimiter: cfg.delimiter,
    header: cfg.header,
    ignore: cfg.ignore,
    categorical: cfg.categorical,
    missing: { '*': cfg.missing, [name]: 'drop' },
    ...(cfg.backend !== undefined ? { backend: cfg.backend } : {}),
  });
  if (csv.y === null || csv.y.cols !== 1) throw new DataError(`${path}: expected one target column '${name}'`);
  if (csv.x.cols === 0) throw new DataError(`${path}: no feature columns are left besides the target '${name}'`);
  const { target, y } = decideTask(path, name, csv.y, csv.labels, cfg.task);
  return {
    path,
    x: csv.x,
    y,
    rows: csv.rows,
    droppedRows: csv.droppedRows,
    target,
    schema: csv.schema,
    xColumns: csv.xColumns,
    oneHotGroups: csv.oneHotGroups,
    indexColumns: csv.indexColumns,
    imputeColumns: csv.imputeColumns,
  };
}

/**
 * The task of a target: categories are classes; numbers are classes when --task classification says so
 * or (auto) when they are integers with at most 20 distinct values; else regression. Numeric classes
 * are renumbered 0..C-1 in ascending order of value.
 */
export function decideTask(path: string, name: string, y: Matrix, labels: string[] | null, requested: TrainConfig['task']): { target: TargetInfo; y: Matrix } {
  if (labels !== null) {
    if (requested === 'regression') {
      throw new UsageError(`--task regression needs a numeric target but '${name}' holds categories (${labels.slice(0, 5).join(', ')}${labels.length > 5 ? ', …' : ''})`);
    }
    return { target: classTarget(path, name, labels, null), y };
  }
  if (requested === 'regression') return { target: { name, task: 'regression', labels: null, classValues: null }, y };
  const distinct = new Set<number>();
  let integral = true;
  for (let r = 0; r < y.rows && distinct.size <= MAX_CLASSES; r++) {
    distinct.add(y.data[r]);
    if (!Number.isInteger(y.data[r])) integral = false;
  }
  const looksLikeClasses = integral && distinct.size <= AUTO_MAX_CLASSES && distinct.size <= Math.max(2, y.rows / 2);
  if (requested === 'auto' && !looksLikeClasses) return { target: { name, task: 'regression', labels: null, classValues: null }, y };
  if (distinct.size > MAX_CLASSES) {
    throw new DataError(`${path}: the target '${name}' has more than ${MAX_CLASSES} distinct values; it cannot be read as classes (use --task regression)`);
  }
  const classValues = [...distinct].sort((a, b) => a - b);
  const target = classTarget(path, name, classValues.map(String), classValues);
  return { target, y: mapClassValues(path, y, classValues, name) };
}

function classTarget(path: string, name: string, labels: string[], classValues: number[] | null): TargetInfo {
  if (labels.length < 2) {
    throw new DataError(`${path}: the target '${name}' has a single class ('${labels[0] ?? ''}'); classification needs at least 2`);
  }
  return { name, task: labels.length === 2 ? 'binary' : 'multiclass', labels, classValues };
}

/**
 * Target values → class indices through the training classes.
 * @throws DataError naming the data row of a value that was not a class in training.
 */
export function mapClassValues(path: string, y: Matrix, classValues: readonly number[], name: string): Matrix {
  const index = new Map(classValues.map((v, i) => [v, i]));
  const out = new Float32Array(y.rows);
  for (let r = 0; r < y.rows; r++) {
    const k = index.get(y.data[r]);
    if (k === undefined) {
      throw new DataError(`${path}: data row ${r + 1}, column '${name}': the class ${y.data[r]} was not seen in training (classes: ${classValues.join(', ')})`, { row: r });
    }
    out[r] = k;
  }
  return { data: out, rows: y.rows, cols: 1 };
}

/**
 * Reads a labeled file with a model's schema (same columns, categories and missing policies).
 * @throws DataError for bad input, a file without the target column, or a class unknown to the model.
 */
export async function readLabeledData(path: string, schema: CsvSchema, target: TargetInfo, backend: 'native' | 'js' | undefined): Promise<LabeledData> {
  const csv = await readCsv(path, { schema, ...(backend !== undefined ? { backend } : {}) });
  if (csv.y === null) {
    throw new DataError(`${path}: the file has no target column '${target.name}'; it is needed to evaluate (predict works without it)`);
  }
  const y = target.classValues !== null ? mapClassValues(path, csv.y, target.classValues, target.name) : csv.y;
  return { path, x: csv.x, y, rows: csv.rows, droppedRows: csv.droppedRows };
}

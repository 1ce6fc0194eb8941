// Stage 1b of the data pipeline: what the target column is. Categories are classes; numbers are classes
// when --task classification says so or (auto) when they are integers with few distinct values; else
// regression. The result is saved with the model, so evaluate and predict read the target the same way.

import { printable } from '../../util/printable.js';
import type { Matrix } from '../../data/matrix.js';
import { DataError } from '../../util/errors.js';
import { UsageError } from '../errors.js';
import type { TrainConfig } from '../train-config.js';
import type { TargetInfo } from '../../data/preprocessing/target-info.js';

export type { Task, TargetInfo } from '../../data/preprocessing/target-info.js';

/** Automatic classification: integer targets with at most this many distinct values. */
const AUTO_MAX_CLASSES = 20;
/** Most classes a numeric target may be read as (with --task classification). */
const MAX_CLASSES = 1000;

/**
 * The task of a target: categories are classes; numbers are classes when --task classification says so
 * or (auto) when they are integers with at most 20 distinct values; else regression. Numeric classes
 * are renumbered 0..C-1 in ascending order of value.
 */
export function decideTask(path: string, name: string, y: Matrix, labels: string[] | null, requested: TrainConfig['task']): { target: TargetInfo; y: Matrix } {
  if (labels !== null) {
    if (requested === 'regression') {
      throw new UsageError(`--task regression needs a numeric target but '${printable(name)}' holds categories (${labels.slice(0, 5).map(printable).join(', ')}${labels.length > 5 ? ', …' : ''})`);
    }
    return { target: classTarget(path, name, labels, null), y };
  }
  if (requested === 'regression') return { target: { name, task: 'regression', labels: null, classValues: null }, y };
  const target = numericTarget(path, name, targetValues(y), requested);
  return { target, y: target.classValues === null ? y : mapClassValues(path, y, target.classValues, name) };
}

/** What the task of a numeric target is decided from; the values of several parts (ranks) merge. */
export interface TargetValues {
  /** Distinct values, ascending; the scan stops once there are more than MAX_CLASSES. */
  distinct: number[];
  /** Every scanned value is an integer. */
  integral: boolean;
  rows: number;
}

/** The distinct values of a numeric target column, up to one more than could be classes. */
export function targetValues(y: Matrix): TargetValues {
  const distinct = new Set<number>();
  let integral = true;
  for (let r = 0; r < y.rows && distinct.size <= MAX_CLASSES; r++) {
    distinct.add(y.data[r]);
    if (!Number.isInteger(y.data[r])) integral = false;
  }
  return { distinct: [...distinct].sort((a, b) => a - b), integral, rows: y.rows };
}

/** The values of the parts of one column (e.g. each rank's rows) as one column's. */
export function mergeTargetValues(parts: readonly TargetValues[]): TargetValues {
  const distinct = new Set<number>();
  for (const p of parts) for (const v of p.distinct) if (distinct.size <= MAX_CLASSES) distinct.add(v);
  return { distinct: [...distinct].sort((a, b) => a - b), integral: parts.every((p) => p.integral), rows: parts.reduce((n, p) => n + p.rows, 0) };
}

/**
 * The task of a numeric target from its values (see decideTask): classes are the distinct values in
 * ascending order.
 */
export function numericTarget(path: string, name: string, values: TargetValues, requested: TrainConfig['task']): TargetInfo {
  if (requested === 'regression') return { name, task: 'regression', labels: null, classValues: null };
  const { distinct, integral, rows } = values;
  const looksLikeClasses = integral && distinct.length <= AUTO_MAX_CLASSES && distinct.length <= Math.max(2, rows / 2);
  if (requested === 'auto' && !looksLikeClasses) return { name, task: 'regression', labels: null, classValues: null };
  if (distinct.length > MAX_CLASSES) {
    throw new DataError(`${path}: the target '${printable(name)}' has more than ${MAX_CLASSES} distinct values; it cannot be read as classes (use --task regression)`);
  }
  return classTarget(path, name, distinct.map(String), distinct);
}

function classTarget(path: string, name: string, labels: string[], classValues: number[] | null): TargetInfo {
  if (labels.length < 2) {
    throw new DataError(`${path}: the target '${printable(name)}' has a single class ('${printable(labels[0] ?? '')}'); classification needs at least 2`);
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
      throw new DataError(`${path}: data row ${r + 1}, column '${printable(name)}': the class ${y.data[r]} was not seen in training (classes: ${classValues.join(', ')})`, { row: r });
    }
    out[r] = k;
  }
  return { data: out, rows: y.rows, cols: 1 };
}

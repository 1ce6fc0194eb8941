// Input checks for the evaluation metrics: predictions and targets as Matrix views, checked once at the
// edge (shapes name both shapes, bad values name the row and column), so the metric code below only sees
// finite numbers of the right shape.

import { fromRows, isMatrix, type Matrix } from '../data/matrix.js';
import { ConfigError, DataError, ShapeError } from '../util/errors.js';
import { describe, isString } from '../util/validate.js';

/** Predictions or targets: a Matrix (N, k), rows of numbers, or a flat array read as one column (N, 1). */
export type EvaluationInput = Matrix | readonly (readonly number[])[] | ArrayLike<number>;

/** `[rows, cols]`, as the rest of nntrain prints shapes. */
export const shapeText = (m: { rows: number; cols: number }): string => `[${m.rows}, ${m.cols}]`;

/**
 * `value` as a Matrix exactly rows·cols long: a Matrix is used as is (a view when its buffer is longer),
 * `number[][]` is copied row by row, any other ArrayLike<number> is one column.
 * @throws ShapeError for anything else or ragged rows.
 * @throws DataError for a non-number entry or an empty input.
 */
export function toMatrix(value: unknown, name: string): Matrix {
  let m: Matrix;
  if (isMatrix(value)) {
    const n = value.rows * value.cols;
    m = value.data.length === n ? value : { data: value.data.subarray(0, n), rows: value.rows, cols: value.cols };
  } else if (Array.isArray(value) && value.length > 0 && Array.isArray(value[0])) {
    m = fromRows(value as number[][], name);
  } else if (isFlatNumbers(value)) {
    const data = value instanceof Float32Array ? value : new Float32Array(value.length);
    if (data !== value) {
      for (let r = 0; r < value.length; r++) {
        const v: unknown = value[r];
        if (typeof v !== 'number') throw new DataError(`${name}[${r}] is ${describe(v)}, not a number`, { row: r, column: 0 });
        data[r] = v;
      }
    }
    m = { data, rows: value.length, cols: 1 };
  } else {
    throw new ShapeError(`Expected a Matrix, rows of numbers (number[][]) or a flat array of numbers for ${name} but received ${describe(value)}`);
  }
  if (m.rows === 0 || m.cols === 0) throw new DataError(`${name} has shape ${shapeText(m)}: there is nothing to evaluate`);
  return m;
}

function isFlatNumbers(value: unknown): value is ArrayLike<unknown> {
  if (Array.isArray(value)) return true;
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && typeof (value as unknown as ArrayLike<number>).length === 'number';
}

/**
 * Throws on the first NaN or ±Infinity of `m`.
 * @throws DataError `predictions contains NaN at row 3, column 1: every value must be finite`.
 */
export function checkFinite(m: Matrix, name: string): void {
  const { data, cols } = m;
  const n = m.rows * cols;
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(data[i])) continue;
    const r = Math.floor(i / cols);
    const c = i - r * cols;
    throw new DataError(`${name} contains ${data[i]} at row ${r}, column ${c}: every value must be finite`, { row: r, column: c });
  }
}

/** Throws unless `a` and `b` have the same number of rows. */
export function checkSameRows(a: Matrix, aName: string, b: Matrix, bName: string): void {
  if (a.rows !== b.rows) {
    throw new ShapeError(`${bName} has shape ${shapeText(b)} but ${aName} has shape ${shapeText(a)}: every prediction row needs one target row`);
  }
}

/**
 * The true class of each row, from class indices (N, 1) or one-hot rows (N, classes).
 * `scores` gives the expected shape for the error message.
 * @throws ShapeError for another width (naming both shapes).
 * @throws DataError for an index that is not an integer in [0, classes), or a one-hot row that is not
 *   exactly one 1 among 0s (naming the row).
 */
export function trueClasses(y: Matrix, scores: Matrix, classes: number, name: string): Int32Array {
  const out = new Int32Array(y.rows);
  if (y.cols === 1) {
    for (let r = 0; r < y.rows; r++) {
      const v = y.data[r];
      if (!(Number.isInteger(v) && v >= 0 && v < classes)) {
        throw new DataError(`${name} has label ${v} at row ${r}: class labels must be integers in [0, ${classes})`, { row: r, column: 0 });
      }
      out[r] = v;
    }
    return out;
  }
  if (y.cols !== classes) {
    throw new ShapeError(
      `${name} has shape ${shapeText(y)} but predictions of shape ${shapeText(scores)} need class indices of shape [${scores.rows}, 1] or one-hot rows of shape [${scores.rows}, ${classes}]`,
    );
  }
  for (let r = 0; r < y.rows; r++) {
    let hot = -1;
    for (let c = 0; c < classes; c++) {
      const v = y.data[r * classes + c];
      if (v === 0) continue;
      if (v !== 1 || hot >= 0) {
        throw new DataError(`${name} row ${r} is not one-hot: expected one 1 among 0s, found ${v} at column ${c}`, { row: r, column: c });
      }
      hot = c;
    }
    if (hot < 0) throw new DataError(`${name} row ${r} is not one-hot: all ${classes} values are 0`, { row: r });
    out[r] = hot;
  }
  return out;
}

/**
 * The predicted class of each row: for one column (sigmoid output), 1 when score > threshold else 0
 * (the rule of the training-time binaryAccuracy); for several columns, the argmax (first wins on ties).
 */
export function predictedClasses(scores: Matrix, threshold: number): Int32Array {
  const { data, rows, cols } = scores;
  const out = new Int32Array(rows);
  if (cols === 1) {
    for (let r = 0; r < rows; r++) out[r] = data[r] > threshold ? 1 : 0;
    return out;
  }
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let best = 0;
    for (let c = 1; c < cols; c++) if (data[base + c] > data[base + best]) best = c;
    out[r] = best;
  }
  return out;
}

/**
 * `names` checked to hold `count` strings, or '0', '1', … when not given.
 * @throws ConfigError for a non-array, a non-string entry or the wrong length.
 */
export function resolveNames(names: readonly string[] | undefined, count: number, option: string, what: 'class' | 'output'): string[] {
  if (names === undefined) return Array.from({ length: count }, (_, i) => String(i));
  if (!Array.isArray(names) || names.length !== count || !names.every(isString)) {
    const got = Array.isArray(names) ? `${names.length} entries` : typeof names;
    const plural = what === 'class' ? 'classes' : 'outputs';
    throw new ConfigError(`Expected ${count} strings (one per ${what}) for ${option} but received ${got}; the predictions have ${count} ${plural}`);
  }
  return [...names];
}

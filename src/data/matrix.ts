// The one 2-D data type of the public API: a row-major Float32Array with its shape. Training data, targets
// and predictions all travel as Matrix, so the backends get one contiguous buffer without copies.

import { DataError, ShapeError } from '../util/errors.js';
import { describe, invalid, isInteger, isPlainObject } from '../util/validate.js';

/** A row-major (rows, cols) matrix of float32 values: element (r, c) is `data[r * cols + c]`. */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** Values `matrix()` accepts: rows of numbers, or a flat array read row-major. */
export type MatrixInput = readonly ArrayLike<number>[] | Float32Array | ArrayLike<number>;

/** True for an object shaped like a {@link Matrix}. */
export function isMatrix(value: unknown): value is Matrix {
  return (
    isPlainObject(value) &&
    value.data instanceof Float32Array &&
    isInteger(value.rows) &&
    isInteger(value.cols) &&
    (value.rows as number) >= 0 &&
    (value.cols as number) >= 0 &&
    value.data.length >= (value.rows as number) * (value.cols as number)
  );
}

/**
 * Builds a Matrix.
 * - `values` as rows (`number[][]`, or an array of typed arrays): the shape comes from the rows, which must
 *   all have the same length.
 * - `values` flat (Float32Array, number[] or any ArrayLike): read row-major with `cols` columns
 *   (default 1, a column vector); the length must be a multiple of `cols`.
 * A Float32Array is used as is (no copy); anything else is copied into a new Float32Array.
 * @example matrix([[0, 1], [1, 0]]) // { rows: 2, cols: 2, data: Float32Array [0, 1, 1, 0] }
 * @example matrix(new Float32Array(12), 4) // (3, 4)
 * @throws ShapeError for ragged rows or a length that is not a multiple of `cols`.
 * @throws ConfigError for a `cols` that is not an integer >= 1.
 */
export function matrix(values: MatrixInput, cols?: number): Matrix {
  if (cols !== undefined && !(isInteger(cols) && cols >= 1)) throw invalid('cols', 'integer >= 1', cols);
  if (Array.isArray(values) && values.length > 0 && isRow(values[0])) {
    return fromRows(values as readonly ArrayLike<number>[], 'matrix', cols);
  }
  const flat = values as ArrayLike<number>;
  if (flat === null || typeof flat !== 'object' || typeof flat.length !== 'number') {
    throw new ShapeError(`Expected rows of numbers or a flat array for matrix but received ${describe(values)}`);
  }
  const width = cols ?? 1;
  if (flat.length % width !== 0) {
    throw new ShapeError(`A flat array of length ${flat.length} cannot be read as rows of ${width} columns`);
  }
  const data = flat instanceof Float32Array ? flat : Float32Array.from(flat);
  return { data, rows: flat.length / width, cols: width };
}

/** True for one row of numbers: an array, or a typed array such as a Float64Array. */
export function isRow(value: unknown): value is ArrayLike<number> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/**
 * Copies rows of numbers (arrays or typed arrays) into a Matrix; `name` is used in error messages.
 * @throws ShapeError naming the first row whose length differs from row 0 (or from `cols` when given).
 * @throws DataError for an entry that is not a number.
 */
export function fromRows(rows: readonly ArrayLike<number>[], name: string, cols?: number): Matrix {
  const width = cols ?? (rows.length > 0 ? rows[0].length : 0);
  const data = new Float32Array(rows.length * width);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!isRow(row) || row.length !== width) {
      throw new ShapeError(
        `Row ${r} of ${name} has ${isRow(row) ? `${row.length} columns` : `no columns (${describe(row)})`} but row 0 has ${width}`,
      );
    }
    if (row instanceof Float32Array || row instanceof Float64Array) {
      data.set(row, r * width); // numbers by construction: one bulk copy (predict's one-sample path)
      continue;
    }
    for (let c = 0; c < width; c++) {
      const v = row[c];
      if (typeof v !== 'number') {
        throw new DataError(`${name}[${r}][${c}] is ${describe(v)}, not a number`, { row: r, column: c });
      }
      data[r * width + c] = v;
    }
  }
  return { data, rows: rows.length, cols: width };
}

/** Row `r` of `m` as a view (no copy). */
export function row(m: Matrix, r: number): Float32Array {
  return m.data.subarray(r * m.cols, (r + 1) * m.cols);
}

/** Rows [start, end) of `m` as a Matrix sharing its data. */
export function sliceRows(m: Matrix, start: number, end: number): Matrix {
  return { data: m.data.subarray(start * m.cols, end * m.cols), rows: end - start, cols: m.cols };
}

/** The rows of `m` as plain arrays (for printing and small results). */
export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < m.rows; r++) out.push(Array.from(row(m, r)));
  return out;
}

/** Index of the largest value in each row (first wins on ties): class predictions from scores. */
export function argmaxRows(m: Matrix): Int32Array {
  const out = new Int32Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let best = 0;
    const base = r * m.cols;
    for (let c = 1; c < m.cols; c++) if (m.data[base + c] > m.data[base + best]) best = c;
    out[r] = best;
  }
  return out;
}

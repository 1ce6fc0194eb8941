// Argument checks shared by the preprocessors (scalers, imputer, splits, augmentation): a Matrix argument,
// a seed, a list of column indices, an index array. Each throws the project's typed errors with the
// "Expected <what> for <option> but received <value>" message, before any work starts.

import { ConfigError, ShapeError } from '../../util/errors.js';
import { checkInteger, describe, invalid, isInteger } from '../../util/validate.js';
import { isMatrix, type Matrix } from '../matrix.js';

/** The largest uint32: seeds and row counts of split indices live in [0, UINT32_MAX]. */
export const UINT32_MAX = 0xffffffff;

/**
 * `value` as a Matrix whose data is exactly rows·cols long (a longer buffer is viewed, not copied).
 * @throws ShapeError naming `name` when it is not a Matrix, with the way to build one.
 */
export function checkMatrix(name: string, value: unknown): Matrix {
  if (!isMatrix(value)) {
    throw new ShapeError(
      `Expected a Matrix ({ data: Float32Array, rows, cols }) for ${name} but received ${describe(value)}; build one with matrix(rows)`,
    );
  }
  const n = value.rows * value.cols;
  return value.data.length === n ? value : { data: value.data.subarray(0, n), rows: value.rows, cols: value.cols };
}

/** A uint32 seed; undefined means 0, so an unseeded call is still reproducible. */
export function checkSeed(value: unknown, option = 'seed'): number {
  return value === undefined ? 0 : checkInteger(option, value, { min: 0, max: UINT32_MAX });
}

/**
 * A list of distinct column indices (integers >= 0), sorted ascending. Whether they are below the matrix
 * width is checked later by {@link columnMask}, when the width is known.
 * @throws ConfigError naming `option` (and the position) for a non-array, a bad entry or a duplicate.
 */
export function checkColumnList(option: string, value: unknown): number[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(option, 'an array of column indices', value);
  const seen = new Set<number>();
  value.forEach((c: unknown, i) => {
    if (!isInteger(c) || c < 0) throw invalid(`${option}[${i}]`, 'integer >= 0', c);
    if (seen.has(c)) throw new ConfigError(`Column ${c} appears twice in ${option}`);
    seen.add(c);
  });
  return [...seen].sort((a, b) => a - b);
}

/**
 * A mask of width `cols`: 1 for the listed columns.
 * @throws ConfigError when a listed column is outside [0, cols).
 */
export function columnMask(option: string, columns: readonly number[], cols: number): Uint8Array {
  const mask = new Uint8Array(cols);
  for (const c of columns) {
    if (c >= cols) throw invalid(option, `column indices in [0, ${cols}) for data with ${cols} columns`, c);
    mask[c] = 1;
  }
  return mask;
}

/**
 * Row indices for `rows`: undefined means all rows of the matrix; otherwise every entry must be an integer
 * in [0, limit).
 * @throws ConfigError naming `option[i]` for the first bad entry.
 */
export function checkRowIndices(option: string, value: unknown, limit: number): ArrayLike<number> | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Uint32Array || value instanceof Int32Array || Array.isArray(value))) {
    throw invalid(option, 'a Uint32Array or an array of row indices', value);
  }
  const rows = value as ArrayLike<unknown>;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!isInteger(r) || r < 0 || r >= limit) throw invalid(`${option}[${i}]`, `integer in [0, ${limit - 1}]`, r);
  }
  return rows as ArrayLike<number>;
}

/**
 * A same-shaped output for an elementwise op on `x`: `out` when given (checked), else a new zeroed Matrix.
 * `out` may be `x` itself (in place).
 * @throws ShapeError when `out` is not a Matrix of x's shape.
 */
export function outputFor(x: Matrix, out: unknown, name: string): Matrix {
  if (out === undefined) return { data: new Float32Array(x.rows * x.cols), rows: x.rows, cols: x.cols };
  const o = checkMatrix(`the out argument of ${name}`, out);
  if (o.rows !== x.rows || o.cols !== x.cols) {
    throw new ShapeError(`The out argument of ${name} has shape [${o.rows}, ${o.cols}] but x has shape [${x.rows}, ${x.cols}]`);
  }
  return o;
}

/**
 * A block for partialFit of a fitted preprocessor (`what`: 'scaler', 'imputer'): the matrix, its optional
 * row subset, and, after the first block (`width` known), the same width as before.
 * @throws ShapeError for a non-Matrix or another width; ConfigError for a bad row index.
 */
export function checkBlock(
  block: unknown,
  rows: unknown,
  width: number | undefined,
  what: string,
): { m: Matrix; subset: ArrayLike<number> | undefined } {
  const m = checkMatrix('the block of partialFit', block);
  const subset = checkRowIndices('rows', rows, m.rows);
  if (width !== undefined && m.cols !== width) {
    throw new ShapeError(`A block of ${m.cols} columns was passed to partialFit but the ${what} was fitted on ${width} columns`);
  }
  return { m, subset };
}

/**
 * `x` for transform by a preprocessor fitted on `width` columns.
 * @throws ShapeError for a non-Matrix or another width (naming both shapes).
 */
export function checkFittedInput(x: unknown, width: number, what: string, name: string): Matrix {
  const m = checkMatrix(`x of ${name}`, x);
  if (m.cols !== width) throw new ShapeError(`x has shape [${m.rows}, ${m.cols}] but the ${what} was fitted on data of shape [N, ${width}]`);
  return m;
}

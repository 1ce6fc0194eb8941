// Materializing subsets: gathering rows by index into new contiguous matrices (one typed-array copy per
// row), so a split's parts become the {x, y} pairs fit, evaluate and predict take.

import { checkMatrix, checkRowIndices } from './args.js';
import type { SplitIndices } from './fractions.js';
import { ShapeError } from '../../util/errors.js';
import { checkInteger, invalid } from '../../util/validate.js';
import type { Matrix } from '../matrix.js';

/** Inputs with their targets, row for row. */
export interface LabeledData {
  x: Matrix;
  y: Matrix;
}

/** Each part of a split as its own {x, y}. */
export interface SplitData {
  train: LabeledData;
  validation: LabeledData;
  test: LabeledData;
}

/**
 * Rows `indices` of `m`, in that order, as a new contiguous Matrix (or into `out`, which must have
 * indices.length rows and m's width).
 * @example gatherRows(x, split.test) // (split.test.length, x.cols)
 * @throws ShapeError for a non-Matrix or a wrong `out`; ConfigError for an index outside [0, m.rows).
 */
export function gatherRows(m: Matrix, indices: ArrayLike<number>, out?: Matrix): Matrix {
  const src = checkMatrix('the matrix of gatherRows', m);
  const rows = checkRowIndices('indices', indices, src.rows);
  if (rows === undefined) throw invalid('indices', 'a Uint32Array or an array of row indices', indices);
  const cols = src.cols;
  const o = out === undefined ? { data: new Float32Array(rows.length * cols), rows: rows.length, cols } : checkMatrix('out', out);
  if (o.rows !== rows.length || o.cols !== cols) {
    throw new ShapeError(`The out argument of gatherRows has shape [${o.rows}, ${o.cols}] but ${rows.length} rows of width ${cols} are gathered`);
  }
  for (let i = 0; i < rows.length; i++) o.data.set(src.data.subarray(rows[i] * cols, (rows[i] + 1) * cols), i * cols);
  return o;
}

/** The rows `indices` of both x and y. @throws ShapeError when x and y have different row counts. */
export function takeRows(data: LabeledData, indices: ArrayLike<number>): LabeledData {
  const { x, y } = checkPair(data);
  return { x: gatherRows(x, indices), y: gatherRows(y, indices) };
}

/**
 * Every part of a split as {x, y}: `splitData({ x, y }, randomSplit(x.rows, { testFraction: 0.2 }))`.
 * @throws ShapeError when x and y have different row counts; ConfigError for an index out of range.
 */
export function splitData(data: LabeledData, split: SplitIndices): SplitData {
  const pair = checkPair(data);
  return { train: takeRows(pair, split.train), validation: takeRows(pair, split.validation), test: takeRows(pair, split.test) };
}

/**
 * `times` copies of `m` stacked (row c·m.rows + r is row r): the targets for augmented inputs that were
 * stacked copy by copy (addGaussianNoise).
 * @throws ConfigError for times not an integer >= 1.
 */
export function tileRows(m: Matrix, times: number): Matrix {
  const src = checkMatrix('the matrix of tileRows', m);
  const t = checkInteger('times', times, { min: 1 });
  const n = src.rows * src.cols;
  const data = new Float32Array(n * t);
  for (let c = 0; c < t; c++) data.set(src.data, c * n);
  return { data, rows: src.rows * t, cols: src.cols };
}

function checkPair(data: LabeledData): LabeledData {
  if (typeof data !== 'object' || data === null) throw new ShapeError('Expected an object { x, y } of two matrices');
  const x = checkMatrix('x', data.x);
  const y = checkMatrix('y', data.y);
  if (x.rows !== y.rows) throw new ShapeError(`x has ${x.rows} rows but y has ${y.rows}: every input row needs one target row`);
  return { x, y };
}

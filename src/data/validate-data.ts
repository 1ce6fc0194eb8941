// Turns the x/y arguments of fit/evaluate/predict into contiguous float32 matrices and checks them
// before any work starts: shapes against the model, NaN/Infinity, and label ranges. Errors name the
// argument, the row and the column, so a bad CSV line can be found.

import { nextMacrotask } from '../util/yield.js';
import { LabelMode, type LabelModeCode } from '../backend/codes.js';
import type { Backend } from '../backend/contract.js';
import { DataError, ShapeError } from '../util/errors.js';
import { describe } from '../util/validate.js';
import { fromRows, isMatrix, isRow, type Matrix } from './matrix.js';

/** The typed arrays a row of numbers may be. */
export type NumericArray = Float32Array | Float64Array | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array;

/** One row of inputs: numbers, or a typed array of them. */
export type InputRow = readonly number[] | NumericArray;

/** Inputs: rows of numbers (arrays or typed arrays) or a Matrix (rows, features). */
export type InputData = readonly InputRow[] | Matrix;

/**
 * What predict takes: InputData, or one sample as a flat row of exactly inputWidth numbers (one output
 * row back). A flat row is never read as several rows, whatever the width: for a batch of 1-feature rows
 * pass `[[a], [b], …]` or `matrix(values, 1)`.
 */
export type PredictInput = InputData | InputRow;

/** Targets: one value per row (labels or a single output), rows of values, a flat Float32Array or a Matrix. */
export type TargetData = readonly number[] | readonly (readonly number[])[] | Float32Array | Matrix;

/** What the targets must look like, from the compiled loss. */
export interface TargetRule {
  labelMode: LabelModeCode;
  outputWidth: number;
  labelWidth: number; // 1 for sparse labels, else outputWidth
  lossName: string;
}

/** `[N, c]` as Keras prints shapes. */
const shapeText = (rows: number | null, cols: number): string => `[${rows ?? 'N'}, ${cols}]`;

/**
 * x as a contiguous (rows, inputWidth) Matrix, checked.
 * @throws ShapeError for a wrong type, ragged rows or a width other than `inputWidth` (naming both shapes).
 * @throws DataError for no rows, or a NaN/Infinity (naming row and column).
 */
export function toInputMatrix(x: unknown, inputWidth: number, name = 'x', scanValues = true): Matrix {
  const m = asMatrix(x, name);
  if (m.rows === 0) throw new DataError(`${name} has no rows: the dataset is empty`);
  if (m.cols !== inputWidth) {
    throw new ShapeError(
      `${name} has shape ${shapeText(m.rows, m.cols)} but the model expects inputs of shape ${shapeText(null, inputWidth)}`,
    );
  }
  if (scanValues) checkFinite(m, name, 0, m.rows * m.cols);
  return m;
}

/** The width of x without checking anything else (used to build a model from its first data). */
export function inputWidthOf(x: unknown, name = 'x'): number {
  return asMatrix(x, name).cols;
}

/**
 * y as a contiguous (rows, labelWidth) Matrix, checked against x's row count and the loss.
 * A 1-D y is one value per row: a class index for sparse labels, else the single output.
 * @throws ShapeError for a row count other than `rows` or a width that does not fit the loss.
 * @throws DataError for NaN/Infinity, sparse labels that are not integers in [0, classes),
 *   or binary targets outside [0, 1].
 */
export function toTargetMatrix(y: unknown, rows: number, rule: TargetRule, name = 'y', scanValues = true): Matrix {
  const m = asTargetMatrix(y, name);
  if (m.rows !== rows) {
    throw new ShapeError(`${name} has ${m.rows} rows but x has ${rows}: every input row needs one target row`);
  }
  if (m.cols !== rule.labelWidth) throw new ShapeError(targetWidthMessage(m, rule, name));
  if (scanValues) checkTargetValues(m, rule, name, 0, m.rows * m.cols);
  return m;
}

/** Elements scanned between two yields to the event loop (about a millisecond of work). */
const SCAN_SLICE = 1 << 20;

/** True when data[start, end) are all finite. */
type FiniteTest = (data: Float32Array, start: number, end: number) => boolean;

/**
 * The all-finite pass on a backend: Σx² in float64 is finite exactly when every x is (float32's
 * largest square, 1.2e77, times 2^53 elements stays far below float64's 1.8e308). Native's sumSquares
 * is several times faster than the JS loop below; js's is a little slower than that loop, a small part of
 * anything the js backend then trains (figures: bench/README.md, Notes).
 */
function finiteTestOf(backend: Pick<Backend, 'sumSquares'> | undefined): FiniteTest {
  if (backend === undefined) return allFinite;
  return (data, start, end) => Number.isFinite(backend.sumSquares(data.subarray(start, end), end - start));
}

/**
 * The value checks of toInputMatrix (rule null) or toTargetMatrix, run in slices with a macrotask
 * between them, so validating a large dataset never blocks the event loop for long. `backend`, when
 * given, runs the all-finite pass; the bad value is then located in JS.
 * @throws DataError as toInputMatrix / toTargetMatrix.
 */
export async function scanValues(m: Matrix, name: string, rule: TargetRule | null, backend?: Pick<Backend, 'sumSquares'>): Promise<void> {
  const n = m.rows * m.cols;
  const finite = finiteTestOf(backend);
  for (let start = 0; start < n; start += SCAN_SLICE) {
    const end = Math.min(n, start + SCAN_SLICE);
    if (rule === null) checkFinite(m, name, start, end, finite);
    else checkTargetValues(m, rule, name, start, end, finite);
    if (end < n) await nextMacrotask();
  }
}

function checkTargetValues(m: Matrix, rule: TargetRule, name: string, start: number, end: number, finite: FiniteTest = allFinite): void {
  checkFinite(m, name, start, end, finite);
  if (rule.labelMode === LabelMode.sparse) checkSparseLabels(m, rule.outputWidth, name, start, end);
  if (rule.labelMode === LabelMode.binary) checkUnitInterval(m, name, start, end);
}

function targetWidthMessage(m: Matrix, rule: TargetRule, name: string): string {
  const base = `${name} has shape ${shapeText(m.rows, m.cols)} but ${rule.lossName} with ${rule.outputWidth} outputs expects targets of shape ${shapeText(null, rule.labelWidth)}`;
  if (rule.labelMode === LabelMode.sparse) return `${base}: one integer class index per row`;
  if (rule.labelMode === LabelMode.onehot && m.cols === 1) {
    return `${base}. For integer class labels use loss 'sparseCategoricalCrossentropy'`;
  }
  if (rule.labelMode === LabelMode.onehot) return `${base} (one-hot rows as wide as the last layer's units)`;
  return base;
}

/**
 * predict's single sample: a flat array of numbers or a typed array as a (1, length) Matrix; null for
 * anything else (rows, a Matrix, an empty array). `inputWidth` (when known) is the length it must have.
 * @throws ShapeError for a flat row whose length is not `inputWidth`, saying how to pass several rows.
 * @throws DataError for an entry that is not a number.
 */
export function singleSample(value: unknown, inputWidth: number | undefined, name = 'x'): Matrix | null {
  const flat = (Array.isArray(value) && typeof value[0] === 'number') || (isRow(value) && !Array.isArray(value));
  if (!flat) return null;
  const row = value as ArrayLike<unknown>;
  if (inputWidth !== undefined && row.length !== inputWidth) {
    throw new ShapeError(
      `${name} is a flat array of ${row.length} numbers, which predict reads as one sample, but the model expects ${inputWidth} inputs per sample: ` +
        `pass several samples as rows (number[][]) or as matrix(values, ${inputWidth})`,
    );
  }
  return fromRows([row as ArrayLike<number>], name);
}

function asMatrix(value: unknown, name: string): Matrix {
  if (isMatrix(value)) return contiguous(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return { data: new Float32Array(0), rows: 0, cols: 0 };
    if (isRow(value[0])) return fromRows(value as ArrayLike<number>[], name);
  }
  throw new ShapeError(`Expected rows of numbers (number[][]) or a Matrix for ${name} but received ${describe(value)}`);
}

function asTargetMatrix(value: unknown, name: string): Matrix {
  if (value instanceof Float32Array) return { data: value, rows: value.length, cols: 1 };
  if (Array.isArray(value) && value.length > 0 && !Array.isArray(value[0])) {
    const data = new Float32Array(value.length);
    for (let r = 0; r < value.length; r++) {
      const v: unknown = value[r];
      if (typeof v !== 'number') throw new DataError(`${name}[${r}] is ${describe(v)}, not a number`, { row: r, column: 0 });
      data[r] = v;
    }
    return { data, rows: value.length, cols: 1 };
  }
  if (isMatrix(value) || Array.isArray(value)) return asMatrix(value, name);
  throw new ShapeError(
    `Expected number[], number[][], a Float32Array or a Matrix for ${name} but received ${describe(value)}`,
  );
}

/** A matrix whose data is exactly rows·cols long (backends index the whole buffer). */
function contiguous(m: Matrix): Matrix {
  const n = m.rows * m.cols;
  return m.data.length === n ? m : { data: m.data.subarray(0, n), rows: m.rows, cols: m.cols };
}

// The scans below cover elements [start, end) of m.data.
/** True when data[start, end) are all finite: x * 0 is 0 for a finite x and NaN for ±Infinity and NaN. */
function allFinite(data: Float32Array, start: number, end: number): boolean {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let i = start;
  for (; i + 4 <= end; i += 4) { // four sums: one dependency chain would cap the loop at its add latency
    a += data[i] * 0;
    b += data[i + 1] * 0;
    c += data[i + 2] * 0;
    d += data[i + 3] * 0;
  }
  for (; i < end; i++) a += data[i] * 0;
  return a + b + c + d === 0;
}

function checkFinite(m: Matrix, name: string, start: number, end: number, finite: FiniteTest = allFinite): void {
  const { data, cols } = m;
  if (finite(data, start, end)) return; // the common case, cheaper than the locating loop below
  for (let i = start; i < end; i++) {
    if (Number.isFinite(data[i])) continue;
    const r = Math.floor(i / cols);
    const c = i - r * cols;
    throw new DataError(`${name} contains ${data[i]} at row ${r}, column ${c}: every value must be finite`, { row: r, column: c });
  }
}

function checkSparseLabels(m: Matrix, classes: number, name: string, start: number, end: number): void {
  for (let r = start; r < end; r++) { // one label per row
    const v = m.data[r];
    if (Number.isInteger(v) && v >= 0 && v < classes) continue;
    throw new DataError(
      `${name} has label ${v} at row ${r}: sparse labels must be integers in [0, ${classes}) for a last layer of ${classes} units`,
      { row: r, column: 0 },
    );
  }
}

function checkUnitInterval(m: Matrix, name: string, start: number, end: number): void {
  const { data, cols } = m;
  for (let i = start; i < end; i++) {
    if (data[i] >= 0 && data[i] <= 1) continue;
    const r = Math.floor(i / cols);
    const c = i - r * cols;
    throw new DataError(
      `${name} has ${data[i]} at row ${r}, column ${c}: binaryCrossentropy targets must be in [0, 1]`,
      { row: r, column: c },
    );
  }
}

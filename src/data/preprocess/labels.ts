// Class labels for stratified splits and class rebalancing: one class per row, read from a label-index
// column or from one-hot rows, grouped into classes, and the per-class targets of oversampling.

import { checkMatrix } from './args.js';
import { ConfigError, DataError, ShapeError } from '../../util/errors.js';
import { checkInteger, checkNumber, describe } from '../../util/validate.js';
import { isMatrix, type Matrix } from '../matrix.js';

/**
 * Where classes come from: a Matrix (one-hot rows when it has several columns, or the column
 * `labelColumn` holding class indices), or one class index per row as a typed or plain array.
 */
export type LabelInput = Matrix | Float32Array | Float64Array | Int32Array | Uint32Array | readonly number[];

/** The rows of each class: `classes[i]` (ascending) has the rows `members[i]` (ascending). */
export interface ClassGroups {
  classes: number[];
  members: Uint32Array[];
}

/**
 * The class of every row: the value of an index column, or the argmax of a one-hot row (first wins).
 * `labelColumn` picks the column of a multi-column Matrix that holds class indices; without it a Matrix of
 * several columns is read as one-hot (or soft) rows, and a one-column Matrix as indices.
 * @throws ShapeError for something that is not labels; ConfigError for a bad labelColumn; DataError for a
 *   label that is not an integer in [0, 2^31) or a one-hot row with no positive value (naming the row).
 */
export function classIndices(labels: unknown, labelColumn?: number, name = 'labels'): Int32Array {
  if (isMatrix(labels)) {
    const m = checkMatrix(name, labels);
    if (labelColumn !== undefined) {
      const column = checkInteger('labelColumn', labelColumn, { min: 0, max: m.cols - 1 });
      return indicesOf((r) => m.data[r * m.cols + column], m.rows, name, column);
    }
    return m.cols === 1 ? indicesOf((r) => m.data[r], m.rows, name, 0) : oneHotIndices(m, name);
  }
  if (labelColumn !== undefined) throw new ConfigError(`labelColumn applies to a Matrix of labels, but ${name} is ${describe(labels)}`);
  if (ArrayBuffer.isView(labels) || Array.isArray(labels)) {
    const a = labels as ArrayLike<unknown>;
    return indicesOf((r) => a[r], a.length, name, 0);
  }
  throw new ShapeError(`Expected a Matrix or one class index per row for ${name} but received ${describe(labels)}`);
}

function indicesOf(at: (r: number) => unknown, rows: number, name: string, column: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const v = at(r);
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0x7fffffff)) {
      throw new DataError(`${name} has ${describe(v)} at row ${r}: class labels must be integers >= 0`, { row: r, column });
    }
    out[r] = v;
  }
  return out;
}

function oneHotIndices(m: Matrix, name: string): Int32Array {
  const out = new Int32Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    const base = r * m.cols;
    let best = -1;
    let bestValue = 0;
    for (let c = 0; c < m.cols; c++) {
      const v = m.data[base + c];
      if (v !== v) throw new DataError(`${name} contains NaN at row ${r}, column ${c}`, { row: r, column: c });
      if (v > bestValue) [best, bestValue] = [c, v];
    }
    if (best < 0) {
      throw new DataError(`${name} row ${r} has no positive value: a one-hot label row needs a 1 in its class's column`, { row: r });
    }
    out[r] = best;
  }
  return out;
}

/** The rows of each class, classes ascending and rows ascending within a class. */
export function groupByClass(classes: Int32Array): ClassGroups {
  const counts = new Map<number, number>();
  for (let r = 0; r < classes.length; r++) counts.set(classes[r], (counts.get(classes[r]) ?? 0) + 1);
  const sorted = [...counts.keys()].sort((a, b) => a - b);
  const slot = new Map<number, number>();
  sorted.forEach((c, i) => slot.set(c, i));
  const members = sorted.map((c) => new Uint32Array(counts.get(c) as number));
  const filled = new Uint32Array(sorted.length);
  for (let r = 0; r < classes.length; r++) {
    const i = slot.get(classes[r]) as number;
    members[i][filled[i]++] = r;
  }
  return { classes: sorted, members };
}

/**
 * The row count every class should reach when rebalancing: ⌈ratio · majority⌉ (majority = the largest
 * class's count); classes already at or above it keep their rows. ratio 1 balances every class.
 * @throws ConfigError for a ratio outside (0, 1].
 */
export function balanceTarget(groups: ClassGroups, ratio: unknown): number {
  const r = checkNumber('ratio', ratio ?? 1, { min: 0, max: 1, minOpen: true });
  const majority = groups.members.reduce((m, rows) => Math.max(m, rows.length), 0);
  return Math.ceil(r * majority - 1e-9); // the slack keeps 0.5·10 at 5 despite rounding in r
}

// Stage 3 of the data pipeline: a part's rows into the buffers the model will read. This is the one copy
// of the data the pipeline makes: the later stages fit on and transform these buffers in place. A run
// that splits the data once may let the training rows move within the data's own buffers instead.

import { gatherRows } from '../../data/preprocess/index.js';
import type { Matrix } from '../../data/matrix.js';

/** Raw features and targets of one part, row for row, with their loss weights when the data have them. */
export interface Rows {
  x: Matrix;
  y: Matrix;
  w?: Float32Array | null;
}

/**
 * Rows `rows` of `source` as new buffers, or, with `inPlace`, moved to the front of the source's own
 * buffers (views of them are returned; the source's other rows are overwritten). Moving needs `rows`
 * strictly ascending, so no row is overwritten before it is moved; other orders are copied.
 * @throws ConfigError for an index outside the source's rows.
 */
export function takeRows(source: Rows, rows: Uint32Array, inPlace: boolean): Rows {
  const w = source.w ?? null;
  const weights = (m: Matrix | null) => (m === null ? null : m.data);
  const column = w === null ? null : { data: w, rows: w.length, cols: 1 };
  if (!inPlace || !ascendingBelow(rows, source.x.rows)) return { x: gatherRows(source.x, rows), y: gatherRows(source.y, rows), w: weights(column && gatherRows(column, rows)) };
  return { x: moveRowsToFront(source.x, rows), y: moveRowsToFront(source.y, rows), w: weights(column && moveRowsToFront(column, rows)) };
}

/** Row rows[i] of m copied to row i (rows ascending, so rows[i] >= i); a view of the first rows. */
function moveRowsToFront(m: Matrix, rows: Uint32Array): Matrix {
  const cols = m.cols;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (r !== i) m.data.copyWithin(i * cols, r * cols, (r + 1) * cols);
  }
  return { data: m.data.subarray(0, rows.length * cols), rows: rows.length, cols };
}

/** Strictly ascending and below `limit`: every index valid (gatherRows reports bad ones). */
function ascendingBelow(rows: Uint32Array, limit: number): boolean {
  for (let i = 1; i < rows.length; i++) if (rows[i] <= rows[i - 1]) return false;
  return rows.length === 0 || rows[rows.length - 1] < limit;
}

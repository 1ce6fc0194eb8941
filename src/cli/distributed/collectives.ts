// The few figures of a distributed `nntrain train` that the command line itself combines over the ranks
// (the training layer all-reduces the loss and metrics): counts of rows, steps per epoch, and the rows
// of the final evaluation. Collective: every rank calls each of them, in the same order.

import type { DistributedContext } from '../../backend/mpi-context.js';
import type { Matrix } from '../../data/matrix.js';

/** Each value summed over the ranks. */
export function sumAcross(ctx: DistributedContext, values: readonly number[]): number[] {
  const buffer = Float64Array.from(values);
  ctx.mpi.allreduce(buffer, 'sum');
  return Array.from(buffer);
}

/** The smallest of the ranks' values (a safe integer). */
export function minAcross(ctx: DistributedContext, value: number): number {
  const buffer = new Float64Array([value]);
  ctx.mpi.allreduce(buffer, 'min');
  return buffer[0];
}

/**
 * Every rank's rows of `m` (the same column count on every rank), concatenated in rank order, on every
 * rank: one broadcast per rank, straight into the result.
 */
export function gatherRows(ctx: DistributedContext, m: Matrix): Matrix {
  const counts = new Float64Array(ctx.size);
  counts[ctx.rank] = m.rows;
  ctx.mpi.allreduce(counts, 'sum');
  const rows = counts.reduce((a, b) => a + b, 0);
  const data = new Float32Array(rows * m.cols);
  let offset = 0;
  for (let root = 0; root < ctx.size; root++) {
    const view = data.subarray(offset, offset + counts[root] * m.cols);
    if (root === ctx.rank) view.set(m.data.subarray(0, view.length));
    if (view.length > 0) ctx.mpi.bcast(view, root);
    offset += view.length;
  }
  return { data, rows, cols: m.cols };
}

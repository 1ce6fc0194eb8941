// One epoch of a distributed streaming fit on one rank. The ranks' datasets differ in rows and in how
// they fall into blocks, yet every rank must make the same collectives, so the steps are settled
// together before each chunk: one all-reduce (min) of whether each rank read its next block without
// error, whether it has rows left, and how many full batches are left in its current block.
//
// The rule: every step, each rank trains min(batchSize, rows left in its current block) rows (batches
// never span blocks; a rank whose block is used up reads its next one first), and the epoch ends for
// every rank when one has no rows left. So while every block has a full batch left, a chunk takes the
// fewest full batches any rank has left (at most the chunk size); when some rank's block has fewer
// than batchSize rows left, one step takes each rank's min(batchSize, rows left), and their sum (one
// more all-reduce) weighs the rows of that step. The rows that sit out an epoch are those of the ranks
// with more rows, a different set after each epoch's shuffle within blocks. With one process this is
// exactly the single-process streaming loop. Row weights (a block's w, classWeight) go with the rows,
// as in memory: the all-reduce sums each rank's weighted gradients, divided by the step's rows.

import type { DataBlock, Dataset } from '../../data/dataset.js';
import { ConfigError } from '../../util/errors.js';
import { nextMacrotask } from '../../util/yield.js';
import type { ChunkRunner } from '../chunk-runner.js';
import type { BlockPreparer } from '../stream-block.js';
import type { DistributedFit } from './setup.js';

const SETTLE = "the agreement on a streaming fit's next steps";

/** What a rank's streaming epochs share (allocated once per fit). */
export interface StreamEpochContext {
  dataset: Dataset;
  blocks: BlockPreparer;
  chunks: ChunkRunner;
  batchSize: number;
  dist: DistributedFit;
  signal: AbortSignal | undefined;
  /** [ok, rows left, full batches left], reduced with min before every chunk. */
  settle: Float64Array;
  /** The rows of a short step, summed over the ranks. */
  shortRows: Float64Array;
}

/**
 * Trains epoch `epoch` of this rank's dataset; returns the steps it took (the same on every rank).
 * @throws what reading or checking this rank's blocks threw; ConfigError when another rank's did;
 *   the chunk's errors (NonFiniteError, AbortError) on every rank alike.
 */
export async function runDistributedStreamEpoch(c: StreamEpochContext, epoch: number): Promise<number> {
  const { blocks, chunks, batchSize: bs, dist, settle, shortRows } = c;
  const reader = c.dataset.blocks({ signal: c.signal })[Symbol.asyncIterator]();
  let block: DataBlock | null = null;
  let order = blocks.order.subarray(0, 0);
  let used = 0; // rows of the current block trained: whole batches, or all of them
  let index = 0;
  let ended = false;
  let steps = 0;
  try {
    for (;;) {
      let failure: unknown = null;
      try {
        while (!ended && (block === null || used >= block.x.rows)) {
          const next = await reader.next();
          if (next.done === true) {
            ended = true;
            break;
          }
          block = next.value;
          used = 0;
          order = await blocks.prepare(block, epoch, index++);
          chunks.useWeights(blocks.weights);
        }
      } catch (err) {
        failure = err;
      }
      const left = ended || block === null ? 0 : block.x.rows - used;
      settle[0] = failure === null ? 1 : 0;
      settle[1] = left > 0 ? 1 : 0;
      settle[2] = Math.floor(left / bs);
      dist.mpi.allreduce(settle, 'min', SETTLE);
      if (failure !== null) throw failure;
      if (settle[0] !== 1) throw new ConfigError('Another rank of the distributed fit failed reading or checking its dataset (its error says why)');
      if (settle[1] === 0 || block === null) break;
      let take = bs;
      let count = Math.min(settle[2], dist.chunkSteps);
      let lastStepRows = bs * dist.size;
      if (count === 0) {
        // some rank's block has less than a batch left: one step of every rank's min(bs, left) rows
        take = Math.min(bs, left);
        count = 1;
        shortRows[0] = take;
        dist.mpi.allreduce(shortRows, 'sum', SETTLE);
        lastStepRows = shortRows[0];
      }
      const rows = count === 1 ? take : count * bs;
      await chunks.run(block.x, block.y, order.subarray(0, used + rows), used / bs, count, epoch, steps, lastStepRows);
      used += rows;
      steps += count;
      await nextMacrotask();
    }
  } finally {
    await reader.return?.();
  }
  if (steps === 0) throw new ConfigError('A rank of the distributed fit had no rows in this epoch: every rank needs at least one');
  return steps;
}

// One block of a streaming fit made ready to train: its shapes and values checked as fit checks its
// data, and its rows' visiting order (seeded by (seed, epoch, block)) written into the fit's order buffer.
// Shared by the single-process loop (fit-stream.ts) and a distributed rank's (distributed/stream-epoch.ts).

import type { DataBlock, Dataset } from '../data/dataset.js';
import { scanValues, type TargetRule } from '../data/validate-data.js';
import { ConfigError } from '../util/errors.js';
import { fmix32, Rng, stepSeed } from '../util/rng.js';
import type { TrainingRuntime } from './runtime.js';

/** What every block of a streaming fit is prepared with (allocated once per fit). */
export class BlockPreparer {
  /** The visiting order of the current block's rows (its first `rows` entries). */
  readonly order: Uint32Array;
  private readonly shuffleRng = new Rng(0);
  private readonly shuffleSeed: number;

  constructor(
    private readonly rt: TrainingRuntime,
    private readonly dataset: Dataset,
    private readonly rule: TargetRule,
    private readonly shuffle: boolean,
    seed: number,
  ) {
    this.order = new Uint32Array(dataset.maxBlockRows);
    this.shuffleSeed = fmix32(seed ^ 0x2545f491);
  }

  /**
   * Checks `block` (the `index`-th of the epoch) and orders its rows; returns the order of its rows.
   * @throws ConfigError for shapes that differ from the dataset's; DataError for bad values.
   */
  async prepare(block: DataBlock, epoch: number, index: number): Promise<Uint32Array> {
    const { dataset } = this;
    const rows = block.x.rows;
    if (block.x.cols !== dataset.inputWidth || block.y.cols !== dataset.targetWidth || block.y.rows !== rows) {
      throw new ConfigError(`Dataset block ${index} has shapes [${rows}, ${block.x.cols}] / [${block.y.rows}, ${block.y.cols}], not [N, ${dataset.inputWidth}] / [N, ${dataset.targetWidth}]`);
    }
    const rowText = `rows ${block.firstRow}..${block.firstRow + rows - 1}`;
    await scanValues(block.x, `x (${rowText})`, null, this.rt.backend);
    await scanValues(block.y, `y (${rowText})`, this.rule, this.rt.backend);
    const blockOrder = this.order.subarray(0, rows);
    for (let i = 0; i < rows; i++) blockOrder[i] = i;
    if (this.shuffle) this.shuffleRng.reseed(stepSeed(stepSeed(this.shuffleSeed, epoch), index)).shuffle(blockOrder);
    return blockOrder;
  }
}

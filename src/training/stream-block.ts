// One block of a streaming fit made ready to train: its shapes and values checked as fit checks its
// data, and its rows' visiting order (seeded by (seed, epoch, block)) written into the fit's order buffer.
// Its loss weights (the block's own per-row weights times classWeight of each row's class, as an
// in-memory fit's) go into the fit's weight buffer, or are null when every row weighs 1.
// Shared by the single-process loop (fit-stream.ts) and a distributed rank's (distributed/stream-epoch.ts).

import type { DataBlock, Dataset } from '../data/dataset.js';
import { scanValues, type TargetRule } from '../data/validate-data.js';
import { ConfigError, DataError } from '../util/errors.js';
import { fmix32, Rng, stepSeed } from '../util/rng.js';
import { badWeight, rowWeightsInto } from './row-weights.js';
import type { TrainingRuntime } from './runtime.js';

/** What every block of a streaming fit is prepared with (allocated once per fit). */
export class BlockPreparer {
  /** The visiting order of the current block's rows (its first `rows` entries). */
  readonly order: Uint32Array;
  /** The current block's loss weights (its first `rows` entries), or null: unweighted. */
  weights: Float32Array | null = null;
  private readonly weightBuffer: Float32Array;
  private readonly shuffleRng = new Rng(0);
  private readonly shuffleSeed: number;

  constructor(
    private readonly rt: TrainingRuntime,
    private readonly dataset: Dataset,
    private readonly rule: TargetRule,
    private readonly shuffle: boolean,
    seed: number,
    private readonly classWeight: number[] | null = null,
  ) {
    this.order = new Uint32Array(dataset.maxBlockRows);
    this.weightBuffer = new Float32Array(dataset.maxBlockRows);
    this.shuffleSeed = fmix32(seed ^ 0x2545f491);
  }

  /**
   * Checks `block` (the `index`-th of the epoch), orders its rows and sets `weights`; returns the order of its rows.
   * @throws ConfigError for shapes that differ from the dataset's; DataError for bad values or weights.
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
    this.weights = blockWeights(block, this.rule, this.classWeight, this.weightBuffer, index);
    const blockOrder = this.order.subarray(0, rows);
    for (let i = 0; i < rows; i++) blockOrder[i] = i;
    if (this.shuffle) this.shuffleRng.reseed(stepSeed(stepSeed(this.shuffleSeed, epoch), index)).shuffle(blockOrder);
    return blockOrder;
  }
}

/**
 * The loss weights of `block` (its w times classWeight) in `buffer`, or null when every row weighs 1.
 * @throws ShapeError / DataError for a w of another length or with a value that is not a finite number >= 0.
 */
export function blockWeights(block: DataBlock, rule: TargetRule, classWeight: number[] | null, buffer: Float32Array, index: number): Float32Array | null {
  const rows = block.x.rows;
  const w = block.w ?? null;
  if (w !== null) {
    if (w.length !== rows) throw new ConfigError(`Dataset block ${index} has ${w.length} weights (w) for ${rows} rows: give one weight per row`);
    const bad = badWeight(w);
    if (bad >= 0) throw new DataError(`Dataset block ${index}: the weight of row ${block.firstRow + bad} is ${w[bad]}; a weight must be a finite number >= 0`);
  }
  const out = buffer.subarray(0, rows);
  return rowWeightsInto(out, block.y, rule, classWeight, w, 'fit') ? out : null;
}

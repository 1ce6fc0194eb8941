// A streaming Dataset over a CSV file: openCsv's batches feed streamingDataset's block buffer directly
// (no copy), optionally keeping one part of a seeded hash split of the row numbers, so one file serves
// train/validation/test without a second copy on disk or in memory. A weight column (csv/weight-column.ts)
// is read as one more target and split off y into the block's per-row loss weights.

import { ConfigError } from '../util/errors.js';
import { distributedContext } from '../backend/mpi-context.js';
import { openCsv, type CsvStream } from './csv/index.js';
import { agree } from './collective.js';
import type { CsvShardRange } from './csv/shard.js';
import type { ColumnRef, CsvOpenOptions } from './csv/options.js';
import { negativeWeightError, settledWeightColumn, splitWeightColumn, withWeightColumn } from './csv/weight-column.js';
import { hashSplitter, SplitPart, type SplitFractions } from './preprocess/index.js';
import { streamingDataset, type StreamingDataset } from './streaming-dataset.js';

/** Options of {@link csvDataset}: openCsv's (a target is required) plus the dataset's. */
export interface CsvDatasetOptions extends CsvOpenOptions {
  /** Rows per block: the shuffle window and the memory bound. Default 65,536. */
  bufferRows?: number;
  /** Keep one part of a seeded hash split of the data row numbers (see hashSplitter). */
  split?: { seed: number; fractions: SplitFractions; part: 'train' | 'validation' | 'test' };
  /**
   * A column of per-row loss weights (finite numbers >= 0), as Keras's (x, y, sample_weight) datasets:
   * not a feature, and every block carries its rows' weights, which fit and evaluate apply (times
   * classWeight). A missing, non-numeric or negative weight is a DataError naming file, line and column.
   * Default: none (every row weighs 1).
   */
  weight?: ColumnRef;
}

/** A rank's part of a distributed csvDataset. */
export interface CsvDatasetShard extends CsvShardRange {
  /**
   * Rows (records kept) on the ranks before this one: the number of this rank's first row in a
   * one-process read, which the hash split keys on. Null when not counted (rows may be dropped for
   * missing values and no split needs it).
   */
  rowsBefore: number | null;
}

/** A streaming dataset over `path` and the CsvStream it reads (close it when done). */
export interface CsvDataset extends StreamingDataset {
  readonly stream: CsvStream;
  /** With distributed: 'mpi', this rank's part of the file; else null. */
  readonly shard: CsvDatasetShard | null;
  /** The name of the weight column, or null. */
  readonly weightColumn: string | null;
  close(): Promise<void>;
}

/**
 * Opens `path` as a streaming Dataset: every pass reads the file again in blocks of `bufferRows` rows.
 * Memory: bufferRows × (features + targets) × 4 bytes plus the reader's block buffer, whatever the file size.
 * @example
 * ```ts
 * const train = await csvDataset('big.csv', { target: 'label', split: { seed: 1, fractions: { testFraction: 0.1 }, part: 'train' } });
 * await model.fit(train, { epochs: 3, batchSize: 128 });
 * await train.close();
 * ```
 * With `distributed: 'mpi'` (every rank of an MPI job calls it) each pass reads only this rank's byte
 * range; over the ranks a pass yields the rows a one-process dataset yields, and the split keys each
 * row by its number in the whole file, so a row's part does not depend on the ranks.
 * @throws ConfigError without a target; the errors of openCsv.
 */
export async function csvDataset(path: string | readonly string[], options: CsvDatasetOptions): Promise<CsvDataset> {
  const { bufferRows, split, weight, ...open } = options;
  if (open.target === undefined && open.schema === undefined) throw new ConfigError(`csvDataset needs a target column for ${path}: pass target`);
  const targets = open.schema !== undefined ? open.schema.targets.length : Array.isArray(open.target) ? open.target.length : 1;
  const stream = await openCsv(path, weight === undefined ? open : withWeightColumn(open, weight));
  try {
    const label = typeof path === 'string' ? path : path.join(', ');
    const weightColumn = weight === undefined ? null : settledWeightColumn(label, stream.schema, weight, targets);
    const yWidth = stream.yColumns.length - (weightColumn === null ? 0 : 1);
    if (yWidth === 0) throw new ConfigError(`${path}: the schema has no target column: pass target`);
    const shard = stream.shard === null ? null : await rowsBefore(path, stream, stream.shard, split !== undefined);
    let yw: Float32Array | null = null; // a weighted read's targets and weights, split into the block's buffers
    const dataset = streamingDataset(
      {
        async read(maxRows, buffers) {
          if (weightColumn === null || buffers.w === undefined) {
            const batch = await stream.read(maxRows, buffers);
            return batch === null ? null : { rows: batch.rows, firstRow: batch.firstRow };
          }
          if (yw === null || yw.length < maxRows * (yWidth + 1)) yw = new Float32Array(maxRows * (yWidth + 1));
          const batch = await stream.read(maxRows, { x: buffers.x, y: yw });
          if (batch === null) return null;
          const negative = splitWeightColumn(yw, batch.rows, yWidth, buffers.y, buffers.w);
          if (negative >= 0) throw await weightError(path, stream, weightColumn, buffers.w[negative], batch.firstRow + negative);
          return { rows: batch.rows, firstRow: batch.firstRow };
        },
        rewind: () => stream.rewind(),
      },
      {
        inputWidth: stream.xColumns.length,
        targetWidth: yWidth,
        bufferRows,
        split: split === undefined ? undefined : { partOf: hashSplitter(split.seed, split.fractions), part: SplitPart[split.part] },
        firstSourceRow: shard?.rowsBefore ?? 0,
        weighted: weightColumn !== null,
      },
    );
    return Object.assign(dataset, { stream, shard, weightColumn, close: () => stream.close() });
  } catch (err) {
    await stream.close();
    throw err;
  }
}

/**
 * The shard with rowsBefore: the records before this rank when none can be dropped; else, when a split
 * needs row numbers, one counting pass over this rank's range and a sum over the ranks (collective).
 */
async function rowsBefore(path: string | readonly string[], stream: CsvStream, shard: CsvShardRange, needed: boolean): Promise<CsvDatasetShard> {
  if (!stream.schema.columns.some((c) => c.role !== 'ignored' && c.missing === 'drop')) return { ...shard, rowsBefore: shard.recordsBefore };
  if (!needed) return { ...shard, rowsBefore: null };
  const ctx = distributedContext();
  let rows = 0;
  let failure: unknown;
  try {
    const x = new Float32Array(COUNT_ROWS * stream.xColumns.length);
    const y = new Float32Array(COUNT_ROWS * stream.yColumns.length);
    for (let b = await stream.read(COUNT_ROWS, { x, y }); b !== null; b = await stream.read(COUNT_ROWS, { x, y })) rows += b.rows;
    await stream.rewind();
  } catch (err) {
    failure = err;
  }
  agree(ctx, `reading ${path}`, failure);
  const counts = new Float64Array(ctx.size);
  counts[ctx.rank] = rows;
  ctx.mpi.allreduce(counts, 'sum', `the row counts of ${path}`);
  return { ...shard, rowsBefore: counts.subarray(0, ctx.rank).reduce((a, b) => a + b, 0) };
}

const COUNT_ROWS = 4096;

/** The error of a negative weight at `row` (of this process's rows since the last rewind). */
function weightError(path: string | readonly string[], stream: CsvStream, name: string, value: number, row: number): Promise<Error> {
  const { schema } = stream;
  const names = schema.columns.map((c) => c.name);
  const place = { field: names.indexOf(name), name, names, delimiter: schema.delimiter, header: schema.header };
  const where = stream.shard === null ? `row ${row + 1} of the data` : `row ${row + 1} of this process's part`;
  return negativeWeightError(typeof path === 'string' ? [path] : path, place, value, where);
}

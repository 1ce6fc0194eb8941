// A streaming Dataset over a CSV file: openCsv's batches feed streamingDataset's block buffer directly
// (no copy), optionally keeping one part of a seeded hash split of the row numbers, so one file serves
// train/validation/test without a second copy on disk or in memory.

import { ConfigError } from '../util/errors.js';
import { openCsv, type CsvStream } from './csv/index.js';
import type { CsvOpenOptions } from './csv/options.js';
import { hashSplitter, SplitPart, type SplitFractions } from './preprocess/index.js';
import { streamingDataset, type StreamingDataset } from './streaming-dataset.js';

/** Options of {@link csvDataset}: openCsv's (a target is required) plus the dataset's. */
export interface CsvDatasetOptions extends CsvOpenOptions {
  /** Rows per block: the shuffle window and the memory bound. Default 65,536. */
  bufferRows?: number;
  /** Keep one part of a seeded hash split of the data row numbers (see hashSplitter). */
  split?: { seed: number; fractions: SplitFractions; part: 'train' | 'validation' | 'test' };
}

/** A streaming dataset over `path` and the CsvStream it reads (close it when done). */
export interface CsvDataset extends StreamingDataset {
  readonly stream: CsvStream;
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
 * @throws ConfigError without a target; the errors of openCsv.
 */
export async function csvDataset(path: string, options: CsvDatasetOptions): Promise<CsvDataset> {
  const { bufferRows, split, ...open } = options;
  if (open.target === undefined && open.schema === undefined) throw new ConfigError(`csvDataset needs a target column for ${path}: pass target`);
  const stream = await openCsv(path, open);
  try {
    const yWidth = stream.yColumns.length;
    if (yWidth === 0) throw new ConfigError(`${path}: the schema has no target column: pass target`);
    const dataset = streamingDataset(
      {
        async read(maxRows, buffers) {
          const batch = await stream.read(maxRows, buffers);
          return batch === null ? null : { rows: batch.rows, firstRow: batch.firstRow };
        },
        rewind: () => stream.rewind(),
      },
      {
        inputWidth: stream.xColumns.length,
        targetWidth: yWidth,
        bufferRows,
        split: split === undefined ? undefined : { partOf: hashSplitter(split.seed, split.fractions), part: SplitPart[split.part] },
      },
    );
    return Object.assign(dataset, { stream, close: () => stream.close() });
  } catch (err) {
    await stream.close();
    throw err;
  }
}

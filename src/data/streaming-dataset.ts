// Datasets over a source that is read again every epoch (a CSV file through openCsv): the rows never
// sit in memory together. Each pass fills a block buffer of `bufferRows` rows from the source (reading
// straight into it, no copy), keeps only the rows of the wanted split part (a seeded hash of the row
// number, so train/validation/test of a stream need no second copy of the file), applies the
// transform (e.g. the fitted scaler, in place) and hands the block to training, which visits its rows
// in a seeded random order. A weighted source also fills one loss weight per row (a CSV weight column).
// Memory bound: bufferRows × (inputWidth + targetWidth + 1) × 4 bytes for the block, plus the reader's
// own read buffer.

import { ConfigError } from '../util/errors.js';
import { checkInteger } from '../util/validate.js';
import type { DataBlock, Dataset, PassOptions } from './dataset.js';
import type { Matrix } from './matrix.js';

/** What a streaming dataset reads from: the shape of a CsvStream (src/data/csv/stream.ts). */
export interface RowSource {
  /** Reads up to maxRows rows into the given buffers (views are fine; w, one weight per row, when weighted); null at the end. */
  read(maxRows: number, buffers: { x: Float32Array; y: Float32Array; w?: Float32Array }): Promise<{ rows: number; firstRow: number } | null>;
  /** Starts the next pass at the first row. */
  rewind(): Promise<void>;
}

/** Options of {@link streamingDataset}. */
export interface StreamingDatasetOptions {
  inputWidth: number;
  targetWidth: number;
  /** Rows per block (the shuffle window and the memory bound). Default 65,536. */
  bufferRows?: number;
  /** Rows per read call. Default 8,192. */
  readRows?: number;
  /** Keep only rows whose number (0-based, in source order) maps to `part` (see hashSplitter). */
  split?: { partOf: (row: number) => number; part: number };
  /** The number of the source's first row (a process's part of a file shared by several). Default 0. */
  firstSourceRow?: number;
  /** Applied to every block before it is used, in place (e.g. `(b) => scaler.transform(b.x, b.x)`). */
  transform?: (block: DataBlock) => void;
  /** The source fills a loss weight per row (buffers.w): blocks carry `w`. Default false. */
  weighted?: boolean;
}

/** A streaming Dataset whose per-block transform can be set after construction (e.g. once a scaler is fitted). */
export interface StreamingDataset extends Dataset {
  transform: ((block: DataBlock) => void) | null;
}

/** A dataset read from `source` in blocks every pass (see the file comment for the memory bound). */
export function streamingDataset(source: RowSource, options: StreamingDatasetOptions): StreamingDataset {
  const inputWidth = checkInteger('inputWidth', options.inputWidth, { min: 1 });
  const targetWidth = checkInteger('targetWidth', options.targetWidth, { min: 1 });
  const bufferRows = checkInteger('bufferRows', options.bufferRows ?? 65_536, { min: 1 });
  const readRows = Math.min(bufferRows, checkInteger('readRows', options.readRows ?? 8_192, { min: 1 }));
  const firstSourceRow = checkInteger('firstSourceRow', options.firstSourceRow ?? 0, { min: 0 });
  const x = new Float32Array(bufferRows * inputWidth);
  const y = new Float32Array(bufferRows * targetWidth);
  const w = options.weighted === true ? new Float32Array(bufferRows) : null;
  let rows: number | null = null;
  let busy = false;

  async function* blocks(pass: PassOptions = {}): AsyncGenerator<DataBlock> {
    if (busy) throw new ConfigError('A streaming dataset serves one pass at a time (its block buffer is shared)');
    busy = true;
    try {
      await source.rewind(); // every pass starts at the first row, whoever read the source before
      let kept = 0; // rows kept so far in this pass
      let sourceRow = firstSourceRow; // next row number of the source
      let ended = false;
      while (!ended) {
        let filled = 0;
        while (filled < bufferRows) {
          if (pass.signal?.aborted) return;
          const want = Math.min(readRows, bufferRows - filled);
          const buffers = { x: x.subarray(filled * inputWidth), y: y.subarray(filled * targetWidth), ...(w === null ? {} : { w: w.subarray(filled) }) };
          const got = await source.read(want, buffers);
          if (got === null || got.rows === 0) {
            ended = true;
            break;
          }
          filled += options.split ? keepPart(options.split, sourceRow, filled, got.rows) : got.rows;
          sourceRow += got.rows;
        }
        if (filled === 0) break;
        const block: DataBlock = { x: view(x, filled, inputWidth), y: view(y, filled, targetWidth), firstRow: kept, w: w === null ? null : w.subarray(0, filled) };
        dataset.transform?.(block);
        kept += filled;
        yield block;
      }
      rows = kept;
    } finally {
      busy = false;
    }
  }

  // Compacts the rows just read ([filled, filled + count)) to those of the wanted part; returns how many
  function keepPart(split: NonNullable<StreamingDatasetOptions['split']>, firstSourceRow: number, filled: number, count: number): number {
    let out = filled;
    for (let i = 0; i < count; i++) {
      if (split.partOf(firstSourceRow + i) !== split.part) continue;
      const from = filled + i;
      if (from !== out) {
        x.copyWithin(out * inputWidth, from * inputWidth, (from + 1) * inputWidth);
        y.copyWithin(out * targetWidth, from * targetWidth, (from + 1) * targetWidth);
        if (w !== null) w[out] = w[from];
      }
      out++;
    }
    return out - filled;
  }

  const dataset: StreamingDataset = {
    kind: 'stream',
    inputWidth,
    targetWidth,
    get rows() {
      return rows;
    },
    maxBlockRows: bufferRows,
    blocks,
    transform: options.transform ?? null,
  };
  return dataset;
}

/** A dataset of matrices already in memory: one block, with per-row loss weights `w` when given. */
export function memoryDataset(x: Matrix, y: Matrix, w: Float32Array | null = null): Dataset {
  if (x.rows !== y.rows) throw new ConfigError(`x has ${x.rows} rows but y has ${y.rows}: every input row needs one target row`);
  if (w !== null && w.length !== x.rows) throw new ConfigError(`w has ${w.length} weights but x has ${x.rows} rows: give one weight per row`);
  return {
    kind: 'memory',
    inputWidth: x.cols,
    targetWidth: y.cols,
    rows: x.rows,
    maxBlockRows: x.rows,
    async *blocks() {
      yield { x, y, firstRow: 0, w };
    },
  };
}

const view = (data: Float32Array, rows: number, cols: number): Matrix => ({ data: data.subarray(0, rows * cols), rows, cols });

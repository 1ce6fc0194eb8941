// The Dataset interface fit/evaluate/predict accept besides plain matrices: data that arrives in blocks.
// An in-memory dataset is one block (the whole data); a streaming dataset reads its source again every
// epoch in blocks of at most `bufferRows` rows, so memory stays bounded whatever the file size.
// Training visits each block's rows in a seeded random order (a block is the shuffle buffer); the
// blocks themselves come in source order, so streaming shuffles within windows of `bufferRows` rows.

import type { Matrix } from './matrix.js';

/** One block of rows: inputs and targets of the same rows, contiguous and row-major. */
export interface DataBlock {
  x: Matrix; // (rows, inputWidth)
  y: Matrix; // (rows, targetWidth)
  /** 0-based number of the block's first row in the whole dataset (in source order). */
  firstRow: number;
  /**
   * (rows) per-row loss weights, finite and >= 0 (Keras's (x, y, sample_weight) elements, e.g. a CSV
   * weight column); absent or null: every row weighs 1.
   */
  w?: Float32Array | null;
}

/** Options of one pass over a dataset. */
export interface PassOptions {
  signal?: AbortSignal;
}

/** Rows that arrive in blocks: what `fit`, `evaluate` and `predict` accept besides matrices. */
export interface Dataset {
  readonly kind: 'memory' | 'stream';
  readonly inputWidth: number;
  readonly targetWidth: number;
  /** Total rows when known before a pass (memory datasets; streams after their first pass). */
  readonly rows: number | null;
  /** The most rows one block holds (sizes the per-fit buffers). */
  readonly maxBlockRows: number;
  /** One pass over the data, block by block. Buffers of a block may be reused by the next block. */
  blocks(options?: PassOptions): AsyncIterable<DataBlock>;
}

/** True for an object implementing {@link Dataset}. */
export function isDataset(value: unknown): value is Dataset {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Partial<Dataset>;
  return (d.kind === 'memory' || d.kind === 'stream') && typeof d.blocks === 'function' && typeof d.inputWidth === 'number';
}

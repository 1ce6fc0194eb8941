// openCsv: a CSV file read in bounded batches, the basis of streaming datasets. Memory is the read
// buffer (blockBytes), the category dictionaries and the batch itself (maxRows rows of x and y, or the
// caller's own buffers): independent of the file's size. rewind() starts the next epoch.

import { ConfigError, DataError, ShapeError } from '../../util/errors.js';
import { checkInteger, isPlainObject } from '../../util/validate.js';
import { openCsvShard, type CsvShardRange } from './shard.js';
import type { Matrix } from '../matrix.js';
import { checkStep, layoutOfOpen, missingByColumn, openCsvFile, scanCsv, type OpenCsv } from './open.js';
import type { CsvOpenOptions } from './options.js';
import { ProgressMeter } from './progress.js';
import type { CsvLayout, CsvSchema } from './schema.js';

/** One batch of rows. */
export interface CsvBatch {
  /** (rows, xColumns.length), a view of the batch buffer (or of the buffer you passed). */
  x: Matrix;
  y: Matrix | null;
  /** Index of the batch's first row among the rows read since open/rewind. */
  firstRow: number;
  rows: number;
}

/** Where a batch goes: preallocated buffers of at least maxRows × columns floats. */
export interface CsvBatchBuffers {
  x?: Float32Array;
  y?: Float32Array;
}

/** A CSV file open for reading in batches (see openCsv). Calls are queued: one read at a time. */
export class CsvStream {
  /** The schema, with complete category lists. */
  readonly schema: CsvSchema;
  readonly xColumns: string[];
  readonly yColumns: string[];
  readonly labels: string[] | null;
  readonly oneHotGroups: number[][];
  readonly indexColumns: number[];
  readonly imputeColumns: number[];
  /** Data records in the file (before any 'drop'), when counted at open (countRows, or categories collected); else null. */
  readonly recordCount: number | null;
  readonly backend: 'native' | 'js';
  /** With distributed: 'mpi', which part of the file this rank reads (recordCount: its records); else null. */
  readonly shard: CsvShardRange | null;
  private readonly layout: CsvLayout;
  private rowsRead = 0;
  private started = false;
  private meter: ProgressMeter;
  private done = false;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();

  /** @internal use openCsv */
  constructor(
    private readonly o: OpenCsv,
    records: number | null,
    shard: CsvShardRange | null = null,
  ) {
    this.shard = shard;
    this.schema = o.matched ?? o.schema;
    this.layout = layoutOfOpen(o);
    this.xColumns = this.layout.xColumns;
    this.yColumns = this.layout.yColumns;
    this.labels = this.layout.labels;
    this.oneHotGroups = this.layout.oneHotGroups;
    this.indexColumns = this.layout.indexColumns;
    this.imputeColumns = this.layout.imputeColumns;
    this.recordCount = records;
    this.backend = o.source.backend;
    this.meter = new ProgressMeter('read', 0, o.settings.onProgress);
    o.source.setLayout(this.layout.fields, this.layout.xCols, this.layout.yCols);
  }

  /**
   * The next batch of up to `maxRows` rows (fewer only at the end of the file), or null once every row
   * was read.
   * @throws ConfigError for a bad maxRows; ShapeError for buffers that are too small; DataError for bad
   *   input (naming file, line and column); AbortError when the open's signal fires.
   */
  read(maxRows: number, buffers?: CsvBatchBuffers): Promise<CsvBatch | null> {
    return this.serial(() => this.readNow(maxRows, buffers));
  }

  private async readNow(maxRows: number, buffers: CsvBatchBuffers | undefined): Promise<CsvBatch | null> {
    this.started = true;
    checkInteger('maxRows', maxRows, { min: 1, max: 2 ** 31 });
    if (buffers !== undefined && !isPlainObject(buffers as unknown)) throw new ConfigError('Expected { x?, y? } Float32Arrays for the buffers of read');
    this.open();
    if (this.done) return null;
    const { xCols, yCols } = this.layout;
    const x = this.buffer(buffers?.x, maxRows, xCols, 'x');
    const y = yCols === 0 ? null : this.buffer(buffers?.y, maxRows, yCols, 'y');
    this.o.flag.check();
    const step = await this.o.source.read(x, y, maxRows, this.o.flag.control);
    checkStep(this.o, step);
    this.meter.report(step.bytes, step.totalBytes, this.rowsRead + step.rows);
    this.done = step.eof || step.rows < maxRows; // fewer rows than asked only at the end
    if (step.rows === 0) return null;
    const firstRow = this.rowsRead;
    this.rowsRead += step.rows;
    return {
      x: { data: x.subarray(0, step.rows * xCols), rows: step.rows, cols: xCols },
      y: y === null ? null : { data: y.subarray(0, step.rows * yCols), rows: step.rows, cols: yCols },
      firstRow,
      rows: step.rows,
    };
  }

  private buffer(given: Float32Array | undefined, rows: number, cols: number, name: string): Float32Array {
    if (given === undefined) return new Float32Array(rows * cols);
    if (!(given instanceof Float32Array)) throw new ConfigError(`Expected a Float32Array for buffers.${name}`);
    if (given.length < rows * cols) throw new ShapeError(`buffers.${name} has ${given.length} floats but ${rows} rows of ${cols} columns need ${rows * cols}`);
    return given;
  }

  /** Back to the first row (the next epoch). */
  rewind(): Promise<void> {
    return this.serial(async () => {
      this.open();
      if (this.o.once && !this.started) return; // nothing read yet: already at the first row
      if (this.o.once) {
        throw new DataError(
          `${this.o.path} is a stream, which can be read once: rewind (a streaming dataset's next epoch) needs a file that can be read again; read it for one epoch, or write it to a file first`,
        );
      }
      await this.o.source.rewind();
      this.rowsRead = 0;
      this.done = false;
      this.meter = new ProgressMeter('read', 0, this.o.settings.onProgress);
    });
  }

  /** Missing values seen since open/rewind, by column name. */
  missing(): Record<string, number> {
    return missingByColumn(this.o);
  }

  /** Batches of up to `maxRows` rows until the end of the file (fresh buffers for each). */
  async *batches(maxRows: number): AsyncGenerator<CsvBatch> {
    for (let b = await this.read(maxRows); b !== null; b = await this.read(maxRows)) yield b;
  }

  /** Closes the file (waits for a read in progress). Further reads throw. */
  close(): Promise<void> {
    return this.serial(async () => {
      if (this.closed) return;
      this.closed = true;
      this.o.flag.dispose();
      await this.o.source.close();
    });
  }

  private open(): void {
    if (this.closed) throw new ConfigError('The CSV stream is closed');
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/**
 * Opens a CSV file for reading in batches: the schema is settled at open (inferred from the first rows,
 * or given), and categorical columns without a fixed category list are collected by one scan pass.
 * Memory stays bounded by the batch size and the read buffer, whatever the file's size.
 * @example
 * ```ts
 * const stream = await openCsv('big.csv', { target: 'label', header: true });
 * for await (const { x, y } of stream.batches(4096)) await model.fit(x, y!, { epochs: 1 });
 * await stream.close();
 * ```
 * With `distributed: 'mpi'` every rank of an MPI job opens it together and reads only its byte range
 * (each rewind too); the schema and categories agree on every rank (see the option).
 * @throws as readCsv.
 */
export async function openCsv(path: string | readonly string[], options?: CsvOpenOptions): Promise<CsvStream> {
  if (isPlainObject(options) && options.distributed !== undefined) {
    const { o, shard, records } = await openCsvShard('openCsv', path, options);
    return new CsvStream(o, records, shard);
  }
  const o = await openCsvFile('openCsv', path, options);
  try {
    const records = o.needsCategories || o.settings.countRows ? await scanCsv(o) : null;
    return new CsvStream(o, records);
  } catch (err) {
    o.flag.dispose();
    await o.source.close();
    throw err;
  }
}

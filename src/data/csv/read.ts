// readCsv: a whole CSV file into memory as float32 x and y. The native reader of a whole file reads it
// in one pass, appending rows to memory of its own that grows in place and is handed over at its exact
// size. Otherwise two passes: a scan (row count, and the category lists when some column needs them) so
// x and y are allocated once at their exact size, then the parse straight into them, block by block.
// Either way the same rows and the same error for bad input. Peak memory: x and y, plus one read buffer
// (blockBytes, 8 MB by default) and the category dictionaries; the file itself is never held whole.

import { DataError } from '../../util/errors.js';
import type { Matrix } from '../matrix.js';
import { isPlainObject } from '../../util/validate.js';
import { checkStep, layoutOfOpen, missingByColumn, openCsvFile, scanCsv, type OpenCsv } from './open.js';
import type { CsvReadOptions } from './options.js';
import { ProgressMeter } from './progress.js';
import type { CsvSchema } from './schema.js';
import { agree } from '../collective.js';
import { openCsvShard, type CsvShard } from './shard.js';
import type { RowAppender } from './source.js';
import { CSV_LAYOUT_WIDTH } from '../../backend/codes.js';

/** What readCsv returns. */
export interface CsvData {
  /** Feature columns, row-major float32 ((rows, xColumns.length)). */
  x: Matrix;
  /** Target columns, or null when no target was chosen (or the file has none at prediction time). */
  y: Matrix | null;
  /**
   * The schema, with complete category lists: store it with a model, pass it back as `schema`. A read
   * with a given schema returns that schema (without the targets the file lacks).
   */
  schema: CsvSchema;
  /** Names of x's columns ('name', or 'name=category' for one-hot columns). */
  xColumns: string[];
  yColumns: string[];
  /** Class names of a single categorical target: y holds indices into this list. */
  labels: string[] | null;
  /** x columns that one-hot encode one categorical column each (Imputer's oneHotGroups). */
  oneHotGroups: number[][];
  /** x columns holding category indices (Imputer's categorical). */
  indexColumns: number[];
  /** x columns that may hold NaN (missing: 'impute'), for a preprocessing imputer to fill. */
  imputeColumns: number[];
  /** Rows in x and y. */
  rows: number;
  /** Data records in the file (rows + droppedRows). */
  records: number;
  /** Records dropped for a missing value under missing: 'drop'. */
  droppedRows: number;
  /** Missing values seen, by column name (columns without any are left out). */
  missing: Record<string, number>;
  /** The file's size and the time the read took (both passes). */
  bytes: number;
  seconds: number;
  backend: 'native' | 'js';
  /** With distributed: 'mpi', which part of the file this rank holds (absent otherwise). */
  shard?: CsvShard;
}

function allocate(n: number, shared: boolean): Float32Array {
  return shared ? new Float32Array(new SharedArrayBuffer(n * 4)) : new Float32Array(n);
}

/**
 * Reads a CSV file into memory: numeric columns as float32, categorical feature columns one-hot (or as
 * indices), a categorical target as class indices (or one-hot), in parallel on the native thread pool.
 * @example
 * ```ts
 * const { x, y, labels, schema } = await readCsv('data/iris.csv', { target: 'species' });
 * await model.fit(x, y!, { epochs: 50 });           // y: class indices, labels: ['setosa', …]
 * const test = await readCsv('new.csv', { schema }); // same columns and categories at prediction time
 * ```
 * With `distributed: 'mpi'` every rank of an MPI job calls it and gets only its own rows (see the option).
 * @throws ConfigError for bad options; DataError naming the file, line and column for bad input (ragged
 *   rows, non-numeric values, quoting errors, numbers beyond float32, missing values under 'error', unknown
 *   categories of a fixed list), an empty file or a missing/unreadable one; AbortError when `signal` fires;
 *   BackendError when backend: 'native' is asked for and the addon cannot load.
 */
export async function readCsv(path: string | readonly string[], options?: CsvReadOptions): Promise<CsvData> {
  return readCsvAs(path, options, false);
}

/** readCsv, with every column numeric when `allNumeric` (readNumericCsv: one open, so a stream works too). */
export async function readCsvAs(path: string | readonly string[], options: CsvReadOptions | undefined, allNumeric: boolean): Promise<CsvData> {
  if (isPlainObject(options) && options.distributed !== undefined) return readCsvShard(path, options);
  const t0 = performance.now();
  const o = await openCsvFile('readCsv', path, options, allNumeric);
  try {
    const { appender } = o.source;
    const { rows, records } = o.onePass && appender !== null ? await readOnePass(o, appender) : await readTwoPasses(o);
    if (rows.rows === 0) throw new DataError(`${o.path}: all ${records} rows were dropped for missing values (missing: 'drop')`);
    return result(o, rows, records, t0);
  } finally {
    o.flag.dispose();
    await o.source.close();
  }
}

/** readCsv with distributed: 'mpi' (collective; see shard.ts). */
async function readCsvShard(path: string | readonly string[], options: CsvReadOptions): Promise<CsvData> {
  const t0 = performance.now();
  const { o, shard, records, ctx } = await openCsvShard('readCsv', path, options);
  try {
    let rows: RowsRead | undefined;
    let failure: unknown;
    try {
      rows = await readRows(o, records);
    } catch (err) {
      failure = err;
    }
    agree(ctx, `reading ${path}`, failure);
    const read = rows as RowsRead;
    const counts = new Float64Array(2 * ctx.size);
    counts.set([read.rows, read.dropped], 2 * ctx.rank);
    ctx.mpi.allreduce(counts, 'sum', `the row counts of ${path}`);
    let totalRows = 0;
    let rowsBefore = 0;
    let totalDroppedRows = 0;
    for (let r = 0; r < ctx.size; r++) {
      if (r < ctx.rank) rowsBefore += counts[2 * r];
      totalRows += counts[2 * r];
      totalDroppedRows += counts[2 * r + 1];
    }
    if (totalRows === 0) throw new DataError(`${path}: all ${shard.totalRecords} rows were dropped for missing values (missing: 'drop')`);
    return { ...result(o, read, records, t0), shard: { ...shard, totalRows, totalDroppedRows, rowsBefore } };
  } finally {
    o.flag.dispose();
    await o.source.close();
  }
}

interface RowsRead {
  x: Float32Array;
  y: Float32Array | null;
  rows: number;
  dropped: number;
}

async function readTwoPasses(o: OpenCsv): Promise<{ rows: RowsRead; records: number }> {
  const records = await scanCsv(o);
  return { rows: await readRows(o, records), records };
}

/**
 * The whole file in one pass. Bad input is then read again in two passes, whose error is the one to
 * report: their scan puts a quoting error anywhere in the file before an earlier bad value, so every
 * read of a file reports the same error.
 */
async function readOnePass(o: OpenCsv, appender: RowAppender): Promise<{ rows: RowsRead; records: number }> {
  try {
    return await appendAll(o, appender);
  } catch (err) {
    if (!(err instanceof DataError) || o.once === true) throw err; // a stream: reported as met
    await o.source.rewind();
    await readTwoPasses(o);
    throw err; // the two passes found nothing: the file changed in between
  }
}

/** The rows appended to memory the native reader owns (see RowAppender). */
async function appendAll(o: OpenCsv, appender: RowAppender): Promise<{ rows: RowsRead; records: number }> {
  const layout = layoutOfOpen(o);
  o.source.setLayout(layout.fields, layout.xCols, layout.yCols);
  const fields = layout.fields.length / CSV_LAYOUT_WIDTH;
  // about a block per call, for progress reports and abort checks in between: first from the fewest
  // bytes a record can take, then from the bytes per record so far
  let perCall = Math.max(1, Math.floor(o.settings.blockBytes / (2 * fields)));
  const meter = new ProgressMeter('read', 0, o.settings.onProgress);
  let rows = 0;
  let records = 0;
  let dropped = 0;
  for (;;) {
    o.flag.check();
    const step = await appender.append(perCall, o.flag.control);
    checkStep(o, step);
    rows += step.rows;
    records += step.records;
    dropped += step.dropped;
    meter.report(step.bytes, step.totalBytes, rows);
    if (step.eof) {
      o.totalBytes = step.totalBytes; // a decompressed size is known only now
      break;
    }
    if (records > 0 && step.bytes > 0) perCall = Math.max(1, Math.round((o.settings.blockBytes * records) / step.bytes));
  }
  const taken = appender.take();
  return { rows: { x: taken.x, y: taken.y, rows, dropped }, records };
}

/** The read pass: `records` records into x and y allocated at their exact size. */
async function readRows(o: OpenCsv, records: number): Promise<RowsRead> {
  const layout = layoutOfOpen(o);
  o.source.setLayout(layout.fields, layout.xCols, layout.yCols);
  const x = allocate(records * layout.xCols, o.settings.shared);
  const y = layout.yCols > 0 ? allocate(records * layout.yCols, o.settings.shared) : null;
  // one call per block or so, for progress reports and abort checks in between
  const perCall = Math.max(1, Math.ceil((records * o.settings.blockBytes) / Math.max(o.totalBytes, 1)));
  const meter = new ProgressMeter('read', 0, o.settings.onProgress);
  let rows = 0;
  let consumed = 0;
  let dropped = 0;
  while (consumed < records) {
    o.flag.check();
    const want = Math.min(perCall, records - consumed); // rows + want <= records: it fits
    const step = await o.source.read(x.subarray(rows * layout.xCols), y === null ? null : y.subarray(rows * layout.yCols), want, o.flag.control);
    checkStep(o, step);
    rows += step.rows;
    consumed += step.records;
    dropped += step.dropped;
    meter.report(step.bytes, step.totalBytes, rows);
    if (step.records === 0) break; // the file shrank: reported below
  }
  if (consumed !== records) throw new DataError(`${o.path}: the file changed while it was read (${records} rows counted, ${consumed} read)`);
  return { x, y, rows, dropped };
}

function result(o: OpenCsv, read: RowsRead, records: number, t0: number): CsvData {
  const layout = layoutOfOpen(o);
  const { x, y, rows, dropped } = read;
  return {
    x: { data: rows === records ? x : x.subarray(0, rows * layout.xCols), rows, cols: layout.xCols },
    y: y === null ? null : { data: rows === records ? y : y.subarray(0, rows * layout.yCols), rows, cols: layout.yCols },
    schema: o.matched ?? o.schema,
    xColumns: layout.xColumns,
    yColumns: layout.yColumns,
    labels: layout.labels,
    oneHotGroups: layout.oneHotGroups,
    indexColumns: layout.indexColumns,
    imputeColumns: layout.imputeColumns,
    rows,
    records,
    droppedRows: dropped,
    missing: missingByColumn(o),
    bytes: o.totalBytes,
    seconds: (performance.now() - t0) / 1000,
    backend: o.source.backend,
  };
}

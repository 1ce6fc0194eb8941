// Several files as one dataset: their records in list order (a glob's files sorted by name), as if
// concatenated without the repeated headers. Every file must have the first one's header (or, without
// headers, its field count). One file is open at a time, each with its own reader, so memory is one
// reader's and errors name the file with its own line numbers. Categories are collected file by file
// in first-appearance order over the whole list (what the concatenation gives); the read pass opens
// each file with the complete lists fixed.

import type { ReadResult, ScanResult } from '../../backend/native-csv.js';
import { DataError } from '../../util/errors.js';
import { printable } from '../../util/printable.js';
import { columnLabel } from './errors.js';
import { columnNames } from './infer.js';
import { describeInput, type CsvInput } from './input.js';
import { openSource, settleSchema, type SettledSchema } from './open.js';
import type { CsvSettings } from './options.js';
import type { AbortFlag } from './progress.js';
import { sampleCsv } from './sample.js';
import type { CsvSchema } from './schema.js';
import type { RecordSource } from './source.js';

/** "first … last (n files)": how messages about the whole list name it. */
export function filesLabel(paths: readonly string[]): string {
  return paths.length === 1 ? paths[0] : `${paths[0]} … ${paths[paths.length - 1]} (${paths.length} files)`;
}

/** The inputs of `paths`, checked to be files (a stream cannot be one of several). */
async function describeAll(paths: readonly string[]): Promise<CsvInput[]> {
  const inputs: CsvInput[] = [];
  for (const path of paths) {
    const input = await describeInput(path);
    if (input.stream) {
      await input.bytes?.close();
      throw new DataError(`${path}: a stream (stdin, a FIFO or a device) cannot be one of several files: each file is read more than once`);
    }
    inputs.push(input);
  }
  return inputs;
}

/** Checks that every file has the first one's columns. @throws DataError naming the file that differs. */
async function checkHeaders(inputs: readonly CsvInput[], settings: CsvSettings, backend: 'native' | 'js'): Promise<number> {
  let bytes = 0;
  let first: string[] | null = null;
  for (const input of inputs) {
    const sample = await sampleCsv(input, settings.delimiter, settings.header, 1, backend);
    bytes += sample.bytes;
    if (sample.empty) {
      if (settings.header) throw new DataError(`${input.path}: the file is empty (every file of the dataset needs the header row)`);
      continue;
    }
    const names = settings.header ? columnNames(sample) : [`${sample.fields} fields`];
    if (first === null) {
      first = names;
    } else if (names.join('\u0000') !== first.join('\u0000')) {
      const what = settings.header ? `its header (${names.map(printable).join(', ')})` : `its first row has ${names[0]}`;
      const expected = settings.header ? `the header of ${inputs[0].path} (${first.map(printable).join(', ')})` : `${first[0]} in ${inputs[0].path}`;
      throw new DataError(`${input.path}: line 1: ${what} differs from ${expected}: every file of the dataset must have the same columns in the same order`);
    }
  }
  return bytes;
}

/** Opens the files of `paths` as one source for the settled schema of the first. */
export async function openFiles(paths: readonly string[], settings: CsvSettings, backend: 'native' | 'js', flag: AbortFlag): Promise<{ settled: SettledSchema; source: RecordSource; label: string }> {
  flag.check();
  const inputs = await describeAll(paths);
  const settled = await settleSchema(inputs[0], settings, backend);
  const totalBytes = await checkHeaders(inputs, settings, backend);
  const source = new MultiSource(inputs, settled, settings, backend, flag);
  return { settled: { ...settled, totalBytes }, source, label: filesLabel(paths) };
}

class MultiSource implements RecordSource {
  readonly backend: 'native' | 'js';
  /** Each file's record count comes from the scan. */
  readonly appender = null;
  private current: RecordSource | null = null;
  private index = -1;
  private readonly lists: (string[] | null)[];
  private readonly seen: (Set<string> | null)[];
  private layout: [Float64Array, number, number] | null = null;
  private recordsBefore = 0;
  private fileRecords = 0; // read from the open file so far
  private bytesBefore = 0;
  private missingBefore: Float64Array;
  private total: number;

  constructor(
    private readonly inputs: readonly CsvInput[],
    private readonly settled: SettledSchema,
    private readonly settings: CsvSettings,
    backend: 'native' | 'js',
    private readonly flag: AbortFlag,
  ) {
    this.backend = backend;
    const { schema, fixed } = settled;
    // collected columns start empty and grow file by file; fixed ones keep their lists
    this.lists = schema.columns.map((c, i) => (c.kind !== 'categorical' ? null : (fixed[i] ?? [])));
    this.seen = this.lists.map((l) => (l === null ? null : new Set(l)));
    this.missingBefore = new Float64Array(schema.columns.length);
    this.total = settled.totalBytes;
  }

  private get schema(): CsvSchema {
    return this.settled.schema;
  }

  /** The open file's source; the next file once `advance` closed one; null after the last. */
  private async source(): Promise<RecordSource | null> {
    if (this.current !== null) return this.current;
    if (this.index === -1) this.index = 0;
    if (this.index >= this.inputs.length) return null;
    this.flag.check();
    // the categories collected so far are fixed for this file only once they are complete (after a scan)
    const fixed = this.settled.fixed.map((f, i) => f ?? (this.complete ? this.lists[i] : null));
    const source = await openSource(this.inputs[this.index], this.backend, { schema: this.schema, fixed }, this.settings);
    if (this.layout !== null) source.setLayout(...this.layout);
    this.current = source;
    return source;
  }

  /** Whether the category lists are complete (a collecting scan passed every file). */
  private complete = false;

  /** Closes the current file and moves on; `records` and `bytes` are what it held. */
  private async advance(records: number, bytes: number): Promise<void> {
    const src = this.current as RecordSource;
    const missing = src.missing();
    for (let i = 0; i < missing.length; i++) this.missingBefore[i] += missing[i];
    this.recordsBefore += records;
    this.bytesBefore += bytes;
    this.total = Math.max(this.total, this.bytesBefore);
    this.current = null;
    this.fileRecords = 0;
    this.index++;
    await src.close();
  }

  /** Adds the categories the current file's scan collected, in order. @throws DataError past maxCategories. */
  private merge(src: RecordSource): void {
    this.schema.columns.forEach((_, i) => {
      const list = this.lists[i];
      const seen = this.seen[i];
      if (list === null || seen === null || this.settled.fixed[i] !== null) return;
      for (const v of src.categories(i)) {
        if (seen.has(v)) continue;
        seen.add(v);
        list.push(v);
        if (list.length > this.settings.maxCategories) {
          const label = columnLabel(i, this.schema.columns.map((col) => col.name));
          throw new DataError(
            `${this.inputs[this.index].path}: ${label}: more than ${this.settings.maxCategories} distinct values over the files up to this one (the latest '${printable(v)}'); ignore the column, or raise maxCategories`,
          );
        }
      }
    });
  }

  private located<T extends ScanResult | ReadResult>(step: T): T {
    const error = step.error === undefined ? undefined : { ...step.error, file: this.inputs[this.index].path, record: step.error.record < 0 ? step.error.record : step.error.record + this.recordsBefore };
    return { ...step, error, bytes: this.bytesBefore + step.bytes, totalBytes: Math.max(this.total, this.bytesBefore + step.totalBytes) };
  }

  async scan(control: Int32Array, maxBytes: number, collect: boolean): Promise<ScanResult> {
    const src = await this.source();
    if (src === null) {
      if (collect) this.complete = true;
      return { status: 'ok', bytes: this.bytesBefore, totalBytes: this.total, done: true, records: this.recordsBefore, line: 1 };
    }
    const step = await src.scan(control, maxBytes, collect);
    if (step.status !== 'ok' || !step.done) return { ...this.located(step), records: this.recordsBefore + step.records };
    if (collect) this.merge(src);
    const records = this.recordsBefore + step.records;
    await this.advance(step.records, step.totalBytes);
    const last = this.index >= this.inputs.length;
    if (last && collect) this.complete = true;
    return { status: 'ok', bytes: this.bytesBefore, totalBytes: this.total, done: last, records, line: step.line };
  }

  setLayout(layout: Float64Array, xCols: number, yCols: number): void {
    this.layout = [layout, xCols, yCols];
    this.current?.setLayout(layout, xCols, yCols);
  }

  async read(x: Float32Array, y: Float32Array | null, maxRows: number, control: Int32Array): Promise<ReadResult> {
    const [, xCols, yCols] = this.layout ?? [null, 0, 0];
    let rows = 0;
    let records = 0;
    let dropped = 0;
    for (;;) {
      const src = await this.source();
      if (src === null) return { status: 'ok', bytes: this.bytesBefore, totalBytes: this.total, rows, records, dropped, eof: true };
      const step = await src.read(x.subarray(rows * xCols), y === null ? null : y.subarray(rows * yCols), maxRows - rows, control);
      rows += step.rows;
      records += step.records;
      dropped += step.dropped;
      this.fileRecords += step.records;
      if (step.status !== 'ok') return { ...this.located(step), rows, records, dropped };
      const at = this.bytesBefore + step.bytes;
      if (step.eof) await this.advance(this.fileRecords, step.totalBytes);
      // a reader returns fewer rows than asked only at its file's end; the guard keeps a loop from spinning
      if (rows >= maxRows || (!step.eof && step.rows === 0)) {
        const eof = this.index >= this.inputs.length;
        return { status: 'ok', bytes: step.eof ? this.bytesBefore : at, totalBytes: Math.max(this.total, at), rows, records, dropped, eof };
      }
    }
  }

  categories(field: number): string[] {
    return [...(this.lists[field] ?? [])];
  }

  missing(): Float64Array {
    const out = this.missingBefore.slice();
    const now = this.current?.missing();
    if (now !== undefined) for (let i = 0; i < out.length; i++) out[i] += now[i];
    return out;
  }

  async rewind(): Promise<void> {
    const src = this.current;
    this.current = null;
    this.index = -1;
    this.recordsBefore = 0;
    this.fileRecords = 0;
    this.bytesBefore = 0;
    this.missingBefore = new Float64Array(this.schema.columns.length);
    await src?.close();
  }

  range(): null {
    return null;
  }

  async close(): Promise<void> {
    const src = this.current;
    this.current = null;
    await src?.close();
  }
}

// The native RecordSource: the addon's CsvReader, whose scan/read run in AsyncWorkers on the addon's
// thread pool and write straight into the caller's Float32Arrays. A regular file it opens itself; a
// gzip file or a stream it is fed: JS decompresses (node's zlib) and hands over about half a block at a
// time whenever the reader says it is starved, so memory stays one block plus what is pending.

import { loadNativeAddon } from '../../backend/native.js';
import type { Fed, NativeCsvReader, ReadResult, ScanResult, SourceConfig, SourceRange } from '../../backend/native-csv.js';
import { readChunks, type ByteHandle } from './bytes.js';
import type { RecordSource, RowAppender } from './source.js';

export class NativeSource implements RecordSource {
  readonly backend = 'native' as const;
  /** A whole file (not a byte range): the reader appends rows to memory of its own. */
  appender: RowAppender | null = null;
  private chunks: AsyncGenerator<Buffer> | null = null;
  private fed = 0; // bytes fed since the last restart
  private cols: [number, number] = [0, 0]; // x's and y's floats per row (setLayout)

  private constructor(
    private readonly reader: NativeCsvReader,
    private readonly bytes: ByteHandle | null,
    private readonly feedBytes: number,
  ) {}

  /**
   * Opens `path` with the addon's reader.
   * @throws BackendError when the addon cannot load; Error with the system's message when the file cannot be opened.
   */
  static open(path: string, config: SourceConfig): NativeSource {
    const { CsvReader } = loadNativeAddon();
    const source = new NativeSource(new CsvReader(path, { ...config, delimiter: config.delimiter.charCodeAt(0) }), null, 0);
    if (config.range === null) source.appender = source.makeAppender();
    return source;
  }

  /** A reader fed from `bytes` (decompressed data; no byte range). It closes `bytes` when it closes. */
  static fed(bytes: ByteHandle, config: SourceConfig): NativeSource {
    const { CsvReader } = loadNativeAddon();
    const reader = new CsvReader(null, { ...config, delimiter: config.delimiter.charCodeAt(0) });
    // half a block per feed (64 KB at most per chunk): small blocks in tests starve the reader often
    const source = new NativeSource(reader, bytes, Math.max(config.blockBytes >> 1, 32));
    source.appender = source.makeAppender();
    return source;
  }

  private makeAppender(): RowAppender {
    const { reader } = this;
    return { append: (maxRows, control) => this.pass(maxRows, (rows) => reader.readAppend(maxRows - rows, control)), take: () => reader.takeRows() };
  }

  /** Feeds the reader about half a block more (or the end); from the first byte again after a restart. */
  private async feed(restart: boolean): Promise<void> {
    const bytes = this.bytes as ByteHandle;
    if (restart || this.chunks === null) {
      await this.chunks?.return(undefined);
      this.chunks = readChunks(bytes, Math.min(this.feedBytes, 64 << 10));
      this.fed = 0;
    }
    for (let n = 0; n < this.feedBytes; ) {
      const next = await this.chunks.next();
      if (next.done === true) {
        this.reader.feed(null);
        return;
      }
      this.reader.feed(next.value);
      n += next.value.length;
      this.fed += next.value.length;
    }
  }

  async scan(control: Int32Array, maxBytes: number, collect: boolean): Promise<ScanResult> {
    if (this.bytes !== null && this.chunks === null) await this.feed(false);
    for (;;) {
      const step = await this.reader.scan(control, maxBytes, collect);
      if (step.status === 'starved' || step.status === 'restart') {
        await this.feed(step.status === 'restart');
        continue;
      }
      return this.sized({ ...step, status: step.status });
    }
  }

  setLayout(layout: Float64Array, xCols: number, yCols: number): void {
    this.cols = [xCols, yCols];
    this.reader.setLayout(layout, xCols, yCols);
  }

  read(x: Float32Array, y: Float32Array | null, maxRows: number, control: Int32Array): Promise<ReadResult> {
    const [xCols, yCols] = this.cols;
    // a starved read wrote `rows` rows: the next call goes on after them
    return this.pass(maxRows, (rows) => this.reader.read(x.subarray(rows * xCols), y === null ? null : y.subarray(rows * yCols), maxRows - rows, control));
  }

  /** Up to maxRows rows by `call` (given the rows so far), fed more bytes whenever it is starved. */
  private async pass(maxRows: number, call: (rows: number) => Promise<Fed<ReadResult>>): Promise<ReadResult> {
    if (this.bytes !== null && this.chunks === null) await this.feed(false);
    let rows = 0;
    let records = 0;
    let dropped = 0;
    for (;;) {
      const step = await call(rows);
      rows += step.rows;
      records += step.records;
      dropped += step.dropped;
      if (step.status === 'starved') {
        await this.feed(false);
        if (rows < maxRows) continue;
      }
      if (step.status === 'restart') throw new Error('NativeSource: the reader asked for a restart while reading');
      return this.sized({ ...step, status: step.status === 'starved' ? 'ok' : step.status, rows, records, dropped });
    }
  }

  /** A fed reader knows no size: the bytes fed so far stand for it. */
  private sized<T extends { bytes: number; totalBytes: number }>(step: T): T {
    return this.bytes === null ? step : { ...step, totalBytes: Math.max(this.fed, step.bytes) };
  }

  categories(field: number): string[] {
    return this.reader.categories(field);
  }

  missing(): Float64Array {
    return this.reader.missing();
  }

  async rewind(): Promise<void> {
    this.reader.rewind();
    if (this.bytes !== null) await this.feed(true);
  }

  range(): SourceRange | null {
    return this.reader.range();
  }

  async close(): Promise<void> {
    this.reader.close();
    await this.chunks?.return(undefined);
    await this.bytes?.close();
  }
}

// The JS RecordSource: the fallback when the addon cannot load, and the reference the native reader is
// tested against. It reads the file in blocks through csv-parse (csv-parse-tokenizer.ts) and converts
// values with number.ts; the row count of scan without categories is the native parity rule (js-scan.ts). Every
// check happens in the native reader's order: quoting, then the field count, then values in field
// order; a syntax error is raised only when the reader reaches the record that has it.

import { open, stat } from 'node:fs/promises';
import { CSV_LAYOUT_WIDTH, KIND_CODE, MISSING_CODE } from '../../backend/codes.js';
import type { CsvErrorInfo, ReadResult, ScanResult, SourceConfig, SourceRange } from '../../backend/native-csv.js';
import { fileBytes, type ByteHandle } from './bytes.js';
import { isPlain, openBytes, type CsvInput } from './input.js';
import { locateRange } from './js-range.js';
import { firstSyntaxError, ParityCounter } from './js-scan.js';
import { linesBefore, RecordParser, type ParsedRecord, type SyntaxIssue } from './csv-parse-tokenizer.js';
import type { RecordSource } from './source.js';
import { looksNumeric, parseFloat32, trimValue } from './number.js';

interface FieldPlan {
  kind: number;
  missing: number;
  dest: number;
  offset: number;
  onehot: boolean;
  width: number;
}

export class JsSource implements RecordSource {
  readonly backend = 'js' as const;
  /** The JS reader always counts the rows first (scan, then read into arrays of that size). */
  readonly appender = null;
  private readonly dicts: Map<string, number>[];
  private readonly lists: string[][];
  private readonly ignoreUnknown: boolean[];
  private readonly fixed: boolean[];
  private readonly missingSet: Set<string>;
  /** Some missing token is itself a number: numbers must be checked against the tokens first. */
  private readonly numericMissing: boolean;
  private plan: FieldPlan[] | null = null;
  private xCols = 0;
  private yCols = 0;
  private missingCounts: Float64Array;
  private readonly blockSize: number;
  // pass state (reset by rewind)
  private pos = 0;
  private eof = false;
  private lastByte = -1;
  private parser: RecordParser | null = null;
  private parserDone = false;
  private queue: ParsedRecord[] = [];
  private qi = 0;
  private pending: CsvErrorInfo | null = null;
  private headerDone = false;
  private parsed = 0; // data records parsed
  private record = 0; // data records consumed
  private consumedBytes = 0;
  private counter: ParityCounter | null = null;
  // with config.range: where the records are (found once), the pass's end, and '\n' bytes read
  private located: SourceRange | null = null;
  private started = false;
  private limit: number;
  private base = 0; // file offset of the parser's first byte
  private newlines = 0;

  private constructor(
    private readonly fh: ByteHandle,
    /** The file's size; null for a gzip file or a stream (not known before the end). */
    private readonly totalBytes: number | null,
    private readonly cfg: SourceConfig,
  ) {
    this.lists = cfg.categories.map((list) => [...(list ?? [])]); // distinct (checked with the options)
    this.dicts = this.lists.map((list) => new Map(list.map((v, i) => [v, i])));
    this.fixed = cfg.categories.map((list) => list !== null);
    this.ignoreUnknown = Array.from({ length: cfg.fields }, (_, c) => cfg.unknown?.[c] === 1);
    this.missingSet = new Set(cfg.missingValues);
    this.numericMissing = cfg.missingValues.some(looksNumeric);
    this.missingCounts = new Float64Array(cfg.fields);
    this.limit = totalBytes ?? Infinity;
    // at most 1 MB per read: parsing a block is synchronous JS, and the event loop runs between blocks
    this.blockSize = Math.min(cfg.blockBytes, 1 << 20, Math.max(totalBytes ?? Infinity, 64));
  }

  /** Opens `input` (errors are the fs errors, with their codes; a stream's bytes are taken over). */
  static async open(input: CsvInput, config: SourceConfig): Promise<JsSource> {
    if (!isPlain(input)) return new JsSource(await openBytes(input), null, config);
    const fh = await open(input.file, 'r');
    try {
      const { size } = await stat(input.file);
      return new JsSource(fileBytes(fh), size, config);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  // ---- reading the file ----

  /** Reads the next block into this.buf; returns its bytes (empty at the end of the file). */
  private async readBlock(): Promise<Buffer> {
    if (this.eof) return Buffer.alloc(0);
    // a fresh buffer each time: csv-parse keeps a view of an unfinished record's bytes
    const buf = Buffer.allocUnsafe(this.blockSize);
    const want = Math.min(buf.length, this.limit - this.pos);
    const { bytesRead } = want > 0 ? await this.fh.read(buf, 0, want, this.pos) : { bytesRead: 0 };
    if (bytesRead === 0) {
      this.eof = true;
      return Buffer.alloc(0);
    }
    const block = buf.subarray(0, bytesRead);
    this.lastByte = block[bytesRead - 1];
    this.pos += bytesRead;
    for (let i = block.indexOf(0x0a); i >= 0; i = block.indexOf(0x0a, i + 1)) this.newlines++;
    return block;
  }

  /** The '\n' the native reader appends to a file whose last line has none. */
  private finalNewline(): Buffer | null {
    return this.lastByte !== -1 && this.lastByte !== 0x0a ? Buffer.from('\n') : null;
  }

  /** Parses blocks until a record is queued or the input is over. */
  private async nextRecord(): Promise<ParsedRecord | CsvErrorInfo | null> {
    while (this.qi >= this.queue.length) {
      if (this.pending !== null) return this.pending;
      if (this.parserDone) return null;
      this.queue = [];
      this.qi = 0;
      this.parser ??= new RecordParser(this.cfg.delimiter, this.located?.firstLine ?? 1);
      const onRecord = (r: ParsedRecord): void => {
        if (this.cfg.header && !this.headerDone) {
          this.headerDone = true;
          this.consumedBytes = r.end;
          return;
        }
        this.queue.push(r);
        this.parsed++;
      };
      const block = await this.readBlock();
      let issue: SyntaxIssue | null = block.length > 0 ? this.parser.feed(block, onRecord) : null;
      if (issue === null && this.eof) {
        const nl = this.finalNewline();
        if (nl !== null) issue = this.parser.feed(nl, onRecord);
        issue ??= this.parser.feed(null, onRecord);
        this.parserDone = true;
      }
      if (issue !== null) {
        this.parserDone = true;
        const atHeader = this.cfg.header && !this.headerDone;
        this.pending = { kind: issue.kind, line: issue.line, record: atHeader ? -1 : this.parsed, column: issue.column, found: 0, token: issue.kind === 'internal' ? issue.message : '' };
      }
    }
    const r = this.queue[this.qi++];
    this.consumedBytes = this.base + r.end;
    return r;
  }

  /** The common fields of a step result; `bytes` is the file offset the pass has reached. */
  private result(status: ScanResult['status'], bytes: number, error?: CsvErrorInfo): { status: ScanResult['status']; bytes: number; totalBytes: number; error?: CsvErrorInfo } {
    const total = this.totalBytes ?? Math.max(this.pos, this.consumedBytes); // decompressed bytes so far
    return { status, bytes: Math.min(bytes, total), totalBytes: total, error };
  }

  // ---- scan ----

  async scan(control: Int32Array, maxBytes: number, collect: boolean): Promise<ScanResult> {
    const at = (): number => (collect ? this.consumedBytes : this.pos);
    const line = (): number => (collect ? (this.located?.firstLine ?? 1) + this.newlines : (this.counter?.line ?? 1));
    const failed = await this.start();
    if (failed !== null) return { ...this.result('error', at(), failed), done: false, records: this.record, line: line() };
    const from = at();
    for (;;) {
      if (Atomics.load(control, 0) !== 0) return { ...this.result('aborted', at()), done: false, records: this.record, line: line() };
      const step = collect ? await this.collectBlock() : await this.countBlock();
      if (step === 'done') return { ...this.result('ok', this.limit), done: true, records: this.record, line: line() };
      if (step !== null) return { ...this.result('error', at(), step), done: false, records: this.record, line: line() };
      if (at() - from >= maxBytes) return { ...this.result('ok', at()), done: false, records: this.record, line: line() };
    }
  }

  /** A ranged pass's start: the range found once, then the pass placed at its first record. */
  private async start(): Promise<CsvErrorInfo | null> {
    const range = this.cfg.range;
    if (range == null || this.started) return null;
    if (this.located === null) {
      const found = await locateRange(this.fh, this.totalBytes ?? 0, this.cfg.delimiter, this.cfg.header, range);
      if ('kind' in found) return found;
      this.located = found;
    }
    const { begin, end } = this.located;
    Object.assign(this, { started: true, pos: begin, base: begin, limit: end, headerDone: true, consumedBytes: begin });
    return null;
  }

  range(): SourceRange | null {
    return this.located === null ? null : { ...this.located };
  }

  /** The parity count over one more block: null to go on, 'done', or an error. */
  private async countBlock(): Promise<CsvErrorInfo | 'done' | null> {
    if (this.counter === null && this.located !== null) {
      this.counter = new ParityCounter(this.located.begin, this.located.firstLine);
    }
    if (this.counter === null) {
      // the header first (with its quoting), through csv-parse, as the native reader's skip_record
      let start = 0;
      let line = 1;
      if (this.cfg.header) {
        const header = await this.nextRecordForHeader();
        if (header === null) return 'done';
        if ('kind' in header) return header;
        start = header.end;
        line = header.line + linesBefore(header.fields, header.fields.length) + 1;
      }
      this.eof = false;
      this.pos = start;
      if (!this.cfg.header) {
        // a byte order mark is not data (the native reader skips it when it reads the first block)
        const head = Buffer.alloc(3);
        const { bytesRead } = await this.fh.read(head, 0, 3, 0);
        if (bytesRead === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) this.pos = start = 3;
      }
      this.counter = new ParityCounter(start, line);
    }
    const block = await this.readBlock();
    if (block.length > 0) {
      this.counter.feed(block, this.pos - block.length);
      this.record = this.counter.records;
      return null;
    }
    const nl = this.counter.fed > 0 ? this.finalNewline() : null;
    if (nl !== null) this.counter.feed(nl, this.limit);
    this.record = this.counter.records;
    if (!this.counter.open) return 'done';
    const { start, startLine } = this.counter;
    const span = { start, end: this.limit, line: startLine, blockSize: this.blockSize };
    return firstSyntaxError(this.fh, span, nl, this.cfg.delimiter, this.counter);
  }

  /** The header record (the first record), parsed with csv-parse; null for a file without records. */
  private async nextRecordForHeader(): Promise<ParsedRecord | CsvErrorInfo | null> {
    const parser = new RecordParser(this.cfg.delimiter);
    let header: ParsedRecord | null = null;
    const onRecord = (r: ParsedRecord): void => void (header ??= r);
    while (header === null) {
      const block = await this.readBlock();
      let issue = block.length > 0 ? parser.feed(block, onRecord) : null;
      if (block.length === 0 && issue === null && header === null) {
        const nl = this.finalNewline();
        if (nl !== null) issue = parser.feed(nl, onRecord);
        if (header === null) issue ??= parser.feed(null, onRecord);
        if (issue === null && header === null) return null;
      }
      if (issue !== null && header === null) return { kind: issue.kind, line: issue.line, record: -1, column: issue.column, found: 0, token: '' };
    }
    return header;
  }

  /** Tokenizes one more block's records, collecting categories: null to go on, 'done', or an error. */
  private async collectBlock(): Promise<CsvErrorInfo | 'done' | null> {
    const target = this.pos + this.blockSize;
    do {
      const next = await this.nextRecord();
      if (next === null) return 'done';
      if ('kind' in next) return next;
      const error = this.collect(next);
      if (error !== null) return error;
      this.record++;
    } while (this.qi < this.queue.length || this.pos < target);
    return null;
  }

  private collect(r: ParsedRecord): CsvErrorInfo | null {
    const { fields, kinds } = { fields: r.fields, kinds: this.cfg.kinds };
    if (fields.length !== this.cfg.fields) return this.ragged(r);
    for (let c = 0; c < fields.length; c++) {
      if (kinds[c] !== KIND_CODE.categorical || this.fixed[c]) continue;
      const v = trimValue(fields[c]);
      if (this.missingSet.has(v) || this.dicts[c].has(v)) continue;
      this.dicts[c].set(v, this.lists[c].length);
      this.lists[c].push(v);
      if (this.lists[c].length > this.cfg.maxCategories) {
        return { kind: 'tooManyCategories', line: r.line + linesBefore(fields, c), record: this.record, column: c, found: 0, token: v };
      }
    }
    return null;
  }

  private ragged(r: ParsedRecord): CsvErrorInfo {
    const n = this.cfg.fields;
    const found = r.fields.length;
    return { kind: 'ragged', line: r.line, record: this.record, column: Math.min(found, n), found, token: '' };
  }

  // ---- read ----

  setLayout(layout: Float64Array, xCols: number, yCols: number): void {
    this.plan = this.cfg.kinds.map((kind, c) => ({
      kind,
      missing: this.cfg.missing[c],
      dest: layout[CSV_LAYOUT_WIDTH * c],
      offset: layout[CSV_LAYOUT_WIDTH * c + 1],
      onehot: layout[CSV_LAYOUT_WIDTH * c + 2] === 1,
      width: layout[CSV_LAYOUT_WIDTH * c + 2] === 1 ? this.lists[c].length : 1,
    }));
    this.xCols = xCols;
    this.yCols = yCols;
  }

  async read(x: Float32Array, y: Float32Array | null, maxRows: number, control: Int32Array): Promise<ReadResult> {
    if (this.plan === null) throw new Error('JsSource.read: setLayout() first');
    let rows = 0;
    let records = 0;
    let dropped = 0;
    const failed = await this.start();
    if (failed !== null) return { ...this.result('error', this.consumedBytes, failed), rows, records, dropped, eof: false };
    while (rows < maxRows) {
      if (Atomics.load(control, 0) !== 0) return { ...this.result('aborted', this.consumedBytes), rows, records, dropped, eof: false };
      const next = await this.nextRecord();
      if (next === null) return { ...this.result('ok', this.limit), rows, records, dropped, eof: true };
      if ('kind' in next) return { ...this.result('error', this.consumedBytes, next), rows, records, dropped, eof: false };
      const outcome = this.convert(next, x, rows * this.xCols, y, rows * this.yCols);
      if (outcome !== 'kept' && outcome !== 'dropped') return { ...this.result('error', this.consumedBytes, outcome), rows, records, dropped, eof: false };
      this.record++;
      records++;
      if (outcome === 'dropped') dropped++;
      else rows++;
    }
    const eof = this.parserDone && this.qi >= this.queue.length && this.pending === null;
    return { ...this.result('ok', eof ? this.limit : this.consumedBytes), rows, records, dropped, eof };
  }

  /** One record into row x[xo..], y[yo..]. */
  private convert(r: ParsedRecord, x: Float32Array, xo: number, y: Float32Array | null, yo: number): 'kept' | 'dropped' | CsvErrorInfo {
    const plan = this.plan as FieldPlan[];
    const { fields } = r;
    if (fields.length !== this.cfg.fields) return this.ragged(r);
    let drop = false;
    for (let c = 0; c < fields.length; c++) {
      const p = plan[c];
      if (p.kind === KIND_CODE.skip) continue;
      const out = p.dest === 0 ? x : (y as Float32Array);
      const at = (p.dest === 0 ? xo : yo) + p.offset;
      const v = trimValue(fields[c]);
      if (p.kind === KIND_CODE.numeric && !this.numericMissing) {
        // the common case first: a number is never a missing token here
        const n = parseFloat32(v);
        if (n.ok) {
          out[at] = n.value;
          continue;
        }
        if (!this.missingSet.has(v)) return this.valueError(n.reason === 'invalid' ? 'number' : 'range', r, c, v);
      }
      if (this.missingSet.has(v)) {
        this.missingCounts[c]++;
        if (p.missing === MISSING_CODE.error) return this.valueError('missing', r, c, v);
        if (p.missing === MISSING_CODE.drop) drop = true;
        out.fill(NaN, at, at + p.width);
      } else if (p.kind === KIND_CODE.numeric) {
        const n = parseFloat32(v);
        if (!n.ok) return this.valueError(n.reason === 'invalid' ? 'number' : 'range', r, c, v);
        out[at] = n.value;
      } else {
        const id = this.dicts[c].get(v);
        if (id === undefined) {
          if (!this.ignoreUnknown[c]) return this.valueError('category', r, c, v);
          out.fill(p.onehot ? 0 : NaN, at, at + p.width); // no category
        } else if (p.onehot) {
          out.fill(0, at, at + p.width);
          out[at + id] = 1;
        } else {
          out[at] = id;
        }
      }
    }
    return drop ? 'dropped' : 'kept';
  }

  private valueError(kind: CsvErrorInfo['kind'], r: ParsedRecord, c: number, token: string): CsvErrorInfo {
    return { kind, line: r.line + linesBefore(r.fields, c), record: this.record, column: c, found: 0, token };
  }

  categories(field: number): string[] {
    return [...this.lists[field]];
  }

  missing(): Float64Array {
    return this.missingCounts.slice();
  }

  async rewind(): Promise<void> {
    Object.assign(this, { pos: 0, eof: false, lastByte: -1, parser: null, parserDone: false, queue: [], qi: 0, pending: null, headerDone: false, parsed: 0, record: 0, consumedBytes: 0, counter: null });
    Object.assign(this, { started: false, base: 0, limit: this.totalBytes ?? Infinity, newlines: 0 });
    this.missingCounts = new Float64Array(this.cfg.fields);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

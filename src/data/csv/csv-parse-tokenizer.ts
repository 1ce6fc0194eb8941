// csv-parse configured to read CSV exactly as the native tokenizer does (native/csv/tokenize.h): records
// end at "\r\n" or "\n", quotes as RFC 4180, a BOM skipped, blank lines skipped, no trimming inside
// csv-parse (values are trimmed by number.ts), field counts checked by the caller. Fed incrementally
// through csv-parse's synchronous transform API, so records arrive in file order with their lines, and
// a syntax error arrives after every record before it. Line numbers are counted here ('\n' only, like
// the native reader), not taken from csv-parse, whose counter also counts every '\r'.

import { Parser } from 'csv-parse';
import type { CsvErrorKind } from '../../backend/native-csv.js';

/** csv-parse's incremental API (Parser#api; not in its typings). */
interface ParseApi {
  parse(buf: Buffer | undefined, end: boolean, push: (r: unknown) => void, close: () => void): Error | undefined;
  info: { lines: number; empty_lines: number; bytes: number };
  /** The record in progress: its finished fields, and the current field's bytes so far. */
  state: { record: string[]; field: { buf: Buffer; length: number } };
}

/** A record: its fields as written (quotes removed) and where it starts. */
export interface ParsedRecord {
  fields: string[];
  /** 1-based line of the record's first byte. */
  line: number;
  /** File offset just after the record's terminator (relative to the parser's first byte). */
  end: number;
}

/** A quoting error: kind, 1-based line, 0-based field. */
export interface SyntaxIssue {
  kind: CsvErrorKind;
  line: number;
  column: number;
  message: string;
}

const newlines = (s: string): number => {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
};

export class RecordParser {
  private readonly api: ParseApi;
  /**
   * Line bookkeeping without looking inside fields: every '\n' byte is a record end, a blank line or
   * inside a quoted field, so the line after a record is the line after the previous one plus the
   * '\n' bytes between their ends; a record starts after the blank lines csv-parse skipped.
   */
  private lineAfterLast: number; // the line just after the last record's terminator
  private lastEmpty = 0; // csv-parse's blank-line count at the last record
  private offset = 0; // input offset of the current chunk's first byte
  private counted = 0; // input offset up to which '\n' bytes are counted into `pending`
  private pending = 0;

  /** `firstLine`: the line number of the first byte fed (1 for a whole file). */
  constructor(delimiter: string, firstLine = 1) {
    const parser = new Parser({
      bom: true,
      delimiter,
      record_delimiter: ['\r\n', '\n'],
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    });
    this.api = (parser as unknown as { api: ParseApi }).api;
    this.lineAfterLast = firstLine;
  }

  /** Adds the '\n' bytes of chunk[from - offset, to - offset) to `pending`. */
  private count(chunk: Buffer, from: number, to: number): void {
    const end = to - this.offset;
    for (let i = chunk.indexOf(0x0a, from - this.offset); i >= 0 && i < end; i = chunk.indexOf(0x0a, i + 1)) this.pending++;
    this.counted = to;
  }

  /** Parses `chunk` (or finishes the input when null); records go to `onRecord` in order. */
  feed(chunk: Buffer | null, onRecord: (r: ParsedRecord) => void): SyntaxIssue | null {
    const data = chunk ?? Buffer.alloc(0);
    const push = (r: unknown): void => {
      const { record, info } = r as { record: string[]; info: { empty_lines: number; bytes: number } };
      const line = this.lineAfterLast + (info.empty_lines - this.lastEmpty);
      this.count(data, Math.max(this.counted, this.offset), info.bytes);
      this.lineAfterLast += this.pending;
      this.pending = 0;
      this.lastEmpty = info.empty_lines;
      onRecord({ fields: record, line, end: info.bytes });
    };
    const err = chunk === null ? this.api.parse(undefined, true, push, () => {}) : this.api.parse(chunk, false, push, () => {});
    if (err !== undefined) return this.issue(err);
    this.count(data, Math.max(this.counted, this.offset), this.offset + data.length);
    this.offset += data.length;
    return null;
  }

  private issue(err: Error): SyntaxIssue {
    const e = err as Error & { code?: string; column?: number };
    const column = typeof e.column === 'number' ? e.column : 0;
    // the record in progress starts after the last record and the blank lines since; the error is on
    // that line plus the newlines of its fields so far (the current one included)
    const start = this.lineAfterLast + (this.api.info.empty_lines - this.lastEmpty);
    const { record, field } = this.api.state;
    const fieldLine = start + linesBefore(record, record.length);
    let line = fieldLine;
    for (let i = 0; i < field.length; i++) if (field.buf[i] === 0x0a) line++;
    switch (e.code) {
      case 'INVALID_OPENING_QUOTE':
        return { kind: 'quote', line, column, message: e.message };
      case 'CSV_INVALID_CLOSING_QUOTE':
        return { kind: 'closingQuote', line, column, message: e.message };
      case 'CSV_QUOTE_NOT_CLOSED':
        return { kind: 'unterminated', line: fieldLine, column, message: e.message }; // where its quote opened
      default:
        return { kind: 'internal', line: start, column, message: `csv-parse: ${e.message}` };
    }
  }
}

/** Newlines in the fields before field `c` (a field's line is its record's line plus these). */
export function linesBefore(fields: readonly string[], c: number): number {
  let n = 0;
  for (let i = 0; i < c; i++) if (fields[i].includes('\n')) n += newlines(fields[i]);
  return n;
}

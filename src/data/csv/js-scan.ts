// The row-count pass of the JS reader: the same quote-parity rule as native/csv/split.cc, byte by byte.
// A record ends at a '\n' after an even number of quotes that does not end a blank line ("" or "\r").
// An odd count at the end of the file means an open quote: rescanRest finds the real first error in
// what follows the last record end, as native Reader::find_syntax_error does.

import { RecordParser } from './csv-parse-tokenizer.js';
import type { CsvErrorInfo } from '../../backend/native-csv.js';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export class ParityCounter {
  /** Records counted. */
  records = 0;
  /** Line number at the next byte. */
  line: number;
  /** File offset and line just after the last record end (or blank line) outside quotes. */
  boundary: number;
  boundaryLine: number;
  boundaryRecords = 0;
  /** Bytes fed since the start. */
  fed = 0;
  private odd = false;
  private prev1 = LF; // as if a newline preceded the start (a record start)
  private prev2 = LF;

  constructor(start: number, line: number) {
    this.boundary = start;
    this.line = line;
    this.boundaryLine = line;
  }

  /** Counts `bytes`, which start at file offset `offset`. */
  feed(bytes: Uint8Array, offset: number): void {
    let { odd, prev1, prev2, line, records } = this;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === QUOTE) {
        odd = !odd;
      } else if (b === LF) {
        if (!odd) {
          const blank = prev1 === LF || (prev1 === CR && prev2 === LF);
          if (!blank) records++;
          this.boundary = offset + i + 1;
          this.boundaryLine = line + 1;
          this.boundaryRecords = records;
        }
        line++;
      }
      prev2 = prev1;
      prev1 = b;
    }
    Object.assign(this, { odd, prev1, prev2, line, records });
    this.fed += bytes.length;
  }

  /** True when a quote is still open. */
  get open(): boolean {
    return this.odd;
  }
}

/**
 * The first quoting error in `rest` (the file from the last record end on, a '\n' appended when the file
 * lacks one), whose first byte is on line `line` after `records` data records.
 */
export function rescanRest(rest: Buffer, delimiter: string, line: number, records: number): CsvErrorInfo {
  const parser = new RecordParser(delimiter, line);
  let seen = 0;
  const issue = parser.feed(rest, () => void seen++) ?? parser.feed(null, () => void seen++);
  if (issue === null) return { kind: 'unterminated', line, record: records, column: 0, found: 0, token: '' };
  return { kind: issue.kind, line: issue.line, record: records + seen, column: issue.column, found: 0, token: '' };
}

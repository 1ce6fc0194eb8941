// The row-count pass of the JS reader: the same quote-parity rule as native/csv/split.cc, byte by byte.
// A record ends at a '\n' after an even number of quotes that does not end a blank line ("" or "\r").
// An odd count at the end of the file means an open quote: firstSyntaxError reads the data again from the
// first record for the real first error, as native Reader::first_syntax_error does.

import type { ByteHandle } from './bytes.js';
import { RecordParser, type SyntaxIssue } from './csv-parse-tokenizer.js';
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

  constructor(
    readonly start: number,
    readonly startLine: number,
  ) {
    this.boundary = start;
    this.line = startLine;
    this.boundaryLine = startLine;
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
 * The first quoting error in the file's data records: bytes [start, end) of `fh`, then `finalNewline`
 * (the '\n' appended to a file without one), read in blocks of `blockSize`; `start` is the first data
 * record, on line `line`. The whole data, not only what follows the counter's last record end: a stray
 * quote before that end paired with a later one and moved record ends without an error.
 */
export async function firstSyntaxError(
  fh: Pick<ByteHandle, 'read'>,
  span: { start: number; end: number; line: number; blockSize: number },
  finalNewline: Buffer | null,
  delimiter: string,
  counter: ParityCounter,
): Promise<CsvErrorInfo> {
  const parser = new RecordParser(delimiter, span.line);
  let seen = 0;
  const onRecord = (): void => void seen++;
  let issue: SyntaxIssue | null = null;
  for (let pos = span.start; issue === null && pos < span.end; ) {
    // a fresh buffer each time: csv-parse keeps a view of an unfinished record's bytes
    const buf = Buffer.alloc(Math.min(span.blockSize, span.end - pos));
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    issue = parser.feed(buf.subarray(0, bytesRead), onRecord);
  }
  if (issue === null && finalNewline !== null) issue = parser.feed(finalNewline, onRecord);
  issue ??= parser.feed(null, onRecord);
  if (issue === null) return { kind: 'unterminated', line: counter.boundaryLine, record: counter.boundaryRecords, column: 0, found: 0, token: '' };
  return { kind: issue.kind, line: issue.line, record: seen, column: issue.column, found: 0, token: '' };
}

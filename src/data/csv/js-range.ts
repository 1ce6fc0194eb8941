// A byte range of a file for the JS reader, by the native reader's rule (native/csv/reader.h): the
// header is parsed on its own from the file's start, and each end of [begin, end) moves to the first
// line start at or after it (records are taken to end at every '\n'), never before the header's end.

import type { ByteHandle } from './bytes.js';
import type { CsvErrorInfo, SourceRange } from '../../backend/native-csv.js';
import { linesBefore, RecordParser, type ParsedRecord } from './csv-parse-tokenizer.js';

const PROBE = 4096;

/** The first line start at or after `offset` (offset itself at 0, the end, or just after a '\n'). */
export async function lineStartAtOrAfter(fh: Pick<ByteHandle, 'read'>, offset: number, size: number, read: { bytes: number }): Promise<number> {
  if (offset <= 0) return 0;
  if (offset >= size) return size;
  const buf = Buffer.allocUnsafe(PROBE);
  for (let at = offset - 1; at < size; ) {
    const { bytesRead } = await fh.read(buf, 0, PROBE, at);
    if (bytesRead === 0) break; // the file shrank
    read.bytes += bytesRead;
    const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
    if (nl >= 0) return at + nl + 1;
    at += bytesRead;
  }
  return size;
}

/** The header record's end offset and the line after it (small reads), or its quoting error. */
async function headerEnd(fh: Pick<ByteHandle, 'read'>, size: number, delimiter: string, read: { bytes: number }): Promise<{ end: number; line: number } | CsvErrorInfo> {
  const parser = new RecordParser(delimiter);
  let header: ParsedRecord | null = null;
  const onRecord = (r: ParsedRecord): void => void (header ??= r);
  let pos = 0;
  let last = -1;
  while (header === null) {
    const buf = Buffer.allocUnsafe(PROBE); // fresh: csv-parse keeps views of unfinished records
    const { bytesRead } = await fh.read(buf, 0, PROBE, pos);
    let issue;
    if (bytesRead > 0) {
      read.bytes += bytesRead;
      pos += bytesRead;
      last = buf[bytesRead - 1];
      issue = parser.feed(buf.subarray(0, bytesRead), onRecord);
    } else {
      if (last !== -1 && last !== 0x0a) issue = parser.feed(Buffer.from('\n'), onRecord); // as the native reader appends
      if (header === null) issue ??= parser.feed(null, onRecord);
      if (issue == null && header === null) return { end: size, line: 1 }; // no record at all
    }
    if (issue && header === null) return { kind: issue.kind, line: issue.line, record: -1, column: issue.column, found: 0, token: '' };
  }
  const h = header as ParsedRecord;
  return { end: Math.min(h.end, size), line: h.line + linesBefore(h.fields, h.fields.length) + 1 };
}

/** Where the records of [begin, end) are, or the header's quoting error. */
export async function locateRange(fh: Pick<ByteHandle, 'read'>, size: number, delimiter: string, header: boolean, range: readonly [number, number]): Promise<SourceRange | CsvErrorInfo> {
  const read = { bytes: 0 };
  let dataStart = 0;
  let firstLine = 1;
  if (header) {
    const h = await headerEnd(fh, size, delimiter, read);
    if ('kind' in h) return h;
    dataStart = h.end;
    firstLine = h.line;
  }
  const b = Math.max(await lineStartAtOrAfter(fh, range[0], size, read), dataStart);
  const e = Math.max(await lineStartAtOrAfter(fh, range[1], size, read), b);
  return { begin: b, end: e, firstLine, extraBytes: read.bytes };
}

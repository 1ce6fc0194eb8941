// The first rows of a file: the header (column names), the field count, and a sample of values to infer
// column kinds from. The native reader's tokenizer samples when the addon is used (CsvReader.sample),
// csv-parse otherwise, by one rule: records in file order while fewer than maxRows data rows were read
// and each record ends within the first maxBytes bytes — but always the header and one data row when
// the file has them; sampling stops at the first quoting error (which the readers report, in file
// order with every other error). Values are trimmed.

import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { DataError } from '../../util/errors.js';
import type { ByteHandle } from './bytes.js';
import { isPlain, openBytes, type CsvInput } from './input.js';
import { loadNativeAddon } from '../../backend/native.js';
import type { CsvErrorInfo } from '../../backend/native-csv.js';
import { csvError, fileError } from './errors.js';
import { RecordParser, type ParsedRecord } from './csv-parse-tokenizer.js';
import { trimValue } from './number.js';

export interface CsvSample {
  /** The header's fields, or null without a header. */
  header: string[] | null;
  /** Fields per record: the header's count, else the first record's. 0 for a file without records. */
  fields: number;
  /** Sampled data rows. */
  rows: string[][];
  /** The file has no record at all (empty, or only blank lines). */
  empty: boolean;
  /** A quoting error came before the header and one data row were read (the readers report it). */
  stopped: boolean;
  /** The file's size in bytes (for a gzip file or a stream: the bytes read so far). */
  bytes: number;
  /** Bytes read from the file to take the sample. */
  bytesRead: number;
}

interface RawSample {
  records: string[][];
  stopped: boolean;
  error?: CsvErrorInfo;
  bytes: number;
  bytesRead: number;
}

/** The rule with csv-parse: whole records, each with its end offset. */
async function sampleJs(fh: ByteHandle, size: number | null, delimiter: string, maxRecords: number, maxBytes: number, minRecords: number): Promise<RawSample> {
  const parser = new RecordParser(delimiter);
  const records: ParsedRecord[] = [];
  let pos = 0;
  let last = -1;
  const full = (): boolean => records.length >= Math.max(maxRecords, minRecords) || (records.length >= minRecords && records[records.length - 1].end > maxBytes);
  while (!full()) {
    const buf = Buffer.allocUnsafe(16 << 10); // fresh: csv-parse keeps views of unfinished records
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    const push = (r: ParsedRecord): void => void records.push(r);
    let issue;
    if (bytesRead > 0) {
      pos += bytesRead;
      last = buf[bytesRead - 1];
      issue = parser.feed(buf.subarray(0, bytesRead), push);
    } else {
      if (last !== -1 && last !== 0x0a) issue = parser.feed(Buffer.from('\n'), push); // as the native reader appends
      issue ??= parser.feed(null, push);
    }
    if (issue && records.length === 0) {
      return { records: [], stopped: false, error: { kind: issue.kind, line: issue.line, record: -1, column: issue.column, found: 0, token: issue.kind === 'internal' ? issue.message : '' }, bytes: size ?? pos, bytesRead: pos };
    }
    if (issue) return { records: keep(records, maxRecords, maxBytes, minRecords), stopped: records.length < minRecords, bytes: size ?? pos, bytesRead: pos };
    if (bytesRead === 0) break;
  }
  return { records: keep(records, maxRecords, maxBytes, minRecords), stopped: false, bytes: size ?? pos, bytesRead: pos };
}

function keep(records: ParsedRecord[], maxRecords: number, maxBytes: number, minRecords: number): string[][] {
  const out: string[][] = [];
  for (const r of records) {
    if (out.length >= maxRecords && out.length >= minRecords) break;
    if (out.length >= minRecords && r.end > maxBytes) break;
    out.push(r.fields.map(trimValue));
  }
  return out;
}

/**
 * Samples `path` (see the file comment).
 * @throws DataError for a file that cannot be read, or a quoting error before the first record.
 */
export async function sampleCsv(input: CsvInput, delimiter: string, header: boolean, maxRows: number, backend: 'native' | 'js', maxBytes = 64 << 10): Promise<CsvSample> {
  const { path, file } = input;
  const maxRecords = maxRows + (header ? 1 : 0);
  const minRecords = header ? 2 : 1;
  let raw: RawSample;
  try {
    if (backend === 'native' && isPlain(input)) {
      // checked here, so a missing or unreadable file reads the same whichever reader samples it
      await access(file, constants.R_OK);
      raw = await loadNativeAddon().CsvReader.sample(file, delimiter.charCodeAt(0), maxRecords, maxBytes, minRecords);
    } else {
      // a gzip file or a stream: the same rule over the decompressed bytes (a stream's stay kept for the reader)
      const fh = await openBytes(input);
      try {
        const size = isPlain(input) ? (await stat(file)).size : null;
        raw = await sampleJs(fh, size, delimiter, maxRecords, maxBytes, minRecords);
      } finally {
        if (!input.stream) await fh.close();
      }
    }
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw fileError(path, err);
  }
  if (raw.error) {
    // not one record, so no columns: nothing to go on
    throw csvError({ ...raw.error, record: header ? -1 : 0 }, { path, names: [], header });
  }
  const head = header && raw.records.length > 0 ? raw.records[0] : null;
  const rows = header ? raw.records.slice(1) : raw.records;
  return { header: head, fields: head?.length ?? rows[0]?.length ?? 0, rows, empty: raw.records.length === 0 && !raw.stopped, stopped: raw.stopped, bytes: raw.bytes, bytesRead: raw.bytesRead };
}

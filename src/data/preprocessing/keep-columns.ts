// Some columns of a CSV file as the text it holds (quotes removed, nothing trimmed or parsed), record by
// record, beside the reader that parses the same file into numbers: `predict --keep id` copies them into
// its output so predictions can be joined back by key instead of by row order. csv-parse configured as
// the JS reader (same record ends, quoting, blank lines skipped), so record k here is row k there.

import { DataError } from '../../util/errors.js';
import { readChunks, type ByteHandle } from '../csv/bytes.js';
import { RecordParser, type ParsedRecord } from '../csv/csv-parse-tokenizer.js';
import { describeInput, openBytes } from '../csv/input.js';
import { trimValue } from '../csv/number.js';

/** The chosen columns' text, `rows` records at a time. */
export interface KeptColumns {
  /** The column names, as asked for. */
  readonly names: readonly string[];
  /** The next up to `rows` records' fields (one array per record, in `names` order); fewer at the end. */
  next(rows: number): Promise<string[][]>;
  close(): void;
}

/**
 * Opens `path` (or the files of a list, in order, each with its own header) to take the columns `names`
 * from each record; gzip files are decompressed. A stream cannot be read beside the parser.
 * @throws DataError naming the file and the columns it lacks (or repeats), or a quoting error's line.
 */
export async function keptColumns(path: string | readonly string[], names: readonly string[], format: { delimiter: string; header: boolean }): Promise<KeptColumns> {
  const paths = typeof path === 'string' ? [path] : [...path];
  const queue: ParsedRecord[] = [];
  let head = 0;
  let ended = false;
  let file = -1;
  let bytes: ByteHandle | null = null;
  let chunks: AsyncIterator<Buffer> | null = null;
  let parser = new RecordParser(format.delimiter);
  let skip = false; // the header of a file after the first
  const onRecord = (r: ParsedRecord): void => {
    if (skip) skip = false;
    else queue.push(r);
  };
  const next = async (): Promise<boolean> => {
    await bytes?.close();
    if (++file >= paths.length) return false;
    const input = await describeInput(paths[file]);
    if (input.stream) {
      await input.bytes?.close();
      throw new DataError(`${paths[file]}: the kept columns are read beside the parser, a second read, and a stream can be read once: write it to a file to keep columns`);
    }
    bytes = await openBytes(input);
    chunks = readChunks(bytes);
    parser = new RecordParser(format.delimiter);
    skip = format.header && file > 0;
    return true;
  };
  const fill = async (want: number): Promise<void> => {
    while (queue.length - head < want && !ended) {
      if (chunks === null && !(await next())) {
        ended = true;
        break;
      }
      const { value, done } = await (chunks as AsyncIterator<Buffer>).next();
      const issue = parser.feed(done === true ? null : value, onRecord);
      if (issue !== null) throw new DataError(`${paths[file]}: line ${issue.line}: ${issue.message}`);
      if (done === true) chunks = null;
    }
  };
  const close = (): void => void (bytes as ByteHandle | null)?.close().catch(() => undefined);
  try {
    await fill(1);
  } catch (err) {
    close();
    throw err;
  }
  const first = queue[0]?.fields ?? [];
  const header = format.header ? first.map((f, i) => trimValue(f) || `col${i + 1}`) : first.map((_, i) => `col${i + 1}`);
  if (format.header) head = 1;
  const index = names.map((n) => header.indexOf(n));
  const absent = names.filter((_, k) => index[k] < 0);
  if (absent.length > 0) {
    close();
    throw new DataError(`${paths[0]}: line 1: no column ${absent.map((n) => `'${n}'`).join(', ')} to keep; the columns are: ${header.join(', ')}`);
  }
  return {
    names,
    async next(rows: number): Promise<string[][]> {
      await fill(rows);
      const out: string[][] = [];
      for (; out.length < rows && head < queue.length; head++) out.push(index.map((i) => queue[head].fields[i] ?? ''));
      queue.splice(0, head); // bounded: one chunk of records at a time
      head = 0;
      return out;
    },
    close,
  };
}

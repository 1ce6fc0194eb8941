// Some columns of a CSV file as the text it holds (quotes removed, nothing trimmed or parsed), record by
// record, beside the reader that parses the same file into numbers: `predict --keep id` copies them into
// its output so predictions can be joined back by key instead of by row order. csv-parse configured as
// the JS reader (same record ends, quoting, blank lines skipped), so record k here is row k there.

import { createReadStream, type ReadStream } from 'node:fs';
import { DataError } from '../../util/errors.js';
import { RecordParser, type ParsedRecord } from '../csv/csv-parse-tokenizer.js';
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
 * Opens `path` to take the columns `names` from each record.
 * @throws DataError naming the file and the columns it lacks (or repeats), or a quoting error's line.
 */
export async function keptColumns(path: string, names: readonly string[], format: { delimiter: string; header: boolean }): Promise<KeptColumns> {
  const stream = createReadStream(path, { highWaterMark: 1 << 16 });
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const parser = new RecordParser(format.delimiter);
  const queue: ParsedRecord[] = [];
  let head = 0;
  let ended = false;
  const fill = async (want: number): Promise<void> => {
    while (queue.length - head < want && !ended) {
      const { value, done } = await chunks.next();
      const issue = parser.feed(done === true ? null : value, (r) => queue.push(r));
      if (issue !== null) throw new DataError(`${path}: line ${issue.line}: ${issue.message}`);
      ended = done === true;
    }
  };
  try {
    await fill(1);
  } catch (err) {
    stream.destroy();
    throw err;
  }
  const first = queue[0]?.fields ?? [];
  const header = format.header ? first.map((f, i) => trimValue(f) || `col${i + 1}`) : first.map((_, i) => `col${i + 1}`);
  if (format.header) head = 1;
  const index = names.map((n) => header.indexOf(n));
  const absent = names.filter((_, k) => index[k] < 0);
  if (absent.length > 0) {
    stream.destroy();
    throw new DataError(`${path}: line 1: no column ${absent.map((n) => `'${n}'`).join(', ')} to keep; the columns are: ${header.join(', ')}`);
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
    close(): void {
      (stream as ReadStream).destroy();
    },
  };
}

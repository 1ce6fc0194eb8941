// Bad input becomes one DataError whose message names the file, the 1-based line and the column (number
// and name): both backends report an error record and this file alone words it, so the messages are
// the same whichever backend read the file.

import type { CsvErrorInfo } from '../../backend/native-csv.js';
import { DataError } from '../../util/errors.js';
import { printable } from '../../util/printable.js';
import { describe } from '../../util/validate.js';

/** What the formatter needs to know about the file besides the error itself. */
export interface CsvErrorContext {
  path: string;
  /** Column names (header names, or col1..colN). */
  names: readonly string[];
  header: boolean;
  /** Categories of categorical columns (to list some known values), by field. */
  categories?: readonly (readonly string[] | null)[];
  maxCategories?: number;
  /** Per field: whether an unknown category there could be ignored (a feature: unknown: 'ignore'). */
  unknownHint?: readonly boolean[];
  /**
   * A process's byte range of the file (distributed reads): the lines and records before it, added to
   * the reader's (which counts from the header's end), and whether it ends before the file does.
   */
  shard?: { lineOffset: number; recordOffset: number; endsEarly: boolean };
}

// every string quoted here may come from the data: header names, values, categories
const quoted = (s: string): string => `'${printable(s)}'`;

/** "column 3 ('age')", or "column 7" past the named columns. */
export function columnLabel(column: number, names: readonly string[]): string {
  return column < names.length ? `column ${column + 1} (${quoted(names[column])})` : `column ${column + 1}`;
}

/** The DataError for an error record. */
export function csvError(raw: CsvErrorInfo, ctx: CsvErrorContext): DataError {
  const shift = ctx.shard !== undefined && raw.record >= 0;
  const info = shift ? { ...raw, line: raw.line + (ctx.shard?.lineOffset ?? 0), record: raw.record + (ctx.shard?.recordOffset ?? 0) } : raw;
  const where = `${info.file ?? ctx.path}: line ${info.line}, ${columnLabel(info.column, ctx.names)}`;
  const n = ctx.names.length;
  const what = ((): string => {
    switch (info.kind) {
      case 'ragged':
        return `the row has ${info.found} field${info.found === 1 ? '' : 's'} but ${ctx.header ? 'the header has' : 'the first row has'} ${n} (${
          info.found < n ? `${columnLabel(info.found, ctx.names)} is missing` : `unexpected ${columnLabel(n, ctx.names)}`
        })`;
      case 'number':
        return `expected a number but found ${quoted(info.token)}`;
      case 'range':
        return `${quoted(info.token)} is outside the float32 range (magnitude up to 3.4028235e38)`;
      case 'missing':
        return `missing value ${quoted(info.token)} (missing: 'error'; use missing: 'drop' or 'impute' for this column)`;
      case 'category':
        return `unknown category ${quoted(info.token)}; known values: ${knownValues(ctx.categories?.[info.column] ?? [])}${
          ctx.unknownHint?.[info.column] === true ? " (unknown: 'error'; with unknown: 'ignore', or the command line's --unknown ignore, it reads as no category)" : ''
        }`;
      case 'quote':
        return 'a quote inside an unquoted field (quote the whole field and double the quotes inside: "a ""b"" c")';
      case 'closingQuote':
        return 'unexpected character after the closing quote of a quoted field';
      case 'unterminated':
        if (ctx.shard?.endsEarly) {
          return (
            "a quoted field that is still open where this process's byte range of the file ends: either its quote is never closed, " +
            'or it holds a line break, and a file with line breaks inside quoted fields cannot be split into byte ranges (read it on one process)'
          );
        }
        return 'a quoted field that is never closed (its opening quote is at the start of this field)';
      case 'tooManyCategories':
        return `more than ${ctx.maxCategories ?? '?'} distinct values (the latest ${quoted(info.token)}); ignore the column, or raise maxCategories`;
      case 'recordTooLarge':
        return 'a row larger than the largest read buffer allowed (maxBlockBytes)';
      case 'io':
        return `read failed: ${info.token}`;
      case 'internal':
        return `internal reader error (${info.token}); please report it`;
    }
  })();
  const row = info.record >= 0 ? info.record : undefined;
  return new DataError(`${where}: ${what}`, { row, column: info.column });
}

/** Up to 8 categories, quoted, and how many there are in all. */
function knownValues(categories: readonly string[]): string {
  if (categories.length === 0) return 'none';
  const shown = categories.slice(0, 8).map(quoted).join(', ');
  return categories.length > 8 ? `${shown}, … (${categories.length} in all)` : shown;
}

/** The DataError for a file that cannot be read at all (missing, a directory, no permission). */
export function fileError(path: string, cause: unknown): DataError {
  const code = (cause as { code?: string }).code;
  const reason =
    code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : cause instanceof Error ? cause.message : describe(cause);
  return new DataError(`Cannot read CSV file ${quoted(path)}: ${reason}${code ? ` (${code})` : ''}`);
}

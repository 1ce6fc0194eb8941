// A small all-JS reader for numeric CSV files that fit in memory, on csv-parse (quoting, CRLF, BOM).
// The demo and tests use it; the native streaming reader for large files is a separate piece of work.

import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { DataError } from '../util/errors.js';
import type { Matrix } from './matrix.js';

/** Options of readNumericCsv. */
export interface NumericCsvOptions {
  /** Skip the first row (a header). Default false. */
  header?: boolean;
  /** Field delimiter. Default ','. */
  delimiter?: string;
}

/** What readNumericCsv returns: the values and, with `header`, the column names. */
export interface NumericCsv {
  /** All columns as float32, row-major. */
  matrix: Matrix;
  /** The header row when `header` is true. */
  columns: string[] | undefined;
}

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Reads a CSV file whose fields are all numbers into a Matrix.
 * @throws DataError naming the file, line and column of a ragged row, a non-numeric field or a value
 *   outside float32's range; and for an empty file.
 */
export async function readNumericCsv(path: string, options: NumericCsvOptions = {}): Promise<NumericCsv> {
  const text = await readFile(path, 'utf8');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      delimiter: options.delimiter ?? ',',
      skip_empty_lines: true,
      relax_column_count: true, // ragged rows are reported below with the file name
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    throw new DataError(`${path}: ${(err as Error).message}`);
  }
  const columns = options.header ? records.shift()?.record : undefined;
  if (records.length === 0) throw new DataError(`${path}: no data rows`);
  const cols = records[0].record.length;
  const data = new Float32Array(records.length * cols);
  records.forEach(({ record, info }, row) => {
    if (record.length !== cols) {
      throw new DataError(`${path}:${info.lines}: expected ${cols} fields but found ${record.length}`, { row });
    }
    for (let c = 0; c < cols; c++) {
      const field = record[c].trim();
      const value = field === '' ? NaN : Number(field);
      if (!Number.isFinite(value) || Math.abs(value) > FLOAT32_MAX) {
        throw new DataError(`${path}:${info.lines}: column ${c + 1}: expected a number but found '${record[c]}'`, {
          row,
          column: c,
        });
      }
      data[row * cols + c] = value;
    }
  });
  return { matrix: { data, rows: records.length, cols }, columns };
}

// readNumericCsv: the small all-numeric reader the demo and older code use, now a thin layer over
// readCsv (native reader when the addon loads, csv-parse otherwise): every column numeric, no target,
// missing values are errors.

import type { Matrix } from '../matrix.js';
import { readCsvAs } from './read.js';

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

/**
 * Reads a CSV file whose fields are all numbers into a Matrix.
 * @example const { matrix } = await readNumericCsv('data/digits.csv'); // (1797, 65)
 * @throws DataError naming the file, line and column of a ragged row, a non-numeric or missing field
 *   or a value outside float32's range; and for an empty or unreadable file.
 */
export async function readNumericCsv(path: string | readonly string[], options: NumericCsvOptions = {}): Promise<NumericCsv> {
  const base = { header: options.header ?? false, delimiter: options.delimiter ?? ',', missingValues: [''], sampleRows: 1 };
  // numeric everywhere, even where the first row looks categorical: one read that fails on the
  // first non-number, naming line and column
  const result = await readCsvAs(path, base, true);
  return { matrix: result.x, columns: base.header ? result.schema.columns.map((c) => c.name) : undefined };
}

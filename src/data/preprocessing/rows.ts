// Rows given as objects keyed by column name (`{ sepal_length: 5.1, species: 'setosa' }`) into the raw
// features a saved schema's model takes: the same rules as reading the CSV with that schema (numbers
// or numeric strings to float32, categories one-hot or as indices, missing values NaN for the imputer),
// so a row predicts the same from an object as from a CSV line.

import { DataError } from '../../util/errors.js';
import { describe } from '../../util/validate.js';
import { parseFloat32, trimValue } from '../csv/number.js';
import type { UnknownCategories } from '../csv/options.js';
import { layoutOf, type CsvSchema } from '../csv/schema.js';
import type { Matrix } from '../matrix.js';

/** One row: raw values by column name (strings, numbers, or null / '' / a missing token for a missing value). */
export type RawRow = Readonly<Record<string, unknown>>;

/**
 * The raw features of `rows` under `schema` (x in the schema's feature order, NaN where a value is
 * missing). Keys the schema does not read are ignored; its target may be absent.
 * @throws DataError naming the row (0-based) and column: a feature column absent from a row, a value that
 *   is not a number in a numeric column, a missing value where the schema does not impute, or a category
 *   the schema does not know under unknown: 'error'.
 */
export function rawFeatures(schema: CsvSchema, rows: readonly RawRow[], unknown: UnknownCategories): Matrix {
  if (!Array.isArray(rows)) throw new DataError(`Expected an array of rows (objects keyed by column name) but received ${describe(rows)}`);
  const layout = layoutOf(schema);
  const features = schema.columns.filter((c) => c.role === 'feature');
  const offsets: number[] = [];
  let offset = 0;
  for (const c of features) {
    offsets.push(offset);
    offset += c.kind === 'categorical' && c.encoding === 'onehot' ? (c.categories ?? []).length : 1;
  }
  const cols = layout.xCols;
  const missingTokens = new Set(schema.missingValues);
  const data = new Float32Array(rows.length * cols);
  rows.forEach((row, r) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new DataError(`row ${r}: expected an object keyed by column name but received ${describe(row)}`);
    const absent = features.filter((c) => !(c.name in row)).map((c) => `'${c.name}'`);
    if (absent.length > 0) throw new DataError(`row ${r} lacks the model's input column${absent.length === 1 ? '' : 's'} ${absent.join(', ')}`, { row: r });
    features.forEach((c, k) => {
      const at = r * cols + offsets[k];
      const width = c.kind === 'categorical' && c.encoding === 'onehot' ? (c.categories ?? []).length : 1;
      const value = row[c.name];
      const where = `row ${r}, column '${c.name}'`;
      const text = value === null || value === undefined ? '' : typeof value === 'number' ? (Number.isNaN(value) ? '' : String(value)) : typeof value === 'string' ? trimValue(value) : null;
      if (text === null) throw new DataError(`${where}: expected a number, a string or null but received ${describe(value)}`, { row: r });
      if (missingTokens.has(text)) {
        if (c.missing !== 'impute') throw new DataError(`${where}: missing value, and the model's schema has no fill for this column (missing: '${c.missing}')`, { row: r });
        data.fill(NaN, at, at + width);
        return;
      }
      if (c.kind === 'numeric') {
        const n = parseFloat32(typeof value === 'number' ? value.toString() : text);
        if (!n.ok) throw new DataError(`${where}: ${n.reason === 'invalid' ? `expected a number but found '${text}'` : `${text} is outside the float32 range`}`, { row: r });
        data[at] = n.value;
        return;
      }
      const id = (c.categories ?? []).indexOf(text);
      if (id < 0) {
        if (unknown === 'error') {
          throw new DataError(`${where}: unknown category '${text}' (known: ${(c.categories ?? []).slice(0, 8).map((v) => `'${v}'`).join(', ')}); pass unknown: 'ignore' to read it as no category`, { row: r });
        }
        data.fill(c.encoding === 'onehot' ? 0 : NaN, at, at + width); // no category, as the CSV readers
      } else if (c.encoding === 'onehot') {
        data[at + id] = 1;
      } else {
        data[at] = id;
      }
    });
  });
  return { data, rows: rows.length, cols };
}

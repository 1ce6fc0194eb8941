// A CSV column of per-row loss weights (Keras's sample_weight as a dataset's third element): read by
// the ordinary readers as one more target column, the last of y, numeric with a missing value an
// error (so a missing, NaN or non-numeric weight is the reader's error naming file, line and column),
// then split off y. A negative weight parses as a number; its line is found by reading the file again
// with csv-parse, on that error path only. Saved with a model, the schema has the column ignored.

import { stat } from 'node:fs/promises';
import { ConfigError, DataError } from '../../util/errors.js';
import { printable } from '../../util/printable.js';
import { readChunks } from './bytes.js';
import { RecordParser } from './csv-parse-tokenizer.js';
import { columnLabel } from './errors.js';
import { describeInput, openBytes } from './input.js';
import { parseFloat32, trimValue } from './number.js';
import type { ColumnRef, CsvReadOptions, MissingPolicy } from './options.js';
import type { CsvColumn, CsvSchema } from './schema.js';

const quoted = (s: string): string => `'${printable(s)}'`;

/**
 * `options` that also read column `weight` as the last target. With a given schema (a model's), the
 * column is added to it (or its ignored entry made the weight); else it joins `target` and `numeric`
 * and, named, gets missing 'error'.
 * @throws ConfigError when the column is a feature or target of the schema, or a schema without a
 *   header does not list it.
 */
export function withWeightColumn<T extends CsvReadOptions>(options: T, weight: ColumnRef): T {
  if (options.schema !== undefined) return { ...options, schema: schemaWithWeight(options.schema, weight) };
  const target = options.target === undefined ? [] : Array.isArray(options.target) ? [...(options.target as ColumnRef[])] : [options.target as ColumnRef];
  if (target.includes(weight)) throw new ConfigError(`The weight column ${quoted(String(weight))} is also the target: weights must come from another column`);
  const missing = options.missing;
  const named = typeof weight === 'string';
  return {
    ...options,
    target: [...target, weight],
    numeric: [...(options.numeric ?? []), weight],
    ...(named && missing !== undefined ? { missing: typeof missing === 'string' ? { '*': missing, [weight]: 'error' } : { ...missing, [weight]: 'error' } } : {}),
  } as T;
}

/** `schema` with column `weight` read as its last target (numeric, missing 'error'). */
export function schemaWithWeight(schema: CsvSchema, weight: ColumnRef): CsvSchema {
  const at = typeof weight === 'number' ? (weight < 0 ? schema.columns.length + weight : weight) : schema.columns.findIndex((c) => c.name === weight);
  const entry: CsvColumn = { name: at >= 0 && at < schema.columns.length ? schema.columns[at].name : String(weight), kind: 'numeric', role: 'target', missing: 'error' };
  const columns = [...schema.columns];
  if (at >= 0 && at < columns.length) {
    if (columns[at].role !== 'ignored') {
      throw new ConfigError(`The weight column ${quoted(entry.name)} is a ${columns[at].role} column of the schema; a weight column must be another column`);
    }
    columns[at] = entry;
  } else if (schema.header && typeof weight === 'string') {
    columns.push(entry);
  } else {
    throw new ConfigError(`The schema has no column ${quoted(String(weight))} to read weights from`);
  }
  return { ...schema, columns, targets: [...schema.targets, entry.name] };
}

/** `schema` with its weight column (the last target, `name`) ignored again: what a model saves. */
export function schemaWithoutWeight(schema: CsvSchema, name: string): CsvSchema {
  const columns = schema.columns.map((c): CsvColumn => (c.name === name && c.role === 'target' ? { name: c.name, kind: 'skip', role: 'ignored', missing: 'error' } : c));
  return { ...schema, columns, targets: schema.targets.filter((t) => t !== name) };
}

/**
 * The weight column's name in the schema a read settled (`targets` other targets expected before it),
 * checked to be read with missing 'error'.
 * @throws DataError when the file lacks the column (or the targets); ConfigError for another missing policy.
 */
export function settledWeightColumn(path: string, schema: CsvSchema, weight: ColumnRef, targets: number | null): string {
  const name = schema.targets[schema.targets.length - 1];
  const column = schema.columns.find((c) => c.name === name);
  const wanted = typeof weight === 'string' ? weight : name;
  if (column === undefined || name !== wanted || (targets !== null && schema.targets.length !== targets + 1)) {
    throw new DataError(`${path}: the file lacks the weight column ${quoted(String(weight))}${targets !== null && targets > 0 ? ' or the target' : ''}`);
  }
  if (column.missing !== ('error' satisfies MissingPolicy)) {
    throw new ConfigError(`The weight column ${quoted(name)} must not have missing values: set missing for it to 'error' (missing: { '${printable(name)}': 'error', … })`);
  }
  return name;
}

/**
 * Moves the last column of `yw` (rows × (cols + 1)) into `w` and the others into `y` (rows × cols);
 * returns the first row whose weight is negative, or -1.
 */
export function splitWeightColumn(yw: Float32Array, rows: number, cols: number, y: Float32Array, w: Float32Array): number {
  let negative = -1;
  for (let r = 0; r < rows; r++) {
    const from = r * (cols + 1);
    for (let j = 0; j < cols; j++) y[r * cols + j] = yw[from + j];
    const v = yw[from + cols];
    w[r] = v;
    if (v < 0 && negative < 0) negative = r;
  }
  return negative;
}

/** Where a file's weight column is: its 0-based field, its name and the file's format. */
export interface WeightColumnPlace {
  field: number;
  name: string;
  names: readonly string[];
  delimiter: string;
  header: boolean;
}

/**
 * The DataError for a negative weight: the first record of `paths` (in order) whose weight is negative,
 * found by reading them again, named by file, line and column; `fallback` (e.g. "row 12 of the data")
 * when no file can be read again (stdin, a pipe).
 */
export async function negativeWeightError(paths: readonly string[], place: WeightColumnPlace, value: number, fallback: string): Promise<DataError> {
  const what = `negative weight ${value}: a weight must be a finite number >= 0`;
  for (const path of paths) {
    const found = await findNegative(path, place).catch(() => null);
    if (found !== null) return new DataError(`${path}: line ${found.line}, ${columnLabel(place.field, place.names)}: ${what} (found ${quoted(found.token)})`);
  }
  return new DataError(`${paths.length === 1 ? paths[0] : paths.join(', ')}: ${fallback}, column ${quoted(place.name)}: ${what}`);
}

/** The line and value of the first record of `path` whose weight field is a negative number. */
async function findNegative(path: string, place: WeightColumnPlace): Promise<{ line: number; token: string } | null> {
  if (path === '-' || !(await stat(path)).isFile()) return null; // a stream can be read once
  const bytes = await openBytes(await describeInput(path));
  try {
    const parser = new RecordParser(place.delimiter);
    let first = place.header;
    let hit: { line: number; token: string } | null = null;
    const onRecord = (r: { fields: string[]; line: number }): void => {
      if (first || hit !== null) {
        first = false;
        return;
      }
      const token = trimValue(r.fields[place.field] ?? '');
      const parsed = parseFloat32(token);
      if (parsed.ok && parsed.value < 0) hit = { line: r.line, token };
    };
    for await (const chunk of readChunks(bytes)) {
      parser.feed(chunk, onRecord);
      if (hit !== null) return hit;
    }
    parser.feed(null, onRecord);
    return hit;
  } finally {
    await bytes.close();
  }
}

// A CSV schema: every column of the file with its kind, role, categories and missing policy. It is
// plain JSON, so a model file can store it and a prediction-time read can reuse it (same columns, same
// category order, same one-hot widths). The layout (which floats of x and y each column fills) is
// derived from it by one function, so it is the same every time the schema is.

import { CSV_LAYOUT_WIDTH } from '../../backend/codes.js';
import { ConfigError } from '../../util/errors.js';
import { describe, isPlainObject, isString } from '../../util/validate.js';
import type { CategoricalEncoding, MissingPolicy } from './options.js';

export type CsvColumnKind = 'numeric' | 'categorical' | 'skip';
export type CsvColumnRole = 'feature' | 'target' | 'ignored';

export interface CsvColumn {
  /** The header name, or col1, col2, … when the file has no header. */
  name: string;
  /** 'skip' exactly when role is 'ignored'. */
  kind: CsvColumnKind;
  role: CsvColumnRole;
  /** Categorical columns: how the category becomes floats. */
  encoding?: CategoricalEncoding;
  /** Categorical columns: category i is the value categories[i] (first-appearance order in the file). */
  categories?: string[];
  missing: MissingPolicy;
}

export interface CsvSchema {
  format: 'nntrain.csv-schema';
  version: 1;
  delimiter: string;
  header: boolean;
  missingValues: string[];
  /** Every column of the file, in file order. */
  columns: CsvColumn[];
  /** Target column names, in the order of y's columns. */
  targets: string[];
}

/** Where each column's floats go, and names for the columns of x and y. */
export interface CsvLayout {
  xCols: number;
  yCols: number;
  /** Names of x's columns: the column name, or 'name=category' for one-hot columns. */
  xColumns: string[];
  yColumns: string[];
  /** Per file column: [dest (0 x, 1 y), offset, one-hot (0/1)], what the readers take. */
  fields: Float64Array;
  /** x columns that one-hot encode one categorical column (for an Imputer's oneHotGroups). */
  oneHotGroups: number[][];
  /** x columns holding a category index (for an Imputer's categorical). */
  indexColumns: number[];
  /** x columns that may hold NaN: the columns whose missing policy is 'impute'. */
  imputeColumns: number[];
  /** Class names when the target is one categorical column: class i is labels[i]. */
  labels: string[] | null;
}

/** The names of a schema's feature columns, in the order their floats take in x. */
export function featureNames(schema: CsvSchema): string[] {
  return schema.columns.filter((c) => c.role === 'feature').map((c) => c.name);
}

/**
 * The layout of a schema whose categorical columns all have their categories. x holds the feature
 * columns in file order, or in `featureOrder` (names; a file read by name with a model's schema, whose
 * columns may come in another order).
 */
export function layoutOf(schema: CsvSchema, featureOrder?: readonly string[]): CsvLayout {
  const fields = new Float64Array(CSV_LAYOUT_WIDTH * schema.columns.length);
  const xColumns: string[] = [];
  const yColumns: string[] = [];
  const oneHotGroups: number[][] = [];
  const indexColumns: number[] = [];
  const imputeColumns: number[] = [];
  const place = (c: number, names: string[], dest: 0 | 1): void => {
    const col = schema.columns[c];
    const onehot = col.kind === 'categorical' && col.encoding === 'onehot';
    fields.set([dest, names.length, onehot ? 1 : 0], CSV_LAYOUT_WIDTH * c);
    const first = names.length;
    if (onehot) names.push(...(col.categories ?? []).map((v) => `${col.name}=${v}`));
    else names.push(col.name);
    if (dest !== 0) return;
    const span = Array.from({ length: names.length - first }, (_, i) => first + i);
    if (onehot) oneHotGroups.push(span);
    else if (col.kind === 'categorical') indexColumns.push(first);
    if (col.missing === 'impute') imputeColumns.push(...span);
  };
  if (featureOrder === undefined) {
    schema.columns.forEach((col, c) => {
      if (col.role === 'feature') place(c, xColumns, 0);
    });
  } else {
    for (const name of featureOrder) place(schema.columns.findIndex((c) => c.role === 'feature' && c.name === name), xColumns, 0);
  }
  for (const name of schema.targets) place(schema.columns.findIndex((c) => c.name === name), yColumns, 1);
  const target = schema.targets.length === 1 ? schema.columns.find((c) => c.name === schema.targets[0]) : undefined;
  return {
    xCols: xColumns.length,
    yCols: yColumns.length,
    xColumns,
    yColumns,
    fields,
    oneHotGroups,
    indexColumns,
    imputeColumns,
    labels: target?.kind === 'categorical' ? [...(target.categories ?? [])] : null,
  };
}

/** A schema without its target columns (a prediction-time file that has no labels). */
export function withoutTargets(schema: CsvSchema): CsvSchema {
  return { ...schema, columns: schema.columns.filter((c) => c.role !== 'target'), targets: [] };
}

const KINDS: readonly CsvColumnKind[] = ['numeric', 'categorical', 'skip'];
const ROLES: readonly CsvColumnRole[] = ['feature', 'target', 'ignored'];

/**
 * Checks a schema from outside (a model file, JSON): a malformed one is a ConfigError, not a crash later.
 * @throws ConfigError naming the first bad entry.
 */
export function checkSchema(schema: unknown): CsvSchema {
  const bad = (what: string, value: unknown): ConfigError => new ConfigError(`Invalid CSV schema: ${what} (received ${describe(value)})`);
  if (!isPlainObject(schema) || schema.format !== 'nntrain.csv-schema' || schema.version !== 1) throw bad("expected { format: 'nntrain.csv-schema', version: 1, … }", schema);
  if (!Array.isArray(schema.columns) || schema.columns.length === 0) throw bad('columns must be a non-empty array', schema.columns);
  if (!Array.isArray(schema.missingValues) || !schema.missingValues.every(isString)) throw bad('missingValues must be an array of strings', schema.missingValues);
  if (!isString(schema.delimiter) || typeof schema.header !== 'boolean') throw bad('delimiter (string) and header (boolean) are required', schema.delimiter);
  const names = new Set<string>();
  (schema.columns as unknown[]).forEach((c, i) => {
    if (!isPlainObject(c) || !isString(c.name)) throw bad(`columns[${i}] needs a name`, c);
    if (!KINDS.includes(c.kind as CsvColumnKind) || !ROLES.includes(c.role as CsvColumnRole)) throw bad(`columns[${i}] has a bad kind or role`, c.kind);
    if ((c.kind === 'skip') !== (c.role === 'ignored')) throw bad(`columns[${i}]: kind 'skip' goes with role 'ignored'`, c.kind);
    if (!['error', 'drop', 'impute'].includes(c.missing as string)) throw bad(`columns[${i}].missing`, c.missing);
    if (c.kind === 'categorical') {
      if (!Array.isArray(c.categories) || !c.categories.every(isString) || new Set(c.categories).size !== c.categories.length) {
        throw bad(`columns[${i}].categories must be an array of distinct strings`, c.categories);
      }
      if (c.encoding !== 'onehot' && c.encoding !== 'index') throw bad(`columns[${i}].encoding`, c.encoding);
    }
    names.add(c.name);
  });
  if (!Array.isArray(schema.targets) || !schema.targets.every((t) => isString(t) && names.has(t))) throw bad('targets must name columns', schema.targets);
  return schema as unknown as CsvSchema;
}

/**
 * The schema as a table for people: one line per column (kind, role, missing policy, categories),
 * and what x and y will hold.
 * @example console.log(formatSchema(await inferCsvSchema('iris.csv', { target: 'species' })));
 */
export function formatSchema(schema: CsvSchema): string {
  const rows = schema.columns.map((c, i) => {
    const cats = c.categories === undefined ? '' : `${c.categories.length}${c.encoding ? ` (${c.encoding})` : ''}: ${c.categories.slice(0, 6).join(', ')}${c.categories.length > 6 ? ', …' : ''}`;
    return [String(i + 1), c.name, c.kind, c.role, c.missing, cats];
  });
  const head = ['#', 'column', 'kind', 'role', 'missing', 'categories'];
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (r: string[]): string => r.map((v, k) => v.padEnd(widths[k])).join('  ').trimEnd();
  const complete = schema.columns.every((c) => c.kind !== 'categorical' || c.categories !== undefined);
  const shape = complete ? layoutOf(schema) : undefined;
  return [
    `CSV schema: ${schema.columns.length} columns, ${schema.header ? 'header row' : 'no header'}, delimiter '${schema.delimiter}', target ${schema.targets.length > 0 ? schema.targets.join(', ') : 'none'}`,
    line(head),
    ...rows.map(line),
    shape ? `x: ${shape.xCols} columns; y: ${shape.yCols === 0 ? 'none' : `${shape.yCols} column${shape.yCols === 1 ? '' : 's'}`}${shape.labels ? ` (class index of ${schema.targets[0]}: ${shape.labels.length} classes)` : ''}` : '',
  ].join('\n').trimEnd();
}

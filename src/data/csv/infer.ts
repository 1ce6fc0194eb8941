// From a file's first rows and the options to a schema: column names, which columns are targets or
// ignored, each column's kind (numeric unless most sampled values are not numbers, or the options say
// so), categories seen so far, missing policies. At prediction time, a given schema is matched to the
// file instead (same columns in the same order; the target columns may be absent).

import { getBackend } from '../../backend/index.js';
import { distributedContext } from '../../backend/mpi-context.js';
import { onRoot } from '../collective.js';
import { ConfigError, DataError } from '../../util/errors.js';
import { printable } from '../../util/printable.js';
import { closest } from '../../util/validate.js';
import { checkCsvOptions, type ColumnRef, type CsvSchemaOptions, type CsvSettings } from './options.js';
import { sampleCsv, type CsvSample } from './sample.js';
import { describeInput, pathList } from './input.js';
import { withoutTargets, type CsvColumn, type CsvSchema } from './schema.js';
import { looksNumeric, trimValue } from './number.js';

/** Column names: the trimmed header, or col1..colN (an empty header name becomes colN too). */
export function columnNames(sample: CsvSample): string[] {
  return Array.from({ length: sample.fields }, (_, i) => {
    const name = sample.header === null ? '' : trimValue(sample.header[i] ?? '');
    return name === '' ? `col${i + 1}` : name;
  });
}

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The 0-based index of a column reference: a name as in the header, else an integer as an index
 * (negative: from the end; a string such as '-1' too, so a name that is also a number stays the name).
 * @throws DataError naming the file for an unknown column or an index beyond the columns; ConfigError
 *   for an index into a file whose header row holds only numbers (it looks like data: header: false).
 */
export function resolveColumn(path: string, names: readonly string[], ref: ColumnRef, option: string, header = true): number {
  if (typeof ref === 'string' && (!INTEGER.test(ref.trim()) || names.includes(ref))) return resolveName(path, names, ref, option);
  const index = Number(ref);
  if (header && names.length > 1 && names.every((n) => NUMBER.test(n.trim()))) {
    // a first row of numbers is data, not names (digits.csv): an index would pick a column of a misread file
    throw new ConfigError(`${path}: line 1 holds only numbers, so it looks like data rather than a header row: pass --no-header (header: false)`);
  }
  const resolved = index < 0 ? names.length + index : index;
  if (resolved >= 0 && resolved < names.length) return resolved;
  throw new DataError(
    `${path}: ${option} column index ${index} is out of range: the file has ${names.length} columns (0-based indices 0-${names.length - 1}, or -1 to -${names.length} from the end)`,
  );
}

function resolveName(path: string, names: readonly string[], ref: string, option: string): number {
  const found = names.indexOf(ref);
  if (found >= 0) {
    if (names.indexOf(ref, found + 1) >= 0) throw new DataError(`${path}: ${option} column '${printable(ref)}' is ambiguous: several columns have that name (use its index)`);
    return found;
  }
  const hint = closest(ref, names);
  const shown = names.map(printable);
  const list = names.length > 12 ? `${shown.slice(0, 12).join(', ')}, … (${names.length} in all)` : shown.join(', ');
  throw new DataError(`${path}: line 1: no column named '${printable(ref)}' for ${option}.${hint ? ` Did you mean '${printable(hint)}'?` : ''} The columns are: ${list}`);
}

/** No data rows: an empty file, or a header alone. */
export function checkHasRows(path: string, sample: CsvSample): void {
  if (sample.empty) throw new DataError(`${path}: the file is empty (no rows)`);
  if (sample.rows.length === 0 && !sample.stopped) throw new DataError(`${path}: the file has a header row but no data rows`);
}

/** The schema of a file from its sample and the options (categories: those seen in the sample). */
export function buildSchema(path: string, sample: CsvSample, s: CsvSettings): CsvSchema {
  const names = columnNames(sample);
  const pick = (refs: ColumnRef[], option: string): number[] => refs.map((r) => resolveColumn(path, names, r, option, s.header));
  const targets = pick(s.target, 'target');
  const ignored = new Set(pick(s.ignore, 'ignore'));
  const categorical = new Set(pick(s.categorical, 'categorical'));
  const numeric = new Set(pick(s.numeric, 'numeric'));
  for (const t of targets) if (ignored.has(t)) throw new ConfigError(`Column '${printable(names[t])}' is both a target and ignored`);
  if (new Set(targets).size !== targets.length) throw new ConfigError('The same target column is listed twice');
  for (const c of categorical) if (numeric.has(c)) throw new ConfigError(`Column '${printable(names[c])}' is listed both as categorical and as numeric`);
  const missingAt = new Map([...s.missingByName].map(([ref, policy]) => [resolveColumn(path, names, ref, 'missing', s.header), policy]));
  for (const name of s.categories.keys()) resolveName(path, names, name, 'categories');
  const missingSet = new Set(s.missingValues);
  const columns = names.map((name, i): CsvColumn => {
    const role = targets.includes(i) ? 'target' : ignored.has(i) ? 'ignored' : 'feature';
    const missing = missingAt.get(i) ?? s.missingDefault;
    if (role === 'ignored') return { name, kind: 'skip', role, missing };
    const values = sample.rows.map((r) => trimValue(r[i] ?? '')).filter((v) => !missingSet.has(v));
    const fixed = s.categories.get(name);
    const wordy = values.filter((v) => !looksNumeric(v)).length;
    const isCategorical = !s.allNumeric && (categorical.has(i) || fixed !== undefined || (!numeric.has(i) && 2 * wordy > values.length));
    if (!isCategorical) return { name, kind: 'numeric', role, missing };
    const encoding = role === 'target' ? s.targetEncoding : s.encoding;
    return { name, kind: 'categorical', role, encoding, categories: fixed ? [...fixed] : [...new Set(values)], missing };
  });
  return { format: 'nntrain.csv-schema', version: 1, delimiter: s.delimiter, header: s.header, missingValues: [...s.missingValues], columns, targets: targets.map((t) => names[t]) };
}

/** A given schema applied to a file (matchSchema). */
export interface MatchedSchema {
  /** The schema to read the file with: its columns in the file's order (others than the given schema's are skipped). */
  schema: CsvSchema;
  /** The given schema, without the targets the file lacks: what the read returns and lays x out by. */
  matched: CsvSchema;
}

/**
 * A given schema applied to a file. With a header, columns are matched by name: in any order, extra
 * columns skipped; the feature columns must all be there, the target columns and the columns the schema
 * ignores may be absent. Without one, by position: all of the schema's columns, or all but the targets.
 * @throws DataError naming the file and exactly the missing (or repeated) columns.
 */
export function matchSchema(path: string, sample: CsvSample, schema: CsvSchema): MatchedSchema {
  const names = columnNames(sample);
  if (schema.header) return matchByName(path, names, schema);
  const features = withoutTargets(schema);
  for (const candidate of [schema, features]) {
    if (candidate.columns.length === names.length) return { schema: candidate, matched: candidate };
  }
  const expected = schema.columns.length;
  const problem = `it has ${names.length} columns but the schema has ${expected}${schema.targets.length > 0 ? ` (or ${features.columns.length} without the targets)` : ''}`;
  throw new DataError(`${path}: line 1: ${problem}`);
}

function matchByName(path: string, names: readonly string[], schema: CsvSchema): MatchedSchema {
  const wanted = new Map(schema.columns.filter((c) => c.role !== 'ignored').map((c) => [c.name, c]));
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const name of names) {
    if (wanted.has(name) && seen.has(name)) repeated.add(name);
    seen.add(name);
  }
  const quotedList = (list: readonly string[]): string => list.map((n) => `'${printable(n)}'`).join(', ');
  if (repeated.size > 0) {
    throw new DataError(`${path}: line 1: the header names ${quotedList([...repeated])} more than once, so the model's column cannot be told apart`);
  }
  const missing = schema.columns.filter((c) => c.role === 'feature' && !seen.has(c.name)).map((c) => c.name);
  if (missing.length > 0) {
    throw new DataError(`${path}: line 1: the file lacks the model's input column${missing.length === 1 ? '' : 's'} ${quotedList(missing)}`);
  }
  const columns = names.map((name): CsvColumn => wanted.get(name) ?? { name, kind: 'skip', role: 'ignored', missing: 'error' });
  const targets = schema.targets.filter((t) => seen.has(t));
  const matched = targets.length === schema.targets.length ? schema : { ...schema, columns: schema.columns.filter((c) => c.role !== 'target' || seen.has(c.name)), targets };
  return { schema: { ...schema, columns, targets }, matched };
}

/**
 * Infers a CSV file's schema from its first rows (`sampleRows`, default 100): column names, numeric or
 * categorical kinds, roles (target, ignored, feature), the categories seen in the sample, missing
 * policies. readCsv collects the complete category lists; print a schema with formatSchema.
 * @example
 * ```ts
 * const schema = await inferCsvSchema('data/iris.csv', { target: 'species' });
 * console.log(formatSchema(schema));
 * ```
 * With `distributed: 'mpi'` (every rank of an MPI job calls it) rank 0 samples and every rank gets its
 * schema; only rank 0 reads the file.
 * @throws ConfigError for bad options; DataError for a file that cannot be read, is empty, or lacks a
 *   named column (with a did-you-mean hint), on every rank when it happens on rank 0; BackendError for
 *   distributed without nntrain's MPI addon.
 */
export async function inferCsvSchema(path: string | readonly string[], options?: CsvSchemaOptions): Promise<CsvSchema> {
  const s = checkCsvOptions('inferCsvSchema', options);
  const first = pathList('inferCsvSchema', path)[0];
  const infer = async (): Promise<CsvSchema> => {
    const input = await describeInput(first);
    try {
      const sample = await sampleCsv(input, s.delimiter, s.header, s.sampleRows, getBackend().name);
      checkHasRows(first, sample);
      return buildSchema(first, sample, s);
    } finally {
      await input.bytes?.close();
    }
  };
  // distributed: rank 0 infers from the file's first rows, as one process would, for every rank
  return s.distributed === undefined ? infer() : onRoot(distributedContext(), `reading ${path}`, infer);
}

// The options of readCsv / openCsv / inferCsvSchema, checked at the public edge before the file is
// touched: unknown keys get a did-you-mean hint, bad values name the option. Column references stay
// unresolved here (names need the header); schema.ts resolves them against the file.

import { ConfigError } from '../../util/errors.js';
import { checkBoolean, checkChoice, checkInteger, invalid, isInteger, isPlainObject, isString, readOptions } from '../../util/validate.js';
import type { CsvProgress } from './progress.js';
import type { CsvSchema } from './schema.js';
import { DEFAULT_MISSING_VALUES } from './number.js';

/**
 * A column by name (as in the header, or col1, col2, … without one) or by 0-based index, negative from
 * the end (-1: the last column); a string that is no column's name but an integer is that index.
 */
export type ColumnRef = string | number;
/** What a missing value does: fail naming line and column, drop its row, or keep NaN for imputation. */
export type MissingPolicy = 'error' | 'drop' | 'impute';
/** How categories become floats: one column per category (one-hot) or one column of indices. */
export type CategoricalEncoding = 'onehot' | 'index';
/**
 * A value outside a feature column's fixed categories: an error naming the file, line, column and value,
 * or 'ignore': no category (one-hot all zeros, as scikit-learn's handle_unknown='ignore'; an index
 * column reads it as missing, NaN).
 */
export type UnknownCategories = 'error' | 'ignore';

/** Options that decide what the columns are (inferCsvSchema takes these). */
export interface CsvSchemaOptions {
  /** Field delimiter, one ASCII character other than a quote or a line break. Default ','. */
  delimiter?: string;
  /** Whether the first row holds column names. Default true. */
  header?: boolean;
  /** Target column(s), in the order y's columns should have. Default: none (y is null). */
  target?: ColumnRef | readonly ColumnRef[];
  /** Columns not read at all. Default []. */
  ignore?: readonly ColumnRef[];
  /** Columns read as categories even when they look numeric (e.g. integer codes). Default []. */
  categorical?: readonly ColumnRef[];
  /** Columns read as numbers even when the sample looks categorical (bad values are errors). */
  numeric?: readonly ColumnRef[];
  /** Encoding of categorical feature columns. Default 'onehot'. */
  encoding?: CategoricalEncoding;
  /** Encoding of a categorical target. Default 'index' (the class index sparseCategoricalCrossentropy takes). */
  targetEncoding?: CategoricalEncoding;
  /** Missing-value policy for every column, or per column name or index ('*' for the rest). Default 'error'. */
  missing?: MissingPolicy | Readonly<Record<string, MissingPolicy>>;
  /** Values that mean "missing" (compared after trimming spaces). Default ['', 'NA', 'NaN', '?']. */
  missingValues?: readonly string[];
  /** Fixed category lists by column name: other values are errors (a prediction-time read). */
  categories?: Readonly<Record<string, readonly string[]>>;
  /** Rows the kinds are inferred from. Default 100 (at most 64 KB are sampled, but at least one row). */
  sampleRows?: number;
  /**
   * 'mpi': every process of an MPI job calls this together and reads only its own byte range of the
   * file (rank r of p: bytes [⌊r·S/p⌋, ⌊(r+1)·S/p⌋) moved to line starts, plus the header). Rank 0
   * samples and infers; the schema, category lists, labels and column layout are merged so every
   * rank gets the same ones, equal to a one-process read's; readCsv's x and y hold this rank's rows
   * (ranks 0..p−1 in order concatenate to a one-process read), and `shard` says which. A failure on
   * one rank fails every rank. Quoted fields holding line breaks that cross a range end are an error.
   * Needs nntrain's MPI addon (see initDistributed). Default: off.
   */
  distributed?: 'mpi';
}

/** Options of readCsv and openCsv. */
export interface CsvReadOptions extends CsvSchemaOptions {
  /**
   * The schema of an earlier read (result.schema, e.g. stored with a model): columns, kinds, roles and
   * categories are taken from it, and values outside its categories are errors. Excludes the options
   * above. The file's target columns may be absent (then y is null).
   */
  schema?: CsvSchema;
  /**
   * What a value outside a feature column's fixed categories (a given schema's, or the categories
   * option's) does: 'error' (default) or 'ignore' (see UnknownCategories). Target columns always fail.
   */
  unknown?: UnknownCategories;
  /** Most distinct values a categorical column may have. Default 1000. */
  maxCategories?: number;
  /** Stops the read: the promise rejects with AbortError. */
  signal?: AbortSignal;
  /** Called after every block: bytes, rows and speed so far. */
  onProgress?: (progress: CsvProgress) => void;
  /** 'native' (the addon's parallel reader) or 'js' (csv-parse, same results). Default: native when it loads. */
  backend?: 'native' | 'js';
  /** Allocate x and y on a SharedArrayBuffer (to hand them to worker threads). Default false. */
  shared?: boolean;
  /** Threads the native reader uses (internal; default: the addon's pool size). */
  threads?: number;
  /** Read buffer size in bytes (internal; default 8 MB). Bounds memory besides x and y. */
  blockBytes?: number;
  /** Bytes per parallel task (internal; default 1 MB; tests force tiny chunks). */
  chunkBytes?: number;
  /** Largest read buffer a single long row may grow it to (internal; default 1 GB). */
  maxBlockBytes?: number;
}

/** Options of openCsv: readCsv's, plus counting the rows up front. */
export interface CsvOpenOptions extends CsvReadOptions {
  /** Count the rows when opening (one fast pass over the file; always done when categories must be collected). Default false. */
  countRows?: boolean;
}

const SCHEMA_KEYS = ['delimiter', 'header', 'target', 'ignore', 'categorical', 'numeric', 'encoding', 'targetEncoding', 'missing', 'missingValues', 'categories', 'sampleRows'] as const;
const INFER_KEYS = [...SCHEMA_KEYS, 'distributed'] as const;
const READ_KEYS = [...SCHEMA_KEYS, 'distributed', 'schema', 'unknown', 'maxCategories', 'signal', 'onProgress', 'backend', 'shared', 'threads', 'blockBytes', 'chunkBytes', 'maxBlockBytes'] as const;
const OPEN_KEYS = [...READ_KEYS, 'countRows'] as const;
const POLICIES: readonly MissingPolicy[] = ['error', 'drop', 'impute'];
const ENCODINGS: readonly CategoricalEncoding[] = ['onehot', 'index'];

/** The options after checking, defaults filled in. */
export interface CsvSettings {
  delimiter: string;
  header: boolean;
  target: ColumnRef[];
  ignore: ColumnRef[];
  categorical: ColumnRef[];
  numeric: ColumnRef[];
  encoding: CategoricalEncoding;
  targetEncoding: CategoricalEncoding;
  missingDefault: MissingPolicy;
  missingByName: Map<string, MissingPolicy>;
  missingValues: string[];
  categories: Map<string, string[]>;
  sampleRows: number;
  schema: CsvSchema | undefined;
  unknown: UnknownCategories;
  maxCategories: number;
  signal: AbortSignal | undefined;
  onProgress: ((progress: CsvProgress) => void) | undefined;
  backend: 'native' | 'js' | undefined;
  shared: boolean;
  threads: number;
  blockBytes: number;
  chunkBytes: number;
  maxBlockBytes: number;
  countRows: boolean;
  distributed: 'mpi' | undefined;
  /** Every column numeric, whatever its sample looks like (readNumericCsv; not an option). */
  allNumeric: boolean;
}

/**
 * Checks the options of `context` ('readCsv', 'openCsv' or 'inferCsvSchema').
 * @throws ConfigError naming the option (unknown keys get a did-you-mean hint).
 */
export function checkCsvOptions(context: 'readCsv' | 'openCsv' | 'inferCsvSchema', options: unknown): CsvSettings {
  const keys = context === 'inferCsvSchema' ? INFER_KEYS : context === 'readCsv' ? READ_KEYS : OPEN_KEYS;
  const o = readOptions<CsvOpenOptions>(context, options, keys);
  if (o.schema !== undefined) {
    const clash = SCHEMA_KEYS.find((k) => o[k] !== undefined && k !== 'sampleRows');
    if (clash !== undefined) throw new ConfigError(`The option '${clash}' cannot be combined with schema (the schema fixes it)`);
  }
  const delimiter = o.delimiter ?? o.schema?.delimiter ?? ',';
  if (!isString(delimiter) || delimiter.length !== 1 || delimiter.charCodeAt(0) > 127 || '"\r\n'.includes(delimiter)) {
    throw invalid('delimiter', 'one ASCII character other than a quote or a line break', delimiter);
  }
  const missing = o.missing ?? 'error';
  let missingDefault: MissingPolicy = 'error';
  const missingByName = new Map<string, MissingPolicy>();
  if (isString(missing)) {
    missingDefault = checkChoice('missing', missing, POLICIES);
  } else if (isPlainObject(missing)) {
    for (const [name, policy] of Object.entries(missing)) {
      const p = checkChoice(`missing['${name}']`, policy, POLICIES);
      if (name === '*') missingDefault = p;
      else missingByName.set(name, p);
    }
  } else {
    throw invalid('missing', "'error', 'drop', 'impute' or an object of them by column name", missing);
  }
  const missingValues = o.missingValues === undefined ? [...DEFAULT_MISSING_VALUES] : stringList('missingValues', o.missingValues);
  const categories = new Map<string, string[]>();
  if (o.categories !== undefined) {
    if (!isPlainObject(o.categories)) throw invalid('categories', 'an object of string arrays by column name', o.categories);
    for (const [name, list] of Object.entries(o.categories)) {
      const l = stringList(`categories['${name}']`, list);
      // a repeated category would take two one-hot columns (or two indices) for one value
      if (new Set(l).size !== l.length) throw invalid(`categories['${name}']`, 'an array of distinct strings', list);
      categories.set(name, l);
    }
  }
  return {
    delimiter,
    header: o.header === undefined ? (o.schema?.header ?? true) : checkBoolean('header', o.header),
    target: refList('target', o.target, true),
    ignore: refList('ignore', o.ignore),
    categorical: refList('categorical', o.categorical),
    numeric: refList('numeric', o.numeric),
    encoding: o.encoding === undefined ? 'onehot' : checkChoice('encoding', o.encoding, ENCODINGS),
    targetEncoding: o.targetEncoding === undefined ? 'index' : checkChoice('targetEncoding', o.targetEncoding, ENCODINGS),
    missingDefault,
    missingByName,
    missingValues: o.schema?.missingValues ? [...o.schema.missingValues] : missingValues.map((v) => v.replace(/^[ \t]+|[ \t]+$/g, '')),
    categories,
    sampleRows: o.sampleRows === undefined ? 100 : checkInteger('sampleRows', o.sampleRows, { min: 1, max: 1e6 }),
    schema: o.schema,
    unknown: o.unknown === undefined ? 'error' : checkChoice('unknown', o.unknown, ['error', 'ignore'] as const),
    maxCategories: o.maxCategories === undefined ? 1000 : checkInteger('maxCategories', o.maxCategories, { min: 1, max: 1 << 24 }),
    signal: checkSignal(o.signal),
    onProgress: checkCallback('onProgress', o.onProgress),
    backend: o.backend === undefined ? undefined : checkChoice('backend', o.backend, ['native', 'js'] as const),
    shared: o.shared === undefined ? false : checkBoolean('shared', o.shared),
    threads: o.threads === undefined ? 0 : checkInteger('threads', o.threads, { min: 1, max: 256 }),
    blockBytes: o.blockBytes === undefined ? 8 << 20 : checkInteger('blockBytes', o.blockBytes, { min: 64, max: 2 ** 34 }),
    chunkBytes: o.chunkBytes === undefined ? 1 << 20 : checkInteger('chunkBytes', o.chunkBytes, { min: 1, max: 2 ** 34 }),
    maxBlockBytes: o.maxBlockBytes === undefined ? 2 ** 30 : checkInteger('maxBlockBytes', o.maxBlockBytes, { min: 64, max: 2 ** 36 }),
    countRows: o.countRows === undefined ? false : checkBoolean('countRows', o.countRows),
    distributed: o.distributed === undefined ? undefined : checkChoice('distributed', o.distributed, ['mpi'] as const),
    allNumeric: false,
  };
}

function refList(option: string, value: unknown, single = false): ColumnRef[] {
  if (value === undefined) return [];
  const list = single && !Array.isArray(value) ? [value] : value;
  if (!Array.isArray(list)) throw invalid(option, 'an array of column names or 0-based indices', value);
  for (const ref of list) {
    if (!(isString(ref) || isInteger(ref))) throw invalid(`${option} entries`, 'a column name or a 0-based index (negative: from the end)', ref);
  }
  return [...(list as ColumnRef[])];
}

function stringList(option: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every(isString)) throw invalid(option, 'an array of strings', value);
  return [...value];
}

function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (typeof signal !== 'object' || signal === null || typeof (signal as AbortSignal).aborted !== 'boolean' || typeof (signal as AbortSignal).addEventListener !== 'function') {
    throw invalid('signal', 'an AbortSignal', signal);
  }
  return signal as AbortSignal;
}

function checkCallback<T>(option: string, fn: unknown): T | undefined {
  if (fn === undefined) return undefined;
  if (typeof fn !== 'function') throw invalid(option, 'a function', fn);
  return fn as T;
}

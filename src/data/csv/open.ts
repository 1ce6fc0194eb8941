// What readCsv and openCsv share: check the options, sample the file, settle the schema, open a reader
// (native when it loads, else the JS fallback), and run the scan pass (row count and, when needed, the
// complete category lists in first-appearance order).

import { stat } from 'node:fs/promises';
import { getBackend } from '../../backend/index.js';
import { KIND_CODE, MISSING_CODE } from '../../backend/codes.js';
import { loadNativeAddon } from '../../backend/native.js';
import type { CsvErrorInfo, SourceConfig } from '../../backend/native-csv.js';
import { DataError } from '../../util/errors.js';
import { csvError, fileError, type CsvErrorContext } from './errors.js';
import { buildSchema, checkHasRows, matchSchema } from './infer.js';
import { JsSource } from './js-source.js';
import { NativeSource } from './native-source.js';
import { checkCsvOptions, type CsvSettings } from './options.js';
import { AbortFlag, ProgressMeter } from './progress.js';
import { sampleCsv } from './sample.js';
import { checkSchema, featureNames, layoutOf, type CsvLayout, type CsvSchema } from './schema.js';
import { copyToTempFile, describeInput, isPlain, openBytes, pathList, type CsvInput } from './input.js';
import { openFiles } from './multi.js';
import { Owned } from './owned.js';
import type { RecordSource } from './source.js';

/** An open CSV file with its settled schema. */
export interface OpenCsv {
  path: string;
  settings: CsvSettings;
  /** Categorical columns have their categories once `scan` collected them (or they were fixed). */
  schema: CsvSchema;
  /** A given schema as matched to the file (what the read returns; x in its feature order), else null. */
  matched: CsvSchema | null;
  source: RecordSource;
  flag: AbortFlag;
  ctx: CsvErrorContext;
  /** Whether some categorical column still needs its categories collected. */
  needsCategories: boolean;
  /** readCsv reads it in one pass where the source can append rows (see readsOnce). */
  onePass: boolean;
  totalBytes: number;
  backend: 'native' | 'js';
  /** A stream: one pass only (no scan, no rewind). */
  once?: boolean;
}

/** A file's schema settled from its sample (or the given schema matched to it). */
export interface SettledSchema {
  schema: CsvSchema;
  /** Per column: the fixed category list (given, or from the categories option), else null. */
  fixed: (string[] | null)[];
  /** Whether the schema came from the caller (then its categories are fixed). */
  given: boolean;
  /** The given schema without the targets the file lacks (matchSchema), else null. */
  matched: CsvSchema | null;
  totalBytes: number;
  /** Bytes the sample read from the file. */
  sampleBytes: number;
}

/** The reader to use: `requested`, else NNTRAIN_BACKEND, else native with one warning when it cannot load. */
export function chooseBackend(requested: CsvSettings['backend']): 'native' | 'js' {
  if (requested === 'js') return 'js';
  if (requested === 'native') {
    loadNativeAddon(); // throws BackendError with the possible solutions
    return 'native';
  }
  return getBackend().name; // NNTRAIN_BACKEND, else native with one warning when it cannot load
}

/** Samples `input` and settles its schema (see infer.ts). */
export async function settleSchema(input: CsvInput, settings: CsvSettings, backend: 'native' | 'js'): Promise<SettledSchema> {
  const { path } = input;
  const given = settings.schema === undefined ? undefined : checkSchema(settings.schema);
  const sample = await sampleCsv(input, settings.delimiter, settings.header, settings.sampleRows, backend);
  checkHasRows(path, sample);
  const match = given ? matchSchema(path, sample, given) : null;
  const schema = match?.schema ?? buildSchema(path, sample, settings);
  const fixed = schema.columns.map((c) => (c.kind !== 'categorical' ? null : given || settings.categories.has(c.name) ? [...(c.categories ?? [])] : null));
  return { schema, fixed, given: given !== undefined, matched: match?.matched ?? null, totalBytes: sample.bytes, sampleBytes: sample.bytesRead };
}

/**
 * Opens a reader of `input` for a settled schema: the whole file, or the records of a byte range (a
 * plain file). The native reader opens a plain file itself and is fed a gzip file's or a stream's
 * decompressed bytes.
 */
export async function openSource(
  input: CsvInput,
  backend: 'native' | 'js',
  settled: Pick<SettledSchema, 'schema' | 'fixed'>,
  settings: CsvSettings,
  range: [number, number] | null = null,
): Promise<RecordSource> {
  const { schema, fixed } = settled;
  const { path } = input;
  const config: SourceConfig = {
    delimiter: schema.delimiter,
    header: schema.header,
    fields: schema.columns.length,
    kinds: schema.columns.map((c) => KIND_CODE[c.kind]),
    missing: schema.columns.map((c) => MISSING_CODE[c.missing]),
    categories: fixed,
    missingValues: schema.missingValues,
    unknown: unknownPolicy(settled, settings),
    threads: settings.threads,
    blockBytes: settings.blockBytes,
    maxBlockBytes: Math.max(settings.maxBlockBytes, settings.blockBytes),
    chunkBytes: settings.chunkBytes,
    maxCategories: settings.maxCategories,
    range,
  };
  try {
    if (backend === 'js') return await JsSource.open(input, config);
    return isPlain(input) ? NativeSource.open(input.file, config) : NativeSource.fed(await openBytes(input), config);
  } catch (err) {
    if (err instanceof Error && err.name === 'BackendError') throw err;
    throw fileError(path, err);
  }
}

/** Per field, 1 where an unseen category is read as none: fixed feature columns under unknown: 'ignore'. */
function unknownPolicy(settled: Pick<SettledSchema, 'schema' | 'fixed'>, settings: CsvSettings): number[] {
  return settled.schema.columns.map((c, i) => (settings.unknown === 'ignore' && c.role === 'feature' && settled.fixed[i] !== null ? 1 : 0));
}

/** What the error formatter needs to know about a file read with `settled`. */
export function errorContext(path: string, settings: CsvSettings, settled: SettledSchema): CsvErrorContext {
  const { schema, fixed } = settled;
  const unknownHint = schema.columns.map((c) => c.role === 'feature');
  return { path, names: schema.columns.map((c) => c.name), header: schema.header, categories: fixed, maxCategories: settings.maxCategories, unknownHint };
}

/** The layout of an open file: x in the given schema's feature order when one was matched by name. */
export function layoutOfOpen(o: OpenCsv): CsvLayout {
  return layoutOf(o.schema, o.matched === null ? undefined : featureNames(o.matched));
}

/** Whether some categorical column has no fixed list, so a scan must collect its categories. */
function needsCategories(settled: Pick<SettledSchema, 'schema' | 'fixed'>): boolean {
  return settled.schema.columns.some((c, i) => c.kind === 'categorical' && settled.fixed[i] === null);
}

/** The OpenCsv of a source opened for `settled`. */
export function openCsvOf(path: string, settings: CsvSettings, settled: SettledSchema, source: RecordSource, flag: AbortFlag, backend: 'native' | 'js'): OpenCsv {
  const { schema } = settled;
  const ctx = errorContext(path, settings, settled);
  return { path, settings, schema, matched: settled.matched, source, flag, ctx, needsCategories: needsCategories(settled), onePass: readsOnce(settled, settings, backend), totalBytes: settled.totalBytes, backend };
}

/**
 * Whether readCsv reads `settled` in one pass (native reader, no categories to collect, not shared):
 * then a stream is read as it arrives, else it is first copied to a file (two passes).
 */
function readsOnce(settled: SettledSchema, settings: CsvSettings, backend: 'native' | 'js'): boolean {
  return backend === 'native' && !settings.shared && !needsCategories(settled);
}

/**
 * Opens `path` (one path or a list read as one dataset) for readCsv/openCsv. A stream that readCsv reads
 * in two passes is first copied, decompressed, to a private temporary file, removed when the source
 * closes; openCsv, and readCsv where it reads in one pass, read a stream once, as it arrives. The caller
 * closes `source` and disposes `flag`.
 */
export async function openCsvFile(context: 'readCsv' | 'openCsv', path: string | readonly string[], options: unknown, allNumeric = false): Promise<OpenCsv> {
  const settings = { ...checkCsvOptions(context, options), allNumeric };
  if (settings.schema !== undefined) checkSchema(settings.schema);
  const paths = pathList(context, path);
  const flag = new AbortFlag(settings.signal);
  const owned = new Owned();
  try {
    flag.check();
    const backend = chooseBackend(settings.backend);
    if (paths.length > 1) {
      const { settled, source, label } = await openFiles(paths, settings, backend, flag);
      return { ...openCsvOf(label, settings, settled, source, flag, backend), once: false };
    }
    let input = owned.input(await describeInput(paths[0]));
    let settled = await settleSchema(input, settings, backend);
    if (input.stream && context === 'readCsv' && !readsOnce(settled, settings, backend)) {
      // from byte 0: the kept sample, then the rest of the stream
      const copy = await copyToTempFile(input, () => flag.check());
      owned.add(copy.dispose);
      input = copy.input;
      settled = { ...settled, totalBytes: (await stat(input.file)).size };
    }
    input.bytes?.release(); // the reader starts over from the kept sample, then reads on
    const source = owned.wrap(await openSource(input, backend, settled, settings));
    return { ...openCsvOf(paths[0], settings, settled, source, flag, backend), once: input.stream };
  } catch (err) {
    flag.dispose();
    await owned.dispose();
    throw err;
  }
}

/** Throws for a step that did not succeed: AbortError, or the DataError for its error record. */
export function checkStep(o: OpenCsv, step: { status: string; error?: CsvErrorInfo }): void {
  if (step.status === 'aborted') o.flag.check();
  if (step.status === 'aborted') throw new DataError(`${o.path}: the read was stopped`);
  if (step.status === 'error' && step.error) throw csvError(step.error, o.ctx);
}

/**
 * The scan pass: counts the data records and, when categories are still needed, collects them; then
 * fills the schema's category lists. Returns the record count. The reader is rewound afterwards.
 */
export async function scanCsv(o: OpenCsv): Promise<number> {
  const collect = o.needsCategories;
  if (o.once) {
    throw new DataError(
      `${o.path} is a stream, which can be read once, but ${collect ? 'collecting the categories of its categorical columns' : 'countRows'} needs a pass over it before the read: ${collect ? 'pass schema (or categories for those columns)' : 'leave countRows off'}, or read a file`,
    );
  }
  const { records } = await scanPass(o);
  if (collect) {
    const columns = o.schema.columns.map((c, i) => (c.kind === 'categorical' ? { ...c, categories: o.source.categories(i) } : c));
    o.schema = { ...o.schema, columns };
    o.ctx = { ...o.ctx, categories: columns.map((c) => c.categories ?? null) };
    o.needsCategories = false;
  }
  await o.source.rewind();
  return records;
}

/** The scan's loop: data records and the line reached at the end. @throws as checkStep. */
export async function scanPass(o: OpenCsv): Promise<{ records: number; line: number }> {
  const meter = new ProgressMeter('scan', 0, o.settings.onProgress);
  for (;;) {
    o.flag.check();
    const step = await o.source.scan(o.flag.control, 64 << 20, o.needsCategories);
    checkStep(o, step);
    meter.report(step.bytes, step.totalBytes, step.records);
    if (step.done) o.totalBytes = step.totalBytes; // a decompressed size is known only now
    if (step.done) return { records: step.records, line: step.line };
  }
}

/** Missing values seen per column name since the last rewind (columns without any left out). */
export function missingByColumn(o: OpenCsv): Record<string, number> {
  const counts = o.source.missing();
  const out: Record<string, number> = {};
  o.schema.columns.forEach((c, i) => {
    if (counts[i] > 0) out[c.name] = counts[i];
  });
  return out;
}

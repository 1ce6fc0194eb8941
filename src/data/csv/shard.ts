// Distributed reads (distributed: 'mpi'): every rank of an MPI job opens the same file and reads only
// its byte range, [⌊r·S/p⌋, ⌊(r+1)·S/p⌋) moved to line starts (the readers' SourceConfig.range), so
// ranks 0..p−1 in order hold the file's records in order. What must agree is decided once:
// - the schema: rank 0 samples and infers exactly as a one-process read, and broadcasts it (no other
//   rank samples, and a one-rank sample could disagree with a one-process read);
// - categories: each rank's scan collects its range's in first-appearance order; the lists are
//   merged in rank order (rank 0's, then rank 1's new ones, …), which is the file's first-appearance
//   order, and each rank reopens its range with the merged lists fixed, so indices agree;
// - lines and records: each rank counts the line breaks and records of its range; exclusive prefix
//   sums over the ranks give its first line and record, so errors name absolute lines.
// Every phase ends in one collective that carries each rank's failure, if any, so a failure on one
// rank fails every rank (the first failing rank with its own error, the others naming it) and no rank
// is left waiting in a collective.

import { stat } from 'node:fs/promises';
import { allgatherJson, bcastJson, distributedContext, type DistributedContext } from '../../backend/mpi-context.js';
import { agree, describeFailure, peerError, type Failure } from '../collective.js';
import type { CsvErrorInfo, SourceRange } from '../../backend/native-csv.js';
import { DataError } from '../../util/errors.js';
import { printable } from '../../util/printable.js';
import { columnLabel, csvError, fileError, type CsvErrorContext } from './errors.js';
import { chooseBackend, errorContext, openCsvOf, openSource, settleSchema, type OpenCsv, type SettledSchema } from './open.js';
import { describeInput, isPlain, pathList, type CsvInput } from './input.js';
import { checkCsvOptions, type CsvSettings } from './options.js';
import { AbortFlag, ProgressMeter } from './progress.js';
import { checkSchema } from './schema.js';

/** Where a rank's share of a distributed read lies. */
export interface CsvShardRange {
  rank: number;
  size: number;
  /** The 1-based line of this rank's first byte in the file. */
  firstLine: number;
  /**
   * Bytes of the file this rank reads in one pass: its range (which ends with the last record that
   * starts in it), the header and the small line-start probes, and on rank 0 the inference sample.
   */
  bytesRead: number;
  /** The bytes of this rank's records, [start, end). */
  byteRange: [number, number];
  /** Data records on the ranks before this one (the index of this rank's first record in the file). */
  recordsBefore: number;
  /** Data records in the file (rows + dropped, over every rank). */
  totalRecords: number;
}

/** readCsv's share: the ranges' rows, known after the read. */
export interface CsvShard extends CsvShardRange {
  /** Rows (records kept) over every rank. */
  totalRows: number;
  /** Records dropped for missing values over every rank. */
  totalDroppedRows: number;
  /** Rows on the ranks before this one (the index of this rank's first row in a one-process read). */
  rowsBefore: number;
}

/** What each rank's scan of its range tells the others. */
interface ScanShare {
  records: number;
  /** Line breaks in the range. */
  lines: number;
  rangeEnd: number;
  /** Categories collected per column (null for columns not collected). */
  categories: (string[] | null)[] | null;
  error: CsvErrorInfo | null;
  failure: Failure | null;
}

/** The one regular, uncompressed file that byte ranges need. @throws DataError for anything else. */
async function rangedInput(context: 'readCsv' | 'openCsv', path: unknown): Promise<CsvInput> {
  const paths = pathList(context, path);
  if (paths.length > 1) throw new DataError(`${context} with distributed: 'mpi' reads one file (each process a byte range of it), not ${paths.length}`);
  const input = await describeInput(paths[0]);
  if (isPlain(input)) return input;
  await input.bytes?.close();
  const what = input.stream ? 'a stream (stdin, a FIFO or a device), which has no byte ranges' : 'gzip-compressed, and compressed data has no byte ranges';
  throw new DataError(`${input.path}: distributed: 'mpi' reads a byte range of the file on each process, which needs a regular, uncompressed file; this one is ${what}: write it to a plain file first`);
}

/** Rank 0's settled schema on every rank; other ranks check their options and reader meanwhile. */
async function settleOnRankZero(ctx: DistributedContext, context: 'readCsv' | 'openCsv', path: string | readonly string[], options: unknown) {
  let settings: CsvSettings | undefined;
  let backend: 'native' | 'js' = 'js';
  let settled: SettledSchema | null = null;
  let input: CsvInput = { path: String(path), file: String(path), stream: false, gzip: false, bytes: null };
  let failure: unknown;
  try {
    settings = checkCsvOptions(context, options);
    if (settings.schema !== undefined) checkSchema(settings.schema);
    input = await rangedInput(context, path);
    backend = chooseBackend(settings.backend);
    if (ctx.rank === 0) settled = await settleSchema(input, settings, backend);
  } catch (err) {
    failure = err;
  }
  agree(ctx, `reading ${String(path)}`, failure);
  const shared = bcastJson(ctx, settled, 0, `the schema of ${path}`) as SettledSchema;
  return { input, settings: settings as CsvSettings, backend, settled: { ...shared, sampleBytes: ctx.rank === 0 ? shared.sampleBytes : 0 } };
}

/** This rank's scan of its range: records, line breaks and categories, or what went wrong. */
async function scanRange(o: OpenCsv): Promise<{ share: ScanShare; range: SourceRange | null }> {
  const collect = o.needsCategories;
  const meter = new ProgressMeter('scan', 0, o.settings.onProgress);
  for (;;) {
    o.flag.check();
    const step = await o.source.scan(o.flag.control, 64 << 20, collect);
    if (step.status === 'aborted') o.flag.check();
    const range = o.source.range();
    const base = { records: step.records, rangeEnd: range?.end ?? o.totalBytes, categories: null, failure: null };
    if (step.status !== 'ok') return { share: { ...base, lines: 0, error: step.error ?? { kind: 'internal', line: 0, record: 0, column: 0, found: 0, token: 'stopped' } }, range };
    meter.report(step.bytes, step.totalBytes, step.records);
    if (!step.done) continue;
    const categories = collect ? o.schema.columns.map((c, i) => (c.kind === 'categorical' && o.ctx.categories?.[i] == null ? o.source.categories(i) : null)) : null;
    return { share: { ...base, categories, lines: step.line - (range?.firstLine ?? 1), error: null }, range };
  }
}

const sum = (values: number[], upTo: number): number => values.slice(0, upTo).reduce((a, b) => a + b, 0);

/**
 * Opens this rank's byte range of `path` for a distributed readCsv/openCsv: settles the schema, scans
 * the range, merges across ranks and reopens it with the merged categories (collective: every rank
 * calls it). The caller closes the source and disposes the flag.
 * @throws BackendError without the MPI addon; on every rank when one fails (see the file comment).
 */
export async function openCsvShard(context: 'readCsv' | 'openCsv', paths: string | readonly string[], options: unknown): Promise<{ o: OpenCsv; shard: CsvShardRange; records: number; ctx: DistributedContext }> {
  checkCsvOptions(context, options); // bad options fail before MPI starts
  const ctx = distributedContext();
  const { input, settings, backend, settled } = await settleOnRankZero(ctx, context, paths, options);
  const path = input.path; // one file (settleOnRankZero fails on every rank otherwise)
  const flag = new AbortFlag(settings.signal);
  let o: OpenCsv | undefined;
  try {
    const S = settled.totalBytes;
    const mine: [number, number] = [Math.floor((ctx.rank * S) / ctx.size), Math.floor(((ctx.rank + 1) * S) / ctx.size)];
    let scanned: { share: ScanShare; range: SourceRange | null } | undefined;
    let local: unknown;
    try {
      const size = await stat(path).then(
        (st) => st.size,
        (err: unknown) => Promise.reject(fileError(path, err)),
      );
      if (size !== S) throw new DataError(`${path}: the file has ${size} bytes on rank ${ctx.rank} but ${S} on rank 0 (every rank must read the same file)`);
      o = openCsvOf(path, settings, settled, await openSource(input, backend, settled, settings, mine), flag, backend);
      scanned = await scanRange(o);
    } catch (err) {
      local = err;
    }
    const failedShare: ScanShare = { records: 0, lines: 0, rangeEnd: S, categories: null, error: null, failure: local === undefined ? null : describeFailure(local) };
    const shares = allgatherJson(ctx, scanned?.share ?? failedShare, `the scan of ${path}`);
    const lines = shares.map((s) => s.lines);
    const records = shares.map((s) => s.records);
    const failed = shares.findIndex((s) => s.error !== null || s.failure !== null);
    if (failed >= 0) {
      const s = shares[failed];
      if (failed === ctx.rank && local !== undefined) throw local;
      const offsets = { lineOffset: sum(lines, failed), recordOffset: sum(records, failed), endsEarly: s.rangeEnd < S };
      const error = s.error ? csvError(s.error, { ...errorContext(path, settings, settled), shard: offsets }) : null;
      if (failed === ctx.rank && error !== null) throw error;
      throw peerError(`reading ${path}`, failed, ctx.size, error ? describeFailure(error) : (s.failure as Failure));
    }
    if (o === undefined || scanned === undefined) throw new Error('unreachable: a rank without a failure has its reader');
    const range = scanned.range as SourceRange; // a completed pass placed it
    const shard: CsvShardRange = {
      rank: ctx.rank,
      size: ctx.size,
      firstLine: range.firstLine + sum(lines, ctx.rank),
      bytesRead: settled.sampleBytes + range.extraBytes + (range.end - range.begin),
      byteRange: [range.begin, range.end],
      recordsBefore: sum(records, ctx.rank),
      totalRecords: sum(records, ctx.size),
    };
    const offsets: CsvErrorContext['shard'] = { lineOffset: sum(lines, ctx.rank), recordOffset: shard.recordsBefore, endsEarly: range.end < S };
    if (o.needsCategories) {
      const merged = mergeCategories(path, o, shares);
      await o.source.close();
      const fixed = { ...settled, schema: merged.schema, fixed: merged.fixed };
      let failure: unknown;
      try {
        o = openCsvOf(path, settings, fixed, await openSource(input, backend, fixed, settings, mine), flag, backend);
      } catch (err) {
        failure = err;
      }
      agree(ctx, `reading ${path}`, failure);
    } else {
      await o.source.rewind();
    }
    o.ctx = { ...o.ctx, shard: offsets };
    return { o, shard, records: records[ctx.rank], ctx };
  } catch (err) {
    flag.dispose();
    await o?.source.close();
    throw err;
  }
}

/** The categories of every collected column over the ranks, in rank order (the file's first-appearance order). */
function mergeCategories(path: string, o: OpenCsv, shares: ScanShare[]): { schema: OpenCsv['schema']; fixed: (string[] | null)[] } {
  const columns = o.schema.columns.map((c, i) => {
    if (c.kind !== 'categorical') return c;
    const fixedList = o.ctx.categories?.[i];
    if (fixedList != null) return c;
    const seen = new Set<string>();
    for (const s of shares) for (const v of s.categories?.[i] ?? []) seen.add(v);
    const max = o.settings.maxCategories;
    if (seen.size > max) {
      throw new DataError(`${path}: ${columnLabel(i, o.ctx.names)}: more than ${max} distinct values over the whole file (the latest '${printable([...seen][max])}'); ignore the column, or raise maxCategories`);
    }
    return { ...c, categories: [...seen] };
  });
  const schema = { ...o.schema, columns };
  return { schema, fixed: columns.map((c) => (c.kind === 'categorical' ? [...(c.categories ?? [])] : null)) };
}

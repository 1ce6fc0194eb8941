// CSV reading: the native reader (all threads, and 1 thread = per core) and the JS fallback against
// csv-parse and papaparse on the Fashion-MNIST train CSV (60,000 × 785, label first, integer pixels),
// each into float32 x (60,000 × 784) and y, one child process per reader. Each child warms up on the
// first 2,000 rows of the test CSV and checks them against the binary caches (correctness before
// timing; small, so it leaves the RSS alone), then times one read of the train CSV (the native reader:
// the best of three), reports MB/s, rows/s and the first read's peak RSS above the RSS just before it,
// and checks the train values afterwards.
// A synthetic float CSV (bench/make-synthetic-csv.ts) measures the decimal path at scale.

import { closeSync, createReadStream, existsSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parse as csvParse } from 'csv-parse';
import Papa from 'papaparse';
import { readCsv } from '../../src/index.js';
import { emit } from '../lib/protocol.js';
import type { StreamResult } from './stream.js';
import { makeSyntheticCsv, syntheticPath } from '../make-synthetic-csv.js';
import { cachePath, prepareFashionMnist } from '../../data/prepare/fashion-mnist.js';
import type { Ctx } from '../rows.js';
import { fmt, type Row } from '../table.js';

export type CsvReaderName = 'native' | 'nntrain-js' | 'csv-parse' | 'papaparse';

export interface CsvParams {
  reader: CsvReaderName;
  /** Rows of the timed file: the peers preallocate x and y (as a user who knows the size would). */
  rows: number;
  path: string;
  /** Checked first: the Fashion-MNIST test CSV (against the caches), or the same file for synthetic data. */
  warmPath: string;
  header: boolean;
  threads?: number;
}

export interface CsvResult {
  reader: CsvReaderName;
  threads: number | null;
  bytes: number;
  rows: number;
  cols: number;
  seconds: number;
  mbPerSecond: number;
  rowsPerSecond: number;
  /** Peak RSS above the RSS just before the timed read, MB (10^6 bytes). */
  peakMb: number;
  /** x and y as float32, MB. */
  dataMb: number;
}

interface Parsed {
  x: Float32Array;
  y: Float32Array;
  rows: number;
  cols: number;
}

/** Rows of label-first numeric CSV through a record stream into preallocated float32 x and y (the peers' job). */
async function fromRecords(records: AsyncIterable<string[]>, capacity: number): Promise<Parsed> {
  let x = new Float32Array(0);
  const y = new Float32Array(capacity);
  let rows = 0;
  let cols = -1;
  for await (const r of records) {
    if (r.length === 1 && r[0] === '') continue;
    if (cols < 0) {
      cols = r.length - 1;
      x = new Float32Array(capacity * cols);
    }
    if (rows === capacity) throw new Error(`more than the ${capacity} rows expected`);
    y[rows] = Number(r[0]);
    for (let c = 1; c <= cols; c++) x[rows * cols + c - 1] = Number(r[c]);
    rows++;
  }
  return { x: x.subarray(0, rows * cols), y: y.subarray(0, rows), rows, cols };
}

async function parseWith(reader: CsvReaderName, path: string, header: boolean, threads: number | undefined, rows: number): Promise<Parsed> {
  if (reader === 'native' || reader === 'nntrain-js') {
    const d = await readCsv(path, { header, target: 0, backend: reader === 'native' ? 'native' : 'js', threads });
    return { x: d.x.data, y: d.y!.data, rows: d.rows, cols: d.x.cols };
  }
  const skip = header ? 1 : 0;
  if (reader === 'csv-parse') return fromRecords(createReadStream(path).pipe(csvParse({ from_line: 1 + skip })), rows);
  const stream = createReadStream(path).pipe(Papa.parse(Papa.NODE_STREAM_INPUT, {}));
  async function* records(): AsyncGenerator<string[]> {
    let n = 0;
    for await (const r of stream as AsyncIterable<string[]>) if (n++ >= skip) yield r;
  }
  return fromRecords(records(), rows);
}

/** The first rows of a Fashion-MNIST split must be the caches' (pixels / 255, labels). */
function checkFashion(p: Parsed, split: 'train' | 'test', rows: number): void {
  const x = new Float32Array(new Uint8Array(readFileSync(cachePath(split, 'x'))).buffer, 0, rows * 784);
  const y = readFileSync(cachePath(split, 'y')).subarray(0, rows);
  if (p.rows !== rows || p.cols !== 784) throw new Error(`read ${p.rows} × ${p.cols}, expected ${rows} × 784`);
  for (let i = 0; i < x.length; i++) if (Math.fround(p.x[i] / 255) !== x[i]) throw new Error(`x[${i}] = ${p.x[i]}, cache ${x[i] * 255}`);
  for (let i = 0; i < y.length; i++) if (p.y[i] !== y[i]) throw new Error(`y[${i}] = ${p.y[i]}, cache ${y[i]}`);
}

/** The first `rows` lines of a file, as a file next to it (the warm-up input), read a block at a time. */
function headFile(path: string, rows: number): string {
  const out = `${path}.head${rows}`;
  if (existsSync(out)) return out;
  const fd = openSync(path, 'r');
  const parts: Buffer[] = [];
  try {
    let seen = 0;
    for (let pos = 0; seen < rows; ) {
      const buf = Buffer.alloc(1 << 20);
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      let end = n;
      for (let i = buf.indexOf(10); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) {
        if (++seen === rows) {
          end = i + 1;
          break;
        }
      }
      parts.push(buf.subarray(0, end));
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
  writeFileSync(out, Buffer.concat(parts));
  return out;
}

/** Child: one reader, warm-up + check, then one timed read. */
export async function runCsv(p: CsvParams): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const fashion = p.warmPath.includes('fmnist-test');
  const warmRows = 2000;
  const warm = await parseWith(p.reader, headFile(p.warmPath, warmRows + (p.header ? 1 : 0)), p.header, p.threads, warmRows);
  if (fashion) checkFashion(warm, 'test', warmRows);
  // settle the heap: memory freed in the background during the timed read would hide part of its peak
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const before = process.memoryUsage.rss();
  let t0 = performance.now();
  let d = await parseWith(p.reader, p.path, p.header, p.threads, p.rows);
  let seconds = (performance.now() - t0) / 1000;
  const peak = process.resourceUsage().maxRSS * 1024;
  const bytes = statSync(p.path).size;
  if (fashion) checkFashion(d, 'train', 60000);
  // the native reader takes well under a second: best of three reads (the peak RSS is the first's)
  for (let round = 1; round < 3 && p.reader === 'native'; round++) {
    d = { x: new Float32Array(0), y: new Float32Array(0), rows: 0, cols: 0 };
    gc();
    t0 = performance.now();
    d = await parseWith(p.reader, p.path, p.header, p.threads, p.rows);
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
  }
  emit({
    reader: p.reader,
    threads: p.reader === 'native' ? (p.threads ?? null) : 1,
    bytes,
    rows: d.rows,
    cols: d.cols,
    seconds,
    mbPerSecond: bytes / 1e6 / seconds,
    rowsPerSecond: d.rows / seconds,
    peakMb: Math.max(0, peak - before) / 1e6,
    dataMb: (d.x.byteLength + d.y.byteLength) / 1e6,
  } satisfies CsvResult);
}

/** The bench rows: speed per reader on Fashion-MNIST, memory, and the synthetic float file. */
export async function csvRows(ctx: Ctx): Promise<Row[]> {
  await prepareFashionMnist({ csv: true });
  const path = cachePath('train', 'csv');
  const warmPath = cachePath('test', 'csv');
  const run = async (reader: CsvReaderName, threads?: number, file = path, warm = warmPath, header = false, rows = 60000): Promise<CsvResult | undefined> =>
    (await ctx.child<CsvResult>(`csv-${reader}${threads ? `-${threads}t` : ''}${file === path ? '' : '-synthetic'}`, 'node', { case: 'csv', reader, path: file, warmPath: warm, header, threads, rows })).result;
  const all = await run('native');
  const one = await run('native', 1);
  const js = await run('nntrain-js');
  const cp = await run('csv-parse');
  const pp = await run('papaparse');
  const mb = (r: CsvResult | undefined): number | string => (r ? r.mbPerSecond : 'failed');
  const size = `${(statSync(path).size / 1e6).toFixed(0)} MB`;
  const ratio = (a?: CsvResult, b?: CsvResult): string => (a && b ? `${(a.mbPerSecond / b.mbPerSecond).toFixed(1)}×` : '—');
  const rows: Row[] = [
    { group: 'csv', case: `Fashion-MNIST train CSV (${size}) → float32 x, y; all threads`, unit: 'MB/s', native: mb(all), js: mb(js), peer: mb(cp), peerName: 'csv-parse', note: all ? `${fmt(all.rowsPerSecond)} rows/s in ${fmt(all.seconds)} s; vs papaparse ${ratio(all, pp)}; one pass (native; js counts rows first), page faults included` : '' },
    { group: 'csv', case: `Fashion-MNIST train CSV (${size}), 1 thread (per core)`, unit: 'MB/s', native: mb(one), js: null, peer: mb(pp), peerName: 'papaparse', note: one ? `${fmt(one.rowsPerSecond)} rows/s; target ≥ 600 MB/s per core, ≥ 1 GB/s on 2 threads; csv-parse ${cp ? fmt(cp.mbPerSecond) : '—'} MB/s (native 1 thread ${ratio(one, cp)})` : '' },
    { group: 'csv', case: 'peak RSS of an in-memory read above the RSS before it', unit: 'MB', native: all ? all.peakMb : 'failed', js: js ? js.peakMb : 'failed', peer: cp ? cp.peakMb : 'failed', peerName: 'csv-parse', note: all ? `data (float32 x, y) ${fmt(all.dataMb)} MB: native ${(all.peakMb / all.dataMb).toFixed(2)}× the data (target ≤ 1.2×); papaparse ${pp ? fmt(pp.peakMb) : '—'} MB` : '' },
  ];
  if (!ctx.quick) {
    const mbSize = 512;
    const synthetic = syntheticPath(mbSize);
    if (!existsSync(synthetic)) {
      ctx.log(`writing a ${mbSize} MB synthetic CSV`);
      await makeSyntheticCsv({ mb: mbSize, out: synthetic });
    }
    const sAll = await run('native', undefined, synthetic, synthetic, true, 0);
    const sOne = await run('native', 1, synthetic, synthetic, true, 0);
    const stream = (await ctx.child<StreamResult>('csv-stream-epoch', 'node', { case: 'stream', mb: 1024, bufferRows: 16_384 })).result;
    rows.push({
      group: 'csv',
      case: 'streaming fit: one epoch over a synthetic CSV, peak RSS vs the stated bound',
      unit: 'MB',
      native: stream ? stream.peakMb : 'failed',
      js: null,
      peer: null,
      peerName: '',
      note: stream ? `bound ${fmt(stream.boundMb)} MB (RSS before ${fmt(stream.baselineMb)} + block buffer + read buffer + 64); file ${fmt(stream.fileMb)} MB = ${(stream.fileMb / stream.boundMb).toFixed(1)}× the bound; ${fmt(stream.rows)} rows at ${fmt(stream.samplesPerSec)} samples/s` : '',
    });
    rows.push({ group: 'csv', case: `synthetic float CSV (${mbSize} MB, 101 columns, mixed notations), all threads`, unit: 'MB/s', native: mb(sAll), js: null, peer: null, peerName: '', note: sAll && sOne ? `targets ≥ 1 GB/s, ≥ 600 MB/s on 1 thread; 1 thread ${fmt(sOne.mbPerSecond)} MB/s; ${fmt(sAll.rowsPerSecond)} rows/s; peak ${fmt(sAll.peakMb)} MB for ${fmt(sAll.dataMb)} MB of data` : '' });
  }
  return rows;
}

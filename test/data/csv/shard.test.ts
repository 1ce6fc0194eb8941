// Distributed reads (distributed: 'mpi') under a real mpirun (Open MPI): shard-program.ts is each
// process. Ranks 0..p−1 in order must hold exactly a one-process read's rows, with the same schema,
// categories and column layout on every rank; an error in one rank's part fails every rank and names
// the absolute line; each rank reads about 1/p of the file. Skips, saying why, where mpirun or
// nntrain's MPI addon is missing (CI installs Open MPI).

import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

import { mpiAddonPath } from '../../../src/backend/mpi.js';
import { csvDataset, Imputer, inferCsvSchema, readCsv, scalers, type CsvReadOptions } from '../../../src/index.js';
import { tempDir } from '../../helpers/csv.js';
import { ROOT } from '../../helpers/run-script.js';

const PROGRAM = 'test/data/csv/shard-program.ts';
const hasMpirun = spawnSync('mpirun', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = !hasMpirun ? 'mpirun is not on PATH (apt-get install openmpi-bin libopenmpi-dev)' : !existsSync(mpiAddonPath()) ? `nntrain's MPI addon is not built (${mpiAddonPath()}; npm run build:mpi)` : null;
if (skip !== null) console.warn(`skipping the distributed CSV tests: ${skip}`);

type Json = Record<string, unknown>;
const file = tempDir();
const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** Runs shard-program.ts on `np` processes and returns each rank's result, in rank order. */
function run(np: number, env: Record<string, string>): Promise<{ code: number; stderr: string; ranks: Json[] }> {
  const out = mkdtempSync(join(tmpdir(), 'nntrain-shard-'));
  scratch.push(out);
  const args = ['--allow-run-as-root', '--oversubscribe', '-np', String(np), process.execPath, '--import', 'tsx', PROGRAM];
  return new Promise((resolve) => {
    execFile('mpirun', args, { cwd: ROOT, env: { ...process.env, OUT_DIR: out, ...env }, timeout: 60_000 }, (err, _stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      const files = readdirSync(out).filter((f) => f.endsWith('.json')).sort();
      resolve({ code, stderr, ranks: files.map((f) => JSON.parse(readFileSync(join(out, f), 'utf8')) as Json) });
    });
  });
}

/** JSON's view of numbers (NaN becomes null), as the ranks' results went through JSON. */
const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

const COLUMN_FIELDS = ['schema', 'xColumns', 'yColumns', 'labels', 'oneHotGroups', 'indexColumns', 'imputeColumns', 'bytes'] as const;

/** Checks that the ranks of a distributed read together equal a one-process read of `path`. */
async function expectSameAsOneProcess(path: string, options: CsvReadOptions, ranks: Json[], np: number): Promise<void> {
  const one = await readCsv(path, options);
  expect(ranks.map((r) => [r.rank, r.error, r.message])).toEqual(Array.from({ length: np }, (_, r) => [r, undefined, undefined]));
  expect(ranks.flatMap((r) => r.x as number[])).toEqual(asJson(Array.from(one.x.data)));
  expect(ranks.flatMap((r) => (r.y as number[] | null) ?? [])).toEqual(asJson(Array.from(one.y?.data ?? [])));
  for (const r of ranks) for (const key of COLUMN_FIELDS) expect(r[key], `rank ${r.rank}: ${key}`).toEqual(asJson(one[key]));
  const shards = ranks.map((r) => r.shard as Json);
  let rows = 0;
  let records = 0;
  for (const [i, s] of shards.entries()) {
    expect(s).toMatchObject({ rank: i, size: np, rowsBefore: rows, recordsBefore: records, totalRows: one.rows, totalDroppedRows: one.droppedRows, totalRecords: one.records });
    expect(ranks[i].xRows).toBe(ranks[i].rows);
    rows += ranks[i].rows as number;
    records += ranks[i].records as number;
    if (i > 0) expect((s.byteRange as number[])[0]).toBe((shards[i - 1].byteRange as number[])[1]);
  }
  expect(rows).toBe(one.rows);
  expect(ranks.reduce((n, r) => n + (r.droppedRows as number), 0)).toBe(one.droppedRows);
}

// 60 rows: colors first seen every 10 rows (so later ranks bring new ones), missing numbers imputed,
// one row (on rank 0) dropped for its missing target
const mixed = ['num,color,size,label'];
for (let i = 0; i < 60; i++) {
  const colors = ['red', 'green', 'blue', 'cyan', 'magenta', 'yellow'];
  mixed.push(`${i % 7 === 3 ? '' : i * 0.5},${colors[Math.floor(i / 10)]},${i % 5},${i === 5 ? 'NA' : 'abcd'[Math.floor(i / 15)]}`);
}
const MIXED = mixed.join('\n') + '\n';
const MIXED_OPTIONS: CsvReadOptions = { target: 'label', missing: { num: 'impute', label: 'drop' } };

describe.skipIf(skip !== null)('readCsv({ distributed: "mpi" }) under mpirun', () => {
  it.each([2, 3])('-np %i: numeric, categorical values first seen on later ranks, imputed and dropped rows', async (np) => {
    const path = file(`mixed-${np}.csv`, MIXED);
    const { code, stderr, ranks } = await run(np, { FILE: path, OPTIONS: JSON.stringify(MIXED_OPTIONS) });
    expect(code, stderr).toBe(0);
    await expectSameAsOneProcess(path, MIXED_OPTIONS, ranks, np);
    // the last colors appear only in the last rank's part, yet every rank one-hot encodes all six
    expect((ranks[0].xColumns as string[]).filter((c) => c.startsWith('color='))).toHaveLength(6);
    expect((ranks[np - 1].shard as Json).firstLine).toBe(2 + (ranks[np - 1].shard as { recordsBefore: number }).recordsBefore);
  });

  it('-np 3 on the JS reader: CRLF, BOM, quoted fields, blank lines and no final newline, index encoding', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => `"${i}","w ${i % 4}, x",${i % 3 === 0 ? '"q""t"' : 'plain'}`);
    const text = '\uFEFFa,b,c\r\n' + rows.slice(0, 10).join('\r\n') + '\r\n\r\n' + rows.slice(10).join('\r\n');
    const path = file('crlf.csv', text);
    const options: CsvReadOptions = { target: 'c', encoding: 'index', backend: 'js' };
    const { code, stderr, ranks } = await run(3, { FILE: path, OPTIONS: JSON.stringify(options) });
    expect(code, stderr).toBe(0);
    await expectSameAsOneProcess(path, options, ranks, 3);
  });

  it('-np 3 on a file of two rows: a rank without rows gets none, and nothing hangs', async () => {
    const path = file('short.csv', 'x,y\n1,2\n3,4\n');
    const { code, stderr, ranks } = await run(3, { FILE: path, OPTIONS: JSON.stringify({ target: 'y' }) });
    expect(code, stderr).toBe(0);
    await expectSameAsOneProcess(path, { target: 'y' }, ranks, 3);
    expect(ranks.map((r) => r.rows)).toContain(0);
  });

  it('-np 3: bad input in the last rank\'s part fails every rank, naming the absolute line as one process would', async () => {
    const lines = ['a,b'];
    for (let i = 0; i < 90; i++) lines.push(i === 80 ? '7,seven' : `${i},${i}`);
    const path = file('bad.csv', lines.join('\n') + '\n');
    const expected = await readCsv(path, { target: 'b' }).then(
      () => '',
      (err: Error) => err.message,
    );
    expect(expected).toMatch(/line 82, column 2 \('b'\): expected a number but found 'seven'/);
    const { code, stderr, ranks } = await run(3, { FILE: path, OPTIONS: JSON.stringify({ target: 'b' }) });
    expect(code, stderr).toBe(0);
    expect(ranks.map((r) => r.error)).toEqual(['DataError', 'DataError', 'DataError']);
    expect(ranks[2].message).toBe(expected);
    for (const r of [0, 1]) expect(ranks[r].message).toBe(`rank 2 of 3 failed reading ${path}: ${expected}`);
  });

  it('-np 2 on a gzip file: byte ranges need a regular, uncompressed file, and every rank says so', async () => {
    const path = file('ranged.csv.gz', gzipSync(MIXED));
    const { code, stderr, ranks } = await run(2, { FILE: path, OPTIONS: JSON.stringify(MIXED_OPTIONS) });
    expect(code, stderr).toBe(0);
    expect(ranks.map((r) => r.error)).toEqual(['DataError', 'DataError']);
    for (const r of ranks) {
      expect(r.message).toContain(`${path}: distributed: 'mpi' reads a byte range of the file on each process, which needs a regular, uncompressed file; this one is gzip-compressed`);
    }
  });

  it('-np 2: a quoted field whose line break crosses the ranks\' boundary fails every rank with a clear error', async () => {
    const long = 'x'.repeat(200);
    const path = file('multiline.csv', `a,b\n1,"${long}\n${long}"\n2,3\n`);
    const { code, stderr, ranks } = await run(2, { FILE: path, OPTIONS: JSON.stringify({ target: 'a' }) });
    expect(code, stderr).toBe(0);
    expect(ranks[0].message).toMatch(/line 2, column 2 \('b'\): a quoted field that is still open where this process's byte range of the file ends.*line breaks inside quoted fields cannot be split/);
    expect(ranks[1].message).toMatch(/^rank 0 of 2 failed reading/);
  });

  it.each([2, 3])('-np %i: each rank reads a fraction of a larger file', async (np) => {
    const lines = ['f1,f2,f3,label'];
    for (let i = 0; i < 20_000; i++) lines.push(`${i},${(i * 0.37).toFixed(3)},${i % 11},${i % 3}`);
    const text = lines.join('\n') + '\n';
    const path = file(`big-${np}.csv`, text);
    const size = Buffer.byteLength(text);
    const { code, stderr, ranks } = await run(np, { FILE: path, OPTIONS: JSON.stringify({ target: 'label' }) });
    expect(code, stderr).toBe(0);
    for (const r of ranks) {
      const { bytesRead, byteRange } = r.shard as { bytesRead: number; byteRange: [number, number] };
      // its range, the header's and probes' small reads, and on rank 0 the 64 KB sample
      expect(bytesRead, `rank ${r.rank}`).toBeLessThan(size / np + (r.rank === 0 ? 80_000 : 16_384));
      expect(byteRange[1] - byteRange[0]).toBeLessThan(size / np + 64);
    }
    expect(ranks.reduce((n, r) => n + (r.rows as number), 0)).toBe(20_000);
  });

  it('-np 3: inferCsvSchema gives every rank the one-process schema', async () => {
    const path = file('infer.csv', MIXED);
    const { code, stderr, ranks } = await run(3, { FILE: path, MODE: 'infer', OPTIONS: JSON.stringify({ target: 'label', sampleRows: 20 }) });
    expect(code, stderr).toBe(0);
    const one = await inferCsvSchema(path, { target: 'label', sampleRows: 20 });
    for (const r of ranks) expect(r.schema).toEqual(asJson(one));
  });
});

/** A one-process csvDataset's rows over one pass: x then y of every block, in order. */
async function oneProcessStream(path: string, options: Json, split?: Json): Promise<number[][]> {
  const ds = await csvDataset(path, { ...(options as { target: string }), bufferRows: 5, split: split as never });
  const rows: number[][] = [];
  for await (const block of ds.blocks()) rows.push(...rowsOf(block));
  await ds.close();
  return asJson(rows) as number[][];
}

describe.skipIf(skip !== null)('csvDataset({ distributed: "mpi" }) under mpirun', () => {
  const SPLIT = { seed: 3, fractions: { testFraction: 0.3 }, part: 'train' };
  it.each([
    [2, undefined],
    [3, SPLIT],
  ])('-np %i (split %j): each pass, the ranks together yield the one-process rows', async (np, split) => {
    const path = file(`stream-${np}.csv`, MIXED);
    const env: Record<string, string> = { FILE: path, MODE: 'stream', EPOCHS: '2', OPTIONS: JSON.stringify(MIXED_OPTIONS) };
    if (split) env.SPLIT = JSON.stringify(split);
    const { code, stderr, ranks } = await run(np, env);
    expect(code, stderr).toBe(0);
    expect(ranks.map((r) => r.error)).toEqual(Array<undefined>(np).fill(undefined));
    const one = await oneProcessStream(path, MIXED_OPTIONS as Json, split);
    for (const epoch of [0, 1]) expect(ranks.flatMap((r) => (r.epochs as number[][][])[epoch])).toEqual(one);
    // the row dropped on rank 0 (line 7) shifts the row numbers the split keys on: counted when split
    const shards = ranks.map((r) => r.shard as { rowsBefore: number | null; recordsBefore: number });
    expect(shards.map((sh) => sh.rowsBefore)).toEqual(split ? shards.map((sh, r) => sh.recordsBefore - (r > 0 ? 1 : 0)) : [null, null]);
  });
});

/** A block's rows, each its x then its y values. */
function rowsOf(block: { x: { data: Float32Array; cols: number; rows: number }; y: { data: Float32Array; cols: number } }): number[][] {
  const { x, y } = block;
  return Array.from({ length: x.rows }, (_, i) => [...x.data.subarray(i * x.cols, (i + 1) * x.cols), ...y.data.subarray(i * y.cols, (i + 1) * y.cols)]);
}

describe.skipIf(skip !== null)('fitImputer / fitScaler({ distributed: "mpi" }) under mpirun', () => {
  it('-np 3: every rank gets the one-process fit (counts, modes, min, max exact; mean and M2 within 1e-12)', async () => {
    const text = MIXED.replace(/,blue,/g, (m, at: number) => (at % 3 === 0 ? ',NA,' : m)); // some colors missing
    expect(text.match(/,NA,/g)?.length).toBeGreaterThan(2);
    const path = file('stats.csv', text);
    const options = { target: 'label', missing: { num: 'impute', color: 'impute', label: 'drop' } } as const;
    const { code, stderr, ranks } = await run(3, { FILE: path, MODE: 'stats', OPTIONS: JSON.stringify(options) });
    expect(code, stderr).toBe(0);
    expect(ranks.map((r) => r.error)).toEqual([undefined, undefined, undefined]);
    for (const r of ranks.slice(1)) expect(r.fits).toEqual(ranks[0].fits); // bit-identical on every rank
    const fits = ranks[0].fits as Json[];
    for (const [k, encoding] of (['index', 'onehot'] as const).entries()) {
      const d = await readCsv(path, { ...options, encoding });
      const imputer = new Imputer({ categorical: d.indexColumns, oneHotGroups: d.oneHotGroups }).fit(d.x);
      const exclude = [...d.oneHotGroups.flat(), ...d.indexColumns];
      const one = { imputer: imputer.toJSON(), fill: Array.from(imputer.fillValues()), standard: scalers.standard({ exclude }).fit(d.x).toJSON(), minMax: scalers.minMax({ exclude }).fit(d.x).toJSON() };
      const got = fits[k] as typeof one;
      expect(got.imputer.categoryCounts, encoding).toEqual(one.imputer.categoryCounts);
      expect(got.imputer.groupCounts, encoding).toEqual(one.imputer.groupCounts);
      const close = (a: number[], b: number[], what: string) => a.forEach((v, i) => expect(Math.abs(v - b[i]), `${encoding} ${what}[${i}]`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b[i]))));
      for (const [name, stats, ref] of [
        ['imputer', got.imputer.stats, one.imputer.stats],
        ['standard', got.standard.stats, one.standard.stats],
        ['minMax', got.minMax.stats, one.minMax.stats],
      ] as const) {
        expect(stats?.count, name).toEqual(ref?.count);
        expect(stats?.min, name).toEqual(ref?.min);
        expect(stats?.max, name).toEqual(ref?.max);
        close(stats?.mean ?? [], ref?.mean ?? [], `${name} mean`);
        close(stats?.m2 ?? [], ref?.m2 ?? [], `${name} m2`);
      }
      close(asJson(got.fill) as number[], asJson(one.fill) as number[], 'fill');
      expect((got.imputer.stats.count as number[]).some((n) => n > 0)).toBe(true);
    }
  });
});

// Distributed reads (distributed: 'mpi') under a real mpirun (Open MPI): shard-program.ts is each
// process. Ranks 0..p−1 in order must hold exactly a one-process read's rows, with the same schema,
// categories and column layout on every rank; an error in one rank's part fails every rank and names
// the absolute line; each rank reads about 1/p of the file. Skips, saying why, where mpirun or
// nntrain's MPI addon is missing (CI installs Open MPI).

import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

import { csvDataset, Imputer, inferCsvSchema, readCsv, scalers, type CsvReadOptions } from '../../../src/index.js';
import { tempDir } from '../../helpers/csv.js';
import { MpiCases } from '../../helpers/mpi-cases.js';
import { MPI_SKIP } from '../../helpers/mpirun.js';

const PROGRAM = 'test/data/csv/shard-program.ts';
const skip = MPI_SKIP;
if (skip !== null) console.warn(`skipping the distributed CSV tests: ${skip}`);

type Json = Record<string, unknown>;
const file = tempDir();
// every case's file is written here, before the first launch: one mpirun launch per process count
const cases = new MpiCases<Json>(PROGRAM);
afterAll(() => cases.remove());
/** Case `name` of shard-program.ts on `np` processes: the file it reads and the environment. */
function shardCase(name: string, np: number, path: string, env: Record<string, string>): void {
  cases.add(name, np, { FILE: path, ...env });
}
/** Case `name`'s result and the file it read. */
const run = async (name: string) => {
  const result = await cases.result(name);
  return { ...result, path: result.env.FILE };
};

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
for (const np of [2, 3]) shardCase(`mixed-${np}`, np, file(`mixed-${np}.csv`, MIXED), { OPTIONS: JSON.stringify(MIXED_OPTIONS) });

const CRLF_ROWS = Array.from({ length: 25 }, (_, i) => `"${i}","w ${i % 4}, x",${i % 3 === 0 ? '"q""t"' : 'plain'}`);
const CRLF_OPTIONS: CsvReadOptions = { target: 'c', encoding: 'index', backend: 'js' };
shardCase('crlf', 3, file('crlf.csv', '\uFEFFa,b,c\r\n' + CRLF_ROWS.slice(0, 10).join('\r\n') + '\r\n\r\n' + CRLF_ROWS.slice(10).join('\r\n')), { OPTIONS: JSON.stringify(CRLF_OPTIONS) });

shardCase('short', 3, file('short.csv', 'x,y\n1,2\n3,4\n'), { OPTIONS: JSON.stringify({ target: 'y' }) });

const BAD_LINES = ['a,b'];
for (let i = 0; i < 90; i++) BAD_LINES.push(i === 80 ? '7,seven' : `${i},${i}`);
const BAD = file('bad.csv', BAD_LINES.join('\n') + '\n');
shardCase('bad', 3, BAD, { OPTIONS: JSON.stringify({ target: 'b' }) });

shardCase('gzip', 2, file('ranged.csv.gz', gzipSync(MIXED)), { OPTIONS: JSON.stringify(MIXED_OPTIONS) });

const LONG = 'x'.repeat(200);
shardCase('multiline', 2, file('multiline.csv', `a,b\n1,"${LONG}\n${LONG}"\n2,3\n`), { OPTIONS: JSON.stringify({ target: 'a' }) });

const BIG_LINES = ['f1,f2,f3,label'];
for (let i = 0; i < 20_000; i++) BIG_LINES.push(`${i},${(i * 0.37).toFixed(3)},${i % 11},${i % 3}`);
const BIG = BIG_LINES.join('\n') + '\n';
for (const np of [2, 3]) shardCase(`big-${np}`, np, file(`big-${np}.csv`, BIG), { OPTIONS: JSON.stringify({ target: 'label' }) });

shardCase('infer', 3, file('infer.csv', MIXED), { MODE: 'infer', OPTIONS: JSON.stringify({ target: 'label', sampleRows: 20 }) });

const SPLIT = { seed: 3, fractions: { testFraction: 0.3 }, part: 'train' };
const STREAMS: [number, Json | undefined][] = [
  [2, undefined],
  [3, SPLIT],
];
for (const [np, split] of STREAMS) {
  shardCase(`stream-${np}`, np, file(`stream-${np}.csv`, MIXED), { MODE: 'stream', EPOCHS: '2', OPTIONS: JSON.stringify(MIXED_OPTIONS), ...(split ? { SPLIT: JSON.stringify(split) } : {}) });
}

const STATS_TEXT = MIXED.replace(/,blue,/g, (m, at: number) => (at % 3 === 0 ? ',NA,' : m)); // some colors missing
const STATS_OPTIONS = { target: 'label', missing: { num: 'impute', color: 'impute', label: 'drop' } } as const;
shardCase('stats', 3, file('stats.csv', STATS_TEXT), { MODE: 'stats', OPTIONS: JSON.stringify(STATS_OPTIONS) });

describe.skipIf(skip !== null)('readCsv({ distributed: "mpi" }) under mpirun', () => {
  it.each([2, 3])('-np %i: numeric, categorical values first seen on later ranks, imputed and dropped rows', async (np) => {
    const { code, stderr, ranks, path } = await run(`mixed-${np}`);
    expect(code, stderr).toBe(0);
    await expectSameAsOneProcess(path, MIXED_OPTIONS, ranks, np);
    // the last colors appear only in the last rank's part, yet every rank one-hot encodes all six
    expect((ranks[0].xColumns as string[]).filter((c) => c.startsWith('color='))).toHaveLength(6);
    expect((ranks[np - 1].shard as Json).firstLine).toBe(2 + (ranks[np - 1].shard as { recordsBefore: number }).recordsBefore);
  });

  it('-np 3 on the JS reader: CRLF, BOM, quoted fields, blank lines and no final newline, index encoding', async () => {
    const { code, stderr, ranks, path } = await run('crlf');
    expect(code, stderr).toBe(0);
    await expectSameAsOneProcess(path, CRLF_OPTIONS, ranks, 3);
  });

  it('-np 3 on a file of two rows: a rank without rows gets none, and nothing hangs', async () => {
    const { code, stderr, ranks, path } = await run('short');
    expect(code, stderr).toBe(0);
    await expectSameAsOneProcess(path, { target: 'y' }, ranks, 3);
    expect(ranks.map((r) => r.rows)).toContain(0);
  });

  it('-np 3: bad input in the last rank\'s part fails every rank, naming the absolute line as one process would', async () => {
    const path = BAD;
    const expected = await readCsv(path, { target: 'b' }).then(
      () => '',
      (err: Error) => err.message,
    );
    expect(expected).toMatch(/line 82, column 2 \('b'\): expected a number but found 'seven'/);
    const { code, stderr, ranks } = await run('bad');
    expect(code, stderr).toBe(0);
    expect(ranks.map((r) => r.error)).toEqual(['DataError', 'DataError', 'DataError']);
    expect(ranks[2].message).toBe(expected);
    for (const r of [0, 1]) expect(ranks[r].message).toBe(`rank 2 of 3 failed reading ${path}: ${expected}`);
  });

  it('-np 2 on a gzip file: byte ranges need a regular, uncompressed file, and every rank says so', async () => {
    const { code, stderr, ranks, path } = await run('gzip');
    expect(code, stderr).toBe(0);
    expect(ranks.map((r) => r.error)).toEqual(['DataError', 'DataError']);
    for (const r of ranks) {
      expect(r.message).toContain(`${path}: distributed: 'mpi' reads a byte range of the file on each process, which needs a regular, uncompressed file; this one is gzip-compressed`);
    }
  });

  it('-np 2: a quoted field whose line break crosses the ranks\' boundary fails every rank with a clear error', async () => {
    const { code, stderr, ranks } = await run('multiline');
    expect(code, stderr).toBe(0);
    expect(ranks[0].message).toMatch(/line 2, column 2 \('b'\): a quoted field that is still open where this process's byte range of the file ends.*line breaks inside quoted fields cannot be split/);
    expect(ranks[1].message).toMatch(/^rank 0 of 2 failed reading/);
  });

  it.each([2, 3])('-np %i: each rank reads a fraction of a larger file', async (np) => {
    const size = Buffer.byteLength(BIG);
    const { code, stderr, ranks } = await run(`big-${np}`);
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
    const { code, stderr, ranks, path } = await run('infer');
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
  it.each(STREAMS)('-np %i (split %j): each pass, the ranks together yield the one-process rows', async (np, split) => {
    const { code, stderr, ranks, path } = await run(`stream-${np}`);
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
    expect(STATS_TEXT.match(/,NA,/g)?.length).toBeGreaterThan(2);
    const options = STATS_OPTIONS;
    const { code, stderr, ranks, path } = await run('stats');
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

// What a CSV path may be besides one plain file: a gzip file (by its magic bytes), a stream (a FIFO, a
// character device), or a list of files read as one dataset. Every kind gives what the plain,
// concatenated file gives, on both readers, and errors name the file and its own line.

import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { csvDataset, openCsv, readCsv, readNumericCsv, type CsvData } from '../../../src/index.js';
import { CSV_BACKENDS, dataError, expectSameData, tempDir } from '../../helpers/csv.js';
import { checkBits } from '../../helpers/check.js';

const file = tempDir();

const HEADER = 'a,b,color,label';
const row = (i: number): string => `${i},${(i * 0.37).toFixed(3)},${['red', 'green', 'blue', 'cyan'][(i * 7) % 4]},${i % 3 === 0 ? 'yes' : 'no'}`;
const rows = (from: number, to: number): string => Array.from({ length: to - from }, (_, k) => row(from + k)).join('\n');
// three parts whose categories first appear in different files
const parts = [rows(0, 50), rows(50, 400), rows(400, 1200)];
const whole = `${HEADER}\n${parts.join('\n')}\n`;
const OPTIONS = { target: 'label' } as const;

/** A FIFO at a fresh path with `content` written into it by a writer in this process. */
let fifos = 0;
function fifo(name: string, content: string | Buffer): string {
  const path = file(`${name}-${fifos++}.placeholder`, '').replace(/\.placeholder$/, '');
  execFileSync('mkfifo', [path]);
  const out = createWriteStream(path);
  out.on('error', () => undefined); // a reader that stops early closes the pipe
  out.end(content);
  return path;
}

/** The rows of every batch of an openCsv stream, concatenated. */
async function streamAll(path: string | string[], options: Parameters<typeof openCsv>[1]): Promise<{ x: number[]; y: number[] }> {
  const s = await openCsv(path, options);
  const x: number[] = [];
  const y: number[] = [];
  for await (const b of s.batches(37)) {
    x.push(...b.x.data);
    y.push(...(b.y?.data ?? []));
  }
  await s.close();
  return { x, y };
}

const sameXY = (a: CsvData, b: CsvData): void => {
  checkBits(a.x.data, b.x.data, 'x');
  checkBits(a.y?.data ?? new Float32Array(), b.y?.data ?? new Float32Array(), 'y');
};

describe.each(CSV_BACKENDS)('inputs ($backend)', ({ backend, available }) => {
  it.skipIf(!available)('a gzip file reads as its plain text, whatever its name; openCsv streams it', async () => {
    const plain = await readCsv(file('whole.csv', whole), { backend, ...OPTIONS });
    for (const name of ['data.csv.gz', 'named-plain.csv']) {
      const gz = await readCsv(file(name, gzipSync(whole)), { backend, ...OPTIONS, blockBytes: 4096 });
      expectSameData({ ...gz, seconds: 0 }, { ...plain, seconds: 0 });
      expect(gz.bytes).toBe(Buffer.byteLength(whole));
    }
    // a text file named .gz is read as text
    expectSameData(await readCsv(file('text.csv.gz', whole), { backend, ...OPTIONS }), plain);
    const streamed = await streamAll(file('stream.csv.gz', gzipSync(whole)), { backend, schema: plain.schema, blockBytes: 1024 });
    expect(streamed.x).toEqual(Array.from(plain.x.data));
    expect(streamed.y).toEqual(Array.from(plain.y?.data ?? []));
  });

  it.skipIf(!available)('errors in a gzip file name the line and column of the decompressed text; corrupt and truncated files name the file', async () => {
    const bad = file('bad.csv.gz', gzipSync(`${HEADER}\n${rows(0, 700)}\n700,x"y,red,no\n`));
    expect((await dataError(readCsv(bad, { backend, ...OPTIONS }))).message).toContain(`${bad}: line 702, column 2 ('b'): a quote inside an unquoted field`);
    const num = file('num.csv.gz', gzipSync(`${HEADER}\n${rows(0, 10)}\n10,oops,red,no\n`));
    expect((await dataError(readCsv(num, { backend, ...OPTIONS }))).message).toBe(`${num}: line 12, column 2 ('b'): expected a number but found 'oops'`);
    const gz = gzipSync(whole);
    const truncated = file('truncated.csv.gz', gz.subarray(0, gz.length - 200));
    expect((await dataError(readCsv(truncated, { backend, ...OPTIONS }))).message).toBe(`Cannot read CSV file '${truncated}': the gzip data ends early (a truncated file)`);
    const corrupt = Buffer.from(gz);
    corrupt.fill(0x55, 40, 80);
    const broken = file('corrupt.csv.gz', corrupt);
    expect((await dataError(readCsv(broken, { backend, ...OPTIONS }))).message).toMatch(new RegExp(`^Cannot read CSV file '${broken}': corrupt gzip data \\(`));
    // no temporary copy is left behind by a failed read
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith(`nntrain-csv-${process.pid}-`))).toEqual([]);
  });

  it.skipIf(!available)("a killed process's temporary copy is removed by the next copy; a live one's stays", async () => {
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => child.on('close', resolve));
    const stale = mkdtempSync(join(tmpdir(), `nntrain-csv-${child.pid as number}-`));
    const live = mkdtempSync(join(tmpdir(), `nntrain-csv-${process.ppid}-`));
    await readCsv(fifo('after-kill', whole), { backend, ...OPTIONS }); // a stream readCsv copies
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
    rmSync(live, { recursive: true });
  });

  it.skipIf(!available)('a FIFO is read as a stream (it used to be "a directory"), gzip or not', async () => {
    const plain = await readCsv(file('fifo-ref.csv', whole), { backend, ...OPTIONS });
    sameXY(await readCsv(fifo('plain-fifo', whole), { backend, ...OPTIONS }), plain);
    const gz = await readCsv(fifo('gz-fifo', gzipSync(whole)), { backend, ...OPTIONS });
    sameXY(gz, plain);
    expect(gz.schema).toEqual(plain.schema);
    const numeric = await readNumericCsv(fifo('numeric', gzipSync('1,2\n3,4\n')));
    expect(Array.from(numeric.matrix.data)).toEqual([1, 2, 3, 4]);
    // a character device: /dev/null is an empty file, not a directory
    expect((await dataError(readCsv('/dev/null', { backend }))).message).toBe('/dev/null: the file is empty (no rows)');
  });

  it.skipIf(!available)('readCsv reads a stream once when it can (native, nothing to collect), else copies it first', async () => {
    const numeric = `a,b,c\n${Array.from({ length: 3000 }, (_, i) => `${i},${i * 0.25},${i % 7}`).join('\n')}\n`;
    const reference = await readCsv(file('numeric-ref.csv', numeric), { backend, target: 'c' });
    for (const content of [numeric, gzipSync(numeric)]) {
      const phases = new Set<string>();
      const d = await readCsv(fifo('numeric-fifo', content), { backend, target: 'c', blockBytes: 4096, onProgress: (p) => phases.add(p.phase) });
      expectSameData(d, reference);
      expect(d.bytes).toBe(Buffer.byteLength(numeric));
      // one pass (no scan, no copy) on the native reader; the JS reader counts the rows of a copy first
      expect([...phases]).toEqual(backend === 'native' ? ['read'] : ['scan', 'read']);
    }
    if (backend === 'native') {
      // read once, bad input is reported where it is met (a file read twice would name the open quote)
      const bad = numeric.replace('\n5,1.25,5\n', '\n5,oops,5\n').replace('\n2900,', '\n"2900,');
      expect((await dataError(readCsv(fifo('bad-fifo', bad), { backend, target: 'c' }))).message).toMatch(/line 7, column 2 \('b'\): expected a number but found 'oops'/);
      expect((await dataError(readCsv(file('bad.csv', bad), { backend, target: 'c' }))).message).toMatch(/quote/);
    }
  });

  it.skipIf(!available)('openCsv reads a stream once: with a schema it streams; a pass before the read or a rewind is refused, naming why', async () => {
    const plain = await readCsv(file('once-ref.csv', whole), { backend, ...OPTIONS });
    const streamed = await streamAll(fifo('once', whole), { backend, schema: plain.schema, blockBytes: 512 });
    expect(streamed.x).toEqual(Array.from(plain.x.data));
    await expect(openCsv(fifo('collect', whole), { backend, ...OPTIONS })).rejects.toThrow(
      /is a stream, which can be read once, but collecting the categories of its categorical columns needs a pass over it before the read: pass schema \(or categories for those columns\)/,
    );
    await expect(openCsv(fifo('count', whole), { backend, schema: plain.schema, countRows: true })).rejects.toThrow(/is a stream, which can be read once, but countRows needs a pass/);
    const ds = await csvDataset(fifo('epochs', whole), { backend, schema: plain.schema, bufferRows: 100 });
    const x = new Float32Array(100 * 7);
    const y = new Float32Array(100);
    let n = 0;
    for (let b = await ds.stream.read(100, { x, y }); b !== null; b = await ds.stream.read(100, { x, y })) n += b.rows;
    expect(n).toBe(1200);
    await expect(ds.stream.rewind()).rejects.toThrow(/is a stream, which can be read once: rewind \(a streaming dataset's next epoch\) needs a file that can be read again/);
    await ds.close();
  });

  it.skipIf(!available)('several files (plain and gzip) read as their concatenation: rows in list order, categories in first-appearance order', async () => {
    const plain = await readCsv(file('concat.csv', whole), { backend, ...OPTIONS });
    const files = parts.map((p, i) => file(`part-${i}.csv${i === 1 ? '.gz' : ''}`, i === 1 ? gzipSync(`${HEADER}\n${p}\n`) : `${HEADER}\n${p}\n`));
    const multi = await readCsv(files, { backend, ...OPTIONS, blockBytes: 2048 });
    expect(multi.schema).toEqual(plain.schema);
    expect([multi.rows, multi.records]).toEqual([plain.rows, plain.records]);
    sameXY(multi, plain);
    const streamed = await streamAll(files, { backend, schema: plain.schema });
    expect(streamed.x).toEqual(Array.from(plain.x.data));
    // a streaming dataset over the list: each epoch reads every file again
    const ds = await csvDataset(files, { backend, ...OPTIONS, bufferRows: 256 });
    for (let epoch = 0; epoch < 2; epoch++) {
      await ds.stream.rewind();
      let n = 0;
      for (let b = await ds.stream.read(500); b !== null; b = await ds.stream.read(500)) n += b.rows;
      expect(n).toBe(1200);
    }
    await ds.close();
  });

  it.skipIf(!available)('several files: a header that differs names its file; bad input names its file and its own line', async () => {
    const a = file('h-a.csv', `${HEADER}\n${rows(0, 5)}\n`);
    const b = file('h-b.csv', `a,b,colour,label\n${rows(5, 9)}\n`);
    expect((await dataError(readCsv([a, b], { backend, ...OPTIONS }))).message).toBe(
      `${b}: line 1: its header (a, b, colour, label) differs from the header of ${a} (a, b, color, label): every file of the dataset must have the same columns in the same order`,
    );
    const c = file('h-c.csv', `${HEADER}\n${rows(5, 9)}\n9,oops,red,no\n`);
    const err = await dataError(readCsv([a, c], { backend, ...OPTIONS }));
    expect(err.message).toBe(`${c}: line 6, column 2 ('b'): expected a number but found 'oops'`);
    expect(err.row).toBe(9); // the record's number in the whole dataset
    const quote = file('h-q.csv', `${HEADER}\n${rows(5, 9)}\n9,1"2,red,no\n`);
    expect((await dataError(readCsv([a, quote], { backend, ...OPTIONS }))).message).toContain(`${quote}: line 6, column 2 ('b'): a quote inside an unquoted field`);
    await expect(readCsv([], { backend })).rejects.toThrow(/non-empty array of paths/);
  });
});

// The native reader reads a file (or a gzip file's decompressed bytes) without categories to collect in
// one pass, into memory it grows and hands over at its exact size; the JS reader counts the rows first. Both must give the same rows,
// counts and errors, whatever the block and piece sizes, however far off the first size estimate is.

import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCsv, type CsvProgress, type CsvReadOptions } from '../../../src/index.js';
import { Rng } from '../../../src/util/rng.js';
import { dataError, expectSameData, NATIVE, tempDir } from '../../helpers/csv.js';

const file = tempDir();

/** Numeric rows with quoted numbers, missing values, blank lines and CRLF; short rows after long ones. */
function numericCsv(rows: number, seed: number): string {
  const rng = new Rng(seed);
  const lines = ['a,b,c,label'];
  for (let r = 0; r < rows; r++) {
    // the first rows are long, so the first estimate of the row count is far too low
    const digits = r < rows / 10 ? 12 : 1;
    const v = (): string => (rng.uniform() < 0.03 ? 'NA' : (rng.normal() * 100).toFixed(digits));
    const b = rng.uniform() < 0.2 ? `"${v()}"` : v();
    lines.push(`${v()},${b},${rng.uniform() < 0.01 ? '' : v()},${Math.floor(rng.uniform() * 3)}`);
    if (rng.uniform() < 0.01) lines.push('');
  }
  return `${lines.join(rng.uniform() < 0.5 ? '\r\n' : '\n')}\n`;
}

const OPTIONS: CsvReadOptions = { target: 'label', missing: { a: 'drop', '*': 'impute' } };

describe.skipIf(!NATIVE)('one-pass native reads', () => {
  const path = file('numeric.csv', numericCsv(4000, 3));

  it('match the two-pass JS reader for every block, piece and thread count', async () => {
    const js = await readCsv(path, { ...OPTIONS, backend: 'js' });
    expect(js.droppedRows).toBeGreaterThan(50);
    expect(Object.keys(js.missing).sort()).toEqual(['a', 'b', 'c']);
    for (const [threads, chunkBytes, blockBytes] of [[1, 1 << 20, 8 << 20], [1, 7, 64], [2, 13, 4096], [4, 61, 1000], [3, 1, 256]]) {
      const native = await readCsv(path, { ...OPTIONS, backend: 'native', threads, chunkBytes, blockBytes });
      expectSameData(native, js);
      // exactly the rows: no spare capacity behind the arrays
      expect(native.x.data.buffer.byteLength).toBe(native.rows * native.x.cols * 4);
      expect(native.y!.data.buffer.byteLength).toBe(native.rows * 4);
    }
  });

  it('a fixed category list needs no scan: one-hot columns match too', async () => {
    const text = `x,color\n${Array.from({ length: 3000 }, (_, i) => `${i * 0.25},${['red', 'green', '"blue"'][i % 3]}`).join('\n')}\n`;
    const p = file('colors.csv', text);
    const options: CsvReadOptions = { categorical: ['color'], categories: { color: ['red', 'green', 'blue'] }, blockBytes: 512 };
    const native = await readCsv(p, { ...options, backend: 'native' });
    expectSameData(native, await readCsv(p, { ...options, backend: 'js' }));
    expect(native.xColumns).toEqual(['x', 'color=red', 'color=green', 'color=blue']);
  });

  it('a gzip file (fed bytes) too, starved and fed as it is decompressed', async () => {
    const gz = file('numeric.csv.gz', gzipSync(readFileSync(path)));
    const js = await readCsv(gz, { ...OPTIONS, backend: 'js' });
    for (const blockBytes of [256, 1 << 16]) {
      const reports: CsvProgress[] = [];
      const native = await readCsv(gz, { ...OPTIONS, backend: 'native', blockBytes, onProgress: (p) => reports.push(p) });
      expectSameData(native, js);
      expect(native.bytes).toBe(readFileSync(path).length); // the decompressed size, known at the end
      expect(reports.filter((r) => r.phase === 'scan')).toEqual([]);
    }
  });

  it('report the error a scan then read reports: a quoting error anywhere wins over an earlier value', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `${i},${i % 7}`);
    const early = [...rows];
    early[5] = '5,oops';
    const unterminated = [...early];
    unterminated[1900] = '1900,"7';
    const paired = [...early];
    paired[1200] = '1200,1"2';
    paired[1300] = '1300,3"4';
    for (const [name, lines, expected] of [
      ['unterminated', unterminated, /quote/i],
      ['paired', paired, /oops/],
    ] as const) {
      const text = `a,b\n${lines.join('\n')}\n`;
      for (const p of [file(`${name}.csv`, text), file(`${name}.csv.gz`, gzipSync(text))]) {
        for (const blockBytes of [4096, 8 << 20]) {
          const js = await dataError(readCsv(p, { backend: 'js', blockBytes }));
          const native = await dataError(readCsv(p, { backend: 'native', blockBytes }));
          expect(native.message).toBe(js.message);
          expect(native.message).toMatch(expected);
        }
      }
    }
  });
});

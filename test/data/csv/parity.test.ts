// The native reader splits each block into pieces at record boundaries (quotes respected) and parses
// them in parallel. Whatever the piece size and thread count, and whichever reader, the result must
// be the same: values, category order (first appearance), dropped rows, missing counts and errors.

import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { readCsv, type CsvReadOptions } from '../../../src/index.js';
import { Rng } from '../../../src/util/rng.js';
import { dataError, expectSameData, NATIVE, tempDir } from '../../helpers/csv.js';

const file = tempDir();

/** A messy file: quoted categories with delimiters, quotes, CR/LF inside; missing values; blank lines. */
function messyCsv(rows: number, seed: number, crlf: boolean): string {
  const rng = new Rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.uniform() * xs.length)];
  const words = ['red', 'green', 'blue', '"quoted, comma"', '"a ""quote"""', '"multi\nline"', '"cr\r\nlf"', ' padded ', '"x,y,z"'];
  const eol = crlf ? '\r\n' : '\n';
  const lines = ['id,color,size,"weight, kg",label'];
  for (let r = 0; r < rows; r++) {
    const weight = rng.uniform() < 0.05 ? pick(['', 'NA', '?']) : (rng.uniform() * 100).toFixed(3);
    const size = rng.uniform() < 0.3 ? `"${Math.floor(rng.uniform() * 50)}"` : String(Math.floor(rng.uniform() * 50));
    lines.push([r, pick(words), size, weight, pick(['cat', 'dog', '"bird"'])].join(','));
    if (rng.uniform() < 0.02) lines.push('');
  }
  return lines.join(eol) + (rng.uniform() < 0.5 ? eol : '');
}

const OPTIONS: CsvReadOptions = { target: 'label', categorical: ['color'], missing: { 'weight, kg': 'impute', '*': 'error' } };

describe('parallel pieces and both readers agree', () => {
  const path = file('messy.csv', messyCsv(3000, 5, false));
  const crlfPath = file('messy-crlf.csv', messyCsv(3000, 6, true));

  it('js and native give identical outputs, categories included', async () => {
    for (const p of [path, crlfPath]) {
      const js = await readCsv(p, { ...OPTIONS, backend: 'js' });
      // first-appearance order, checked against an independent parse
      const records = parse(readFileSync(p), { relax_column_count: true, from_line: 2, skip_empty_lines: true }) as string[][];
      expect(js.schema.columns[1].categories).toEqual([...new Set(records.map((r) => r[1].trim()))]);
      expect(js.labels?.length).toBe(3);
      expect(js.missing['weight, kg']).toBeGreaterThan(0);
      if (NATIVE) expectSameData(await readCsv(p, { ...OPTIONS, backend: 'native' }), js);
    }
  });

  it.skipIf(!NATIVE)('tiny pieces and blocks (splits inside quoted fields), 1 to 4 threads: the same result', async () => {
    const whole = await readCsv(path, { ...OPTIONS, backend: 'native', threads: 1, chunkBytes: 1 << 20 });
    for (const [threads, chunkBytes, blockBytes] of [[1, 7, 64], [2, 13, 4096], [4, 61, 1000], [3, 1, 256], [2, 997, 1 << 16]]) {
      const d = await readCsv(path, { ...OPTIONS, backend: 'native', threads, chunkBytes, blockBytes });
      expectSameData(d, whole);
    }
  });

  it.skipIf(!NATIVE)('dropping rows in many pieces keeps the rows in file order', async () => {
    const options: CsvReadOptions = { ...OPTIONS, missing: { 'weight, kg': 'drop' } };
    const js = await readCsv(path, { ...options, backend: 'js' });
    expect(js.droppedRows).toBeGreaterThan(50);
    expect(js.rows + js.droppedRows).toBe(js.records);
    const ids = Array.from({ length: js.rows }, (_, r) => js.x.data[r * js.x.cols]);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).toBe(true);
    for (const [threads, chunkBytes] of [[2, 9], [4, 300]]) expectSameData(await readCsv(path, { ...options, backend: 'native', threads, chunkBytes, blockBytes: 2048 }), js);
  });

  it.skipIf(!NATIVE)('the first error is the same whatever the split', async () => {
    const bad = messyCsv(2000, 8, false).split('\n');
    bad[1500] = bad[1500].replace(/^(\d+),/, '$1x,'); // a non-numeric id
    bad[1700] = `${bad[1700]},extra`; // a ragged row later
    const p = file('messy-bad.csv', bad.join('\n'));
    const js = await dataError(readCsv(p, { ...OPTIONS, backend: 'js' }));
    // the scan pass (collecting 'color') checks quoting and field counts, so the ragged row comes first
    expect(js.message).toMatch(/line \d+, column 6: the row has 6 fields but the header has 5/);
    const noScan = await dataError(readCsv(p, { ...OPTIONS, categorical: [], ignore: ['color'], categories: { label: ['cat', 'dog', 'bird'] }, backend: 'js' }));
    expect(noScan.message).toMatch(/line \d+, column 1 \('id'\): expected a number but found '\d+x'/);
    if (NATIVE) expect((await dataError(readCsv(p, { ...OPTIONS, categorical: [], ignore: ['color'], categories: { label: ['cat', 'dog', 'bird'] }, backend: 'native', threads: 2, chunkBytes: 5 }))).message).toBe(noScan.message);
    for (const [threads, chunkBytes] of [[1, 1 << 20], [2, 5], [4, 64]]) {
      const n = await dataError(readCsv(p, { ...OPTIONS, backend: 'native', threads, chunkBytes, blockBytes: 4096 }));
      expect(n.message).toBe(js.message);
    }
  });

  it.skipIf(!NATIVE)('a record longer than the read buffer grows it', async () => {
    const long = `a,b\n"${'x'.repeat(5000)}",1\nshort,2\n`;
    const p = file('long.csv', long);
    const n = await readCsv(p, { backend: 'native', categorical: ['a'], blockBytes: 64 });
    expectSameData(n, await readCsv(p, { backend: 'js', categorical: ['a'], blockBytes: 64 }));
    expect((await dataError(readCsv(p, { backend: 'native', categorical: ['a'], blockBytes: 64, maxBlockBytes: 1024 }))).message).toContain('a row larger than the largest read buffer');
  });
});

// Where an error points and what it shows: a quoting error names the line and column of its quote
// whatever the block and piece sizes, and values from the data are shown with their control
// characters escaped. Both readers.

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openCsv, readCsv } from '../../../src/index.js';
import { CSV_BACKENDS, dataError, tempDir } from '../../helpers/csv.js';

const file = tempDir();

/** Whether `s` holds a C0 control character or DEL (a line break included). */
const hasControl = (s: string): boolean => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

// a long first part, so the quotes lie past the first blocks for the small block sizes
const body = Array.from({ length: 40 }, (_, i) => `${i},${i * 2}`).join('\n');
const LINE = 42; // the first line after the header and body

/** [name, text after the body, message after the path]: the quote sits at LINE (or LINE + 1). */
const QUOTES: [string, string, string][] = [
  ['stray quote in a field', `\n7,x"y\n8,9\n`, `line ${LINE}, column 2 ('b'): a quote inside an unquoted field`],
  ['stray quote ending a field', `\n7,9"\n8,9\n`, `line ${LINE}, column 2 ('b'): a quote inside an unquoted field`],
  ['stray quotes that pair up', `\n7,9"\n"8,9\n1,2\n`, `line ${LINE}, column 2 ('b'): a quote inside an unquoted field`],
  ['stray quote, pairing with a later one', `\n7"1,9\n8,9\n1,"2\n`, `line ${LINE}, column 1 ('a'): a quote inside an unquoted field`],
  ['character after a closing quote', `\n7,"9"x\n8,9\n`, `line ${LINE}, column 2 ('b'): unexpected character after the closing quote`],
  ['a field opened on a later line of its row, never closed', `\n7,"9\n8",1,"2\n3,4\n`, `line ${LINE + 1}, column 4: a quoted field that is never closed`],
  ['a quote opened and never closed', `\n7,8\n"9,1\n2,3\n`, `line ${LINE + 1}, column 1 ('a'): a quoted field that is never closed`],
];

const powers = Array.from({ length: 15 }, (_, i) => 64 << i); // blockBytes: 64 B .. 1 MB
const pieces = Array.from({ length: 64 }, (_, i) => i + 1); // chunkBytes: 1 .. 64

describe.each(CSV_BACKENDS)('quoting error locations ($backend)', ({ backend, available }) => {
  it.skipIf(!available).each(QUOTES)('%s: the same line and column for every block and piece size', async (name, tail, message) => {
    const path = file(`${name.replace(/\W+/g, '-')}.csv`, `a,b\n${body}${tail}`);
    const seen = new Set<string>();
    for (const blockBytes of powers) seen.add((await dataError(readCsv(path, { backend, blockBytes }))).message);
    for (const chunkBytes of pieces) seen.add((await dataError(readCsv(path, { backend, blockBytes: 256, chunkBytes }))).message);
    for (const chunkBytes of [1, 7, 64]) seen.add((await dataError(readCsv(path, { backend, blockBytes: 64, chunkBytes, categorical: ['a'] }))).message);
    expect(seen.size).toBe(1);
    expect([...seen][0]).toContain(`${path}: ${message}`);
    // gzip: the readers parse the decompressed stream (the native one fed half a block at a time), and
    // the search for the first quoting error decompresses it again from the start
    const gz = file(`${name.replace(/\W+/g, '-')}.csv.gz`, gzipSync(`a,b\n${body}${tail}`));
    for (const blockBytes of [64, 128, 1024, 1 << 20]) {
      expect((await dataError(readCsv(gz, { backend, blockBytes }))).message).toBe([...seen][0].replace(path, gz));
    }
  });

  it.skipIf(!available)('a streaming read reports the quote where it is too', async () => {
    const path = file('stream-quote.csv', `a,b\n${body}\n7,x"y\n`);
    const { schema } = await readCsv(file('clean.csv', 'a,b\n1,2\n'), { backend });
    for (const blockBytes of [64, 128, 1 << 20]) {
      const stream = await openCsv(path, { backend, schema, blockBytes });
      const err = await dataError((async () => {
        while ((await stream.read(7)) !== null);
      })());
      await stream.close();
      expect(err.message).toContain(`${path}: line ${LINE}, column 2 ('b'): a quote inside an unquoted field`);
    }
  });

  it.skipIf(!available)('values, categories and names from the data are shown with control characters escaped', async () => {
    const bad = file('bell.csv', 'x,y\n1,2\n3,a\x07b\r\tc\n');
    const msg = (await dataError(readCsv(bad, { backend, numeric: ['y'] }))).message;
    expect(msg).toContain("expected a number but found 'a\\x07b\\r\\tc'");
    expect(hasControl(msg)).toBe(false);
    const cats = file('cats.csv', 'c\x1b[31m,v\nred\x1b[0m,1\n');
    const fixed = await dataError(readCsv(cats, { backend, categories: { 'c\x1b[31m': ['blue\x7f'] } }));
    expect(fixed.message).toContain("column 1 ('c\\x1b[31m'): unknown category 'red\\x1b[0m'; known values: 'blue\\x7f'");
    expect(hasControl(fixed.message)).toBe(false);
    const named = await dataError(readCsv(cats, { backend, target: 'c' }));
    expect(named.message).toContain("no column named 'c' for target.");
    expect(named.message).toContain('The columns are: c\\x1b[31m, v');
    expect(hasControl(named.message)).toBe(false);
  });

  it.skipIf(!available)('target: -1 and other negative indices count from the end, as the command line does', async () => {
    const path = file('negative.csv', 'a,b,label\n1,2,x\n3,4,y\n');
    for (const target of [-1, '-1', 2, '2']) {
      const data = await readCsv(path, { backend, target });
      expect(data.schema.targets).toEqual(['label']);
      expect(data.labels).toEqual(['x', 'y']);
    }
    expect((await readCsv(path, { backend, target: -3 })).schema.targets).toEqual(['a']);
    expect((await readCsv(path, { backend, ignore: [-2], target: 'label' })).xColumns).toEqual(['a']);
    expect((await dataError(readCsv(path, { backend, target: -4 }))).message).toBe(
      `${path}: target column index -4 is out of range: the file has 3 columns (0-based indices 0-2, or -1 to -3 from the end)`,
    );
    // a header that is itself a number stays a name
    const numbered = file('numbered.csv', 'a,0,b\n1,2,3\n');
    expect((await readCsv(numbered, { backend, target: '0' })).schema.targets).toEqual(['0']);
    // an index into a file whose first row is all numbers: it reads as data, not a header
    const headless = file('headless.csv', '1,2,3\n4,5,6\n');
    await expect(readCsv(headless, { backend, target: -1 })).rejects.toThrow(/line 1 holds only numbers, so it looks like data rather than a header row: pass --no-header \(header: false\)/);
    expect((await readCsv(headless, { backend, target: -1, header: false })).schema.targets).toEqual(['col3']);
  });
});

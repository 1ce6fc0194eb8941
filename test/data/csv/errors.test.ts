// Every kind of bad input is one DataError naming the file, the line and the column (number and name),
// with the same message from both readers; never a crash, never a silent wrong number.

import { chmodSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, openCsv, readCsv, type CsvReadOptions } from '../../../src/index.js';
import { CSV_BACKENDS, dataError, tempDir } from '../../helpers/csv.js';

const file = tempDir();

interface Case {
  name: string;
  content: string;
  options?: CsvReadOptions;
  message: string;
  row?: number;
  column?: number;
}

const cases: Case[] = [
  { name: 'too few fields', content: 'a,b,c\n1,2,3\n4,5\n', message: "line 3, column 3 ('c'): the row has 2 fields but the header has 3 (column 3 ('c') is missing)", row: 1, column: 2 },
  { name: 'too many fields', content: 'a,b\n1,2\n3,4,5,6\n', message: 'line 3, column 3: the row has 4 fields but the header has 2 (unexpected column 3)', row: 1, column: 2 },
  { name: 'ragged without header', content: '1,2\n3\n', options: { header: false }, message: "line 2, column 2 ('col2'): the row has 1 field but the first row has 2 (column 2 ('col2') is missing)" },
  { name: 'non-numeric value', content: 'x,y\n1,2\n3,abc\n', message: "line 3, column 2 ('y'): expected a number but found 'abc'", row: 1, column: 1 },
  { name: 'hex is not a number', content: 'x\n1\n0x10\n', options: { numeric: ['x'] }, message: "line 3, column 1 ('x'): expected a number but found '0x10'" },
  { name: 'out of float32 range', content: 'x,y\n1,2\n3,4e38\n', message: "line 3, column 2 ('y'): '4e38' is outside the float32 range (magnitude up to 3.4028235e38)" },
  { name: 'negative overflow', content: 'x\n-1e39\n', message: "line 2, column 1 ('x'): '-1e39' is outside the float32 range" },
  { name: 'beyond double range', content: 'x\n1e400\n', message: "line 2, column 1 ('x'): '1e400' is outside the float32 range" },
  { name: 'missing value under error', content: 'x,y\n1,2\n3,NA\n', message: "line 3, column 2 ('y'): missing value 'NA' (missing: 'error'", row: 1, column: 1 },
  { name: 'empty field', content: 'x,y\n1,\n', message: "line 2, column 2 ('y'): missing value ''" },
  { name: 'unterminated quote', content: 'x,y\n1,2\n3,"abc\n4,5\n', message: "line 3, column 2 ('y'): a quoted field that is never closed" },
  { name: 'unterminated quote after blank lines', content: 'x,y\n1,2\n\n\n"3,4\n', message: "line 5, column 1 ('x'): a quoted field that is never closed" },
  { name: 'quote inside an unquoted field', content: 'x,y\n1,2\n3,a"b\n', options: { categorical: ['y'] }, message: "line 3, column 2 ('y'): a quote inside an unquoted field" },
  { name: 'text after a closing quote', content: 'x,y\n1,2\n3,"a"b\n', options: { categorical: ['y'] }, message: "line 3, column 2 ('y'): unexpected character after the closing quote" },
  { name: 'closing quote on a later line', content: 'x,y\n1,"a\nb"c\n', options: { categorical: ['y'] }, message: "line 3, column 2 ('y'): unexpected character after the closing quote" },
  { name: 'error after a multi-line field', content: 'x,y,z\n"a\nb",1,zz\n', options: { categorical: ['x'], numeric: ['z'] }, message: "line 3, column 3 ('z'): expected a number but found 'zz'" },
  { name: 'unknown category (fixed list)', content: 'c,v\nred,1\nblue,2\nmauve,3\n', options: { categories: { c: ['red', 'blue', 'green'] } }, message: "line 4, column 1 ('c'): unknown category 'mauve'; known values: 'red', 'blue', 'green'" },
  { name: 'too many categories', content: `c\n${Array.from({ length: 6 }, (_, i) => `v${i}`).join('\n')}\n`, options: { categorical: ['c'], maxCategories: 4 }, message: "line 6, column 1 ('c'): more than 4 distinct values (the latest 'v4')" },
  { name: 'quoting error before a ragged row', content: 'x,y\n1,2,"3\n', message: "line 2, column 3: a quoted field that is never closed" },
  { name: 'ragged before a bad value', content: 'x,y,z\n1,abc\n', message: "line 2, column 3 ('z'): the row has 2 fields" },
  // quoting errors in fields past the header's width, after an earlier bad value: they still come first
  { name: 'quote in an extra field', content: 'x,y\n1,2,3"4\n', message: 'line 2, column 3: a quote inside an unquoted field' },
  { name: 'bad value, then a closing-quote error', content: 'x,y\nabc,2,"a"b\n', message: 'line 2, column 3: unexpected character after the closing quote' },
  // found by fuzz/csv_reader.cc: the parity count paired the stray quotes of lines 3 and 5 into one
  // record, so the open quote of line 7 used to be reported instead of the first error
  { name: 'stray quotes that pair up across records, one left open', content: 'x,y\n1,2\n3"4,5\n6,7\n8"9,1\n2,3\n4"5,6\n7,8\n', message: "line 3, column 1 ('x'): a quote inside an unquoted field", row: 1, column: 0 },
  { name: 'stray quotes that pair up, without a header', content: '1,2\n3"4,5\n6,7\n8"9,1\n2,3\n4"5,6\n7,8\n', options: { header: false }, message: "line 2, column 1 ('col1'): a quote inside an unquoted field", row: 1, column: 0 },
  // found by fuzz/csv_reader.cc: the parity-only scan passed line 3 and stopped at the record too large
  { name: 'a quoting error before a record too large', content: `x,y\n1,2\n"3"4,5\n6,${'7'.repeat(300)}\n8,9\n`, options: { blockBytes: 64, maxBlockBytes: 128 }, message: "line 3, column 1 ('x'): unexpected character after the closing quote", row: 1, column: 0 },
  { name: 'closing-quote error on a later line of an extra field', content: 'x,y\n1,2,"a\nb"c\n', message: 'line 3, column 3: unexpected character after the closing quote' },
];

describe.each(CSV_BACKENDS)('bad input ($backend)', ({ backend, available }) => {
  it.skipIf(!available).each(cases)('$name', async ({ name, content, options, message, row, column }) => {
    const path = file(`${name.replace(/\W+/g, '-')}.csv`, content);
    const err = await dataError(readCsv(path, { backend, ...options }));
    expect(err.message).toContain(`${path}: ${message}`);
    expect(err.code).toBe('ERR_NNTRAIN_DATA');
    if (row !== undefined) expect(err.row).toBe(row);
    if (column !== undefined) expect(err.column).toBe(column);
  });

  it.skipIf(!available)('an empty file, a file of blank lines and a header alone', async () => {
    expect((await dataError(readCsv(file('empty.csv', ''), { backend }))).message).toMatch(/empty\.csv: the file is empty/);
    expect((await dataError(readCsv(file('blank.csv', '\n\r\n\n'), { backend }))).message).toMatch(/the file is empty/);
    expect((await dataError(readCsv(file('header.csv', 'a,b,c\n'), { backend }))).message).toMatch(/header\.csv: the file has a header row but no data rows/);
  });

  it.skipIf(!available)('an unknown target column, with a hint', async () => {
    const path = file('target.csv', 'sepal,petal,label\n1,2,a\n');
    expect((await dataError(readCsv(path, { backend, target: 'lable' }))).message).toBe(
      `${path}: line 1: no column named 'lable' for target. Did you mean 'label'? The columns are: sepal, petal, label`,
    );
    expect((await dataError(readCsv(path, { backend, target: 5 }))).message).toContain('target column index 5 is out of range: the file has 3 columns');
    expect((await dataError(readCsv(path, { backend, ignore: ['nope'] }))).message).toContain("no column named 'nope' for ignore");
  });

  it.skipIf(!available)('a missing file, a directory and an unreadable file', async () => {
    expect((await dataError(readCsv('/no/such/dir/data.csv', { backend }))).message).toBe("Cannot read CSV file '/no/such/dir/data.csv': no such file (ENOENT)");
    const dir = file('x.csv', '1\n').replace(/x\.csv$/, '');
    expect((await dataError(readCsv(dir, { backend }))).message).toContain('it is a directory (EISDIR)');
    const locked = file('locked.csv', 'a\n1\n');
    chmodSync(locked, 0o000);
    if (process.getuid?.() !== 0) expect((await dataError(readCsv(locked, { backend }))).message).toContain('permission denied (EACCES)');
    chmodSync(locked, 0o644);
  });

  it.skipIf(!available)('streaming reads report the same errors, when the batch reaches them', async () => {
    const path = file('stream-bad.csv', 'x,y\n1,2\n3,4\n5,oops\n7,8\n');
    const stream = await openCsv(path, { backend });
    const first = await stream.read(2);
    expect(first?.rows).toBe(2);
    expect((await dataError(stream.read(2))).message).toContain("line 4, column 2 ('y'): expected a number but found 'oops'");
    await stream.close();
  });
});

describe('bad options', () => {
  it('are ConfigErrors naming the option', async () => {
    const path = file('ok.csv', 'a,b\n1,2\n');
    await expect(readCsv(path, { delimiter: ';;' })).rejects.toThrow(ConfigError);
    await expect(readCsv(path, { delimiter: '"' })).rejects.toThrow(/Expected one ASCII character other than a quote or a line break for delimiter/);
    await expect(readCsv(path, { missing: 'skip' as never })).rejects.toThrow(/Unknown missing 'skip'/);
    await expect(readCsv(path, { tagret: 'b' } as never)).rejects.toThrow(/Unknown option 'tagret' for readCsv. Did you mean 'target'\?/);
    await expect(readCsv(path, { target: 'a', ignore: ['a'] })).rejects.toThrow(/both a target and ignored/);
    await expect(readCsv(path, { backend: 'gpu' as never })).rejects.toThrow(ConfigError);
    await expect(readCsv(path, { threads: 0 })).rejects.toThrow(/threads/);
  });

  it('a fixed category list or a schema with a repeated category is a ConfigError (it would map one value to two columns)', async () => {
    const path = file('cat.csv', 'c,v\nred,1\nblue,2\n');
    await expect(readCsv(path, { categories: { c: ['red', 'blue', 'red'] } })).rejects.toThrow(/Expected an array of distinct strings for categories\['c'\]/);
    const { schema } = await readCsv(path, { categorical: ['c'] });
    const c = schema.columns.find((col) => col.name === 'c');
    if (c === undefined || c.kind !== 'categorical') throw new Error('column c should be categorical');
    const repeated = { ...schema, columns: schema.columns.map((col) => (col === c ? { ...c, categories: ['red', 'blue', 'red'] } : col)) };
    await expect(readCsv(path, { schema: repeated })).rejects.toThrow(/columns\[0\]\.categories must be an array of distinct strings/);
  });
});

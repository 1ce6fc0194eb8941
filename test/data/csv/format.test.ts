// The CSV dialect both readers accept: RFC 4180 quoting (doubled quotes, delimiters and newlines inside
// quotes), CRLF and LF, a UTF-8 BOM, a header row or none, any one-character delimiter, blank lines,
// a last line without a newline, spaces around values. Every case runs on both readers (readBoth).

import { describe, expect, it } from 'vitest';
import { readBoth, rowsOf, tempDir } from '../../helpers/csv.js';

const file = tempDir();

describe('CSV dialect', () => {
  it('reads quoted fields with delimiters, doubled quotes and newlines inside', async () => {
    const path = file('quoted.csv', 'name,n\n"a, b",1\n"say ""hi""",2\n"two\nlines",3\n"",4\nplain,"5"\n');
    const d = await readBoth(path, { categorical: ['name'], encoding: 'index', missing: 'impute' });
    expect(Number.isNaN(d.x.data[6])).toBe(true);
    expect(d.schema.columns[0].categories).toEqual(['a, b', 'say "hi"', 'two\nlines', 'plain']);
    expect(d.missing).toEqual({ name: 1 }); // "" is the empty value, a missing token
  });

  it('treats CRLF and LF alike, mixed in one file', async () => {
    const lf = await readBoth(file('lf.csv', 'a,b\n1,2\n3,4\n'));
    const crlf = await readBoth(file('crlf.csv', 'a,b\r\n1,2\r\n3,4\r\n'));
    const mixed = await readBoth(file('mixed.csv', 'a,b\r\n1,2\n3,4\r\n'));
    expect(rowsOf(lf.x)).toEqual([[1, 2], [3, 4]]);
    expect(rowsOf(crlf.x)).toEqual(rowsOf(lf.x));
    expect(rowsOf(mixed.x)).toEqual(rowsOf(lf.x));
    const q = await readBoth(file('crlf-quoted.csv', 'a,b\r\n"x\r\ny",1\r\n'), { categorical: ['a'] });
    expect(q.schema.columns[0].categories).toEqual(['x\r\ny']);
  });

  it('skips a UTF-8 byte order mark', async () => {
    const d = await readBoth(file('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('alpha,beta\n1,2\n')])), { target: 'alpha' });
    expect(d.schema.columns.map((c) => c.name)).toEqual(['alpha', 'beta']);
    expect(rowsOf(d.y!)).toEqual([[1]]);
    const nohead = await readBoth(file('bom-nohead.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('7,8\n')])), { header: false });
    expect(rowsOf(nohead.x)).toEqual([[7, 8]]);
  });

  it('reads with or without a header', async () => {
    const path = file('nohead.csv', '1,2,3\n4,5,6\n');
    const none = await readBoth(path, { header: false, target: 2 });
    expect(none.schema.columns.map((c) => c.name)).toEqual(['col1', 'col2', 'col3']);
    expect(rowsOf(none.x)).toEqual([[1, 2], [4, 5]]);
    expect(rowsOf(none.y!)).toEqual([[3], [6]]);
    const head = await readBoth(path, { header: true });
    expect(head.schema.columns.map((c) => c.name)).toEqual(['1', '2', '3']);
    expect(head.rows).toBe(1);
  });

  it('takes any one-character delimiter', async () => {
    for (const [delimiter, text] of [[';', 'a;b\n1,5;2\n'], ['\t', 'a\tb\n1.5\t2\n'], ['|', 'a|b\n"1|x"|2\n']] as const) {
      const d = await readBoth(file(`delim-${delimiter.charCodeAt(0)}.csv`, text), { delimiter, categorical: ['a'] });
      expect(d.rows).toBe(1);
      expect(d.schema.columns[1].kind).toBe('numeric');
    }
    const d = await readBoth(file('semicolon.csv', 'a;b\n1.5;2\n'), { delimiter: ';' });
    expect(rowsOf(d.x)).toEqual([[1.5, 2]]);
  });

  it('skips blank lines anywhere, and reads a last line without a newline', async () => {
    const d = await readBoth(file('blank.csv', '\n\na,b\n\n1,2\r\n\r\n3,4\n\n\n5,6'));
    expect(rowsOf(d.x)).toEqual([[1, 2], [3, 4], [5, 6]]);
    const crlfEnd = await readBoth(file('crlf-end.csv', 'a,b\r\n1,2\r\n3,4'));
    expect(rowsOf(crlfEnd.x)).toEqual([[1, 2], [3, 4]]);
  });

  it('trims spaces and tabs around values, quoted or not', async () => {
    const d = await readBoth(file('spaces.csv', 'a , b,c\n 1 ,\t2\t," 3 "\n'), { target: 'b' });
    expect(d.schema.columns.map((c) => c.name)).toEqual(['a', 'b', 'c']);
    expect(rowsOf(d.x)).toEqual([[1, 3]]);
    expect(rowsOf(d.y!)).toEqual([[2]]);
  });

  it('reads numbers in every notation of the grammar', async () => {
    const values = ['0', '-0', '+7', '1.', '.5', '-.25', '1e3', '1E-3', '2.5e+2', '000123', '3.4028234e38', '1e-50', '-1e-400', '123456789012345678901234567890'];
    const d = await readBoth(file('notation.csv', `v\n${values.join('\n')}\n`));
    const got = Array.from(d.x.data);
    values.forEach((v, i) => expect(Object.is(got[i], Math.fround(Number(v))), `${v}: ${got[i]}`).toBe(true));
  });

  it('keeps a field of only spaces as its own value, and a lone \\r inside a field as data', async () => {
    const d = await readBoth(file('cr.csv', 'a,b\nx\ry,1\n  ,2\n'), { categorical: ['a'], missing: { a: 'impute' } });
    expect(d.schema.columns[0].categories).toEqual(['x\ry']); // '  ' trims to '', a missing token
    expect(d.missing).toEqual({ a: 1 });
  });
});

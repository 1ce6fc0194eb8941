// The addon's CsvReader checks every argument: a wrong type is a TypeError, a bad value or a short
// buffer a RangeError, misuse (busy, closed, no layout) an Error; nothing reaches the parser unchecked.

import { describe, expect, it } from 'vitest';
import { loadNativeAddon } from '../../../src/backend/native.js';
import type { NativeCsvConfig } from '../../../src/backend/native-csv.js';
import { NATIVE, tempDir } from '../../helpers/csv.js';

const file = tempDir();

const config = (over: Partial<NativeCsvConfig> = {}): NativeCsvConfig => ({
  delimiter: 44,
  header: true,
  fields: 2,
  kinds: [1, 2],
  missing: [0, 0],
  categories: [null, null],
  missingValues: [''],
  threads: 0,
  blockBytes: 1 << 16,
  maxBlockBytes: 1 << 20,
  chunkBytes: 1 << 10,
  maxCategories: 100,
  ...over,
});

describe.skipIf(!NATIVE)('native CsvReader arguments', () => {
  const path = file('ok.csv', 'a,b\n1,x\n2,y\n');
  const control = new Int32Array(new SharedArrayBuffer(4));

  it('rejects bad configs', () => {
    const { CsvReader } = loadNativeAddon();
    const make = (over: Partial<NativeCsvConfig> | unknown, p: unknown = path) => () => new CsvReader(p as string, (typeof over === 'object' && over !== null && !Array.isArray(over) ? config(over as Partial<NativeCsvConfig>) : over) as NativeCsvConfig);
    expect(make({ delimiter: 34 })).toThrow(RangeError);
    expect(make({ delimiter: 300 })).toThrow(RangeError);
    expect(make({ fields: 0 })).toThrow(RangeError);
    expect(make({ kinds: [1] })).toThrow(/kinds must have 2 entries/);
    expect(make({ kinds: [1, 7] })).toThrow(RangeError);
    expect(make({ missing: 'x' as never })).toThrow(TypeError);
    expect(make({ categories: [['a'], null] })).toThrow(/not categorical/);
    // a byte range: [begin <= end] of integers, end inside the file
    expect(make({ range: [3, 2] })).toThrow(/begin <= end/);
    expect(make({ range: [-1, 2] })).toThrow(/range\[0\]/);
    expect(make({ range: [0, 1.5] })).toThrow(/range\[1\]/);
    expect(make({ range: [0] as never })).toThrow(/range must have 2 entries/);
    expect(make({ range: 'all' as never })).toThrow(/range must be an array/);
    expect(make({ range: [0, 100] })).toThrow(/past the end/);
    expect(make({ range: [2, 5] })).not.toThrow();
    // unknown: optional, one 0/1 per field
    expect(make({ unknown: [0] })).toThrow(/unknown must have 2 entries/);
    expect(make({ unknown: [0, 2] })).toThrow(/unknown\[1\] must be an integer in \[0, 1\]/);
    expect(make({ unknown: 'ignore' as never })).toThrow(/unknown must be an array/);
    expect(make({ unknown: [0, 1] })).not.toThrow();
    expect(make({ unknown: null as never })).not.toThrow();
    expect(make({ missingValues: [1] as never })).toThrow(TypeError);
    expect(make({ blockBytes: 10 })).toThrow(RangeError);
    expect(make({ header: 1 as never })).toThrow(TypeError);
    expect(make(42)).toThrow(TypeError);
    expect(make({}, 7)).toThrow(TypeError);
    expect(make({}, '/no/such/file.csv')).toThrow(/No such file/);
  });

  it('checks layouts, buffer lengths and misuse', async () => {
    const { CsvReader } = loadNativeAddon();
    const r = new CsvReader(path, config());
    expect(() => r.read(new Float32Array(4), null, 2, control)).toThrow(/setLayout\(\) first/);
    await r.scan(control, 1 << 20, true);
    expect(r.categories(1)).toEqual(['x', 'y']);
    r.rewind();
    expect(() => r.setLayout(new Float64Array([0, 0, 0, 0, 0, 1]), 3, 0)).toThrow(/overlaps/);
    expect(() => r.setLayout(new Float64Array([0, 0, 0, 0, 1, 1]), 4, 0)).toThrow(/not written/);
    expect(() => r.setLayout(new Float64Array([1, 0, 1, 0, 1, 0]), 2, 1)).toThrow(/only categorical/);
    expect(() => r.setLayout(new Float64Array([0, 0, 0]), 3, 0)).toThrow(/3 numbers per field/);
    r.setLayout(new Float64Array([0, 0, 0, 0, 1, 1]), 3, 0);
    expect(() => r.read(new Float32Array(5), null, 2, control)).toThrow(/x has 5 elements but needs at least 6/);
    expect(() => r.read(new Float64Array(6) as never, null, 2, control)).toThrow(TypeError);
    expect(() => r.read(new Float32Array(6), null, -1, control)).toThrow(RangeError);
    const x = new Float32Array(6);
    const pending = r.read(x, null, 2, control);
    expect(() => r.read(x, null, 2, control)).toThrow(/busy/);
    expect(() => r.close()).toThrow(/busy/);
    expect(await pending).toMatchObject({ status: 'ok', rows: 2, records: 2 });
    expect(Array.from(x)).toEqual([1, 1, 0, 2, 0, 1]);
    r.close();
    r.close();
    expect(() => r.rewind()).toThrow(/closed/);
  });

  it('readAppend/takeRows: checked arguments, no byte range, rows handed over at their exact size', async () => {
    const { CsvReader } = loadNativeAddon();
    const numeric = file('numeric.csv', 'a,b\n1,2\n3,4\n5,6\n');
    const r = new CsvReader(numeric, config({ kinds: [1, 1] }));
    expect(() => r.readAppend(2, control)).toThrow(/setLayout\(\) first/);
    r.setLayout(new Float64Array([0, 0, 0, 1, 0, 0]), 1, 1);
    expect(() => r.readAppend(-1, control)).toThrow(RangeError);
    expect(() => r.readAppend(2, new Float32Array(1) as never)).toThrow(TypeError);
    expect(() => (r.readAppend as (...a: unknown[]) => unknown)(2)).toThrow(TypeError);
    const pending = r.readAppend(2, control);
    expect(() => r.takeRows()).toThrow(/busy/);
    expect(await pending).toMatchObject({ status: 'ok', rows: 2, records: 2, eof: false });
    expect(await r.readAppend(2, control)).toMatchObject({ status: 'ok', rows: 1, records: 1, eof: true });
    const rows = r.takeRows();
    expect(rows.rows).toBe(3);
    expect(Array.from(rows.x)).toEqual([1, 3, 5]);
    expect(Array.from(rows.y!)).toEqual([2, 4, 6]);
    expect([rows.x.buffer.byteLength, rows.y!.buffer.byteLength]).toEqual([12, 12]);
    expect(r.takeRows()).toMatchObject({ rows: 0, x: new Float32Array(0), y: new Float32Array(0) });
    r.close();
    expect(() => r.readAppend(2, control)).toThrow(/closed/);
    const ranged = new CsvReader(numeric, config({ kinds: [1, 1], range: [0, 8] }));
    ranged.setLayout(new Float64Array([0, 0, 0, 1, 0, 0]), 1, 1);
    expect(() => ranged.readAppend(2, control)).toThrow(/not for a byte range/);
    ranged.close();
    // fed bytes: starved until the end comes, the rows kept across the calls
    const fed = new CsvReader(null, config({ kinds: [1, 1] }));
    fed.setLayout(new Float64Array([0, 0, 0, 1, 0, 0]), 1, 1);
    fed.feed(Buffer.from('a,b\n1,2\n3,'));
    expect(await fed.readAppend(5, control)).toMatchObject({ status: 'starved', rows: 1 });
    fed.feed(Buffer.from('4\n'));
    fed.feed(null);
    expect(await fed.readAppend(4, control)).toMatchObject({ status: 'ok', rows: 1, eof: true });
    expect(Array.from(fed.takeRows().x)).toEqual([1, 3]);
    fed.close();
  });

  it('reports bad input as an error record, not an exception', async () => {
    const { CsvReader } = loadNativeAddon();
    const bad = file('bad.csv', 'a,b\n1,x\nzz,y\n');
    const r = new CsvReader(bad, config({ kinds: [1, 0] }));
    r.setLayout(new Float64Array([0, 0, 0, 0, 0, 0]), 1, 0);
    const result = await r.read(new Float32Array(4), null, 4, control);
    expect(result).toMatchObject({ status: 'error', rows: 0, error: { kind: 'number', line: 3, record: 1, column: 0, token: 'zz' } });
    r.close();
  });
  it('a reader of fed bytes: a null path, feed() checks its argument, no byte range; a pass says when it is starved', async () => {
    const { CsvReader } = loadNativeAddon();
    expect(() => new CsvReader(null, config({ range: [0, 1] }))).toThrow(/config.range needs a path/);
    expect(() => new CsvReader(7 as never, config())).toThrow(/path must be a string \(or null to feed the bytes\)/);
    const fileReader = new CsvReader(path, config());
    expect(() => fileReader.feed(null)).toThrow(/the reader reads a file/);
    fileReader.close();
    const r = new CsvReader(null, config());
    expect(() => r.feed('a,b' as never)).toThrow(TypeError);
    expect(() => r.feed(new Float32Array(2) as never)).toThrow(TypeError);
    expect(() => (r.feed as (...a: unknown[]) => void)()).toThrow(TypeError);
    r.feed(Buffer.from('a,b\n1,x\n2,'));
    expect(await r.scan(control, 1 << 20, true)).toMatchObject({ status: 'starved', records: 1 });
    r.feed(Buffer.from('y\n'));
    r.feed(null);
    expect(await r.scan(control, 1 << 20, true)).toMatchObject({ status: 'ok', done: true, records: 2 });
    expect(r.categories(1)).toEqual(['x', 'y']);
    r.close();
    expect(() => r.feed(null)).toThrow(/closed/);
  });
});

// Schemas: inferred from a sample or given, printed, stored and reused at prediction time; column
// roles, categorical encodings, missing policies and the layout that tells preprocessing which x
// columns are one-hot groups, indices or holders of NaN.

import { describe, expect, it } from 'vitest';
import { DataError, formatSchema, inferCsvSchema, readCsv, readNumericCsv } from '../../../src/index.js';
import { checkSchema } from '../../../src/data/csv/schema.js';
import { sampleCsv } from '../../../src/data/csv/sample.js';
import { describeInput } from '../../../src/data/csv/input.js';
import { dataError, fixture, NATIVE, readBoth, rowsOf, tempDir } from '../../helpers/csv.js';

const file = tempDir();
const pets = fixture('pets.csv');

describe('schema', () => {
  it('is inferred from the first rows and printed', async () => {
    const schema = await inferCsvSchema(pets, { target: 'species', ignore: ['name'] });
    expect(schema.columns.map((c) => [c.name, c.kind, c.role])).toEqual([
      ['name', 'skip', 'ignored'],
      ['species', 'categorical', 'target'],
      ['age', 'numeric', 'feature'],
      ['weight', 'numeric', 'feature'],
      ['vaccinated', 'categorical', 'feature'],
      ['owner city', 'categorical', 'feature'],
    ]);
    expect(schema.columns[4].categories).toEqual(['yes', 'no']); // NA is a missing token, not a category
    expect(formatSchema(schema)).toBe(
      [
        "CSV schema: 6 columns, header row, delimiter ',', target species",
        '#  column      kind         role     missing  categories',
        '1  name        skip         ignored  error',
        '2  species     categorical  target   error    3 (index): dog, cat, bird',
        '3  age         numeric      feature  error',
        '4  weight      numeric      feature  error',
        '5  vaccinated  categorical  feature  error    2 (onehot): yes, no',
        '6  owner city  categorical  feature  error    3 (onehot): Paris, Lyon, Nice',
        'x: 7 columns; y: 1 column (class index of species: 3 classes)',
      ].join('\n'),
    );
  });

  it('reads categorical targets as class indices and features one-hot, with the layout for preprocessing', async () => {
    const d = await readBoth(pets, { target: 'species', ignore: ['name'], missing: { weight: 'impute', vaccinated: 'impute' } });
    expect(d.labels).toEqual(['dog', 'cat', 'bird']);
    expect(Array.from(d.y!.data)).toEqual([0, 1, 2, 0, 1]);
    expect(d.xColumns).toEqual(['age', 'weight', 'vaccinated=yes', 'vaccinated=no', 'owner city=Paris', 'owner city=Lyon', 'owner city=Nice']);
    expect(d.oneHotGroups).toEqual([[2, 3], [4, 5, 6]]);
    expect(d.imputeColumns).toEqual([1, 2, 3]);
    expect(d.missing).toEqual({ weight: 1, vaccinated: 1 });
    const rows = rowsOf(d.x);
    expect(rows[0]).toEqual([3, 12.5, 1, 0, 1, 0, 0]);
    expect(rows[3].slice(2, 4).every(Number.isNaN)).toBe(true); // vaccinated NA: the whole group is NaN
    expect(Number.isNaN(rows[4][1])).toBe(true);
  });

  // found by fuzz/csv_reader.cc: closing up the rows after a drop passed x's pointer to memmove even
  // when rows have no x floats (undefined behaviour with a null pointer; the sanitizer run checks it)
  it('drops rows across pieces when every column is a target (rows without x)', async () => {
    const path = file('target-only.csv', 'y\n1\nNA\n3\n4\nNA\n6\n7\n8\n');
    const d = await readBoth(path, { target: 'y', missing: 'drop', chunkBytes: 4, threads: 2 });
    expect([d.rows, d.droppedRows, d.x.cols]).toEqual([6, 2, 0]);
    expect(Array.from(d.y!.data)).toEqual([1, 3, 4, 6, 7, 8]);
  });

  it('offers index encoding for features, one-hot for targets, several targets, and drop', async () => {
    const d = await readBoth(pets, { target: ['weight', 'species'], ignore: ['name', 'owner city'], encoding: 'index', targetEncoding: 'onehot', missing: 'drop' });
    expect(d.xColumns).toEqual(['age', 'vaccinated']);
    expect(d.indexColumns).toEqual([1]);
    expect(d.yColumns).toEqual(['weight', 'species=dog', 'species=cat', 'species=bird']);
    expect(d.labels).toBeNull();
    expect([d.rows, d.droppedRows]).toEqual([3, 2]);
    expect(rowsOf(d.y!)).toEqual([
      [12.5, 1, 0, 0],
      [4.1, 0, 1, 0],
      [0.3, 0, 0, 1],
    ].map((r) => r.map(Math.fround)));
  });

  it('is reused at prediction time: same categories, target columns optional, unknown values are errors', async () => {
    const train = await readCsv(pets, { target: 'species', ignore: ['name'], missing: 'impute' });
    const stored = JSON.parse(JSON.stringify(train.schema)) as unknown;
    const withLabels = file('predict.csv', 'name,species,age,weight,vaccinated,owner city\nZed,cat,4,3.3,no,Nice\n');
    const again = await readBoth(withLabels, { schema: checkSchema(stored) });
    expect(again.xColumns).toEqual(train.xColumns);
    expect(Array.from(again.y!.data)).toEqual([1]);
    const noLabels = file('predict-nolabel.csv', 'name,age,weight,vaccinated,owner city\nZed,4,3.3,no,Nice\n');
    const unlabeled = await readBoth(noLabels, { schema: train.schema });
    expect(unlabeled.y).toBeNull();
    expect(rowsOf(unlabeled.x)).toEqual([[4, Math.fround(3.3), 0, 1, 0, 0, 1]]);
    const unknown = file('predict-unknown.csv', 'name,age,weight,vaccinated,owner city\nZed,4,3.3,no,Berlin\n');
    expect((await dataError(readCsv(unknown, { schema: train.schema }))).message).toBe(
      `${unknown}: line 2, column 5 ('owner city'): unknown category 'Berlin'; known values: 'Paris', 'Lyon', 'Nice' (unknown: 'error'; with unknown: 'ignore', or the command line's --unknown ignore, it reads as no category)`,
    );
    const wrong = file('predict-wrong.csv', 'name,age\nZed,4\n');
    expect((await dataError(readCsv(wrong, { schema: train.schema }))).message).toBe(`${wrong}: line 1: the file lacks the model's input columns 'weight', 'vaccinated', 'owner city'`);
    await expect(readCsv(pets, { schema: train.schema, target: 'age' })).rejects.toThrow(/cannot be combined with schema/);
    expect(() => checkSchema({ format: 'nntrain.csv-schema', version: 1 })).toThrow(/columns must be a non-empty array/);
  });

  it('matches a given schema by name: any order, extra and ignored columns skipped, x in the schema order', async () => {
    const train = await readCsv(pets, { target: 'species', ignore: ['name'], missing: 'impute' });
    // no 'name' (ignored in training), an extra 'id', the columns shuffled
    const shuffled = file('shuffled.csv', 'owner city,id,weight,species,vaccinated,age\nNice,7,3.3,cat,no,4\nParis,8,,dog,yes,2\n');
    const d = await readBoth(shuffled, { schema: train.schema });
    expect(d.xColumns).toEqual(train.xColumns);
    expect(d.schema).toEqual(train.schema); // the given schema comes back, not the file's order
    expect(rowsOf(d.x)).toEqual([
      [4, Math.fround(3.3), 0, 1, 0, 0, 1],
      [2, NaN, 1, 0, 1, 0, 0],
    ]);
    expect(Array.from(d.y!.data)).toEqual([1, 0]);
    const lacking = file('lacking.csv', 'vaccinated,id,species\nno,1,cat\n');
    expect((await dataError(readCsv(lacking, { schema: train.schema }))).message).toBe(`${lacking}: line 1: the file lacks the model's input columns 'age', 'weight', 'owner city'`);
    const twice = file('twice.csv', 'age,age,weight,vaccinated,owner city\n1,2,3,no,Nice\n');
    expect((await dataError(readCsv(twice, { schema: train.schema }))).message).toContain("the header names 'age' more than once");
  });

  it("reads an unseen category as no category under unknown: 'ignore' (one-hot zeros, an index NaN), on both readers", async () => {
    const train = await readCsv(pets, { target: 'species', ignore: ['name'], missing: 'impute' });
    const path = file('unseen.csv', 'name,age,weight,vaccinated,owner city,species\nA,4,3.3,no,Berlin,cat\nB,2,1,maybe,Lyon,dog\n');
    const d = await readBoth(path, { schema: train.schema, unknown: 'ignore' });
    expect(rowsOf(d.x)).toEqual([
      [4, Math.fround(3.3), 0, 1, 0, 0, 0],
      [2, 1, 0, 0, 0, 1, 0],
    ]);
    // the target's classes stay fixed: an unseen class is still an error
    const badClass = file('unseen-class.csv', 'name,age,weight,vaccinated,owner city,species\nA,4,3.3,no,Lyon,fish\n');
    expect((await dataError(readCsv(badClass, { schema: train.schema, unknown: 'ignore' }))).message).toBe(
      `${badClass}: line 2, column 6 ('species'): unknown category 'fish'; known values: 'dog', 'cat', 'bird'`,
    );
    const indexed = await readCsv(pets, { target: 'species', encoding: 'index', missing: 'impute' });
    const unseenIndex = file('unseen-index.csv', 'name,species,age,weight,vaccinated,owner city\nZoe,cat,4,3.3,no,Berlin\n');
    const i = await readBoth(unseenIndex, { schema: indexed.schema, unknown: 'ignore' });
    expect(rowsOf(i.x)[0].slice(-1)).toEqual([NaN]);
    await expect(readCsv(pets, { unknown: 'skip' } as never)).rejects.toThrow(/unknown/);
  });

  it('keeps categories in first-appearance order, and takes fixed lists', async () => {
    const path = file('order.csv', 'c,v\nz,1\na,2\nz,3\nm,4\n');
    expect((await readBoth(path, { categorical: ['c'] })).schema.columns[0].categories).toEqual(['z', 'a', 'm']);
    const fixed = await readBoth(path, { categories: { c: ['a', 'm', 'z'] }, encoding: 'index' });
    expect(Array.from(fixed.x.data.filter((_, i) => i % 2 === 0))).toEqual([2, 0, 2, 1]);
    const codes = await readBoth(file('codes.csv', 'code,v\n10,1\n20,2\n10,3\n'), { categorical: ['code'] });
    expect(codes.xColumns).toEqual(['code=10', 'code=20', 'v']);
  });

  it('infers kinds by majority, and numeric: forces numbers', async () => {
    const path = file('mixed.csv', 'a,b\n1,x\n2,y\noops,z\n4,w\n');
    const s = await inferCsvSchema(path);
    expect(s.columns.map((c) => c.kind)).toEqual(['numeric', 'categorical']);
    expect((await dataError(readCsv(path))).message).toContain("line 4, column 1 ('a'): expected a number but found 'oops'");
    const err = await dataError(readCsv(path, { numeric: ['b'] }));
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toContain("line 2, column 2 ('b'): expected a number but found 'x'");
  });

  it('readNumericCsv still reads all-numeric files (header optional)', async () => {
    const path = file('numeric.csv', 'p,q\n1,2\n3,4\n');
    const { matrix, columns } = await readNumericCsv(path, { header: true });
    expect(columns).toEqual(['p', 'q']);
    expect(rowsOf(matrix)).toEqual([[1, 2], [3, 4]]);
    const bad = file('numeric-bad.csv', '1,2\n3,x\n');
    expect((await dataError(readNumericCsv(bad))).message).toContain("line 2, column 2 ('col2'): expected a number but found 'x'");
  });
});

describe('sampling', () => {
  it.skipIf(!NATIVE)('the native tokenizer and csv-parse sample the same records by the same rule', async () => {
    const texts = [
      'a,b\n1,2\n3,4\n5,6\n',
      '\uFEFF\n\nname,"quoted, name"\r\n"x\ny",2\r\n\r\n" z ",3',
      `h1,h2\n${Array.from({ length: 300 }, (_, i) => `${i},"v${i}"`).join('\n')}`,
      'a,b\n1,2\n3,"unterminated\n4,5\n',
      '1,2\n3,4',
    ];
    for (const [i, text] of texts.entries()) {
      const path = file(`sample-${i}.csv`, text);
      for (const header of [true, false]) {
        for (const maxBytes of [1, 10, 15, 64, 1 << 16]) {
          const js = await sampleCsv(await describeInput(path), ',', header, 100, 'js', maxBytes);
          const native = await sampleCsv(await describeInput(path), ',', header, 100, 'native', maxBytes);
          expect(native, `${i} ${header} ${maxBytes}`).toEqual(js);
        }
      }
    }
    const bad = file('sample-bad.csv', 'a,"b\nc"x\n');
    const jsErr = await dataError(sampleCsv(await describeInput(bad), ',', true, 10, 'js'));
    expect((await dataError(sampleCsv(await describeInput(bad), ',', true, 10, 'native'))).message).toBe(jsErr.message);
    expect(jsErr.message).toContain("line 2, column 2: unexpected character after the closing quote");
  });
});

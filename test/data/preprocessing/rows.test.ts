// The pieces that apply a saved model's preprocessing to raw data: rows as objects to raw features (the
// CSV readers' rules), missing-value counts by column, and the --keep column reader.

import { describe, expect, it } from 'vitest';
import { readCsv } from '../../../src/index.js';
import { keptColumns, MissingCounter, describeMissing, rawFeatures, addMissing } from '../../../src/data/preprocessing/index.js';
import { fixture, rowsOf, tempDir } from '../../helpers/csv.js';

const file = tempDir();
const pets = fixture('pets.csv');

describe('rawFeatures', () => {
  it('reads objects as the CSV readers read the same values', async () => {
    const { schema } = await readCsv(pets, { target: 'species', ignore: ['name'], missing: 'impute' });
    const fromCsv = await readCsv(file('two.csv', 'name,species,age,weight,vaccinated,owner city\nA,cat,4,3.3,no,Nice\nB,dog,2,,NA,Paris\n'), { schema });
    const x = rawFeatures(
      schema,
      [
        { 'owner city': 'Nice', vaccinated: ' no', weight: '3.3', age: 4, extra: 'ignored' },
        { age: '2', weight: null, vaccinated: 'NA', 'owner city': 'Paris' },
      ],
      'error',
    );
    expect(rowsOf(x)).toEqual(rowsOf(fromCsv.x));
  });

  it('names the row and column of bad values; unknown: ignore gives no category', async () => {
    const { schema } = await readCsv(pets, { target: 'species', ignore: ['name'], missing: 'impute' });
    const row = { age: 1, weight: 2, vaccinated: 'yes', 'owner city': 'Paris' };
    expect(() => rawFeatures(schema, [row, { ...row, age: 'old' }], 'error')).toThrow("row 1, column 'age': expected a number but found 'old'");
    expect(() => rawFeatures(schema, [{ ...row, weight: 1e39 }], 'error')).toThrow("row 0, column 'weight': 1e+39 is outside the float32 range");
    expect(() => rawFeatures(schema, [{ ...row, age: true }], 'error')).toThrow("row 0, column 'age': expected a number, a string or null but received true");
    expect(() => rawFeatures(schema, [{ ...row, 'owner city': 'Rome' }], 'error')).toThrow("row 0, column 'owner city': unknown category 'Rome'");
    expect(rowsOf(rawFeatures(schema, [{ ...row, 'owner city': 'Rome' }], 'ignore'))).toEqual([[1, 2, 1, 0, 0, 0, 0]]);
    const strict = await readCsv(pets, { target: 'species', ignore: ['name'], missing: { '*': 'error', weight: 'impute', vaccinated: 'impute' }, encoding: 'index' });
    expect(() => rawFeatures(strict.schema, [{ ...row, age: '' }], 'error')).toThrow("row 0, column 'age': missing value, and the model's schema has no fill for this column (missing: 'error')");
    expect(rowsOf(rawFeatures(strict.schema, [{ ...row, 'owner city': 'Rome' }], 'ignore'))).toEqual([[1, 2, 0, NaN]]);
    expect(() => rawFeatures(schema, 'rows' as never, 'error')).toThrow(/Expected an array of rows/);
  });
});

describe('MissingCounter', () => {
  it('counts NaN cells per column, a one-hot group once, over chunks', async () => {
    const { schema, x } = await readCsv(pets, { target: 'species', ignore: ['name'], missing: 'impute' });
    const counter = new MissingCounter(schema);
    counter.add({ data: x.data.subarray(0, 3 * x.cols), rows: 3, cols: x.cols });
    counter.add({ data: x.data.subarray(3 * x.cols), rows: 2, cols: x.cols });
    const counts = counter.result();
    expect(counts).toEqual({ values: 2, columns: { weight: 1, vaccinated: 1 } });
    expect(describeMissing(counts)).toBe('2 values in 2 columns (weight 1, vaccinated 1)');
    expect(describeMissing({ values: 0, columns: {} })).toBeNull();
    expect(addMissing(counts, { values: 3, columns: { age: 3 } })).toEqual({ values: 5, columns: { age: 3, weight: 1, vaccinated: 1 } });
  });
});

describe('keptColumns', () => {
  it("gives the chosen columns' text record by record, and names the ones the file lacks", async () => {
    const path = file('keep.csv', 'id,text,n\n1,"a, b",2\n\n"2",c,3\n3,"multi\nline",4\n');
    const kept = await keptColumns(path, ['text', 'id'], { delimiter: ',', header: true });
    expect(await kept.next(2)).toEqual([
      ['a, b', '1'],
      ['c', '2'],
    ]);
    expect(await kept.next(5)).toEqual([['multi\nline', '3']]);
    expect(await kept.next(5)).toEqual([]);
    kept.close();
    await expect(keptColumns(path, ['id', 'customer'], { delimiter: ',', header: true })).rejects.toThrow(`${path}: line 1: no column 'customer' to keep; the columns are: id, text, n`);
    const headerless = await keptColumns(path, ['col3'], { delimiter: ',', header: false });
    expect(await headerless.next(2)).toEqual([['n'], ['2']]);
    headerless.close();
  });
});

// The bundled iris and breast-cancer files: a header row and named label columns, so readCsv and
// `nntrain train data/iris.csv --target species` read them as they are; and data/prepare/sklearn-csv.ts,
// which made them from scikit-learn's `rows,features,class names` files, copying values as text.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headedCsv } from '../../data/prepare/sklearn-csv.js';
import { readCsv, trainTestSplit } from '../../src/index.js';
import { ROOT } from '../helpers/run-script.js';

const DATA = join(ROOT, 'data');
const counts = (y: Float32Array, classes: number) => Array.from({ length: classes }, (_, c) => y.filter((v) => v === c).length);

describe('bundled datasets', () => {
  it('iris.csv: 4 named measurements and species names', async () => {
    const { x, y, labels, schema } = await readCsv(join(DATA, 'iris.csv'), { target: 'species' });
    expect(schema.columns.map((c) => c.name)).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species']);
    expect([x.rows, x.cols]).toEqual([150, 4]);
    expect(labels).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(counts(y!.data, 3)).toEqual([50, 50, 50]);
    expect(Array.from(x.data.subarray(0, 4))).toEqual([5.1, 3.5, 1.4, 0.2].map(Math.fround));
    const split = trainTestSplit(x, y!, { testSize: 0.2, seed: 42, stratify: true });
    expect(counts(split.yTest.data, 3)).toEqual([10, 10, 10]);
  });

  it('breast_cancer.csv: 30 named features and the diagnosis', async () => {
    const { x, y, labels, schema } = await readCsv(join(DATA, 'breast_cancer.csv'), { target: 'diagnosis' });
    const names = schema.columns.map((c) => c.name);
    expect(names.slice(0, 3)).toEqual(['mean_radius', 'mean_texture', 'mean_perimeter']);
    expect(names.slice(-2)).toEqual(['worst_fractal_dimension', 'diagnosis']);
    expect(new Set(names).size).toBe(31);
    expect([x.rows, x.cols]).toEqual([569, 30]);
    expect(labels).toEqual(['malignant', 'benign']); // scikit-learn's 0 and 1
    expect(counts(y!.data, 2)).toEqual([212, 357]);
  });

  it('sklearn-csv turns scikit-learn\'s layout into a header and class names, values unchanged', () => {
    const d = { file: 't.csv', features: ['a', 'b'], label: 'kind' };
    expect(headedCsv('3,2,cat,dog\n1.50,2e3,1\n0.1,-0,0\n7,8,1\n', d)).toBe('a,b,kind\n1.50,2e3,dog\n0.1,-0,cat\n7,8,dog\n');
    expect(() => headedCsv('4,2,cat,dog\n1,2,1\n', d)).toThrow("t.csv: the first line '4,2,cat,dog' does not describe 1 rows of 2 features");
    expect(() => headedCsv('1,2,cat,dog\n1,2,5\n', d)).toThrow('t.csv: data line 2 is not 2 values and a class index');
    const shipped = readFileSync(join(DATA, 'iris.csv'), 'utf8').split('\n');
    expect(shipped[0]).toBe('sepal_length,sepal_width,petal_length,petal_width,species');
    expect(shipped[1]).toBe('5.1,3.5,1.4,0.2,setosa');
  });
});

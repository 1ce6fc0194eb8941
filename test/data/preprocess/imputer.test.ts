// Imputer: mean / mode / one-hot-group fills from the training rows only, streaming partialFit, JSON round
// trips, and the errors of bad options, bad JSON and columns with nothing to impute from.

import { describe, expect, it } from 'vitest';
import { ConfigError, DataError, ModelFileError } from '../../../src/util/errors.js';
import { sliceRows, type Matrix } from '../../../src/data/matrix.js';
import { Imputer, imputerFromJSON, type ImputerJSON } from '../../../src/data/preprocess/index.js';
import { checkClose, checkExact } from '../../helpers/check.js';
import { expectConfigError } from '../../helpers/errors.js';
import { randomMatrix, thrown } from './helpers.js';

const N = NaN;

/** Columns: 0 numeric, 1 category index, 2..4 a one-hot group, 5 excluded. */
function table(): Matrix {
  // prettier-ignore
  const rows = [
    [1, 2, 1, 0, 0, 7],
    [3, 2, 0, 1, 0, N],
    [N, 5, 0, 1, 0, 1],
    [8, N, 0, 1, 0, 2],
    [4, 5, N, N, N, 3],
    [N, 5, 0, 0, 1, 4],
  ];
  return { data: Float32Array.from(rows.flat()), rows: rows.length, cols: 6 };
}

const OPTIONS = { categorical: [1], oneHotGroups: [[2, 3, 4]], exclude: [5] };

describe('Imputer', () => {
  it('fills means, modes and one-hot groups and leaves excluded columns alone', () => {
    const x = table();
    const imputer = new Imputer(OPTIONS).fit(x);
    const fill = imputer.fillValues();
    expect(fill[0]).toBe(4); // (1 + 3 + 8 + 4) / 4
    expect(fill[1]).toBe(5); // 5 three times, 2 twice
    expect(Array.from(fill.subarray(2, 5))).toEqual([0, 1, 0]); // column 3 in three rows
    expect(Number.isNaN(fill[5])).toBe(true);
    const out = imputer.transform(x);
    const expected = Float32Array.from([1, 2, 1, 0, 0, 7, 3, 2, 0, 1, 0, N, 4, 5, 0, 1, 0, 1, 8, 5, 0, 1, 0, 2, 4, 5, 0, 1, 0, 3, 4, 5, 0, 0, 1, 4]);
    checkExact(out.data, expected, 'imputed');
  });

  it('fits on the training rows only and applies to other rows', () => {
    const x = table();
    const imputer = new Imputer(OPTIONS).fit(x, [0, 1]);
    expect(imputer.fillValues()[0]).toBe(2);
    expect(imputer.fillValues()[1]).toBe(2);
    const test = sliceRows(x, 2, 6);
    const out = imputer.transform(test);
    expect(out.data[0]).toBe(2); // row 2's numeric NaN gets the training mean
    expect(Array.from(out.data.subarray(2 * 6 + 2, 2 * 6 + 5))).toEqual([1, 0, 0]); // the training mode of the group
  });

  it('breaks mode ties by the smallest value / first column', () => {
    const x: Matrix = { data: Float32Array.from([3, 0, 1, 1, 3, 0, 1, 1]), rows: 4, cols: 2 };
    const imputer = new Imputer({ categorical: [0] }).fit(x);
    expect(imputer.fillValues()[0]).toBe(1);
    const g = new Imputer({ oneHotGroups: [[0, 1]] }).fit({ data: Float32Array.from([0, 1, 1, 0]), rows: 2, cols: 2 });
    expect(Array.from(g.fillValues())).toEqual([1, 0]);
  });

  it('partialFit over blocks equals one fit', () => {
    const x = randomMatrix(500, 6, 3, 0.2);
    for (let r = 0; r < 500; r++) x.data[r * 6 + 1] = r % 7 === 0 ? NaN : r % 4; // a categorical column
    const whole = new Imputer({ categorical: [1] }).fit(x);
    const streamed = new Imputer({ categorical: [1] });
    for (const [a, b] of [
      [0, 1],
      [1, 77],
      [77, 300],
      [300, 500],
    ]) streamed.partialFit(sliceRows(x, a, b));
    checkClose(streamed.fillValues(), whole.fillValues(), 1e-6, 'fill values');
    checkExact(streamed.transform(x).data, whole.transform(x).data, 'imputed');
    expect(streamed.transform(x).data.some(Number.isNaN)).toBe(false);
  });

  it('round-trips through JSON and keeps fitting', () => {
    const x = table();
    const imputer = new Imputer(OPTIONS).partialFit(sliceRows(x, 0, 3));
    const restored = imputerFromJSON(JSON.stringify(imputer));
    checkExact(restored.transform(x).data, imputer.transform(x).data, 'restored');
    imputer.partialFit(sliceRows(x, 3, 6));
    restored.partialFit(sliceRows(x, 3, 6));
    checkExact(restored.fillValues(), imputer.fillValues(), 'after more partialFit');
  });

  it('rejects damaged JSON naming the field', () => {
    const good = new Imputer(OPTIONS).fit(table()).toJSON();
    const damaged = (patch: (j: ImputerJSON) => void): ImputerJSON => {
      const j = JSON.parse(JSON.stringify(good)) as ImputerJSON;
      patch(j);
      return j;
    };
    const cases: [ImputerJSON, string][] = [
      [damaged((j) => (j.groupCounts[0][1] = -2)), 'Expected integer >= 0 for imputer.groupCounts[0][1] but received -2'],
      [damaged((j) => (j.categoryCounts[0][0] = [1, 2, 3] as never)), 'Expected a pair [finite value, integer count >= 0] for imputer.categoryCounts[0][0] but received an array of length 3'],
      [damaged((j) => (j.oneHotGroups = [[2]])), 'imputer options: Expected a list of at least 2 columns for oneHotGroups[0]'],
      [damaged((j) => (j.categorical = [2])), 'imputer options: Column 2 is listed in both categorical and oneHotGroups[0]'],
      [damaged((j) => (j.cols = 0)), 'Expected integer >= 1 for imputer.cols but received 0'],
      [damaged((j) => (j.stats.count = [1])), 'Expected an array of length 6 of integer >= 0s for imputer.stats.count but received an array of length 1'],
    ];
    for (const [json, message] of cases) {
      const err = thrown(() => imputerFromJSON(json));
      expect(err, message).toBeInstanceOf(ConfigError);
      expect(err.message.startsWith(message), `${err.message} should start with ${message}`).toBe(true);
      expect(thrown(() => imputerFromJSON(json, { path: 'm.nntrain' }))).toBeInstanceOf(ModelFileError);
    }
  });

  it('errors on a NaN in a column that had no training values, and on Infinity', () => {
    const x: Matrix = { data: Float32Array.from([1, N, 2, N]), rows: 2, cols: 2 };
    const imputer = new Imputer().fit(x);
    const err = thrown(() => imputer.transform(x)) as DataError;
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toBe('x has a missing value at row 0, column 1 but the training data had no values in that column to impute from');
    expect([err.row, err.column]).toEqual([0, 1]);
    const inf: Matrix = { data: Float32Array.from([1, 2, 3, -Infinity]), rows: 2, cols: 2 };
    expect(thrown(() => new Imputer({ categorical: [1] }).fit(inf)).message).toBe('x contains -Infinity at row 1, column 1: categories must be finite');
    const fitted = new Imputer({ categorical: [1] }).fit({ data: Float32Array.from([1, 2, 5, 2]), rows: 2, cols: 2 });
    const before = fitted.toJSON();
    expect(thrown(() => fitted.partialFit(inf))).toBeInstanceOf(DataError);
    expect(fitted.toJSON()).toEqual(before); // a block that throws changes nothing
  });

  it('names bad options', () => {
    expectConfigError(() => new Imputer({ categorical: [1], exclude: [1] }), 'Column 1 is listed in both categorical and exclude: give each column one role');
    expectConfigError(() => new Imputer({ oneHotGroups: [[3]] }), 'Expected a list of at least 2 columns for oneHotGroups[0] but received an array of length 1');
    expectConfigError(() => new Imputer({ categorical: 'a' } as never), "Expected an array of column indices for categorical but received 'a'");
    expectConfigError(() => new Imputer({ strategy: 'mean' } as never), "Unknown option 'strategy' for Imputer. Valid options: categorical, oneHotGroups, exclude");
    expectConfigError(
      () => new Imputer({ categorical: [9] }).fit(table()),
      'Expected column indices in [0, 6) for data with 6 columns for categorical but received 9',
    );
    expectConfigError(() => new Imputer().transform(table()), 'The imputer has not been fitted: call fit(x) or partialFit(block) on the training split first');
  });
});

// Matrix helpers and the x/y validation of fit/evaluate.

import { describe, expect, it } from 'vitest';
import { LabelMode } from '../../src/backend/codes.js';
import { argmaxRows, DataError, matrix, row, ShapeError, sliceRows, toRows } from '../../src/index.js';
import { toInputMatrix, toTargetMatrix } from '../../src/data/validate-data.js';

describe('matrix', () => {
  it('builds from rows, flat arrays and Float32Arrays', () => {
    const a = matrix([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(a).toMatchObject({ rows: 2, cols: 3 });
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const flat = new Float32Array([1, 2, 3, 4, 5, 6]);
    const b = matrix(flat, 2);
    expect(b).toMatchObject({ rows: 3, cols: 2 });
    expect(b.data).toBe(flat); // no copy
    expect(matrix([7, 8, 9])).toMatchObject({ rows: 3, cols: 1 });
    expect(matrix([[5]])).toMatchObject({ rows: 1, cols: 1 });
    expect(toRows(b)).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(Array.from(row(b, 1))).toEqual([3, 4]);
    expect(toRows(sliceRows(b, 1, 3))).toEqual([
      [3, 4],
      [5, 6],
    ]);
    expect(Array.from(argmaxRows(matrix([[1, 3, 3], [9, 0, 1]])))).toEqual([1, 0]);
  });

  it('rejects ragged rows and lengths that do not divide', () => {
    expect(() => matrix([[1, 2], [3]])).toThrow(/Row 1 of matrix has 1 columns but row 0 has 2/);
    expect(() => matrix(new Float32Array(7), 2)).toThrow(ShapeError);
    expect(() => matrix([1, 2], 0)).toThrow(/integer >= 1 for cols/);
    expect(() => matrix([['a' as never, 1]])).toThrow(DataError);
  });
});

describe('toInputMatrix / toTargetMatrix', () => {
  const rule = (labelMode: number, outputWidth: number) => ({
    labelMode: labelMode as 0,
    outputWidth,
    labelWidth: labelMode === LabelMode.sparse ? 1 : outputWidth,
    lossName: 'theLoss',
  });

  it('uses a contiguous view of a Matrix without copying', () => {
    const data = new Float32Array(12);
    const m = toInputMatrix({ data, rows: 2, cols: 3 }, 3);
    expect(m.data.buffer).toBe(data.buffer);
    expect(m.data.length).toBe(6);
  });

  it('reports shapes, non-finite values and label ranges', () => {
    expect(() => toInputMatrix([[1, 2]], 3)).toThrow(/x has shape \[1, 2\] but the model expects inputs of shape \[N, 3\]/);
    expect(() => toInputMatrix('nope', 3)).toThrow(ShapeError);
    expect(() => toInputMatrix([], 3)).toThrow(/no rows/);
    const err = (() => {
      try {
        toInputMatrix([[1, 2], [3, -Infinity]], 2);
      } catch (e) {
        return e as DataError;
      }
    })();
    expect(err).toBeInstanceOf(DataError);
    expect(err).toMatchObject({ row: 1, column: 1 });
    expect(() => toTargetMatrix([1, 2], 3, rule(LabelMode.regression, 1))).toThrow(/y has 2 rows but x has 3/);
    expect(() => toTargetMatrix([[1, 2]], 1, rule(LabelMode.regression, 1))).toThrow(/theLoss with 1 outputs expects targets of shape \[N, 1\]/);
    expect(() => toTargetMatrix([0, 4], 2, rule(LabelMode.sparse, 4))).toThrow(/label 4 at row 1.*\[0, 4\)/);
    expect(toTargetMatrix([0, 3], 2, rule(LabelMode.sparse, 4)).cols).toBe(1);
    expect(() => toTargetMatrix([[0, 1.5]], 1, rule(LabelMode.binary, 2))).toThrow(/1.5 at row 0, column 1/);
    expect(() => toTargetMatrix(['1' as never], 1, rule(LabelMode.regression, 1))).toThrow(/y\[0\] is '1', not a number/);
    const multi = toTargetMatrix(
      [
        [1, 2],
        [3, 4],
      ],
      2,
      rule(LabelMode.regression, 2),
    );
    expect(Array.from(multi.data)).toEqual([1, 2, 3, 4]);
  });
});

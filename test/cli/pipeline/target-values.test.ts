// A numeric target's task and classes decided from the values of parts of its rows (one part per rank
// in a distributed run) equal the decision over the whole column; without MPI.

import { describe, expect, it } from 'vitest';
import type { Matrix } from '../../../src/index.js';
import { decideTask, mergeTargetValues, numericTarget, targetValues } from '../../../src/cli/pipeline/target.js';

describe('a numeric target decided over parts of its rows', () => {
  const column = (values: number[]): Matrix => ({ data: Float32Array.from(values), rows: values.length, cols: 1 });

  it('classes are the union of the parts\' values, numbered in ascending order on every part', () => {
    const a = column([3, 1, 3, 1, 1, 3]);
    const b = column([7, 3, 7, 3, 3, 7]); // 7 appears in this part only
    const merged = mergeTargetValues([targetValues(a), targetValues(b)]);
    const target = numericTarget('f.csv', 'y', merged, 'auto');
    expect(target).toEqual(decideTask('f.csv', 'y', column([3, 1, 3, 1, 1, 3, 7, 3, 7, 3, 3, 7]), null, 'auto').target);
    expect(target.classValues).toEqual([1, 3, 7]);
    expect(target.task).toBe('multiclass');
  });

  it('a part with non-integers, or too many values over all parts, makes it regression', () => {
    const ints = targetValues(column([0, 1, 0, 1]));
    expect(numericTarget('f.csv', 'y', mergeTargetValues([ints, targetValues(column([0.5, 1]))]), 'auto').task).toBe('regression');
    const many = Array.from({ length: 12 }, (_, i) => i);
    const parts = [targetValues(column([...many, ...many])), targetValues(column(many.map((v) => v + 12).concat(many.map((v) => v + 12))))];
    expect(numericTarget('f.csv', 'y', mergeTargetValues(parts), 'auto').task).toBe('regression'); // 24 values over all, 12 in each
    expect(numericTarget('f.csv', 'y', parts[0], 'auto').task).toBe('multiclass');
  });
});

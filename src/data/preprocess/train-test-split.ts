// One-call hold-out split in the spirit of scikit-learn's train_test_split: x and y in, the four parts out,
// drawn by randomSplit or, with `stratify`, stratifiedSplit (so a seed gives the same parts on every
// machine), then gathered into new contiguous matrices.

import { checkMatrix, checkSeed } from './args.js';
import { gatherRows } from './gather.js';
import { classIndices, type LabelInput } from './labels.js';
import { randomSplit, stratifiedSplit } from './splits.js';
import { DataError, ShapeError } from '../../util/errors.js';
import { checkNumber, describe, invalid, isInteger, readOptions } from '../../util/validate.js';
import { fromRows, isMatrix, isRow, type Matrix } from '../matrix.js';

/** Options of trainTestSplit; every field is optional. */
export interface TrainTestSplitOptions {
  /**
   * The test part: a fraction in (0, 1) of the rows, or a whole number of rows in [1, rows − 1].
   * Default 0.25 (scikit-learn's).
   */
  testSize?: number;
  /** uint32 seed of the shuffle. Default 0, so an unseeded split is reproducible too. */
  seed?: number;
  /**
   * Keep every class's share in both parts: `true` takes the classes from y (one class index per row, or
   * one-hot rows); or pass the labels to stratify by (one class index per row). Default false.
   */
  stratify?: boolean | LabelInput;
}

/** The two parts, each x with its y, and the row indices (ascending) of each part in the input. */
export interface TrainTestSplit {
  xTrain: Matrix;
  xTest: Matrix;
  yTrain: Matrix;
  yTest: Matrix;
  trainIndices: Uint32Array;
  testIndices: Uint32Array;
}

/** Rows as taken by the split: a Matrix, rows of numbers (arrays or typed arrays), or one value per row. */
export type SplitRows = Matrix | readonly ArrayLike<number>[] | ArrayLike<number>;

/**
 * Splits x and y row for row into a training and a test part, shuffled by a seeded generator. Without
 * `stratify` the test part has testSize × rows rows, rounded to the nearest row (a half goes to training),
 * or exactly testSize rows for a count; with it each class
 * is split on its own, so each part holds every class's share to within one row, and a class of two or
 * more rows always keeps one in training.
 * @example
 * ```ts
 * const { x, y } = await readCsv('data/iris.csv', { target: 'species' });
 * const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, y!, { testSize: 0.2, seed: 42, stratify: true });
 * ```
 * @throws ConfigError for a bad option; ShapeError when x and y (or the stratify labels) have different
 *   row counts; DataError when a part would be empty or stratify labels are not class indices.
 */
export function trainTestSplit(x: SplitRows, y: SplitRows, options: TrainTestSplitOptions = {}): TrainTestSplit {
  const o = readOptions<TrainTestSplitOptions>('trainTestSplit', options, ['testSize', 'seed', 'stratify']);
  const xs = asRows(x, 'x');
  const ys = asRows(y, 'y');
  if (xs.rows !== ys.rows) throw new ShapeError(`x has ${xs.rows} rows but y has ${ys.rows}: every input row needs one target row`);
  const rows = xs.rows;
  if (rows < 2) throw new DataError(`trainTestSplit needs at least 2 rows (one for each part) but x has ${rows}`);
  const testFraction = testFractionOf(o.testSize, rows);
  const seed = checkSeed(o.seed);
  const stratify: unknown = o.stratify ?? false;
  let split;
  if (stratify === false) {
    split = randomSplit(rows, { testFraction, seed });
  } else {
    const labels = stratify === true ? ys : stratify;
    const classes = classIndices(labels, undefined, stratify === true ? 'y (stratify)' : 'stratify');
    if (classes.length !== rows) throw new ShapeError(`stratify has ${classes.length} labels but x has ${rows} rows: give one class per row`);
    split = stratifiedSplit(classes, { testFraction, seed });
  }
  if (split.train.length === 0 || split.test.length === 0) {
    throw new DataError(`trainTestSplit of ${rows} rows with testSize ${o.testSize ?? 0.25} leaves the ${split.test.length === 0 ? 'test' : 'training'} part empty`);
  }
  return {
    xTrain: gatherRows(xs, split.train),
    xTest: gatherRows(xs, split.test),
    yTrain: gatherRows(ys, split.train),
    yTest: gatherRows(ys, split.test),
    trainIndices: split.train,
    testIndices: split.test,
  };
}

/** testSize as a fraction of `rows`: a fraction in (0, 1), or a row count in [1, rows − 1]. */
function testFractionOf(testSize: unknown, rows: number): number {
  if (testSize === undefined) return 0.25;
  if (isInteger(testSize) && testSize >= 1) {
    if (testSize > rows - 1) throw invalid('testSize', `a row count in [1, ${rows - 1}] (x has ${rows} rows) or a fraction in (0, 1)`, testSize);
    return testSize / rows;
  }
  return checkNumber('testSize', testSize, { min: 0, max: 1, minOpen: true, maxOpen: true });
}

/** x or y as a Matrix: a Matrix as is, rows copied, a flat array as one value per row. */
function asRows(value: unknown, name: string): Matrix {
  if (isMatrix(value)) return checkMatrix(name, value);
  if (Array.isArray(value) && value.length > 0 && isRow(value[0])) return fromRows(value as ArrayLike<number>[], name);
  if (isRow(value)) return fromRows(Array.from(value as ArrayLike<number>, (v) => [v]), name, 1);
  throw new ShapeError(`Expected a Matrix, rows of numbers or one number per row for ${name} but received ${describe(value)}`);
}

// Random oversampling of minority classes: rows of a small class are copied (drawn with replacement) until
// the class reaches the majority's count or a given ratio of it, so a loss averaged over rows stops being
// dominated by the large classes. Nothing new is invented — every added row is an existing training row
// (compare SMOTE, smote.ts, which interpolates new points).

import { checkMatrix, checkSeed } from './args.js';
import { balanceTarget, classIndices, groupByClass, type ClassGroups } from './labels.js';
import { ShapeError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { readOptions } from '../../util/validate.js';
import type { Matrix } from '../matrix.js';

/** Options of randomOversample (and the class options SMOTE shares). */
export interface OversampleOptions {
  /** uint32 seed of the draws. Default 0. */
  seed?: number;
  /**
   * The minority/majority ratio to reach, in (0, 1]: every class with fewer than ⌈ratio · majority⌉ rows is
   * raised to that count. Default 1 (all classes as large as the largest).
   */
  ratio?: number;
  /** With a multi-column y: the column holding class indices (else y's rows are read as one-hot). */
  labelColumn?: number;
}

/** Rebalanced training data: the original rows first (in order), then the added rows, class by class. */
export interface ResampledData {
  x: Matrix;
  y: Matrix;
  /** For every output row, the input row it was copied from (the base row, for SMOTE's synthetic rows). */
  sourceRows: Uint32Array;
}

/**
 * Raises every minority class of the training data to the target count by drawing its rows uniformly
 * with replacement (imbalanced-learn's RandomOverSampler). Classes come from y: a label-index column,
 * one-hot rows, or `labelColumn`. x and y are not modified; the result holds new matrices.
 * @example const balanced = randomOversample(xTrain, yTrain, { seed: 3 });
 * @throws ShapeError for non-matrices or different row counts; ConfigError for bad options; DataError for
 *   labels that are not class indices or one-hot rows.
 */
export function randomOversample(x: Matrix, y: Matrix, options: OversampleOptions = {}): ResampledData {
  const o = readOptions<OversampleOptions>('randomOversample', options, ['seed', 'ratio', 'labelColumn']);
  const { xm, ym, groups, target } = classPlan(x, y, o);
  const rng = new Rng(checkSeed(o.seed));
  const added: number[] = [];
  for (const members of groups.members) {
    for (let i = members.length; i < target; i++) added.push(members[rng.int(members.length)]);
  }
  return appendRows(xm, ym, Uint32Array.from(added), null);
}

/** The checked inputs of a rebalancing, their class groups and the count each class is raised to. */
export interface ClassPlan {
  xm: Matrix;
  ym: Matrix;
  groups: ClassGroups;
  target: number;
}

/** @throws as randomOversample, for x, y, labelColumn and ratio. */
export function classPlan(x: Matrix, y: Matrix, o: Partial<OversampleOptions>): ClassPlan {
  const xm = checkMatrix('x', x);
  const ym = checkMatrix('y', y);
  if (xm.rows !== ym.rows) throw new ShapeError(`x has ${xm.rows} rows but y has ${ym.rows}: every input row needs one target row`);
  const groups = groupByClass(classIndices(ym, o.labelColumn, 'y'));
  return { xm, ym, groups, target: balanceTarget(groups, o.ratio) };
}

/**
 * x and y with rows appended: for each k, output row x.rows + k is row `sources[k]` of x (or, when
 * `synthetic` is given, its rows, written by SMOTE), with the y row of `sources[k]`.
 */
export function appendRows(x: Matrix, y: Matrix, sources: Uint32Array, synthetic: Float32Array | null): ResampledData {
  const n = x.rows;
  const rows = n + sources.length;
  const xd = new Float32Array(rows * x.cols);
  const yd = new Float32Array(rows * y.cols);
  xd.set(x.data.subarray(0, n * x.cols));
  yd.set(y.data.subarray(0, n * y.cols));
  if (synthetic) xd.set(synthetic, n * x.cols);
  const sourceRows = new Uint32Array(rows);
  for (let r = 0; r < n; r++) sourceRows[r] = r;
  for (let k = 0; k < sources.length; k++) {
    const s = sources[k];
    sourceRows[n + k] = s;
    if (!synthetic) xd.set(x.data.subarray(s * x.cols, (s + 1) * x.cols), (n + k) * x.cols);
    yd.set(y.data.subarray(s * y.cols, (s + 1) * y.cols), (n + k) * y.cols);
  }
  return { x: { data: xd, rows, cols: x.cols }, y: { data: yd, rows, cols: y.cols }, sourceRows };
}

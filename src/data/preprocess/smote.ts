// SMOTE (Chawla et al. 2002, "Synthetic Minority Over-sampling Technique"): instead of repeating minority
// rows (oversample.ts), create new points on the segments between a minority row and its nearest
// neighbours of the same class,
//   x_new = x_i + u · (x_nn − x_i),   u ~ U[0, 1),   x_nn one of the k nearest neighbours of x_i in its class,
// which widens the minority class's region instead of sharpening it around the copied points.

import { type OversampleOptions, type ResampledData, appendRows, classPlan } from './oversample.js';
import { checkSeed } from './args.js';
import { NeighbourSearch } from './knn.js';
import { DataError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { checkInteger, readOptions } from '../../util/validate.js';
import type { Matrix } from '../matrix.js';

/** Options of smote. */
export interface SmoteOptions extends OversampleOptions {
  /** Neighbours to choose from, integer >= 1. Default 5 (the paper's and imbalanced-learn's). */
  k?: number;
}

/** SMOTE's output: the original rows, then the synthetic rows with how each was made. */
export interface SmoteResult extends ResampledData {
  /** Per synthetic row (output row x.rows + s): its base row i, neighbour row nn and u. */
  synthetic: { base: Uint32Array; neighbour: Uint32Array; gap: Float32Array };
}

/**
 * Raises every minority class of the training data to ⌈ratio · majority⌉ rows with synthetic points: for
 * each new point, a base row x_i drawn uniformly from its class, a neighbour x_nn drawn uniformly from the
 * k nearest (Euclidean) rows of the same class, and u uniform in [0, 1); the point is x_i + u·(x_nn − x_i)
 * (in float64, stored as float32) with x_i's target row. Points therefore never lie between classes.
 * A class with fewer than k + 1 rows uses all its other rows as neighbours; a class with 1 row that needs
 * new points is an error (there is no segment to sample). Neighbours are exact, by brute force: O(m²·d)
 * for a class of m rows of width d (see knn.ts), computed only for the rows drawn as bases.
 * Every column is interpolated, so one-hot or index columns in x get in-between values: leave them out of
 * x or round them afterwards. Use it on the training split only; x and y are not modified.
 * @example const { x: xBal, y: yBal } = smote(xTrain, yTrain, { k: 5, seed: 1 });
 * @throws ShapeError for non-matrices or different row counts; ConfigError for bad options; DataError for a
 *   class of 1 row, a NaN/Infinity in a row of a class to augment, or bad labels.
 */
export function smote(x: Matrix, y: Matrix, options: SmoteOptions = {}): SmoteResult {
  const o = readOptions<SmoteOptions>('smote', options, ['k', 'seed', 'ratio', 'labelColumn']);
  const k = checkInteger('k', o.k ?? 5, { min: 1 });
  const { xm, ym, groups, target } = classPlan(x, y, o);
  const rng = new Rng(checkSeed(o.seed));
  const cols = xm.cols;
  let total = 0;
  for (const members of groups.members) total += Math.max(0, target - members.length);
  const base = new Uint32Array(total);
  const neighbour = new Uint32Array(total);
  const gap = new Float32Array(total);
  const points = new Float32Array(total * cols);
  let s = 0;
  groups.members.forEach((members, g) => {
    const m = members.length;
    if (m >= target) return;
    if (m === 1) {
      throw new DataError(
        `SMOTE needs at least 2 rows of a class to interpolate between, but class ${groups.classes[g]} has 1 (row ${members[0]}); ` +
          'raise it with randomOversample, gather more data, or drop the class',
        { row: members[0] },
      );
    }
    checkFiniteRows(xm, members);
    const kEff = Math.min(k, m - 1); // fewer than k + 1 rows: every other row of the class
    const search = new NeighbourSearch(xm, kEff);
    const nearest = new Uint32Array(m * kEff); // (m, kEff) neighbour rows, filled on first use
    const done = new Uint8Array(m);
    for (let added = 0; added < target - m; added++, s++) {
      const b = rng.int(m);
      if (!done[b]) {
        search.query(members[b], members, nearest, b * kEff);
        done[b] = 1;
      }
      const i = members[b];
      const nn = nearest[b * kEff + rng.int(kEff)];
      const u = rng.uniform();
      for (let c = 0; c < cols; c++) {
        const xi = xm.data[i * cols + c];
        points[s * cols + c] = xi + u * (xm.data[nn * cols + c] - xi);
      }
      base[s] = i;
      neighbour[s] = nn;
      gap[s] = u;
    }
  });
  return { ...appendRows(xm, ym, base, points), synthetic: { base, neighbour, gap } };
}

/** @throws DataError for the first NaN/±Infinity in the rows `members` (distances need finite values). */
function checkFiniteRows(x: Matrix, members: Uint32Array): void {
  for (const r of members) {
    for (let c = 0; c < x.cols; c++) {
      const v = x.data[r * x.cols + c];
      if (!Number.isFinite(v)) {
        throw new DataError(`x contains ${v} at row ${r}, column ${c}: SMOTE needs finite values (impute first)`, { row: r, column: c });
      }
    }
  }
}

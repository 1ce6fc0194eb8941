// Gaussian noise injection as data augmentation: noisy copies of the training inputs, x' = x + stddev·z with
// z ~ N(0, 1) per cell. Training on several noisy copies smooths the learned function around each training
// point (Bishop 1995: equivalent to Tikhonov regularization for small noise). Unlike the gaussianNoise
// layer, which draws new noise every step, this makes a fixed, seeded, enlarged training set.

import { checkColumnList, checkMatrix, checkSeed, columnMask } from './args.js';
import { Rng } from '../../util/rng.js';
import { checkBoolean, checkInteger, checkNumber, readOptions } from '../../util/validate.js';
import type { Matrix } from '../matrix.js';

/** Options of addGaussianNoise. */
export interface GaussianNoiseAugmentOptions {
  /** Standard deviation of the noise, finite and > 0, in the units of x (scale x first for one σ to fit all columns). Required. */
  stddev: number;
  /** uint32 seed of the noise. Default 0. */
  seed?: number;
  /** Noisy copies of x to make, integer >= 1. Default 1. */
  copies?: number;
  /** Put the clean rows first, before the noisy copies. Default false. */
  includeOriginal?: boolean;
  /** Columns copied without noise (one-hot or index columns), 0-based. Default []. */
  exclude?: readonly number[];
}

/**
 * Noisy copies of the training inputs `x` (x itself is not modified). The result stacks whole copies: with
 * includeOriginal, rows [0, n) are x; then each noisy copy takes n rows, row c·n + r being row r of copy c.
 * So the matching targets are `tileRows(y, copies + (includeOriginal ? 1 : 0))`. The noise is drawn cell by
 * cell in row-major order from one seeded generator (Box–Muller in float64), added in float64, stored as
 * float32. NaN cells stay NaN. Use it on the training split only: noisy validation or test data would
 * measure the wrong thing.
 * @example
 * ```ts
 * const xAug = addGaussianNoise(xTrain, { stddev: 0.05, copies: 3, includeOriginal: true, seed: 1 });
 * const yAug = tileRows(yTrain, 4);
 * ```
 * @throws ShapeError for a non-Matrix x; ConfigError naming a bad option.
 */
export function addGaussianNoise(x: Matrix, options: GaussianNoiseAugmentOptions): Matrix {
  const o = readOptions<GaussianNoiseAugmentOptions>('addGaussianNoise', options, ['stddev', 'seed', 'copies', 'includeOriginal', 'exclude']);
  const m = checkMatrix('x', x);
  const stddev = checkNumber('stddev', o.stddev, { min: 0, minOpen: true });
  const rng = new Rng(checkSeed(o.seed));
  const copies = checkInteger('copies', o.copies ?? 1, { min: 1 });
  const includeOriginal = checkBoolean('includeOriginal', o.includeOriginal ?? false);
  const excluded = columnMask('exclude', checkColumnList('exclude', o.exclude), m.cols);
  const n = m.rows * m.cols;
  const blocks = copies + (includeOriginal ? 1 : 0);
  const data = new Float32Array(n * blocks);
  if (includeOriginal) data.set(m.data, 0);
  for (let copy = 0; copy < copies; copy++) {
    const offset = (copy + (includeOriginal ? 1 : 0)) * n;
    for (let i = 0; i < n; i++) {
      const c = i % m.cols;
      data[offset + i] = excluded[c] ? m.data[i] : m.data[i] + stddev * rng.normal();
    }
  }
  return { data, rows: m.rows * blocks, cols: m.cols };
}

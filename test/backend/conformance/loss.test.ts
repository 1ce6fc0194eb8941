// lossForward / lossBackward of every backend: every loss × fusion mode the contract allows (none for all,
// softmax for categorical/sparse, sigmoid for binary), values against the float64 reference and gradients
// against float64 central differences of that reference; then the clipping region of unfused BCE/CCE.

import { describe, it } from 'vitest';
import { Activation, LabelMode, Loss, LossFusion } from '../../../src/backend/codes.js';
import type { LossName } from '../../../src/backend/codes.js';
import type { LossSpec } from '../../../src/backend/contract.js';
import { Rng } from '../../../src/util/rng.js';
import { BACKENDS, randn } from '../../helpers/backends.js';
import { checkClose, checkExact, checkScalar, maxAbs } from '../../helpers/check.js';
import { PROB_EPS, PROB_HI, fdGrad, refActivation, refLoss } from '../../helpers/reference.js';

interface LossCase {
  loss: LossName;
  fusion: keyof typeof LossFusion;
  param?: number;
  /** What pred holds: free values, probabilities, softmax rows, or logits. */
  pred: 'free' | 'prob' | 'softmax' | 'logits';
  softTargets?: boolean; // BCE with targets in (0, 1)
}

const CASES: LossCase[] = [
  { loss: 'mse', fusion: 'none', pred: 'free' },
  { loss: 'mae', fusion: 'none', pred: 'free' },
  { loss: 'huber', fusion: 'none', param: 1, pred: 'free' },
  { loss: 'huber', fusion: 'none', param: 0.3, pred: 'free' },
  { loss: 'huber', fusion: 'none', param: 2.5, pred: 'free' },
  { loss: 'binaryCrossentropy', fusion: 'none', pred: 'prob' },
  { loss: 'binaryCrossentropy', fusion: 'none', pred: 'prob', softTargets: true },
  { loss: 'binaryCrossentropy', fusion: 'sigmoid', pred: 'logits' },
  { loss: 'binaryCrossentropy', fusion: 'sigmoid', pred: 'logits', softTargets: true },
  { loss: 'categoricalCrossentropy', fusion: 'none', pred: 'softmax' },
  { loss: 'categoricalCrossentropy', fusion: 'none', pred: 'prob' }, // rows not summing to 1: no renormalization
  { loss: 'categoricalCrossentropy', fusion: 'softmax', pred: 'logits' },
  { loss: 'sparseCategoricalCrossentropy', fusion: 'none', pred: 'softmax' },
  { loss: 'sparseCategoricalCrossentropy', fusion: 'softmax', pred: 'logits' },
];
const SHAPES: [number, number][] = [
  [1, 1],
  [1, 3],
  [5, 7],
  [4, 13],
  [3, 2],
  [7, 17],
];

function spec(c: LossCase): LossSpec {
  const labelMode = c.loss === 'sparseCategoricalCrossentropy' ? LabelMode.sparse : c.loss === 'categoricalCrossentropy' ? LabelMode.onehot : c.loss === 'binaryCrossentropy' ? LabelMode.binary : LabelMode.regression;
  return { kind: Loss[c.loss], param: c.param ?? 0, fusion: LossFusion[c.fusion], labelMode, threshold: 0.5 };
}

function makeInputs(rng: Rng, c: LossCase, rows: number, cols: number) {
  const n = rows * cols;
  let pred: Float32Array;
  if (c.pred === 'free') pred = randn(rng, n, 2);
  else if (c.pred === 'prob') pred = Float32Array.from({ length: n }, () => 0.03 + 0.94 * rng.uniform());
  else if (c.pred === 'softmax') pred = Float32Array.from(refActivation(randn(rng, n, 2), rows, cols, Activation.softmax, 0));
  else pred = randn(rng, n, 3);
  // Fused paths must be stable for large logits: put ±40 in the first row when there is room.
  if (c.pred === 'logits' && n >= 3) pred.set([40, -40]);
  const sparse = c.loss === 'sparseCategoricalCrossentropy';
  const target = new Float32Array(sparse ? rows : n);
  for (let r = 0; r < rows; r++) {
    const cls = rng.int(cols);
    if (sparse) target[r] = cls;
    else
      for (let j = 0; j < cols; j++) {
        const i = r * cols + j;
        if (c.loss === 'categoricalCrossentropy') target[i] = j === cls ? 1 : 0;
        else if (c.loss === 'binaryCrossentropy') target[i] = c.softTargets ? 0.1 + 0.8 * rng.uniform() : rng.uniform() < 0.5 ? 0 : 1;
        else target[i] = pred[i] + (rng.uniform() < 0.5 ? -1 : 1) * (0.05 + 3 * rng.uniform()); // |pred − y| >= 0.05: away from mae's kink
      }
  }
  return { pred, target };
}

const caseName = (c: LossCase) => `${c.loss}${c.param !== undefined ? `(δ=${c.param})` : ''} fusion=${c.fusion} pred=${c.pred}${c.softTargets ? ' soft targets' : ''}`;

describe.each(BACKENDS)('loss kernels [$name]', ({ available, get }) => {
  describe.skipIf(!available)('vs float64 reference', () => {
    it.each(CASES.map((c) => [caseName(c), c] as const))('%s', (_, c) => {
      const rng = new Rng(700 + CASES.indexOf(c));
      const ls = spec(c);
      for (const [rows, cols] of SHAPES) {
        if (c.loss.includes('ategorical') && cols < 2) continue;
        const { pred, target } = makeInputs(rng, c, rows, cols);
        const label = `${caseName(c)} ${rows}x${cols}`;
        const pred0 = pred.slice();
        // Value: float32 logs/exps and an n-term sum, 1e-5 relative with a 1e-6 floor.
        const value = get().lossForward(pred, target, rows, cols, ls);
        checkScalar(value, refLoss(pred, target, rows, cols, ls), { abs: 1e-6, rel: 1e-5 }, `${label}: lossForward`);
        // Gradient vs central differences (float64, error ~1e-9): 1e-4 relative, floor 1e-5 of the largest.
        const g = fdGrad((p) => refLoss(p, target, rows, cols, ls), Float64Array.from(pred));
        const dpred = new Float32Array(rows * cols).fill(NaN);
        get().lossBackward(dpred, pred, target, rows, cols, ls);
        checkClose(dpred, g, { abs: 1e-5 * maxAbs(g), rel: 1e-4 }, `${label}: lossBackward`);
        checkExact(pred, pred0, `${label}: pred modified`);
      }
    });

    // Keras clips probabilities to [ε, 1 − ε] with ε = 1e-7 (float32: the upper bound is 0.99999988).
    // A float64 implementation of 1 − 1e-7 gives −log(1e-7) = 16.118 where float32 gives 15.942, so the
    // value is checked to 2e-2 relative. Past the clip the loss is constant, so ∂loss/∂pred is exactly 0.
    it('unfused binary crossentropy: clipped values and zero gradient past the clip', () => {
      const pred = Float32Array.of(0, 1, 1e-9, 1, 1e-12, 0.5);
      const target = Float32Array.of(1, 0, 1, 0, 0, 1);
      const ls = spec({ loss: 'binaryCrossentropy', fusion: 'none', pred: 'prob' });
      const expected = refLoss(pred, target, 2, 3, ls);
      checkScalar(get().lossForward(pred, target, 2, 3, ls), expected, { abs: 0, rel: 2e-2 }, 'bce clipped value');
      const dpred = new Float32Array(6).fill(NaN);
      get().lossBackward(dpred, pred, target, 2, 3, ls);
      // elements 0–3 are past the clip (pred <= 1e-9 or pred = 1 > PROB_HI): gradient 0. Element 4 (pred 1e-12,
      // y 0) is clipped too; element 5 is interior: −y/(p·n) = −1/(0.5·6).
      checkClose(dpred.subarray(0, 5), [0, 0, 0, 0, 0], { abs: 0, rel: 0 }, 'bce gradient past the clip');
      checkScalar(dpred[5], -1 / 3, { abs: 1e-7, rel: 1e-5 }, 'bce gradient inside');
      checkScalar(PROB_EPS, 1e-7, 0, 'eps'); // the reference's bounds, stated for the reader
      checkScalar(PROB_HI, 0.9999998807907104, 0, 'upper bound');
    });

    it('unfused categorical/sparse crossentropy: clipped target probability, zero gradient past the clip', () => {
      const pred = Float32Array.of(0, 1, 0, 0.2, 0.7, 0.1);
      const onehot = Float32Array.of(1, 0, 0, 0, 1, 0);
      const sparse = Float32Array.of(0, 1);
      for (const [loss, target] of [
        ['categoricalCrossentropy', onehot],
        ['sparseCategoricalCrossentropy', sparse],
      ] as const) {
        const ls = spec({ loss, fusion: 'none', pred: 'softmax' });
        // row 0: −log(1e-7) = 16.118 (target class at probability 0); row 1: −log(0.7); mean over 2 rows
        checkScalar(get().lossForward(pred, target, 2, 3, ls), (-Math.log(1e-7) - Math.log(Math.fround(0.7))) / 2, { abs: 0, rel: 1e-5 }, `${loss} clipped value`);
        const dpred = new Float32Array(6).fill(NaN);
        get().lossBackward(dpred, pred, target, 2, 3, ls);
        // row 0: target class clipped → 0; non-target classes do not enter the loss → 0. Row 1: −1/(2·0.7) at class 1.
        checkClose(dpred, [0, 0, 0, 0, -1 / (2 * Math.fround(0.7)), 0], { abs: 1e-7, rel: 1e-5 }, `${loss} gradient`);
      }
    });
  });
});

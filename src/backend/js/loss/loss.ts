// Loss forward/backward pairs (twin of native/kernels/loss/loss.cc). Forward returns the mean loss in float64;
// backward writes ∂loss/∂pred with the same reduction. Fused modes take logits and fold the last activation
// into the loss (codes.ts LossFusion; fused.ts).

import { Loss, LossFusion } from '../../codes.js';
import type { LossSpec } from '../../contract.js';
import { ConfigError } from '../../../util/errors.js';
import { fusedLossBackward, fusedLossForward, labelOf } from './fused.js';

/** Keras's epsilon: probabilities are clipped to [EPS, 1 - EPS] on the unfused cross-entropy paths. */
const EPS = 1e-7;
const ONE_MINUS_EPS = 1 - EPS;

function clip(p: number): number {
  return p < EPS ? EPS : p > ONE_MINUS_EPS ? ONE_MINUS_EPS : p;
}

/**
 * Mean loss of pred (rows,cols) against target (rows, labelWidth); pred is the output A, or the logits Z
 * when loss.fusion != none. mse/mae/huber/binaryCrossentropy: mean over rows·cols elements;
 * categorical/sparse: Σ over classes, mean over rows. An invalid sparse label makes the loss NaN.
 */
export function lossForward(pred: Float32Array, target: Float32Array, rows: number, cols: number, loss: LossSpec): number {
  if (loss.fusion === LossFusion.softmax || loss.fusion === LossFusion.sigmoid) return fusedLossForward(pred, target, rows, cols, loss);
  const n = rows * cols;
  let s = 0;
  switch (loss.kind) {
    case Loss.mse:
      for (let i = 0; i < n; i++) {
        const e = pred[i] - target[i];
        s += e * e;
      }
      return s / n;
    case Loss.mae:
      for (let i = 0; i < n; i++) s += Math.abs(pred[i] - target[i]);
      return s / n;
    case Loss.huber: {
      const d = loss.param;
      for (let i = 0; i < n; i++) {
        const a = Math.abs(pred[i] - target[i]);
        s += a <= d ? 0.5 * a * a : d * (a - 0.5 * d);
      }
      return s / n;
    }
    case Loss.binaryCrossentropy:
      for (let i = 0; i < n; i++) {
        const p = clip(pred[i]);
        const t = target[i];
        s -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
      }
      return s / n;
    case Loss.categoricalCrossentropy:
      for (let i = 0; i < n; i++) {
        const t = target[i];
        if (t !== 0) s -= t * Math.log(clip(pred[i]));
      }
      return s / rows;
    case Loss.sparseCategoricalCrossentropy:
      for (let r = 0; r < rows; r++) {
        const label = labelOf(target, r, cols);
        s -= label < 0 ? NaN : Math.log(clip(pred[r * cols + label]));
      }
      return s / rows;
    default:
      throw new ConfigError(`Unknown loss code ${String(loss.kind)}`);
  }
}

/**
 * dpred (rows,cols) = ∂(lossForward)/∂pred, same reduction (includes the 1/rows or 1/(rows·cols) factor).
 * Where a probability was clipped the derivative is 0, as for the clip itself.
 */
export function lossBackward(dpred: Float32Array, pred: Float32Array, target: Float32Array, rows: number, cols: number, loss: LossSpec): void {
  if (loss.fusion === LossFusion.softmax || loss.fusion === LossFusion.sigmoid) {
    fusedLossBackward(dpred, pred, target, rows, cols, loss);
    return;
  }
  const n = rows * cols;
  switch (loss.kind) {
    case Loss.mse: {
      const k = 2 / n;
      for (let i = 0; i < n; i++) dpred[i] = k * (pred[i] - target[i]);
      return;
    }
    case Loss.mae: {
      const inv = 1 / n;
      for (let i = 0; i < n; i++) {
        const e = pred[i] - target[i];
        dpred[i] = e > 0 ? inv : e < 0 ? -inv : e === 0 ? 0 : NaN;
      }
      return;
    }
    case Loss.huber: {
      const d = loss.param;
      const inv = 1 / n;
      for (let i = 0; i < n; i++) {
        const e = pred[i] - target[i];
        dpred[i] = (e > d ? d : e < -d ? -d : e) * inv;
      }
      return;
    }
    case Loss.binaryCrossentropy: {
      const inv = 1 / n;
      for (let i = 0; i < n; i++) {
        const p = pred[i];
        const t = target[i];
        dpred[i] = p < EPS || p > ONE_MINUS_EPS ? 0 : ((p - t) / (p * (1 - p))) * inv;
      }
      return;
    }
    case Loss.categoricalCrossentropy: {
      const inv = 1 / rows;
      for (let i = 0; i < n; i++) {
        const p = pred[i];
        dpred[i] = p < EPS || p > ONE_MINUS_EPS ? 0 : (-target[i] / p) * inv;
      }
      return;
    }
    case Loss.sparseCategoricalCrossentropy: {
      const inv = 1 / rows;
      dpred.fill(0, 0, n);
      for (let r = 0; r < rows; r++) {
        const label = labelOf(target, r, cols);
        if (label < 0) {
          dpred.fill(NaN, r * cols, (r + 1) * cols);
          continue;
        }
        const p = pred[r * cols + label];
        dpred[r * cols + label] = p < EPS || p > ONE_MINUS_EPS ? 0 : -inv / p;
      }
      return;
    }
    default:
      throw new ConfigError(`Unknown loss code ${String(loss.kind)}`);
  }
}

// Loss forward/backward pairs. Forward returns the mean loss in float64; backward writes ∂loss/∂pred with
// the same reduction. Fused modes take logits and fold the last activation into the loss (codes.ts LossFusion).

import { Loss, LossFusion } from '../codes.js';
import type { LossSpec } from '../contract.js';
import { ConfigError } from '../../util/errors.js';
import { sigmoid } from './activations.js';

/** Keras's epsilon: probabilities are clipped to [EPS, 1 - EPS] on the unfused cross-entropy paths. */
const EPS = 1e-7;
const ONE_MINUS_EPS = 1 - EPS;

function clip(p: number): number {
  return p < EPS ? EPS : p > ONE_MINUS_EPS ? ONE_MINUS_EPS : p;
}

/** The class index stored (as float32) in a sparse target, or -1 when it is not a valid class. */
function labelOf(target: Float32Array, r: number, cols: number): number {
  const v = target[r];
  return Number.isInteger(v) && v >= 0 && v < cols ? v : -1;
}

/**
 * Mean loss of pred (rows,cols) against target (rows, labelWidth); pred is the output A, or the logits Z
 * when loss.fusion != none. mse/mae/huber/binaryCrossentropy: mean over rows·cols elements;
 * categorical/sparse: Σ over classes, mean over rows. An invalid sparse label makes the loss NaN.
 */
export function lossForward(pred: Float32Array, target: Float32Array, rows: number, cols: number, loss: LossSpec): number {
  const n = rows * cols;
  let s = 0;
  if (loss.fusion === LossFusion.softmax) {
    const sparse = loss.kind === Loss.sparseCategoricalCrossentropy;
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let max = -Infinity;
      for (let j = 0; j < cols; j++) if (pred[o + j] > max) max = pred[o + j];
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += Math.exp(pred[o + j] - max);
      const lse = max + Math.log(sum);
      if (sparse) {
        const label = labelOf(target, r, cols);
        s += label < 0 ? NaN : lse - pred[o + label];
      } else {
        let yz = 0;
        for (let j = 0; j < cols; j++) yz += target[o + j] * pred[o + j];
        s += lse - yz;
      }
    }
    return s / rows;
  }
  if (loss.fusion === LossFusion.sigmoid) {
    for (let i = 0; i < n; i++) {
      const z = pred[i];
      s += Math.max(z, 0) - z * target[i] + Math.log1p(Math.exp(-Math.abs(z)));
    }
    return s / n;
  }
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
  const n = rows * cols;
  if (loss.fusion === LossFusion.softmax) {
    // dZ = (softmax(Z) - Y) / rows
    const sparse = loss.kind === Loss.sparseCategoricalCrossentropy;
    const invRows = 1 / rows;
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let max = -Infinity;
      for (let j = 0; j < cols; j++) if (pred[o + j] > max) max = pred[o + j];
      let sum = 0;
      for (let j = 0; j < cols; j++) {
        const e = Math.exp(pred[o + j] - max);
        dpred[o + j] = e;
        sum += e;
      }
      const scale = invRows / sum;
      if (sparse) {
        const label = labelOf(target, r, cols);
        for (let j = 0; j < cols; j++) dpred[o + j] *= scale;
        if (label >= 0) dpred[o + label] -= invRows;
        else for (let j = 0; j < cols; j++) dpred[o + j] = NaN;
      } else {
        for (let j = 0; j < cols; j++) dpred[o + j] = dpred[o + j] * scale - target[o + j] * invRows;
      }
    }
    return;
  }
  if (loss.fusion === LossFusion.sigmoid) {
    const inv = 1 / n;
    for (let i = 0; i < n; i++) dpred[i] = (sigmoid(pred[i]) - target[i]) * inv;
    return;
  }
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

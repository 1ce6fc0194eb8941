// Losses fused with the last activation, computed from logits Z (codes.ts LossFusion; twin of
// native/kernels/loss/fused.cc):
//   softmax + categorical/sparse CE: lse(z) - Σ_j y_j z_j per row, mean over rows; dZ = (softmax(Z) - Y) / rows
//   sigmoid + binary CE:             max(z,0) - z y + log(1 + e^-|z|), mean over elements; dZ = (σ(Z) - Y) / (rows·cols)

import { Loss, LossFusion } from '../../codes.js';
import type { LossSpec } from '../../contract.js';
import { sigmoid } from '../act/activation.js';

/** The class index stored (as float32) in a sparse target, or -1 when it is not a valid class. */
export function labelOf(target: Float32Array, r: number, cols: number): number {
  const v = target[r];
  return Number.isInteger(v) && v >= 0 && v < cols ? v : -1;
}

/** Mean fused loss of logits (rows,cols) against target (rows, labelWidth); loss.fusion is softmax or sigmoid. */
export function fusedLossForward(logits: Float32Array, target: Float32Array, rows: number, cols: number, loss: LossSpec): number {
  let s = 0;
  if (loss.fusion === LossFusion.sigmoid) {
    const n = rows * cols;
    for (let i = 0; i < n; i++) {
      const z = logits[i];
      s += Math.max(z, 0) - z * target[i] + Math.log1p(Math.exp(-Math.abs(z)));
    }
    return s / n;
  }
  const sparse = loss.kind === Loss.sparseCategoricalCrossentropy;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (logits[o + j] > max) max = logits[o + j];
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(logits[o + j] - max);
    const lse = max + Math.log(sum);
    if (sparse) {
      const label = labelOf(target, r, cols);
      s += label < 0 ? NaN : lse - logits[o + label];
    } else {
      let yz = 0;
      for (let j = 0; j < cols; j++) yz += target[o + j] * logits[o + j];
      s += lse - yz;
    }
  }
  return s / rows;
}

/** dlogits (rows,cols) = ∂(fusedLossForward)/∂logits; an invalid sparse label makes its row NaN. */
export function fusedLossBackward(dlogits: Float32Array, logits: Float32Array, target: Float32Array, rows: number, cols: number, loss: LossSpec): void {
  if (loss.fusion === LossFusion.sigmoid) {
    const n = rows * cols;
    const inv = 1 / n;
    for (let i = 0; i < n; i++) dlogits[i] = (sigmoid(logits[i]) - target[i]) * inv;
    return;
  }
  const sparse = loss.kind === Loss.sparseCategoricalCrossentropy;
  const invRows = 1 / rows;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (logits[o + j] > max) max = logits[o + j];
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(logits[o + j] - max);
      dlogits[o + j] = e;
      sum += e;
    }
    const scale = invRows / sum;
    if (sparse) {
      const label = labelOf(target, r, cols);
      for (let j = 0; j < cols; j++) dlogits[o + j] *= scale;
      if (label >= 0) dlogits[o + label] -= invRows;
      else for (let j = 0; j < cols; j++) dlogits[o + j] = NaN;
    } else {
      for (let j = 0; j < cols; j++) dlogits[o + j] = dlogits[o + j] * scale - target[o + j] * invRows;
    }
  }
}

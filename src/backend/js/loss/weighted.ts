// Per-row weighted losses (twin of native/kernels/loss/weighted.cc), Keras's "sum_over_batch_size":
// (1/rows)·Σ_r w_r·loss_r with loss_r the unweighted loss of row r alone; the divisor is the row count,
// not the weight sum. The backward scales lossBackward's rows by their weights.

import { Loss } from '../../codes.js';
import type { LossSpec } from '../../contract.js';
import { lossBackward, lossForward } from './loss.js';

/**
 * Weighted mean loss of pred (rows,cols) against target (rows, labelWidth) with weights (rows). rowPred
 * (cols) and rowTarget (labelWidth) are scratch the caller owns, so nothing is allocated per call.
 */
export function weightedLossForward(pred: Float32Array, target: Float32Array, weights: Float32Array, rows: number, cols: number, loss: LossSpec, rowPred: Float32Array, rowTarget: Float32Array): number {
  const labelWidth = loss.kind === Loss.sparseCategoricalCrossentropy ? 1 : cols;
  let s = 0;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) rowPred[j] = pred[r * cols + j];
    for (let j = 0; j < labelWidth; j++) rowTarget[j] = target[r * labelWidth + j];
    s += weights[r] * lossForward(rowPred, rowTarget, 1, cols, loss);
  }
  return s / rows;
}

/** dpred (rows,cols) = ∂(weightedLossForward)/∂pred. */
export function weightedLossBackward(dpred: Float32Array, pred: Float32Array, target: Float32Array, weights: Float32Array, rows: number, cols: number, loss: LossSpec): void {
  lossBackward(dpred, pred, target, rows, cols, loss);
  for (let r = 0; r < rows; r++) {
    const w = weights[r];
    for (let j = 0; j < cols; j++) dpred[r * cols + j] *= w;
  }
}

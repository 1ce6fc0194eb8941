// L1/L2 weight penalties (Keras convention): loss += l1·Σ|w| + l2·Σw², grad += l1·sign(w) + 2·l2·w.

import type { PenaltySpec } from '../../contract.js';

/** l1·Σ|w| + l2·Σw² over w, in float64 (0 without touching w when both factors are 0). */
export function penaltyLoss(w: Float32Array, pen: PenaltySpec): number {
  if (pen.l1 === 0 && pen.l2 === 0) return 0;
  let abs = 0;
  let sq = 0;
  for (let i = 0; i < w.length; i++) {
    const v = w[i];
    abs += Math.abs(v);
    sq += v * v;
  }
  return pen.l1 * abs + pen.l2 * sq;
}

/** dw += l1·sign(w) + 2·l2·w (sign(0) = 0). */
export function penaltyBackward(dw: Float32Array, w: Float32Array, pen: PenaltySpec): void {
  const l1 = pen.l1;
  const l2x2 = 2 * pen.l2;
  if (l1 === 0 && l2x2 === 0) return;
  for (let i = 0; i < w.length; i++) {
    const v = w[i];
    dw[i] += (v > 0 ? l1 : v < 0 ? -l1 : 0) + l2x2 * v;
  }
}

// Gradient norms and clipping over the flat gradient region of the arena, and the L1/L2 weight penalties
// (Keras convention): loss += l1·Σ|w| + l2·Σw², grad += l1·sign(w) + 2·l2·w. Twin of native/kernels/optim/clip.cc.

import type { PenaltySpec } from '../../contract.js';

/** Σ x² over the first n elements, accumulated in float64. */
export function sumSquares(x: Float32Array, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    s0 += x[i] * x[i];
    s1 += x[i + 1] * x[i + 1];
  }
  if (i < n) s0 += x[i] * x[i];
  return s0 + s1;
}

/** Clamps each of the first n gradients to [-c, c] (NaN stays NaN, so the norm check still sees it). */
export function clipByValue(g: Float32Array, n: number, c: number): void {
  for (let i = 0; i < n; i++) {
    const v = g[i];
    if (v > c) g[i] = c;
    else if (v < -c) g[i] = -c;
  }
}

/** Scales the first n gradients by s (the clipNorm factor clipNorm / (norm + 1e-6)). */
export function scaleInPlace(g: Float32Array, n: number, s: number): void {
  for (let i = 0; i < n; i++) g[i] *= s;
}

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

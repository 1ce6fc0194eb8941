// Gradient clipping and norms over the flat gradient region of the arena.

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

// The error function in float64, accurate to ~1e-15 absolute (exact GELU needs |error| < 1e-7).
// Two regimes, each where it converges fast and without cancellation:
//   |x| < 2:   the Maclaurin series  erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))   (≤ 32 terms)
//   2 ≤ |x| < 6: Laplace's continued fraction for erfc, evaluated bottom-up with a fixed depth
//   |x| ≥ 6:   erf(x) = ±1 (erfc(6) ≈ 2e-17)

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_PI = 0.5641895835477563;
/** Depth of the continued fraction: at x = 2 the truncation error is ~2e-16 and shrinks fast with x. */
const CF_DEPTH = 40;

/** erf(x) for any finite or infinite x; NaN in, NaN out. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2) return erfSeries(x);
  if (ax >= 6) return x > 0 ? 1 : -1;
  const r = 1 - erfcContinuedFraction(ax);
  return x > 0 ? r : -r;
}

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x; // x^(2n+1) (-1)^n / n!
  let sum = x;
  for (let n = 1; n < 64; n++) {
    term *= -x2 / n;
    const t = term / (2 * n + 1);
    sum += t;
    if (Math.abs(t) <= 1e-17 * Math.abs(sum)) break;
  }
  return sum * TWO_OVER_SQRT_PI;
}

// erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + (2/2)/(x + (3/2)/(x + ...)))), for x > 0.
function erfcContinuedFraction(x: number): number {
  let f = x;
  for (let n = CF_DEPTH; n > 0; n--) f = x + (0.5 * n) / f;
  return (Math.exp(-x * x) * INV_SQRT_PI) / f;
}

// Numeric oracles for the test suite (after llm.c test_gpt2.c `check_tensor`): compare an actual array
// against an expected one and, on failure, say how far off it is and where it first goes wrong, so a
// failing kernel is diagnosed from the message alone.

/** Element i passes when |actual[i] − expected[i]| <= abs + rel·|expected[i]|. */
export interface Tolerance {
  abs: number;
  rel: number;
}

/** Largest |a[i] − b[i]| over the common length; NaN when a pair is not comparable (NaN vs a number). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (sameNonFinite(a[i], b[i])) continue;
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return NaN;
    worst = Math.max(worst, d);
  }
  return worst;
}

/** Largest |a[i] − b[i]| / max(|b[i]|, floor): relative difference with a floor for values near zero. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-30): number {
  let worst = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (sameNonFinite(a[i], b[i])) continue;
    const r = Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor);
    if (Number.isNaN(r)) return NaN;
    worst = Math.max(worst, r);
  }
  return worst;
}

/** Largest |x[i]| (0 for an empty array): the scale used to set absolute floors of tolerances. */
export function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

function sameNonFinite(a: number, b: number): boolean {
  return (Number.isNaN(a) && Number.isNaN(b)) || (!Number.isFinite(a) && a === b);
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toPrecision(8) : String(v);
}

/**
 * Throws unless every element passes `|a − e| <= bound(i)`. The message names the label, the number of
 * failing elements, the max abs/rel difference, and the first mismatching index with both values.
 * NaN passes only against NaN, ±Infinity only against the same infinity.
 */
export function checkWithin(actual: ArrayLike<number>, expected: ArrayLike<number>, bound: (i: number) => number, label: string): void {
  if (actual.length !== expected.length) {
    throw new Error(`${label}: length ${actual.length} but expected ${expected.length}`);
  }
  let bad = 0;
  let first = -1;
  let worstAbs = 0;
  let worstAbsAt = -1;
  let worstRel = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (sameNonFinite(a, e)) continue;
    const d = Math.abs(a - e);
    const ok = d <= bound(i); // false for NaN
    if (!(d <= worstAbs)) {
      worstAbs = Number.isNaN(d) ? Infinity : d;
      worstAbsAt = i;
    }
    if (e !== 0 && Number.isFinite(d)) worstRel = Math.max(worstRel, d / Math.abs(e));
    if (!ok) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad > 0) {
    throw new Error(
      `${label}: ${bad} of ${actual.length} elements out of tolerance; ` +
        `max abs diff ${fmt(worstAbs)} at [${worstAbsAt}] (actual ${fmt(actual[worstAbsAt])}, expected ${fmt(expected[worstAbsAt])}), ` +
        `max rel diff ${fmt(worstRel)}; first mismatch at [${first}]: actual ${fmt(actual[first])}, ` +
        `expected ${fmt(expected[first])}, allowed ±${fmt(bound(first))}`,
    );
  }
}

/** {@link checkWithin} with the bound abs + rel·|expected[i]| (a number means {abs: n, rel: n}). */
export function checkClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance | number, label: string): void {
  const t = typeof tol === 'number' ? { abs: tol, rel: tol } : tol;
  checkWithin(actual, expected, (i) => t.abs + t.rel * Math.abs(expected[i]), label);
}

/** One scalar: {@link checkClose} on a pair of one-element arrays. */
export function checkScalar(actual: number, expected: number, tol: Tolerance | number, label: string): void {
  checkClose([actual], [expected], tol, label);
}

/** Throws unless the arrays are equal element for element (NaN equals NaN): for copies and untouched memory. */
export function checkExact(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  checkWithin(actual, expected, () => 0, label);
}

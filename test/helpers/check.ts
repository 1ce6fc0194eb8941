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

type TypedArray = Float32Array | Float64Array | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array;

/** A number as the message shows it: shortest round trip, with the sign of zero. */
function show(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** The bytes of element i of a typed array, as hex (most significant first, like the float's bit pattern). */
function hexBits(x: TypedArray, i: number): string {
  const bytes = new Uint8Array(x.buffer, x.byteOffset + i * x.BYTES_PER_ELEMENT, x.BYTES_PER_ELEMENT);
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).reverse().join('')}`;
}

/**
 * Throws unless the arrays are bit-identical: typed arrays of the same kind and length with the same
 * bytes (so -0 differs from +0, and NaNs must match bit for bit), or, for plain arrays, `Object.is`
 * element for element. At least as strict as `expect(actual).toEqual(expected)` and much faster on
 * large arrays. The message names the label, how many elements differ, and the first one with both
 * values and their bits.
 */
export function checkBits(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  const typedA = ArrayBuffer.isView(actual);
  const typedE = ArrayBuffer.isView(expected);
  if (typedA !== typedE || (typedA && actual.constructor !== expected.constructor)) {
    const kind = (x: unknown) => (x as object).constructor.name;
    throw new Error(`${label}: a ${kind(actual)} but expected a ${kind(expected)}`);
  }
  if (actual.length !== expected.length) {
    throw new Error(`${label}: length ${actual.length} but expected ${expected.length}`);
  }
  let bad = 0;
  let first = -1;
  if (typedA) {
    const a = actual as TypedArray;
    const e = expected as TypedArray;
    // Compare in 32-bit words where the element size allows (every float32/float64/int32 view does).
    const bpe = a.BYTES_PER_ELEMENT;
    const words = (x: TypedArray) =>
      bpe >= 4 ? new Uint32Array(x.buffer, x.byteOffset, x.byteLength / 4) : bpe === 2 ? new Uint16Array(x.buffer, x.byteOffset, x.length) : new Uint8Array(x.buffer, x.byteOffset, x.length);
    const wa = words(a);
    const we = words(e);
    const per = bpe >= 4 ? bpe / 4 : 1; // words per element
    if (per === 1) {
      for (let i = 0; i < wa.length; i++) {
        if (wa[i] !== we[i]) {
          bad++;
          if (first < 0) first = i;
        }
      }
    } else {
      for (let i = 0; i < a.length; i++) {
        for (let w = i * per; w < (i + 1) * per; w++) {
          if (wa[w] !== we[w]) {
            bad++;
            if (first < 0) first = i;
            break;
          }
        }
      }
    }
    if (bad > 0) {
      throw new Error(
        `${label}: ${bad} of ${a.length} elements differ in bits; first at [${first}]: ` +
          `actual ${show(a[first])} (${hexBits(a, first)}), expected ${show(e[first])} (${hexBits(e, first)})`,
      );
    }
    return;
  }
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad > 0) {
    throw new Error(`${label}: ${bad} of ${actual.length} elements differ; first at [${first}]: actual ${show(actual[first])}, expected ${show(expected[first])}`);
  }
}

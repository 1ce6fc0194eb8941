// Seeded random numbers shared by both backends: xoshiro128** seeded through splitmix32.
// native/kernels/rng.h implements the same generator bit for bit, so dropout masks and noise drawn by
// the js and native backends for the same (seed, step) are the same numbers.

const TWO_POW_M24 = 1 / 16777216;
const TWO_POW_M53 = 1 / 9007199254740992;

/** Murmur3's 32-bit finalizer: a bijective mix of a uint32. */
export function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** xoshiro128** (Blackman & Vigna): 128-bit state, 32-bit outputs, all arithmetic in uint32. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    this.s0 = this.s1 = this.s2 = this.s3 = 0;
    this.reseed(seed);
  }

  /** Seeds the four state words with splitmix32(seed): fmix32(seed + k·0x9e3779b9) for k = 1..4. */
  reseed(seed: number): this {
    let x = seed >>> 0;
    x = (x + 0x9e3779b9) >>> 0;
    this.s0 = fmix32(x);
    x = (x + 0x9e3779b9) >>> 0;
    this.s1 = fmix32(x);
    x = (x + 0x9e3779b9) >>> 0;
    this.s2 = fmix32(x);
    x = (x + 0x9e3779b9) >>> 0;
    this.s3 = fmix32(x);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
    return this;
  }

  /** Next uint32. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 24 bits: exactly representable in float32 (the kernels' uniform). */
  uniform(): number {
    return (this.nextUint32() >>> 8) * TWO_POW_M24;
  }

  /** Standard normal by Box–Muller from two uniforms (one output per call, computed in float64). */
  normal(): number {
    const u1 = ((this.nextUint32() >>> 8) + 1) * TWO_POW_M24; // (0, 1]: log stays finite
    const u2 = (this.nextUint32() >>> 8) * TWO_POW_M24;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform in [0, 1) with 53 bits (JS-only uses: shuffles, splits). */
  uniform53(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) * TWO_POW_M53;
  }

  /** Uniform integer in [0, n) for n <= 2^32. */
  int(n: number): number {
    return Math.floor(this.uniform53() * n);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle(a: Uint32Array | number[]): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The seed of the generator for training step `step` of a run seeded with `seed`. */
export function stepSeed(seed: number, step: number): number {
  return (seed ^ fmix32(step >>> 0)) >>> 0;
}

/** The generator for training step `step` (reseeds `into` when given, so the hot loop allocates nothing). */
export function stepRng(seed: number, step: number, into?: Rng): Rng {
  const s = stepSeed(seed, step);
  return into ? into.reseed(s) : new Rng(s);
}

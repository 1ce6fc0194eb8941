// Child process of variants.test.ts: checks the addon's GEMM, with whatever kernel NNTRAIN_KERNEL
// forced at load, against a float64 naive reference on seeded random shapes. The kernel is chosen once
// per process, so each variant needs its own process. Prints one JSON line (GemmVariantReport).
// Env: GEMM_CASES (default 2000), GEMM_SEED (default 1).

import { loadNativeAddon } from '../../../../src/backend/native.js';
import { floatsOnCacheLine } from '../../../../src/memory/arena.js';
import { Rng } from '../../../../src/util/rng.js';

export interface GemmVariantReport {
  kernel: string;
  /** Set when the addon refused to load (e.g. a kernel this CPU cannot run); nothing was checked. */
  loadError?: string;
  cases: number;
  /** Of them, the small-m cases with B placed on and off a cache line (B_IN_PLACE_SHAPES). */
  placedCases: number;
  /** Largest |C − C_ref| / bound over all cells (≤ 1 passes). */
  worstRatio: number;
  failures: string[];
}

const U = 2 ** -24; // float32 unit roundoff
const MAX_DIM = 300;

/** op(X) as a row-major float64 (rows, cols) copy; X is stored (rows, cols), or (cols, rows) when trans. */
function opCopy(x: Float32Array, rows: number, cols: number, trans: boolean): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let q = 0; q < cols; q++) out[r * cols + q] = trans ? x[q * rows + r] : x[r * cols + q];
  return out;
}

/**
 * Checks one GEMM. Bound, as in gemm.test.ts: |C − C_ref| <= 2(k + 4)·u·(|α|·Σ|a||b| + |β||C|) + 1e-30.
 * Returns the worst error/bound ratio and a failure message (or null).
 */
function checkCase(gemm: (...args: [Float32Array, Float32Array, Float32Array, number, number, number, boolean, boolean, number, number]) => void, rng: Rng, m: number, n: number, k: number, tA: boolean, tB: boolean, alpha: number, beta: number, nanC: boolean, placeB?: (b: Float32Array) => Float32Array): [number, string | null] {
  // a plain loop: Float32Array.from with a map function costs several times as much
  const rand = (len: number) => {
    const x = new Float32Array(len);
    for (let i = 0; i < len; i++) x[i] = rng.uniform() * 2 - 1;
    return x;
  };
  const a = rand(m * k);
  const b = placeB ? placeB(rand(k * n)) : rand(k * n);
  const guard = 7;
  const cBuf = rand(m * n + guard);
  if (nanC) cBuf.fill(NaN, 0, m * n);
  const c0 = cBuf.slice(0, m * n);
  const tail = cBuf.slice(m * n);
  const a0 = a.slice();
  const b0 = b.slice();
  const c = cBuf.subarray(0, m * n);
  gemm(c, a, b, m, n, k, tA, tB, alpha, beta);

  const label = `m=${m} n=${n} k=${k} transA=${tA} transB=${tB} alpha=${alpha} beta=${beta}${nanC ? ' (C = NaN)' : ''}`;
  const A = opCopy(a, m, k, tA);
  const B = opCopy(b, k, n, tB);
  const acc = new Float64Array(n);
  const mag = new Float64Array(n);
  let worst = 0;
  for (let i = 0; i < m; i++) {
    acc.fill(0);
    mag.fill(0);
    // four rows of B per pass (a quarter of the loads and stores of acc and mag); the float64 sums'
    // order does not matter at float32 tolerances
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const [a0, a1, a2, a3] = [A[i * k + p], A[i * k + p + 1], A[i * k + p + 2], A[i * k + p + 3]];
      const r0 = p * n;
      const [r1, r2, r3] = [r0 + n, r0 + 2 * n, r0 + 3 * n];
      for (let j = 0; j < n; j++) {
        const q0 = a0 * B[r0 + j];
        const q1 = a1 * B[r1 + j];
        const q2 = a2 * B[r2 + j];
        const q3 = a3 * B[r3 + j];
        acc[j] += q0 + q1 + q2 + q3;
        mag[j] += Math.abs(q0) + Math.abs(q1) + Math.abs(q2) + Math.abs(q3);
      }
    }
    for (; p < k; p++) {
      const av = A[i * k + p];
      const row = p * n;
      for (let j = 0; j < n; j++) {
        const prod = av * B[row + j];
        acc[j] += prod;
        mag[j] += Math.abs(prod);
      }
    }
    for (let j = 0; j < n; j++) {
      const idx = i * n + j;
      const cOld = beta === 0 ? 0 : c0[idx];
      const expected = alpha * acc[j] + beta * cOld;
      const bound = 2 * (k + 4) * U * (Math.abs(alpha) * mag[j] + Math.abs(beta * cOld)) + 1e-30;
      const err = Math.abs(c[idx] - expected);
      if (!(err <= bound)) return [Infinity, `${label}: C[${i},${j}] = ${c[idx]}, expected ${expected} (bound ${bound})`];
      worst = Math.max(worst, err / bound);
    }
  }
  for (let t = 0; t < guard; t++) if (!Object.is(cBuf[m * n + t], tail[t])) return [worst, `${label}: cell ${t} past C was written`];
  for (let t = 0; t < a.length; t++) if (!Object.is(a[t], a0[t])) return [worst, `${label}: A modified`];
  for (let t = 0; t < b.length; t++) if (!Object.is(b[t], b0[t])) return [worst, `${label}: B modified`];
  return [worst, null];
}

/** A dimension in 1..MAX_DIM: mostly log-uniform (small shapes are cheap and hit every edge tile), some uniform. */
function dim(rng: Rng): number {
  if (rng.uniform() < 0.1) return 1 + rng.int(MAX_DIM);
  return Math.min(MAX_DIM, Math.floor(Math.exp(rng.uniform() * Math.log(MAX_DIM + 1))));
}

// Block and tile edges of every variant: MR/NR in {4,6,12} x {8,16,32}, KC in {256,512}, MC in
// {128,144,192}, NC in {2048,4096}; k past 2·KC and n past NC exercise the accumulating k blocks and
// the jc loop, which no shape up to 300 reaches.
const EDGE_SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [300, 300, 300],
  [255, 257, 256],
  [257, 255, 257],
  [145, 33, 255],
  [193, 31, 129],
  [13, 17, 300],
  [11, 15, 3],
  [12, 32, 256],
  [6, 16, 1],
  [4, 8, 512 - 212],
  [129, 7, 65],
  [37, 45, 1100],
  [301, 40, 1100], // more rows than 2·MC over several k blocks
  [517, 131, 259], // column tasks over more than 2·MC rows, A read in place
  [301, 600, 1030], // more than 2·MC rows whose column tasks would overflow L2: row tasks
  [300, 10, 1024], // one panel of B (an output layer): A read in place, rows 4 KB apart
  [13, 19, 513],
  [7, 33, 257],
  [3, 4100, 5],
  [2, 2049, 9],
];

// Small m with B stored (k,n): tiles read B in place when its rows are 32-byte aligned (a last panel of
// fewer than NR columns is packed), else B is packed. Each shape runs with B on a cache line and 16
// bytes past one, so both paths meet the reference.
const B_IN_PLACE_SHAPES: [number, number, number][] = [
  [32, 256, 784],
  [64, 136, 300], // 8 full panels and one of 8 columns
  [17, 40, 33],
  [20, 48, 1100], // several k blocks
  [1, 16, 5],
  [65, 64, 64], // one row past the in-place limit
];

function main(): void {
  const cases = Number(process.env.GEMM_CASES ?? 2000);
  const rng = new Rng(Number(process.env.GEMM_SEED ?? 1));
  const report: GemmVariantReport = { kernel: process.env.NNTRAIN_KERNEL ?? '', cases: 0, placedCases: 0, worstRatio: 0, failures: [] };
  let addon;
  try {
    addon = loadNativeAddon();
  } catch (err) {
    report.loadError = err instanceof Error ? err.message : String(err);
    console.log(JSON.stringify(report));
    return;
  }
  report.kernel = addon.info().kernel;
  const gemm = addon.gemm.bind(addon);
  const alphas = [1, -1, 0.5, 1.5, 0];
  const betas = [0, 0, 1, 0.25, -2];
  for (let t = 0; t < cases && report.failures.length < 5; t++) {
    const [m, n, k] = t < EDGE_SHAPES.length ? EDGE_SHAPES[t] : [dim(rng), dim(rng), dim(rng)];
    const tA = (t & 1) === 1;
    const tB = (t & 2) === 2;
    const alpha = alphas[rng.int(alphas.length)];
    const beta = betas[rng.int(betas.length)];
    const nanC = beta === 0 && (t & 4) === 4;
    const [worst, failure] = checkCase(gemm, rng, m, n, k, tA, tB, alpha, beta, nanC);
    report.cases++;
    report.worstRatio = Math.max(report.worstRatio, worst);
    if (failure) report.failures.push(failure);
  }
  const shiftOf = (view: Float32Array) => addon.cacheLineShift(view);
  for (const [m, n, k] of B_IN_PLACE_SHAPES) {
    for (const past of [0, 4]) {
      // B at `past` floats after a cache line boundary
      const placeB = (b: Float32Array) => {
        const placed = floatsOnCacheLine(b.length, shiftOf, past);
        placed.set(b);
        return placed;
      };
      for (const tA of [false, true]) {
        const [worst, failure] = checkCase(gemm, rng, m, n, k, tA, false, 1, 0.5, false, placeB);
        report.cases++;
        report.placedCases++;
        report.worstRatio = Math.max(report.worstRatio, worst);
        if (failure) report.failures.push(`${failure} (B ${past * 4} bytes past a cache line)`);
      }
    }
  }
  console.log(JSON.stringify(report));
}

main();

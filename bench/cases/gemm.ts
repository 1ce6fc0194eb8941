// Child: GEMM GFLOP/s of one backend/kernel variant on every bench shape. The native variant is chosen by
// NNTRAIN_KERNEL in this process's environment (set by the runner). Each shape is checked against float64
// on sampled rows before it is timed, warmed up, then timed (median of ≥ 3 calls over ≥ minSeconds).

import { getBackend } from '../../src/index.js';
import { floatsOnCacheLine } from '../../src/memory/arena.js';
import { Rng } from '../../src/util/rng.js';
import { emit } from '../lib/protocol.js';
import type { GemmShape } from './gemm-shapes.js';

type GemmFn = (c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, tA: boolean, tB: boolean, alpha: number, beta: number) => void;

export interface GemmParams {
  backend: 'native' | 'js';
  shapes: GemmShape[];
  minSeconds: number;
  maxFlops: number; // finite (JSON has no Infinity); larger shapes are skipped (null): js would take minutes
}

export interface GemmResult {
  kernel: string;
  threads: number;
  gflops: (number | null)[];
}

/** Checks sampled rows of C = op(A)·op(B) against float64; throws on a mismatch. */
function check(gemm: GemmFn, s: GemmShape, a: Float32Array, b: Float32Array, rng: Rng): void {
  const c = new Float32Array(s.m * s.n).fill(NaN);
  gemm(c, a, b, s.m, s.n, s.k, s.tA, s.tB, 1, 0);
  const A = (i: number, p: number): number => (s.tA ? a[p * s.m + i] : a[i * s.k + p]);
  const B = (p: number, j: number): number => (s.tB ? b[j * s.k + p] : b[p * s.n + j]);
  for (let t = 0; t < 4; t++) {
    const i = t === 0 ? s.m - 1 : rng.int(s.m);
    for (let j = 0; j < s.n; j++) {
      let sum = 0;
      let mag = 0;
      for (let p = 0; p < s.k; p++) {
        sum += A(i, p) * B(p, j);
        mag += Math.abs(A(i, p) * B(p, j));
      }
      const bound = 2 * (s.k + 4) * 2 ** -24 * mag + 1e-30;
      if (!(Math.abs(c[i * s.n + j] - sum) <= bound)) throw new Error(`${s.label}: C[${i},${j}] = ${c[i * s.n + j]}, expected ${sum}`);
    }
  }
}

export function runGemm(p: GemmParams): void {
  const be = getBackend(p.backend);
  const gemm: GemmFn = be.gemm.bind(be);
  const rng = new Rng(5);
  const shiftOf = (view: Float32Array) => be.cacheLineShift(view);
  const gflops = p.shapes.map((s) => {
    const flops = 2 * s.m * s.n * s.k;
    if (flops > p.maxFlops) return null;
    // operands on cache lines, as a model's tensors are (the numpy peer aligns its arrays the same way);
    // filled in place: TypedArray map() would return a new, unaligned buffer
    const a = floatsOnCacheLine(s.m * s.k, shiftOf);
    const b = floatsOnCacheLine(s.k * s.n, shiftOf);
    const c = floatsOnCacheLine(s.m * s.n, shiftOf);
    for (const x of [a, b]) for (let i = 0; i < x.length; i++) x[i] = rng.uniform() * 2 - 1;
    check(gemm, s, a, b, rng);
    gemm(c, a, b, s.m, s.n, s.k, s.tA, s.tB, 1, 0); // warm-up: pack buffers, caches, JIT
    const times: number[] = [];
    const start = performance.now();
    while (times.length < 3 || performance.now() - start < p.minSeconds * 1000) {
      const t0 = performance.now();
      gemm(c, a, b, s.m, s.n, s.k, s.tA, s.tB, 1, 0);
      times.push((performance.now() - t0) / 1000);
      if (times[0] > 1.5) break; // one call is long enough to time on its own
    }
    times.sort((x, y) => x - y);
    return flops / times[times.length >> 1] / 1e9;
  });
  const info = be.info();
  emit({ kernel: info.kernel, threads: info.threads, gflops } satisfies GemmResult);
}

// GEMM of every backend against the float64 naive reference: all transpose combos, alpha/beta variants,
// degenerate and prime shapes, widths off the 8/16 vector tiles, and ~200 seeded random shapes.

import { describe, it } from 'vitest';
import type { Backend } from '../../../src/backend/contract.js';
import { Rng } from '../../../src/util/rng.js';
import { BACKENDS, randn } from '../../helpers/backends.js';
import { checkExact, checkWithin } from '../../helpers/check.js';
import { refGemm } from '../../helpers/reference.js';

const U = 2 ** -24; // float32 unit roundoff

/**
 * Runs one GEMM and checks it. Tolerance: the classical dot-product error bound γ_k·Σ|a||b| with
 * γ_k ≈ k·u, doubled for blocked/FMA summation orders and float32 alpha/beta, plus a few u of |β·C|:
 * |C − C_ref| <= 2(k + 4)·u·(|α|·Σ|a||b| + |β||C|) + 1e-30. It catches any wrong element (an error of
 * one term is ~1/k of the scale) while staying independent of the summation order.
 * C is a view inside a larger buffer whose guard cells must stay untouched; A and B must not change.
 */
function checkGemm(be: Backend, rng: Rng, m: number, n: number, k: number, tA: boolean, tB: boolean, alpha: number, beta: number, fillC: 'random' | 'nan' = 'random'): void {
  const a = randn(rng, m * k);
  const b = randn(rng, k * n);
  const guard = 5;
  const cBuf = randn(rng, m * n + guard);
  if (fillC === 'nan') cBuf.fill(NaN, 0, m * n);
  const guardBefore = cBuf.slice(m * n);
  const c = cBuf.subarray(0, m * n);
  const c0 = c.slice();
  const a0 = a.slice();
  const b0 = b.slice();
  const ref = refGemm(c0, a, b, m, n, k, tA, tB, alpha, beta);
  be.gemm(c, a, b, m, n, k, tA, tB, alpha, beta);
  const label = `gemm m=${m} n=${n} k=${k} transA=${tA} transB=${tB} alpha=${alpha} beta=${beta}${fillC === 'nan' ? ' (C = NaN)' : ''}`;
  checkWithin(c, ref.c, (i) => 2 * (k + 4) * U * ref.scale[i] + 1e-30, label);
  checkExact(cBuf.subarray(m * n), guardBefore, `${label}: cells past C`);
  checkExact(a, a0, `${label}: A modified`);
  checkExact(b, b0, `${label}: B modified`);
}

const TRANS: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

// (m, n, k): unit, primes, k = 1, widths around the 8/16 tiles, tall/skinny and wide/short.
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 1, 7],
  [7, 13, 31],
  [13, 7, 97],
  [31, 97, 13],
  [97, 31, 7],
  [5, 9, 1],
  [1, 33, 17],
  [33, 1, 17],
  [8, 16, 8],
  [15, 17, 9],
  [16, 15, 33],
  [24, 23, 65],
  [6, 16, 3],
  [64, 64, 64],
  [65, 67, 66],
];

describe.each(BACKENDS)('gemm [$name]', ({ available, get }) => {
  describe.skipIf(!available)('vs float64 naive reference', () => {
    it.each(TRANS)('fixed shapes, transA=%s transB=%s, alpha=1 beta=0', (tA, tB) => {
      const rng = new Rng(11);
      for (const [m, n, k] of SHAPES) checkGemm(get(), rng, m, n, k, tA, tB, 1, 0);
    });

    it.each(TRANS)('alpha/beta variants, transA=%s transB=%s', (tA, tB) => {
      const rng = new Rng(12);
      const variants: [number, number][] = [
        [1, 1],
        [0.5, -2],
        [-1.25, 0.75],
        [2, 0],
        [0, 1], // C unchanged (up to float32 scaling by 1)
        [0, 0.5],
      ];
      for (const [alpha, beta] of variants) {
        for (const [m, n, k] of [
          [7, 13, 31],
          [1, 1, 1],
          [17, 9, 1],
          [33, 31, 20],
        ] as const)
          checkGemm(get(), rng, m, n, k, tA, tB, alpha, beta);
      }
    });

    it.each(TRANS)('beta = 0 overwrites a NaN-filled C, transA=%s transB=%s', (tA, tB) => {
      const rng = new Rng(13);
      for (const [m, n, k] of SHAPES) checkGemm(get(), rng, m, n, k, tA, tB, 0.75, 0, 'nan');
    });

    it('shapes past typical cache blocks (k > 256, m > 128, n > 512), every transpose combo', () => {
      const rng = new Rng(14);
      const big: [number, number, number][] = [
        [129, 65, 257],
        [257, 33, 300],
        [40, 520, 70],
      ];
      big.forEach(([m, n, k], i) => {
        const [tA, tB] = TRANS[i % 4];
        checkGemm(get(), rng, m, n, k, tA, tB, 1, 0);
        checkGemm(get(), rng, m, n, k, !tA, !tB, -0.5, 1);
      });
    });

    it('200 random shapes in 1..70 with random transposes, alpha and beta', () => {
      const rng = new Rng(2024);
      for (let t = 0; t < 200; t++) {
        const m = 1 + rng.int(70);
        const n = 1 + rng.int(70);
        const k = 1 + rng.int(70);
        const [tA, tB] = TRANS[rng.int(4)];
        const alpha = [1, -1, 0.5, 1.5][rng.int(4)];
        const beta = [0, 0, 1, 0.25][rng.int(4)];
        checkGemm(get(), rng, m, n, k, tA, tB, alpha, beta, beta === 0 && rng.uniform() < 0.5 ? 'nan' : 'random');
      }
    });
  });
});

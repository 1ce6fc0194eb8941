// C (m,n) = alpha · op(A) (m,k) · op(B) (k,n) + beta · C, row-major, float32 storage (BLIS-style layers):
//   gemm()        beta scaling, then the blocked loops for any transpose combination (strides do the rest)
//   packing       an MC×KC block of op(A) and a KC×NC block of op(B) copied into contiguous 4-wide panels,
//                 so the micro-kernel reads both sequentially whatever the transposes
//   ukrRef4x4     (ukr-ref.ts) one 4×4 tile of C from a pair of panels, float64 accumulators
//   gemmBf16()    the same loops with op(A) and op(B) rounded to bfloat16 while they are packed (bf16.ts)
// The pack buffers are allocated once at module load (fixed block sizes); no call allocates.

import { roundBf16 } from './bf16.js';
import { MR, NR, ukrRef4x4 } from './ukr-ref.js';

/** Block sizes: an A block (MC×KC, 64 KiB) stays in L2 with the current B panel; a B block is 512 KiB. */
const MC = 64;
const KC = 256;
const NC = 512;

const packA = new Float32Array(MC * KC);
const packB = new Float32Array(KC * NC);

/**
 * C (m,n) = alpha · op(A) · op(B) + beta · C. A is stored (m,k), or (k,m) when transA; B is stored (k,n),
 * or (n,k) when transB. beta = 0 overwrites C (NaN/Inf already in C do not propagate); alpha = 0 skips the
 * product. Sizes of 0 are allowed.
 */
export function gemm(c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, transA: boolean, transB: boolean, alpha: number, beta: number): void {
  gemmRounded(c, a, b, m, n, k, transA, transB, alpha, beta, false);
}

/**
 * gemm with op(A) and op(B) rounded to bfloat16 (nearest even) as they are packed: the products are then
 * exact and the float64 sum is rounded to float32 once, the bf16 GEMM's result up to its float32
 * accumulation error. Twin of the native kernel_table().gemm_bf16.
 */
export function gemmBf16(c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, transA: boolean, transB: boolean, alpha: number, beta: number): void {
  gemmRounded(c, a, b, m, n, k, transA, transB, alpha, beta, true);
}

function gemmRounded(c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, transA: boolean, transB: boolean, alpha: number, beta: number, bf16: boolean): void {
  const mn = m * n;
  if (beta === 0) c.fill(0, 0, mn);
  else if (beta !== 1) for (let i = 0; i < mn; i++) c[i] *= beta;
  if (mn === 0 || k === 0 || alpha === 0) return;
  // op(A)[i,p] = a[i·rsA + p·csA], op(B)[p,j] = b[p·rsB + j·csB]
  gemmBlocked(c, a, b, m, n, k, transA ? 1 : k, transA ? m : 1, transB ? 1 : n, transB ? k : 1, alpha, bf16);
}

function gemmBlocked(c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, rsA: number, csA: number, rsB: number, csB: number, alpha: number, bf16: boolean): void {
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = Math.min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = Math.min(KC, k - p0);
      packPanels(packB, b, p0 * rsB + j0 * csB, csB, rsB, nc, kc, NR, bf16);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = Math.min(MC, m - i0);
        packPanels(packA, a, i0 * rsA + p0 * csA, rsA, csA, mc, kc, MR, bf16);
        for (let ir = 0; ir < mc; ir += MR) {
          const mr = Math.min(MR, mc - ir);
          const ao = ir * kc;
          for (let jr = 0; jr < nc; jr += NR) {
            ukrRef4x4(c, (i0 + ir) * n + j0 + jr, n, packA, ao, packB, jr * kc, kc, alpha, mr, Math.min(NR, nc - jr));
          }
        }
      }
    }
  }
}

/**
 * Packs `count` lines (rows of op(A) or columns of op(B)) of length kc into panels of `w` lines:
 * line l, element p goes to dst[(l - l % w)·kc + p·w + l % w]; the last panel is zero-padded.
 * Element (l, p) of the source is src[base + l·lineStride + p·elemStride]; bf16 rounds each element.
 */
function packPanels(dst: Float32Array, src: Float32Array, base: number, lineStride: number, elemStride: number, count: number, kc: number, w: number, bf16: boolean): void {
  for (let l0 = 0; l0 < count; l0 += w) {
    const panel = l0 * kc;
    for (let r = 0; r < w; r++) {
      const l = l0 + r;
      let d = panel + r;
      if (l < count) {
        let s = base + l * lineStride;
        if (bf16) for (let p = 0; p < kc; p++, d += w, s += elemStride) dst[d] = roundBf16(src[s]);
        else for (let p = 0; p < kc; p++, d += w, s += elemStride) dst[d] = src[s];
      } else {
        for (let p = 0; p < kc; p++, d += w) dst[d] = 0;
      }
    }
  }
}

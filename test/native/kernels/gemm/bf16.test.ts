// The bf16 GEMM (kernel_table().gemm_bf16, native/kernels/gemm/bf16.h) through the addon's testing
// entry: against a float64 product of the bf16-rounded operands (only fp32 accumulation error allowed)
// and against the fp32 product with a bound from bf16's precision; odd shapes, every transpose case,
// alpha/beta, the fused epilogue, NaN/Inf, 1 vs 2 threads bit-identical, and NNTRAIN_KERNEL_BF16.

import { afterEach, describe, expect, it } from 'vitest';
import { nativeAvailable } from '../../../../src/backend/index.js';
import { loadNativeAddon } from '../../../../src/backend/native.js';
import { Rng } from '../../../../src/util/rng.js';
import { runNode } from '../../../helpers/run-script.js';

const U = 2 ** -24; // fp32 unit roundoff
const BF16_U = 2 ** -8; // bf16 relative rounding error per operand (8 significant bits, RNE)

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** x rounded to bf16 (nearest even; NaN stays NaN), as the kernels' packing does it. */
function roundBf16(x: number): number {
  f32[0] = x;
  const u = u32[0];
  if ((u & 0x7fffffff) > 0x7f800000) return NaN;
  u32[0] = ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) << 16;
  return f32[0];
}

function rand(rng: Rng, len: number): Float32Array {
  const x = new Float32Array(len);
  for (let i = 0; i < len; i++) x[i] = rng.uniform() * 2 - 1;
  return x;
}

/** op(X)[r][q] of X stored (rows, cols), or (cols, rows) when trans */
const at = (x: Float32Array, rows: number, cols: number, trans: boolean, r: number, q: number) => (trans ? x[q * rows + r] : x[r * cols + q]);

interface Case {
  m: number;
  n: number;
  k: number;
  tA: boolean;
  tB: boolean;
  alpha: number;
  beta: number;
}

/**
 * Float64 references of alpha·op(A)·op(B) + beta·C0: `exact` on the bf16-rounded operands, `fp32` on the
 * operands as given, and `mag` = |alpha|·Σ|a||b| + |beta·C0| for the bounds.
 */
function reference(cs: Case, a: Float32Array, b: Float32Array, c0: Float32Array) {
  const { m, n, k, tA, tB, alpha, beta } = cs;
  const exact = new Float64Array(m * n), fp32 = new Float64Array(m * n), mag = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0, t = 0, g = 0;
      for (let p = 0; p < k; p++) {
        const x = at(a, m, k, tA, i, p), y = at(b, k, n, tB, p, j);
        s += roundBf16(x) * roundBf16(y);
        t += x * y;
        g += Math.abs(x * y);
      }
      const cTerm = beta === 0 ? 0 : beta * c0[i * n + j];
      exact[i * n + j] = alpha * s + cTerm;
      fp32[i * n + j] = alpha * t + cTerm;
      mag[i * n + j] = Math.abs(alpha) * g * (1 + 2 * BF16_U) + Math.abs(cTerm);
    }
  return { exact, fp32, mag };
}

describe.skipIf(!nativeAvailable())('gemmBf16 (native)', () => {
  const lib = nativeAvailable() ? loadNativeAddon() : undefined;
  const threads0 = lib?.info().threads ?? 1;
  afterEach(() => lib?.setThreads(threads0));

  it('info reports the bf16 kernel among the names NNTRAIN_KERNEL_BF16 accepts', () => {
    const info = lib!.info();
    expect(info.kernelsBf16.split(', ')).toContain(info.kernelBf16);
    expect(info.kernelsBf16.split(', ')).toContain('emulated');
    expect(info.bf16Native).toBe(info.kernelBf16 !== 'emulated');
  });

  it('matches the bf16-rounded float64 product (fp32 accumulation error) and the fp32 one (bf16 bound)', () => {
    const rng = new Rng(20);
    const dims = [1, 7, 13, 33, 100];
    let checked = 0;
    for (const m of dims)
      for (const n of dims)
        for (const k of [1, 7, 13, 33, 100]) {
          // every transpose case and alpha/beta mix, spread over the shapes
          const v = checked++;
          const cs: Case = { m, n, k, tA: (v & 1) === 1, tB: (v & 2) === 2, alpha: [1, -0.5, 2][v % 3], beta: [0, 1, -0.75, 0][v % 4] };
          const a = rand(rng, m * k), b = rand(rng, k * n), c = rand(rng, m * n);
          if (cs.beta === 0) c.fill(NaN); // beta = 0 overwrites: NaNs in C must not survive
          const c0 = c.slice();
          lib!.gemmBf16(c, a, b, m, n, k, cs.tA, cs.tB, cs.alpha, cs.beta, null, null, 0, 0);
          const { exact, fp32, mag } = reference(cs, a, b, c0);
          for (let idx = 0; idx < m * n; idx++) {
            const tight = 2 * (k + 4) * U * mag[idx] + 1e-30;
            const loose = (2 * BF16_U + 2 * (k + 4) * U) * mag[idx] + 1e-30;
            if (!(Math.abs(c[idx] - exact[idx]) <= tight) || !(Math.abs(c[idx] - fp32[idx]) <= loose)) {
              expect.fail(`m=${m} n=${n} k=${k} tA=${cs.tA} tB=${cs.tB} alpha=${cs.alpha} beta=${cs.beta} [${idx}]: ${c[idx]} vs ${exact[idx]} (bf16) / ${fp32[idx]} (fp32)`);
            }
          }
        }
    expect(checked).toBe(125);
  });

  it('rounds the operands to nearest even, keeps NaN and Inf, and overflows to Inf', () => {
    const one = (a: number[], b: number[]) => {
      const c = new Float32Array(1);
      lib!.gemmBf16(c, Float32Array.from(a), Float32Array.from(b), 1, 1, a.length, false, false, 1, 0, null, null, 0, 0);
      return c[0];
    };
    // 1 + 2^-8 ties to 1 (even), 1 + 3·2^-8 ties to 1 + 2^-6 (even); the fp32 product would be 2 + 2^-6
    expect(one([1 + 2 ** -8, 1 + 3 * 2 ** -8], [1, 1])).toBe(2 + 2 ** -6);
    expect(one([1 + 2 ** -8 + 2 ** -20], [1])).toBe(1 + 2 ** -7); // past the tie: up
    expect(one([NaN, 1], [1, 1])).toBeNaN();
    expect(one([Infinity, 1], [2, 1])).toBe(Infinity);
    expect(one([-Infinity], [0.5])).toBe(-Infinity);
    expect(one([Infinity], [0])).toBeNaN();
    expect(one([3.4028234663852886e38], [1])).toBe(Infinity); // fp32's largest finite is past bf16's
  });

  it('rejects an unknown NNTRAIN_KERNEL_BF16 at load, naming the accepted values', async () => {
    const r = await runNode(['-e', "require('node-gyp-build')(process.cwd())"], { NNTRAIN_KERNEL_BF16: 'fp8' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Unknown NNTRAIN_KERNEL_BF16 'fp8'\. Expected one of: .*emulated/);
  });
});

// The bf16 GEMM (kernel_table().gemm_bf16, native/kernels/gemm/bf16.h) through the addon's testing
// entry: against a float64 product of the bf16-rounded operands (only fp32 accumulation error allowed)
// and against the fp32 product with a bound from bf16's precision; odd shapes, every transpose case,
// alpha/beta, the fused epilogue, NaN/Inf, 1 vs 2 threads bit-identical, and NNTRAIN_KERNEL_BF16.

import { afterEach, describe, expect, it } from 'vitest';
import { nativeAvailable } from '../../../../src/backend/index.js';
import { loadNativeAddon } from '../../../../src/backend/native.js';
import { Rng } from '../../../../src/util/rng.js';
import { runNode } from '../../../helpers/run-script.js';
import { transpiled } from '../../../helpers/transpiled.js';
import { bf16Cases, bf16Operands, type Bf16Case, type Bf16ChildReport } from './bf16.child.js';
import { roundBf16 } from '../../../../src/backend/js/gemm/bf16.js';

const U = 2 ** -24; // fp32 unit roundoff
const BF16_U = 2 ** -8; // bf16 relative rounding error per operand (8 significant bits, RNE)

/** The first index where x and y differ in bits, or -1 (toEqual is slow on long arrays) */
function firstDifference(x: Float32Array, y: Float32Array): number {
  const xb = new Uint32Array(x.buffer, x.byteOffset, x.length), yb = new Uint32Array(y.buffer, y.byteOffset, y.length);
  if (xb.length !== yb.length) return 0;
  for (let i = 0; i < xb.length; i++) if (xb[i] !== yb[i]) return i;
  return -1;
}

function rand(rng: Rng, len: number): Float32Array {
  const x = new Float32Array(len);
  for (let i = 0; i < len; i++) x[i] = rng.uniform() * 2 - 1;
  return x;
}

/** op(X)[r][q] of X stored (rows, cols), or (cols, rows) when trans */
const at = (x: Float32Array, rows: number, cols: number, trans: boolean, r: number, q: number) => (trans ? x[q * rows + r] : x[r * cols + q]);

type Case = Bf16Case;

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

// Every bf16 variant in a child of its own (the kernel is chosen once per process), started at once so
// they run beside the in-process tests
const VARIANTS = ['amx', 'avx512bf16', 'emulated'] as const;
const childRuns = new Map<string, Promise<{ code: number; stdout: string; stderr: string }>>();
if (nativeAvailable()) {
  for (const v of VARIANTS) childRuns.set(v, runNode([transpiled('test/native/kernels/gemm/bf16.child.ts')], { NNTRAIN_KERNEL_BF16: v }));
}

// reference() of each bf16Cases() entry, computed once for the tests that share them
const caseRefs = new Map<Case, ReturnType<typeof reference>>();
function caseReference(cs: Case, a: Float32Array, b: Float32Array, c0: Float32Array) {
  let r = caseRefs.get(cs);
  if (r === undefined) caseRefs.set(cs, (r = reference(cs, a, b, c0)));
  return r;
}
const CASES = bf16Cases();

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

  // The larger cases once per thread count: every tile is computed by one thread in the same k order,
  // so 1 and 2 threads give the same bits; both within the bounds of the bf16-rounded product.
  it('block edges and several k blocks: bf16 bounds, and bit-identical on 1 and 2 threads', () => {
    for (const cs of CASES) {
      const { a, b, c } = bf16Operands(cs);
      const out = [1, 2].map((t) => {
        lib!.setThreads(t);
        const ct = c.slice();
        lib!.gemmBf16(ct, a, b, cs.m, cs.n, cs.k, cs.tA, cs.tB, cs.alpha, cs.beta, null, null, 0, 0);
        return ct;
      });
      const label = `m=${cs.m} n=${cs.n} k=${cs.k} tA=${cs.tA} tB=${cs.tB}`;
      expect(firstDifference(out[0], out[1]), label).toBe(-1);
      const { exact, mag } = caseReference(cs, a, b, c);
      let worst = 0;
      for (let idx = 0; idx < cs.m * cs.n; idx++) worst = Math.max(worst, Math.abs(out[0][idx] - exact[idx]) / (2 * (cs.k + 4) * U * mag[idx] + 1e-30));
      expect(worst, label).toBeLessThanOrEqual(1);
    }
  });

  it('the multithreaded shapes of a 1024-wide layer give the same bits on 1 and 2 threads', () => {
    const rng = new Rng(7);
    // forward at batch 128, dW (AᵀB) and dX (ABᵀ): row and column task splits
    for (const [m, n, k, tA, tB] of [[128, 1024, 784, false, false], [784, 256, 128, true, false], [128, 512, 1024, false, true]] as const) {
      const a = rand(rng, m * k), b = rand(rng, k * n);
      const out = [1, 2].map((t) => {
        lib!.setThreads(t);
        const c = new Float32Array(m * n);
        lib!.gemmBf16(c, a, b, m, n, k, tA, tB, 1, 0, null, null, 0, 0);
        return c;
      });
      expect(firstDifference(out[0], out[1]), `${m}x${n}x${k}`).toBe(-1);
      expect(out[0].some((x) => x !== 0)).toBe(true);
    }
  });

  it('fuses the dense epilogue (bias, z, activation) as the fp32 GEMM does', () => {
    const info = lib!.info();
    const [m, n, k] = [37, 70, 45];
    const rng = new Rng(11);
    const a = rand(rng, m * k), b = rand(rng, k * n), bias = rand(rng, n);
    if (info.kernel === 'ref' || info.kernel === 'simple') {
      expect(() => lib!.gemmBf16(new Float32Array(m * n), a, b, m, n, k, false, false, 1, 0, bias, null, 0, 0)).toThrow(/does not fuse/);
      return;
    }
    const plain = new Float32Array(m * n);
    lib!.gemmBf16(plain, a, b, m, n, k, false, false, 1, 0, null, null, 0, 0);
    // relu and leakyRelu in registers, sigmoid per tile, softmax over whole rows
    for (const [act, param] of [[1, 0], [2, 0.1], [7, 0], [9, 0]] as const) {
      const c = new Float32Array(m * n).fill(NaN), z = new Float32Array(m * n);
      lib!.gemmBf16(c, a, b, m, n, k, false, false, 1, 0, bias, z, act, param);
      const expectedZ = plain.map((v, idx) => v + bias[idx % n]);
      for (let idx = 0; idx < m * n; idx++) expect(Math.abs(z[idx] - expectedZ[idx])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(expectedZ[idx])));
      const expectedC = new Float32Array(m * n);
      lib!.activationForward(expectedC, z, m, n, act, param);
      for (let idx = 0; idx < m * n; idx++) expect(Math.abs(c[idx] - expectedC[idx]), `act ${act} [${idx}]`).toBeLessThanOrEqual(1e-6);
    }
  });

  // Each variant within fp32 accumulation error of the bf16-rounded product, so any two (this process's
  // one and a child's) within twice that: equal up to summation order
  for (const variant of VARIANTS)
    it(`NNTRAIN_KERNEL_BF16=${variant} agrees with the bf16 product and with this process's kernel`, async (ctx) => {
      const r = await childRuns.get(variant)!;
      expect(r.code, r.stderr).toBe(0);
      const child = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Bf16ChildReport;
      if (child.loadError !== undefined) {
        // only a native variant may be missing, refused at load with the CPU's reason
        expect(variant).not.toBe('emulated');
        expect(child.loadError).toMatch(new RegExp(`NNTRAIN_KERNEL_BF16 '${variant}' is not supported by this CPU|Unknown NNTRAIN_KERNEL_BF16 '${variant}'`));
        ctx.skip(`${variant}: not supported here`);
        return;
      }
      expect(child.kernel).toBe(variant);
      CASES.forEach((cs, v) => {
        const { a, b, c } = bf16Operands(cs);
        const c0 = c.slice();
        lib!.gemmBf16(c, a, b, cs.m, cs.n, cs.k, cs.tA, cs.tB, cs.alpha, cs.beta, null, null, 0, 0);
        const bytes = Buffer.from(child.results![v], 'base64');
        const theirs = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
        const { exact, mag } = caseReference(cs, a, b, c0);
        for (let idx = 0; idx < cs.m * cs.n; idx++) {
          const bound = 2 * (cs.k + 4) * U * mag[idx] + 1e-30;
          if (!(Math.abs(theirs[idx] - exact[idx]) <= bound) || !(Math.abs(c[idx] - theirs[idx]) <= 2 * bound)) {
            expect.fail(`m=${cs.m} n=${cs.n} k=${cs.k} [${idx}]: ${theirs[idx]} (${variant}) vs ${c[idx]} (${lib!.info().kernelBf16}), exact ${exact[idx]}`);
          }
        }
      });
    });

  it('rejects an unknown NNTRAIN_KERNEL_BF16 at load, naming the accepted values', async () => {
    const r = await runNode(['-e', "require('node-gyp-build')(process.cwd())"], { NNTRAIN_KERNEL_BF16: 'fp8' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Unknown NNTRAIN_KERNEL_BF16 'fp8'\. Expected one of: .*emulated/);
  });
});

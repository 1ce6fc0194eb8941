// The bf16 GEMM beside the fp32 one: GFLOP/s of the addon's gemmBf16 (kernel_table().gemm_bf16, chosen by
// NNTRAIN_KERNEL_BF16) and of its fp32 gemm on 1024² and the products of a 784-1024-1024-10 step at batch
// 128. Both run in one process, interleaved call by call in every round, so a slow spell of the shared host
// hits both sides alike; each side's best round is kept. The bf16 result is checked on sampled rows against
// the float64 product of the bf16-rounded operands before timing.

import { loadNativeAddon } from '../../src/backend/native.js';
import { floatsOnCacheLine } from '../../src/memory/arena.js';
import { Rng } from '../../src/util/rng.js';
import { emit, type ChildOutcome } from '../lib/protocol.js';
import type { Ctx } from '../rows.js';
import { fmt, type Row } from '../table.js';
import type { GemmShape } from './gemm-shapes.js';
import type { PeakResult } from './peak.js';
import { roundBf16 } from '../../src/backend/js/gemm/bf16.js';

export interface GemmBf16Params {
  shapes: GemmShape[];
  rounds: number;
  callsPerRound: number;
}

export interface GemmBf16Result {
  kernel: string;
  kernelBf16: string;
  threads: number;
  fp32: number[];
  bf16: number[];
}

/** 1024², then the 784-1024-1024-10 step at batch 128: forward X·W, dW = Xᵀ·dZ, dX = dZ·Wᵀ */
export function bf16Shapes(): GemmShape[] {
  const b = 128;
  const layers: [number, number][] = [
    [784, 1024],
    [1024, 1024],
    [1024, 10],
  ];
  const shapes: GemmShape[] = [{ label: '1024² bf16', m: 1024, n: 1024, k: 1024, tA: false, tB: false }];
  for (const [i, [inp, out]] of layers.entries()) shapes.push({ label: `(${b}×${inp})·(${inp}×${out}) fwd${i + 1} bf16`, m: b, n: out, k: inp, tA: false, tB: false });
  for (const [i, [inp, out]] of layers.entries()) shapes.push({ label: `(${b}×${inp})ᵀ·(${b}×${out}) dW${i + 1} bf16`, m: inp, n: out, k: b, tA: true, tB: false });
  // the first layer's dX is not computed in training
  for (const [i, [inp, out]] of layers.slice(1).entries()) shapes.push({ label: `(${b}×${out})·(${inp}×${out})ᵀ dX${i + 2} bf16`, m: b, n: inp, k: out, tA: false, tB: true });
  return shapes;
}

export function runGemmBf16(p: GemmBf16Params): void {
  const lib = loadNativeAddon();
  const rng = new Rng(5);
  const shiftOf = (view: Float32Array) => lib.cacheLineShift(view);
  const fp32: number[] = [];
  const bf16: number[] = [];
  for (const s of p.shapes) {
    const a = floatsOnCacheLine(s.m * s.k, shiftOf);
    const b = floatsOnCacheLine(s.k * s.n, shiftOf);
    const c = floatsOnCacheLine(s.m * s.n, shiftOf);
    for (const x of [a, b]) for (let i = 0; i < x.length; i++) x[i] = rng.uniform() * 2 - 1;
    const callFp32 = () => lib.gemm(c, a, b, s.m, s.n, s.k, s.tA, s.tB, 1, 0);
    const callBf16 = () => lib.gemmBf16(c, a, b, s.m, s.n, s.k, s.tA, s.tB, 1, 0, null, null, 0, 0);
    callBf16();
    const A = (i: number, q: number) => roundBf16(s.tA ? a[q * s.m + i] : a[i * s.k + q]);
    const B = (q: number, j: number) => roundBf16(s.tB ? b[j * s.k + q] : b[q * s.n + j]);
    for (const i of [0, s.m - 1, rng.int(s.m)]) {
      for (let j = 0; j < s.n; j++) {
        let sum = 0;
        let mag = 0;
        for (let q = 0; q < s.k; q++) {
          sum += A(i, q) * B(q, j);
          mag += Math.abs(A(i, q) * B(q, j));
        }
        if (!(Math.abs(c[i * s.n + j] - sum) <= 2 * (s.k + 4) * 2 ** -24 * mag + 1e-30)) throw new Error(`${s.label}: C[${i},${j}] = ${c[i * s.n + j]}, expected ${sum}`);
      }
    }
    callFp32();
    const best = [Infinity, Infinity];
    for (let r = 0; r < p.rounds; r++) {
      const times: number[][] = [[], []];
      for (let t = 0; t < p.callsPerRound; t++) {
        for (const [side, call] of [callFp32, callBf16].entries()) {
          const t0 = performance.now();
          call();
          times[side].push(performance.now() - t0);
        }
      }
      for (const side of [0, 1]) {
        times[side].sort((x, y) => x - y);
        best[side] = Math.min(best[side], times[side][times[side].length >> 1]);
      }
    }
    const gflops = (ms: number) => (2 * s.m * s.n * s.k) / ms / 1e6;
    fp32.push(gflops(best[0]));
    bf16.push(gflops(best[1]));
  }
  const info = lib.info();
  emit({ kernel: info.kernel, kernelBf16: info.kernelBf16, threads: info.threads, fp32, bf16 } satisfies GemmBf16Result);
}

/**
 * Rows: the default bf16 kernel against the fp32 GEMM (the ratio in native/peer; target ≥ 1.7×), and the
 * AVX512_BF16 kernel's figures in the notes where another kernel (AMX) is the default.
 */
export async function gemmBf16Rows(ctx: Ctx, peak: PeakResult | null): Promise<Row[]> {
  const shapes = bf16Shapes();
  const params: GemmBf16Params = { shapes, rounds: ctx.quick ? 2 : 5, callsPerRound: ctx.quick ? 5 : 11 };
  const main = await ctx.child<GemmBf16Result>('gemm-bf16', 'node', { case: 'gemm-bf16', ...params }, { NNTRAIN_KERNEL_BF16: '' });
  let vdp: ChildOutcome<GemmBf16Result> | null = null;
  if (main.result !== undefined && main.result.kernelBf16 !== 'avx512bf16' && main.result.kernelBf16 !== 'emulated') {
    vdp = await ctx.child<GemmBf16Result>('gemm-bf16-avx512bf16', 'node', { case: 'gemm-bf16', ...params }, { NNTRAIN_KERNEL_BF16: 'avx512bf16' });
  }
  const bound = peak?.bf16PerCore ? `; vdpbf16ps/FMA peak ${fmt(peak.bf16PerCore / peak.perCore)}×` : '';
  return shapes.map((s, i) => {
    const r = main.result;
    const v = vdp?.result;
    const alt = v === undefined ? '' : `; avx512bf16 ${fmt(v.bf16[i])} (${fmt(v.bf16[i] / v.fp32[i])}× its fp32 ${fmt(v.fp32[i])})`;
    return {
      group: 'GEMM bf16',
      case: s.label,
      unit: 'GFLOP/s',
      native: r === undefined ? 'failed (see JSON)' : r.bf16[i],
      js: null,
      peer: r === undefined ? null : r.fp32[i],
      peerName: r === undefined ? 'nntrain fp32' : `nntrain fp32 (${r.kernel})`,
      note: r === undefined ? '' : `${r.kernelBf16}, ${r.threads} thread(s), best of ${params.rounds} interleaved rounds; target ≥ 1.7× fp32${bound}${alt}`,
    };
  });
}

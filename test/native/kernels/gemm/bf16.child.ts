// Child process of bf16.test.ts: the products of bf16Cases() with whatever bf16 GEMM NNTRAIN_KERNEL_BF16
// forced at load (the kernel is chosen once per process). Prints one JSON line: the kernel's name and each
// product's C as base64 float32 bytes, or `loadError` when the addon refused the variant. The test imports
// the cases from here; only run as a program does it compute.
// The cases: the block edges of the bf16 configs (KC = 512 k, MC = 192 rows, NR = 32), k odd and k
// past 2 KC (several k blocks), m small and large.

import { fileURLToPath } from 'node:url';
import { loadNativeAddon } from '../../../../src/backend/native.js';
import { Rng } from '../../../../src/util/rng.js';

export interface Bf16Case {
  m: number;
  n: number;
  k: number;
  tA: boolean;
  tB: boolean;
  alpha: number;
  beta: number;
}

export function bf16Cases(): Bf16Case[] {
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [13, 33, 1025],
    [193, 65, 511],
    [37, 100, 1100],
    [200, 97, 2],
    [96, 160, 257],
  ];
  return shapes.map(([m, n, k], v) => ({ m, n, k, tA: (v & 1) === 1, tB: (v & 2) === 2, alpha: v % 3 === 0 ? 1 : -0.5, beta: v % 2 === 0 ? 0 : 0.5 }));
}

/** A, B and C for a case: uniform in [-1, 1), from a seed of the case's shape */
export function bf16Operands(cs: Bf16Case): { a: Float32Array; b: Float32Array; c: Float32Array } {
  const rng = new Rng(cs.m * 7919 + cs.n * 31 + cs.k);
  const rand = (len: number) => {
    const x = new Float32Array(len);
    for (let i = 0; i < len; i++) x[i] = rng.uniform() * 2 - 1;
    return x;
  };
  return { a: rand(cs.m * cs.k), b: rand(cs.k * cs.n), c: rand(cs.m * cs.n) };
}

export interface Bf16ChildReport {
  kernel?: string;
  loadError?: string;
  results?: string[];
}

function load(): ReturnType<typeof loadNativeAddon> | string {
  try {
    return loadNativeAddon();
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    return String(cause instanceof Error ? cause.message : err);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const lib = load();
  if (typeof lib === 'string') {
    process.stdout.write(`${JSON.stringify({ loadError: lib } satisfies Bf16ChildReport)}\n`);
    process.exit(0);
  }
  const results = bf16Cases().map((cs) => {
    const { a, b, c } = bf16Operands(cs);
    lib.gemmBf16(c, a, b, cs.m, cs.n, cs.k, cs.tA, cs.tB, cs.alpha, cs.beta, null, null, 0, 0);
    return Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('base64');
  });
  process.stdout.write(`${JSON.stringify({ kernel: lib.info().kernelBf16, results } satisfies Bf16ChildReport)}\n`);
}

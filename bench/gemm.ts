// GEMM throughput per kernel variant: `node --import tsx bench/gemm.ts [--threads 1,2] [variants...]`.
// One child process per variant and thread count (the native kernel is chosen once per process via
// NNTRAIN_KERNEL, the thread count via NNTRAIN_THREADS); each case is checked against a float64 reference
// on sampled rows before it is timed, warmed up, then timed for at least MIN_SECONDS (median of the
// repetitions). Single-threaded unless --threads says otherwise (default 1; js is always single-threaded).
// Prints a Markdown table of GFLOP/s (2·m·n·k / time). Baselines in the table: 'ref' (naive float64,
// native) and 'js'.

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getBackend } from '../src/backend/index.js';
import { Rng } from '../src/util/rng.js';

interface Shape {
  label: string;
  m: number;
  n: number;
  k: number;
  tA: boolean;
  tB: boolean;
}

const square = (s: number): Shape => ({ label: `${s}²`, m: s, n: s, k: s, tA: false, tB: false });
// MLP 784-256-128 at batch 128: forward X·W, and backprop's dW = Xᵀ·dZ (AᵀB) and dX = dZ·Wᵀ (ABᵀ)
const SHAPES: Shape[] = [
  square(256),
  square(512),
  square(1024),
  square(2048),
  { label: '(128×784)·(784×256)', m: 128, n: 256, k: 784, tA: false, tB: false },
  { label: '(128×256)·(256×128)', m: 128, n: 128, k: 256, tA: false, tB: false },
  { label: '(784×128)ᵀ·(128×256) dW1', m: 784, n: 256, k: 128, tA: true, tB: false },
  { label: '(128×256)·(784×256)ᵀ dX1', m: 128, n: 784, k: 256, tA: false, tB: true },
  { label: '(256×128)ᵀ·(128×128) dW2', m: 256, n: 128, k: 128, tA: true, tB: false },
  { label: '(128×128)·(256×128)ᵀ dX2', m: 128, n: 256, k: 128, tA: false, tB: true },
];
const VARIANTS = ['ref', 'js', 'simple', 'packed', 'avx2', 'avx512'];
const MIN_SECONDS = 0.4;
/** The naive variants would take minutes on the big squares. */
const MAX_FLOPS: Record<string, number> = { ref: 2 * 512 ** 3, js: 2 * 1024 ** 3 };

type GemmFn = (c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, tA: boolean, tB: boolean, alpha: number, beta: number) => void;

/** Checks sampled rows of C = op(A)·op(B) against float64; throws on a mismatch. */
function check(gemm: GemmFn, s: Shape, a: Float32Array, b: Float32Array, rng: Rng): void {
  const c = new Float32Array(s.m * s.n).fill(NaN);
  gemm(c, a, b, s.m, s.n, s.k, s.tA, s.tB, 1, 0);
  const A = (i: number, p: number) => (s.tA ? a[p * s.m + i] : a[i * s.k + p]);
  const B = (p: number, j: number) => (s.tB ? b[j * s.k + p] : b[p * s.n + j]);
  for (let t = 0; t < 6; t++) {
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

/** Child: times every shape with one variant; prints JSON { kernel, gflops: (number|null)[] }. */
function child(variant: string): void {
  let gemm: GemmFn;
  let kernel = variant;
  if (variant === 'js') {
    const be = getBackend('js');
    gemm = be.gemm.bind(be);
  } else {
    const be = getBackend('native');
    kernel = be.info().kernel;
    gemm = be.gemm.bind(be);
  }
  const rng = new Rng(5);
  const gflops = SHAPES.map((s) => {
    const flops = 2 * s.m * s.n * s.k;
    if (flops > (MAX_FLOPS[variant] ?? Infinity)) return null;
    const a = Float32Array.from({ length: s.m * s.k }, () => rng.uniform() * 2 - 1);
    const b = Float32Array.from({ length: s.k * s.n }, () => rng.uniform() * 2 - 1);
    const c = new Float32Array(s.m * s.n);
    check(gemm, s, a, b, rng);
    gemm(c, a, b, s.m, s.n, s.k, s.tA, s.tB, 1, 0); // warm-up (pack buffers, caches, JIT)
    const times: number[] = [];
    const start = process.hrtime.bigint();
    while (times.length < 3 || Number(process.hrtime.bigint() - start) < MIN_SECONDS * 1e9) {
      const t0 = process.hrtime.bigint();
      gemm(c, a, b, s.m, s.n, s.k, s.tA, s.tB, 1, 0);
      times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
    times.sort((x, y) => x - y);
    return flops / times[times.length >> 1] / 1e9;
  });
  console.log(JSON.stringify({ kernel, gflops }));
}

function parent(variants: string[], threadCounts: number[]): void {
  const self = fileURLToPath(import.meta.url);
  const columns: { name: string; gflops: (number | null)[] }[] = [];
  const runs = variants.flatMap((v) => (v === 'js' || v === 'ref' ? [[v, 1] as const] : threadCounts.map((t) => [v, t] as const)));
  for (const [v, threads] of runs) {
    const env = { ...process.env, NNTRAIN_KERNEL: v === 'js' ? '' : v, NNTRAIN_THREADS: String(threads) };
    const name = threadCounts.length > 1 && v !== 'js' && v !== 'ref' ? `${v} ${threads}t` : v;
    try {
      const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--child', v], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const { kernel, gflops } = JSON.parse(out.trim().split('\n').at(-1) ?? '') as { kernel: string; gflops: (number | null)[] };
      if (kernel !== v) throw new Error(`asked for ${v}, got ${kernel}`);
      columns.push({ name, gflops });
    } catch (err) {
      const msg = (err as { stderr?: string }).stderr ?? String(err);
      const reason = /not supported by this CPU/.test(msg) ? 'not supported by this CPU' : msg.split('\n').find((l) => /Error|Cause/.test(l)) ?? 'failed';
      console.error(`${name}: skipped (${reason.trim()})`);
    }
  }
  const fmt = (g: number | null) => (g === null ? '—' : g.toFixed(1));
  const threadText = threadCounts.length === 1 && threadCounts[0] === 1 ? 'single thread' : `native threads ${threadCounts.join(', ')}`;
  console.log(`GEMM GFLOP/s, ${threadText}, median of ≥ ${MIN_SECONDS} s after a warm-up ('—': too slow to run)\n`);
  console.log(`| shape (m×k)·(k×n) | ${columns.map((c) => c.name).join(' | ')} |`);
  console.log(`|---|${columns.map(() => '---:').join('|')}|`);
  SHAPES.forEach((s, i) => console.log(`| ${s.label} | ${columns.map((c) => fmt(c.gflops[i])).join(' | ')} |`));
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  child(argv[1]);
} else {
  let threadCounts = [1];
  const at = argv.indexOf('--threads');
  if (at >= 0) {
    threadCounts = (argv[at + 1] ?? '').split(',').map(Number);
    if (threadCounts.some((t) => !Number.isInteger(t) || t < 1 || t > 256)) throw new Error('--threads takes integers in [1, 256], e.g. --threads 1,2');
    argv.splice(at, 2);
  }
  parent(argv.length > 0 ? argv : VARIANTS, threadCounts);
}

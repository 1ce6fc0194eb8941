// Which cases the bench runs and how their results become table rows. Each case is one child process
// (ctx.child); a peer that is not installed yields 'not installed'; a failed case yields 'failed' and its
// error in the notes (the full outcome is in the JSON file).

import { availableParallelism } from 'node:os';
import type { BackendInfo } from '../src/index.js';
import { gemmShapes } from './cases/gemm-shapes.js';
import type { GemmResult } from './cases/gemm.js';
import type { PeakResult } from './cases/peak.js';
import type { TrainResult } from './cases/train.js';
import type { ChildOutcome } from './lib/protocol.js';
import { fmt, type Row } from './table.js';

export { csvRows } from './cases/csv.js';
export { gemmBf16Rows } from './cases/gemm-bf16.js';

export interface Ctx {
  quick: boolean;
  /** cmd: 'node' (bench/child.ts) or a Python peer script in bench/peers/, run with /usr/bin/python3 */
  /** timed (default): run between host probes and again after a slow spell (bench/lib/host-gate.ts) */
  child<T>(id: string, cmd: string, args: unknown, env?: Record<string, string>, timed?: boolean): Promise<ChildOutcome<T>>;
  log(msg: string): void;
  cache: string;
  info: BackendInfo | null;
}

type Peer<T> = T & { installed?: boolean };
const NATIVE_VARIANTS = ['avx512', 'avx2', 'packed', 'simple'];
const failed = (_o: ChildOutcome<unknown>): string => 'failed (see JSON)';
const peerValue = <T>(o: ChildOutcome<Peer<T>>, pick: (r: T) => number): number | string =>
  !o.ok || o.result === undefined ? 'failed' : o.result.installed === false ? 'not installed' : pick(o.result);

export const systemRows = {
  peak(p: PeakResult | { error: string }): Row[] {
    if ('error' in p) return [{ group: 'peak', case: 'FMA peak', unit: 'GFLOP/s', native: 'failed', js: null, peer: null, peerName: '', note: p.error }];
    const rows: Row[] = [
      { group: 'peak', case: 'FMA peak fp32, 1 core', unit: 'GFLOP/s', native: p.perCore, js: null, peer: null, peerName: '', note: `measured (${p.isa}, bench/peak/fma_peak.c)` },
      { group: 'peak', case: `FMA peak fp32, ${p.cores} cores`, unit: 'GFLOP/s', native: p.allCores, js: null, peer: null, peerName: '', note: 'measured' },
    ];
    if (p.bf16PerCore !== undefined && p.bf16PerCore > 0) {
      rows.push({ group: 'peak', case: 'vdpbf16ps peak, 1 core', unit: 'GFLOP/s', native: p.bf16PerCore, js: null, peer: p.perCore, peerName: 'FMA fp32', note: 'measured, 512-bit (AVX512_BF16): the bound of the avx512bf16 GEMM (AMX is not probed)' });
    }
    return rows;
  },

  async loop(ctx: Ctx): Promise<Row[]> {
    const rows: Row[] = [];
    const lag = await ctx.child<{ p50: number; p99: number; max: number; ticks: number }>('lag', 'node', { case: 'lag', seconds: ctx.quick ? 2 : 4 });
    const l = lag.result;
    rows.push({ group: 'event loop', case: 'p99 lateness of a 10 ms setInterval during native training (b128)', unit: 'ms', native: l ? l.p99 : failed(lag), js: null, peer: null, peerName: '', note: l ? `p50 ${fmt(l.p50)} ms, max ${fmt(l.max)} ms, ${l.ticks} ticks` : '' });
    const epochs = ctx.quick ? 20 : 50;
    const mem = await ctx.child<{ before: number; start: number; end: number; max: number; growth: number; rows: number }>('memory', 'node', { case: 'memory', epochs, rows: 4096 }, {}, false);
    const m = mem.result;
    rows.push({ group: 'memory', case: `RSS growth over ${epochs} epochs of native training (4,096 rows, b128)`, unit: 'MB', native: m ? m.growth : failed(mem), js: null, peer: null, peerName: '', note: m ? `RSS after epoch 1 ${fmt(m.start)} MB → end ${fmt(m.end)} MB, max ${fmt(m.max)} MB (before fit ${fmt(m.before)} MB)` : '' });
    const epochsAcc = 5;
    const acc = await ctx.child<{ accuracy: number; seconds: number }>('accuracy-native', 'node', { case: 'accuracy', backend: 'native', units: [256, 128], batch: 128, epochs: epochsAcc }, {}, false);
    const tacc = await ctx.child<Peer<{ accuracy: number }>>('accuracy-torch', 'torch_mlp.py', { mode: 'accuracy', units: [256, 128], batch: 128, optimizer: 'adam', epochs: epochsAcc, threads: 1, minSeconds: 0, cache: ctx.cache }, { OMP_WAIT_POLICY: 'PASSIVE' }, false);
    const tv = peerValue(tacc, (r) => r.accuracy);
    rows.push({ group: 'accuracy', case: `784-256-128-10 test accuracy after ${epochsAcc} epochs, b128, Adam 1e-3`, unit: 'accuracy', native: acc.result ? fmt(acc.result.accuracy, 4) : failed(acc), js: null, peer: typeof tv === 'number' ? fmt(tv, 4) : tv, peerName: 'PyTorch', note: 'the accuracy target quotes PyTorch 0.876' });
    return rows;
  },
};

/**
 * Native cost per step of `c` with batchNormalization (or layerNormalization) after each hidden dense
 * layer, against the same model without: the three run in alternation, each side's best round.
 */
async function normRows(ctx: Ctx, c: TrainCase, minSeconds: number, rounds: number): Promise<Row[]> {
  const norms = ['none', 'batch', 'layer'] as const;
  const rates: Record<(typeof norms)[number], number[]> = { none: [], batch: [], layer: [] };
  const id = `${c.units.join('-')}-b${c.batch}-${c.optimizer}`;
  for (let r = 0; r < Math.max(rounds, 2); r++) {
    for (const norm of norms) {
      const o = await ctx.child<TrainResult>(`train-native-${id}-${norm}norm-r${r}`, 'node', { case: 'train', backend: 'native', ...c, minSeconds, norm });
      if (o.result) rates[norm].push(o.result.samplesPerSec);
    }
  }
  const usPerStep = (xs: number[]) => (xs.length > 0 ? (c.batch / bestOf(xs)) * 1e6 : null);
  const plain = usPerStep(rates.none);
  const runs = (xs: number[]) => xs.map((x) => fmt((c.batch / x) * 1e6)).join(' / ');
  const net = `784-${c.units.join('-')}-10 b${c.batch} Adam`;
  return (['batch', 'layer'] as const).map((norm) => {
    const mine = usPerStep(rates[norm]);
    const layer = norm === 'batch' ? 'batchNormalization (dense without bias)' : 'layerNormalization';
    return {
      group: 'train',
      case: `${net}, ${layer} after each hidden dense layer: cost per step`,
      unit: 'µs/step',
      native: mine ?? 'failed (see JSON)',
      js: null,
      peer: plain ?? 'failed (see JSON)',
      peerName: 'without',
      note: `best of ${Math.max(rounds, 2)} alternating rounds (µs/step): with ${runs(rates[norm])}; without ${runs(rates.none)}${mine !== null && plain !== null ? `; ×${fmt(mine / plain, 3)}` : ''}`,
    };
  });
}

/** Per shape, the best of several runs (null where every run skipped the shape). */
function bestPerShape(runs: (number | null)[][], shapes: number): (number | null)[] {
  return Array.from({ length: shapes }, (_, i) => {
    const values = runs.map((g) => g[i]).filter((v): v is number => typeof v === 'number');
    return values.length > 0 ? Math.max(...values) : null;
  });
}

/**
 * GEMM GFLOP/s per native kernel variant, the js backend, and OpenBLAS (numpy) at 1 and all threads. The
 * active native variant and OpenBLAS at the matching thread count run in alternation for several rounds
 * and each shape shows each side's best round: the shared host only ever slows a run down (the other
 * variants, js and the other OpenBLAS thread count run once).
 */
export async function gemmRows(ctx: Ctx, peak: PeakResult | null): Promise<Row[]> {
  const shapes = gemmShapes(ctx.quick);
  const minSeconds = ctx.quick ? 0.15 : 0.3;
  // 5 rounds: a round costs ~0.3 s per shape and side, and with 3 a whole run could stay in a slow spell
  const rounds = ctx.quick ? 1 : 5;
  const cores = availableParallelism();
  const nativeThreads = ctx.info?.threads ?? 1;
  const peerThreads = nativeThreads > 1 ? cores : 1;
  const nativeRun = (v: string, id: string) =>
    ctx.child<GemmResult>(id, 'node', { case: 'gemm', backend: 'native', shapes, minSeconds, maxFlops: v === 'simple' ? 2 * 1024 ** 3 : 1e15 }, { NNTRAIN_KERNEL: v });
  const blas = (threads: number, id: string): Promise<ChildOutcome<Peer<{ gflops: number[]; blas: string }>>> =>
    ctx.child(id, 'numpy_gemm.py', { shapes, minSeconds }, { OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) });
  const variants: { name: string; g: (number | null)[] }[] = [];
  for (const v of NATIVE_VARIANTS.filter((name) => name !== ctx.info?.kernel)) {
    const o = await nativeRun(v, `gemm-${v}`);
    if (o.result && o.result.kernel === v) variants.push({ name: v, g: o.result.gflops });
  }
  const js = await ctx.child<GemmResult>('gemm-js', 'node', { case: 'gemm', backend: 'js', shapes, minSeconds, maxFlops: 2 * 1024 ** 3 }, { NNTRAIN_KERNEL: '' });
  const other = cores > 1 ? await blas(peerThreads === 1 ? cores : 1, `gemm-openblas-${peerThreads === 1 ? cores : 1}t`) : null;
  // the alternating rounds: the active variant against OpenBLAS at its thread count
  const activeName = ctx.info?.kernel ?? 'avx2';
  const nativeRounds: (number | null)[][] = [];
  const blasRounds: (number | null)[][] = [];
  let blasOut: ChildOutcome<Peer<{ gflops: number[]; blas: string }>> | null = null;
  for (let r = 0; r < rounds; r++) {
    const o = await nativeRun(activeName, `gemm-${activeName}-r${r}`);
    if (o.result && o.result.kernel === activeName) nativeRounds.push(o.result.gflops);
    blasOut = await blas(peerThreads, `gemm-openblas-${peerThreads}t-r${r}`);
    if (blasOut.result?.installed === true) blasRounds.push(blasOut.result.gflops);
  }
  const active = nativeRounds.length > 0 ? { name: activeName, g: bestPerShape(nativeRounds, shapes.length) } : variants[0];
  const blasBest = bestPerShape(blasRounds, shapes.length);
  return shapes.map((s, i) => {
    const nat = active?.g[i] ?? null;
    const pct = peak !== null && nat !== null ? ` = ${((100 * nat) / (nativeThreads > 1 ? peak.allCores : peak.perCore)).toFixed(0)}% of peak` : '';
    const others = variants.map((v) => `${v.name} ${fmt(v.g[i])}`);
    const otherBlas = other === null ? null : peerValue(other, (r) => r.gflops[i]);
    const runs = (xs: (number | null)[][]) => xs.map((g) => fmt(g[i])).join(' / ');
    return {
      group: 'GEMM',
      case: s.label,
      unit: 'GFLOP/s',
      native: active === undefined ? 'failed' : nat,
      js: js.result ? js.result.gflops[i] : failed(js),
      peer: blasRounds.length > 0 ? blasBest[i] : blasOut === null ? 'failed' : peerValue(blasOut, (r) => r.gflops[i]),
      peerName: `OpenBLAS ${peerThreads}T`,
      note: `best of ${rounds} alternating round(s): ${active?.name ?? '?'} ${runs(nativeRounds)}, OpenBLAS ${runs(blasRounds)}; ${active?.name ?? '?'}${pct}; ${others.join(', ')}${typeof otherBlas === 'number' ? `; OpenBLAS ${peerThreads === 1 ? cores : 1}T ${fmt(otherBlas)}` : ''}`,
    };
  });
}

interface TrainCase {
  units: number[];
  batch: number;
  optimizer: 'adam' | 'sgdm';
}

const bestOf = (xs: number[]): number => Math.max(...xs);

/**
 * Training samples/s: native vs js, PyTorch (best of 2 threads + PASSIVE and 1 thread), tfjs wasm.
 * The machine is shared and single runs drift by ±30% (only ever downwards), so native and each torch
 * setting run in alternation for several rounds and the table shows each one's best round (the js
 * baseline runs once).
 */
export async function trainRows(ctx: Ctx): Promise<Row[]> {
  const small = [256, 128];
  const cases: TrainCase[] = ctx.quick
    ? [{ units: small, batch: 128, optimizer: 'adam' }, { units: small, batch: 32, optimizer: 'adam' }]
    : [32, 128, 512].flatMap((batch) => (['adam', 'sgdm'] as const).map((optimizer) => ({ units: small, batch, optimizer })));
  cases.push({ units: [1024, 1024], batch: 128, optimizer: 'adam' });
  const minSeconds = ctx.quick ? 1 : 3;
  const rounds = ctx.quick ? 1 : 3;
  const rows: Row[] = [];
  for (const c of cases) {
    const name = `784-${c.units.join('-')}-10 b${c.batch} ${c.optimizer === 'adam' ? 'Adam 1e-3' : 'SGD+m0.9 lr 0.01'}`;
    const id = `${c.units.join('-')}-b${c.batch}-${c.optimizer}`;
    const js = await ctx.child<TrainResult>(`train-js-${id}`, 'node', { case: 'train', backend: 'js', ...c, minSeconds });
    const natives: ChildOutcome<TrainResult>[] = [];
    const settings = [[2, 'PASSIVE'], [1, 'PASSIVE']] as const;
    const torch = settings.map(([threads, policy]) => ({ label: `${threads}T ${policy}`, runs: [] as (number | string)[] }));
    for (let r = 0; r < rounds; r++) {
      natives.push(await ctx.child<TrainResult>(`train-native-${id}-r${r}`, 'node', { case: 'train', backend: 'native', ...c, minSeconds }));
      for (const [i, [threads, policy]] of settings.entries()) {
        const o = await ctx.child<Peer<{ samplesPerSec: number }>>(`train-torch-${threads}t-${id}-r${r}`, 'torch_mlp.py', { mode: 'speed', ...c, minSeconds, threads, cache: ctx.cache }, { OMP_WAIT_POLICY: policy });
        torch[i].runs.push(peerValue(o, (res) => res.samplesPerSec));
      }
    }
    const nativeRates = natives.flatMap((o) => (o.result ? [o.result.samplesPerSec] : []));
    const torchBest = torch.map((t) => {
      const numbers = t.runs.filter((v): v is number => typeof v === 'number');
      return { label: t.label, runs: t.runs, v: numbers.length > 0 ? bestOf(numbers) : t.runs[0] };
    });
    const numeric = torchBest.filter((t): t is typeof t & { v: number } => typeof t.v === 'number').sort((a, b) => b.v - a.v);
    const best = numeric[0];
    const nat = natives[natives.length - 1];
    const runsOf = (xs: (number | string)[]) => xs.map((x) => (typeof x === 'number' ? fmt(x) : x)).join(' / ');
    rows.push({
      group: 'train',
      case: name,
      unit: 'samples/s',
      native: nativeRates.length > 0 ? bestOf(nativeRates) : failed(nat),
      js: js.result ? js.result.samplesPerSec : failed(js),
      peer: best ? best.v : torchBest[0].v,
      peerName: 'PyTorch (best)',
      note: `best of ${rounds} alternating round(s): native ${runsOf(nativeRates)}${js.result ? `; js ${fmt(js.result.samples)} samples` : ''}; torch ${torchBest.map((t) => `${t.label} ${runsOf(t.runs)}`).join(', ')}`,
    });
    if (c.batch === 128 && c.optimizer === 'adam' && c.units.length === 2 && c.units[0] === 256) rows.push(...(await normRows(ctx, c, minSeconds, rounds)));
    if (c.batch === 128 && c.optimizer === 'adam' && c.units.length === 2 && c.units[0] === 256) {
      const tf = await ctx.child<Peer<{ samplesPerSec: number; version: string }>>('train-tfjs-wasm', 'node', { case: 'tfjs', batch: 128, units: small, minSeconds });
      rows.push({ group: 'train', case: `${name} vs TensorFlow.js wasm, 1 thread`, unit: 'samples/s', native: nativeRates.length > 0 ? bestOf(nativeRates) : null, js: null, peer: peerValue(tf, (r) => r.samplesPerSec), peerName: 'tfjs-wasm', note: tf.result?.version ? `tfjs ${tf.result.version}, SIMD, 1 thread` : '' });
    }
  }
  return rows;
}

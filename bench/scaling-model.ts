// The README's "What to expect" table, computed from a bench run instead of typed by hand:
//   node --import tsx bench/scaling-model.ts [bench/results/bench-<date>.json]   (default: the newest)
// Synchronous data parallelism over p machines, one process each, on a ring all-reduce:
//   t_allreduce = 2·(p−1)/p · G / B + 2·(p−1) · α      (G: gradient bytes, B: bandwidth, α: latency per message)
//   t_step      = t_compute + (1 − h) · t_allreduce     (h: the share of the all-reduce hidden behind backward)
//   efficiency  = t_compute / t_step
// t_compute is the per-process batch's share of the bench's 1 process × 2 threads step (half its step at
// twice the batch: the step time is close to linear in the rows), i.e. one machine like the bench host
// (2 vCPUs, about one core's FMA throughput), and the same divided by 16 for a machine 16× faster (16
// such cores, linear scaling: the optimistic case for compute and so the pessimistic one for efficiency);
// h is measured by the bench on this host: (off − on) / (off − apart), clamped to [0, 1], where apart is
// the two processes' step side by side without communication, and at most the gradient's share outside
// the first layer (whose bucket can only start when backward ends).

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ScalingCase, ScalingRecord } from './scaling.js';

/** The networks of the table: bandwidth in bytes/s and the latency α assumed per message. */
export const NETWORKS = [
  // TCP over 10 Gbit/s Ethernet: MPI's small-message latency over kernel TCP is tens of µs
  { name: '10 Gbit/s', bytesPerSecond: 10e9 / 8, alpha: 50e-6 },
  // 100 Gbit/s fabrics are RDMA (InfiniBand, RoCE): a few µs; 10 µs leaves room for the switch hops
  { name: '100 Gbit/s', bytesPerSecond: 100e9 / 8, alpha: 10e-6 },
];
export const MACHINES = [8, 64];
/** Machines this many times faster than the bench host. */
export const SPEEDUPS = [1, 16];

/** Seconds of one ring all-reduce of `bytes` over p machines. */
export function ringAllreduce(bytes: number, p: number, bytesPerSecond: number, alpha: number): number {
  return ((2 * (p - 1)) / p) * (bytes / bytesPerSecond) + 2 * (p - 1) * alpha;
}

/**
 * The share of the all-reduce that the overlap hides: measured in the bench, in [0, 1], and at most the
 * share of the gradient outside the first layer (the first layer's bucket starts when backward ends).
 */
export function hiddenShare(c: ScalingCase): number {
  const waited = c.off - c.compute;
  const measured = waited > 0 ? Math.min(1, Math.max(0, (c.off - c.on) / waited)) : 0;
  return Math.min(measured, 1 - (4 * 785 * c.units[0]) / c.gradientBytes);
}

export function efficiency(computeSeconds: number, allreduceSeconds: number, hidden: number): number {
  return computeSeconds / (computeSeconds + (1 - hidden) * allreduceSeconds);
}

export function modelTable(record: ScalingRecord): string {
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  const ms = (x: number) => `${(x * 1000).toFixed(2)} ms`;
  const head = SPEEDUPS.map((k) => `${k === 1 ? 'this host' : `${k}× this host`}: t_compute, efficiency without / with overlap`);
  const lines = [`| model | batch/process | network (α) | machines | t_allreduce | ${head.join(' | ')} |`, `|---|---:|---|---:|---:|${SPEEDUPS.map(() => '---:').join('|')}|`];
  for (const c of record.cases) {
    const h = hiddenShare(c);
    for (const net of NETWORKS) {
      for (const p of MACHINES) {
        const ar = ringAllreduce(c.gradientBytes, p, net.bytesPerSecond, net.alpha);
        const cells = SPEEDUPS.map((k) => {
          const t = c.oneProcess / 2 / 1000 / k;
          return `${ms(t)}: ${pct(efficiency(t, ar, 0))} / ${pct(efficiency(t, ar, h))}`;
        });
        lines.push(`| 784-${c.units.join('-')}-10 | ${c.batch} | ${net.name} (${net.alpha * 1e6} µs) | ${p} | ${ms(ar)} | ${cells.join(' | ')} |`);
      }
    }
  }
  lines.push('');
  for (const c of record.cases) {
    lines.push(
      `- 784-${c.units.join('-')}-10, b${c.batch}: gradient ${(c.gradientBytes / 1e6).toFixed(2)} MB; measured here (ms/step, best round): 1 process × 2 threads at b${2 * c.batch} ${c.oneProcess.toFixed(2)}; 2 processes × 1 thread ${c.compute.toFixed(2)} side by side without communication, ${c.off.toFixed(2)} distributed without overlap and ${c.on.toFixed(2)} with it, so h = ${pct(hiddenShare(c))}.`,
    );
  }
  if (record.allreduce !== null) {
    const a = record.allreduce;
    lines.push(`- This host's all-reduce (2 processes, shared memory): ${(a.latency * 1e6).toFixed(1)} µs for 8 bytes, ${(a.beta * 1e9).toFixed(2)} ms per MB above 64 KiB.`);
  }
  return lines.join('\n');
}

function newestBench(): string {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  const files = readdirSync(dir).filter((f) => /^bench-.*\.json$/.test(f)).sort();
  if (files.length === 0) throw new Error(`no bench results in ${dir}: run npm run bench first`);
  return dir + files[files.length - 1];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? newestBench();
  const json = JSON.parse(readFileSync(file, 'utf8')) as { raw?: { scaling?: ScalingRecord } };
  const record = json.raw?.scaling;
  if (record === undefined || record.cases.length === 0) {
    throw new Error(`${file} has no scaling measurements${record?.skipped ? ` (the bench skipped them: ${record.skipped})` : ''}`);
  }
  console.log(`From ${file}:\n\n${modelTable(record)}`);
}

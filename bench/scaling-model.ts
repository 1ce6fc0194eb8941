// The README's "What to expect" table, computed from a bench run instead of typed by hand:
//   node --import tsx bench/scaling-model.ts [bench/results/bench-<date>.json]   (default: the newest)
// Synchronous data parallelism over p machines, one process each, on a ring all-reduce:
//   t_allreduce = 2·(p−1)/p · G / B + 2·(p−1) · α      (G: gradient bytes, B: bandwidth, α: latency per message)
//   t_step      = t_compute + (1 − h) · t_allreduce     (h: the share of the all-reduce hidden behind backward)
//   efficiency  = t_compute / t_step
// t_compute is the bench's one process × 1 thread step at the per-process batch (no communication), on one
// core of the bench host, and the same divided by 16 for a 16-core machine (linear scaling, the
// optimistic case for compute and so the pessimistic one for efficiency); h is measured by the bench on
// this host (2 processes over shared memory: (off − on) / (off − compute), clamped to [0, 1]).

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
export const CORES = [1, 16];

/** Seconds of one ring all-reduce of `bytes` over p machines. */
export function ringAllreduce(bytes: number, p: number, bytesPerSecond: number, alpha: number): number {
  return ((2 * (p - 1)) / p) * (bytes / bytesPerSecond) + 2 * (p - 1) * alpha;
}

/** The share of the all-reduce that the overlap hid in the bench, in [0, 1]. */
export function hiddenShare(c: ScalingCase): number {
  const waited = c.off - c.compute;
  return waited > 0 ? Math.min(1, Math.max(0, (c.off - c.on) / waited)) : 0;
}

export function efficiency(computeSeconds: number, allreduceSeconds: number, hidden: number): number {
  return computeSeconds / (computeSeconds + (1 - hidden) * allreduceSeconds);
}

export function modelTable(record: ScalingRecord): string {
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  const lines = [
    '| model | batch/process | gradient | network (α) | machines | t_allreduce | cores | t_compute | efficiency, no overlap | with overlap (h) |',
    '|---|---:|---:|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const c of record.cases) {
    const h = hiddenShare(c);
    for (const net of NETWORKS) {
      for (const p of MACHINES) {
        const ar = ringAllreduce(c.gradientBytes, p, net.bytesPerSecond, net.alpha);
        for (const cores of CORES) {
          const t = c.compute / 1000 / cores;
          lines.push(
            `| 784-${c.units.join('-')}-10 | ${c.batch} | ${(c.gradientBytes / 1e6).toFixed(2)} MB | ${net.name} (${net.alpha * 1e6} µs) | ${p} | ${(ar * 1000).toFixed(2)} ms | ${cores} | ${(t * 1000).toFixed(2)} ms | ${pct(efficiency(t, ar, 0))} | ${pct(efficiency(t, ar, h))} (${pct(h)}) |`,
          );
        }
      }
    }
  }
  if (record.allreduce !== null) {
    const a = record.allreduce;
    lines.push('', `This host's all-reduce (2 processes, shared memory): ${(a.latency * 1e6).toFixed(1)} µs for 8 bytes, ${(a.beta * 1e9).toFixed(2)} ms per MB above 64 KiB.`);
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

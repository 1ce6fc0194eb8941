// Children of the scaling section (bench/scaling.ts), each run alone or as every rank of an mpirun job:
//   runStep: ms per training step of 784-…-10 on synthetic rows (a distributed fit when MPI launched
//     it, unless `apart`), the per-process batch as given; rank 0 reports.
//   runAllreduce: the time of one in-place MPI_Allreduce (sum) for a few sizes over this host, and the
//     latency (the smallest size) and cost per byte (the slope over the large ones); rank 0 reports.

import { initDistributed, launchedByMpirun, layers, optimizers, Sequential } from '../../src/index.js';
import { distributedContext } from '../../src/backend/mpi-context.js';
import { emit } from '../lib/protocol.js';

export interface StepParams {
  units: number[];
  batch: number; // per process
  minSeconds: number;
  /** Under mpirun: every rank trains its own copy (no communication), to time the ranks' compute side by side. */
  apart?: boolean;
}

export interface StepResult {
  ranks: number;
  threads: number;
  batch: number;
  steps: number;
  msPerStep: number;
  samplesPerSec: number; // over all ranks
  gradientBytes: number;
}

function model(units: number[]): Sequential {
  const m = new Sequential({ seed: 1 });
  units.forEach((u, i) => m.add(layers.dense({ units: u, activation: 'relu', ...(i === 0 ? { inputShape: [784] } : {}) })));
  m.add(layers.dense({ units: 10, activation: 'softmax' }));
  m.compile({ optimizer: optimizers.sgd({ learningRate: 0.01, momentum: 0.9 }), loss: 'sparseCategoricalCrossentropy' });
  return m;
}

function rowsOf(count: number, seed: number): { x: { data: Float32Array; rows: number; cols: number }; y: number[] } {
  const data = new Float32Array(count * 784);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 32;
  }
  return { x: { data, rows: count, cols: 784 }, y: Array.from({ length: count }, (_, i) => i % 10) };
}

export async function runStep(p: StepParams): Promise<void> {
  const dist = launchedByMpirun() && p.apart !== true;
  const { rank, size } = dist ? initDistributed() : { rank: Number(process.env.OMPI_COMM_WORLD_RANK ?? 0), size: 1 };
  const fitOptions = { batchSize: p.batch, verbose: 0 as const, shuffle: false, ...(dist ? { distributed: 'mpi' as const } : {}) };
  const m = model(p.units);
  // warm-up (plan, scratch, JIT), which also sizes the timed fit: every rank takes the slowest rank's count
  const warmSteps = 16;
  const warm = rowsOf(p.batch * warmSteps, 7 + rank);
  const t0 = performance.now();
  await m.fit(warm.x, warm.y, { ...fitOptions, epochs: 1 });
  const want = new Float64Array([Math.min(4096, Math.max(32, Math.ceil((p.minSeconds * warmSteps * 1000) / (performance.now() - t0) / 16) * 16))]);
  if (dist) distributedContext().mpi.allreduce(want, 'min');
  const steps = want[0];
  const data = rowsOf(p.batch * steps, 11 + rank);
  const t1 = performance.now();
  await m.fit(data.x, data.y, { ...fitOptions, epochs: 1 });
  const ms = (performance.now() - t1) / steps;
  if (rank !== 0) return;
  emit({ ranks: size, threads: m.backend.info().threads, batch: p.batch, steps, msPerStep: ms, samplesPerSec: (p.batch * size * 1000) / ms, gradientBytes: m.params.length * 4 } satisfies StepResult);
}

export interface AllreduceResult {
  ranks: number;
  sizes: { bytes: number; seconds: number }[]; // median of the repetitions
  latency: number; // seconds: the smallest size's time
  beta: number; // seconds per byte: least-squares slope over the sizes of 64 KiB and more
}

export function runAllreduce(p: { bytes: number[]; minSeconds: number }): void {
  const { rank, size } = initDistributed();
  const { mpi } = distributedContext();
  const sizes: AllreduceResult['sizes'] = [];
  for (const bytes of p.bytes) {
    const buffer = new Float64Array(Math.max(1, Math.round(bytes / 8)));
    for (let i = 0; i < 5; i++) mpi.allreduce(buffer, 'sum');
    const times: number[] = [];
    const reps = new Float64Array([0]);
    const t0 = performance.now();
    while (reps[0] === 0) {
      mpi.barrier();
      const t = performance.now();
      mpi.allreduce(buffer, 'sum');
      times.push((performance.now() - t) / 1000);
      // every rank stops after the same repetition: the slowest rank's clock decides
      const enough = new Float64Array([(performance.now() - t0) / 1000 >= p.minSeconds && times.length >= 9 ? 1 : 0]);
      mpi.allreduce(enough, 'min');
      reps[0] = enough[0];
    }
    times.sort((a, b) => a - b);
    sizes.push({ bytes: buffer.length * 8, seconds: times[Math.floor(times.length / 2)] });
  }
  if (rank !== 0) return;
  // latency: the smallest message; per byte: the slope over the large ones (latency is noise there)
  const large = sizes.filter((s) => s.bytes >= 65536);
  const n = large.length;
  const mx = large.reduce((a, s) => a + s.bytes, 0) / n;
  const my = large.reduce((a, s) => a + s.seconds, 0) / n;
  const beta = large.reduce((a, s) => a + (s.bytes - mx) * (s.seconds - my), 0) / large.reduce((a, s) => a + (s.bytes - mx) ** 2, 0);
  emit({ ranks: size, sizes, latency: sizes[0].seconds, beta } satisfies AllreduceResult);
}

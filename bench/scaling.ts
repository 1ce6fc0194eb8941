// The bench's scaling section: samples/s of one process with 2 threads against 2 processes (mpirun -np 2)
// with 1 thread each at the same global batch, the all-reduce's time per step and its share of the step
// with and without the overlap (NNTRAIN_OVERLAP), and the cost of an all-reduce alone over this host's
// shared memory. bench/scaling-model.ts turns the JSON's `scaling` record into the README's efficiency
// table. Skipped, with a row saying why, where mpirun or nntrain's MPI addon is missing.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mpiAddonPath } from '../src/backend/mpi.js';
import type { AllreduceResult, StepResult } from './cases/scaling.js';
import { runChild, type ChildOutcome } from './lib/protocol.js';
import type { Ctx } from './rows.js';
import { fmt, type Row } from './table.js';

/** One model and per-process batch: the best (fastest) round of each setting, in ms per step. */
export interface ScalingCase {
  units: number[];
  batch: number; // per process; the 1-process runs take 2 × batch (the same global batch)
  gradientBytes: number;
  oneProcess: number; // 1 process × 2 threads, batch 2 × batch
  compute: number; // 2 processes × 1 thread side by side, each its own fit: a rank's step without communication
  off: number; // 2 processes × 1 thread, one all-reduce after backward
  on: number; // 2 processes × 1 thread, overlapped
  rounds: { oneProcess: number[]; compute: number[]; off: number[]; on: number[] };
}

export interface ScalingRecord {
  allreduce: AllreduceResult | null;
  cases: ScalingCase[];
  skipped?: string;
}

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const row = (c: string, native: number | string | null, js: number | string | null, unit: string, note: string): Row => ({ group: 'scaling', case: c, unit, native, js, peer: null, peerName: '', note });

function mpirun<T>(args: object, env: Record<string, string>): Promise<ChildOutcome<T>> {
  const root = process.getuid?.() === 0 ? ['--allow-run-as-root'] : [];
  const argv = [...root, '--oversubscribe', '-np', '2', process.execPath, '--import', 'tsx', CHILD, (args as { case: string }).case, JSON.stringify(args)];
  return runChild<T>('mpirun', argv, env, 600);
}

/** The median time of the measured size nearest to `bytes` (the gradient sizes are measured as such). */
function allreduceSeconds(a: AllreduceResult, bytes: number): number {
  return a.sizes.reduce((best, s) => (Math.abs(s.bytes - bytes) < Math.abs(best.bytes - bytes) ? s : best)).seconds;
}

export async function scalingRows(ctx: Ctx): Promise<{ rows: Row[]; record: ScalingRecord }> {
  const hasMpirun = spawnSync('mpirun', ['--version'], { encoding: 'utf8' }).status === 0;
  const skipped = !hasMpirun ? 'mpirun is not on PATH (apt-get install openmpi-bin libopenmpi-dev)' : !existsSync(mpiAddonPath()) ? `nntrain's MPI addon is not built (${mpiAddonPath()}; npm run build:mpi)` : null;
  if (skipped !== null) {
    ctx.log(`scaling: skipped, ${skipped}`);
    return { rows: [row('scaling section', 'skipped', null, '', skipped)], record: { allreduce: null, cases: [], skipped } };
  }
  const models = [[256, 128], [1024, 1024]];
  const gradientBytes = (units: number[]) => 4 * [784, ...units, 10].slice(1).reduce((sum, u, i, a) => sum + ([784, ...a][i] + 1) * u, 0);
  const ar = await mpirun<AllreduceResult>({ case: 'allreduce', bytes: [8, 1024, 65536, ...models.map(gradientBytes), 1 << 22, 1 << 23].sort((a, b) => a - b), minSeconds: ctx.quick ? 0.2 : 0.5 }, {});
  ctx.log(`scaling: all-reduce ${ar.ok ? 'ok' : `FAILED (${ar.error})`} in ${ar.seconds.toFixed(1)} s`);
  const rows: Row[] = [];
  const allreduce = ar.result ?? null;
  if (allreduce !== null) {
    for (const s of allreduce.sizes) rows.push(row(`MPI_Allreduce sum in place, 2 processes, ${fmt(s.bytes)} B`, s.seconds * 1e6, null, 'µs', 'median; this host, shared memory'));
    rows.push(row('MPI_Allreduce fit: latency, per MB', `${fmt(allreduce.latency * 1e6)} µs, ${fmt(allreduce.beta * 1e9)} ms/MB`, null, '', 'latency: the 8-byte message; per MB: slope over 64 KiB and more'));
  } else {
    rows.push(row('MPI_Allreduce', 'failed', null, '', ar.error ?? ''));
  }
  const cases: ScalingCase[] = [];
  const batches = ctx.quick ? [128] : [128, 512];
  const rounds = ctx.quick ? 1 : 3;
  const minSeconds = ctx.quick ? 0.5 : 1.5;
  for (const units of models) {
    for (const batch of batches) {
      const step = { case: 'step', units, minSeconds };
      const r = { oneProcess: [] as number[], compute: [] as number[], off: [] as number[], on: [] as number[] };
      const name = `784-${units.join('-')}-10`;
      let failure = '';
      const keep = (list: number[], o: ChildOutcome<StepResult>): void => {
        if (o.result) list.push(o.result.msPerStep);
        else failure = o.error ?? 'failed';
      };
      for (let i = 0; i < rounds; i++) {
        keep(r.oneProcess, await ctx.child<StepResult>(`scaling-${name}-b${batch}-1x2-r${i}`, 'node', { ...step, batch: 2 * batch }));
        keep(r.compute, await mpirun<StepResult>({ ...step, batch, apart: true }, {}));
        keep(r.off, await mpirun<StepResult>({ ...step, batch }, { NNTRAIN_OVERLAP: '0' }));
        keep(r.on, await mpirun<StepResult>({ ...step, batch }, { NNTRAIN_OVERLAP: '1' }));
        ctx.log(`scaling: ${name} b${batch} round ${i}: 1x2 ${r.oneProcess.at(-1)?.toFixed(2)}, 2x1 apart ${r.compute.at(-1)?.toFixed(2)}, 2x1 off ${r.off.at(-1)?.toFixed(2)}, on ${r.on.at(-1)?.toFixed(2)} ms/step`);
      }
      if (failure !== '' || r.off.length === 0 || r.on.length === 0 || r.oneProcess.length === 0 || r.compute.length === 0) {
        rows.push(row(`${name} b${batch}/process`, 'failed', null, '', failure));
        continue;
      }
      const c: ScalingCase = { units, batch, gradientBytes: gradientBytes(units), oneProcess: Math.min(...r.oneProcess), compute: Math.min(...r.compute), off: Math.min(...r.off), on: Math.min(...r.on), rounds: r };
      cases.push(c);
      const global = 2 * batch;
      const rate = (ms: number) => (global * 1000) / ms;
      const alone = allreduce === null ? '' : `; the ${fmt(c.gradientBytes)}-byte gradient all-reduced alone: ${fmt(allreduceSeconds(allreduce, c.gradientBytes) * 1000)} ms`;
      const exposed = (ms: number) => `${fmt(ms - c.compute)} ms of it spent on the all-reduce (${((100 * (ms - c.compute)) / ms).toFixed(0)}% of the step)`;
      const runs = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' / ');
      rows.push(
        row(`${name} global batch ${global}: 2 processes × 1 thread (b${batch} each), one all-reduce after backward`, rate(c.off), rate(c.oneProcess), 'samples/s', `js column: 1 process × 2 threads, b${global} (${fmt(c.oneProcess)} ms/step). Step ${fmt(c.off)} ms, ${exposed(c.off)}: the step minus that of the 2 processes side by side, each training alone (${fmt(c.compute)} ms: the vCPUs share a core's FMA units)${alone}. Best of ${rounds}, ms/step: 2×1 ${runs(r.off)}; 1×2 ${runs(r.oneProcess)}; 2×1 alone ${runs(r.compute)}`),
        row(`${name} global batch ${global}: 2 processes × 1 thread (b${batch} each), overlapped with backward`, rate(c.on), rate(c.oneProcess), 'samples/s', `Step ${fmt(c.on)} ms, ${exposed(c.on)}; hidden behind backward: ${c.off > c.compute ? `${((100 * (c.off - c.on)) / (c.off - c.compute)).toFixed(0)}%` : '—'} of the all-reduce's time in the step. Best of ${rounds}: ${runs(r.on)}`),
      );
    }
  }
  return { rows, record: { allreduce, cases } };
}

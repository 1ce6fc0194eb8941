// `npm run bench [-- --quick] [-- --only=train,busy]`: the performance benchmark (GEMM, training, inference, event loop, memory, accuracy and
// CSV reading, native against the js backend and the peers). One child process per case (bench/child.ts, the
// Python peers, the C peak probe), each warmed up and checked before it is timed; prints ONE Markdown table
// on stdout (progress on stderr) and writes everything to bench/results/bench-<date>.json.

import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { getBackend, nativeAvailable } from '../src/index.js';
import { compileFmaPeak, measurePeak } from './cases/peak.js';
import { makeHostGate, type HostGate } from './lib/host-gate.js';
import { DATASET_CACHE, prepareFashionMnist } from '../data/prepare/fashion-mnist.js';
import { runChild, type ChildOutcome } from './lib/protocol.js';
import { bf16Rows } from './bf16.js';
import { csvRows, gemmBf16Rows, gemmRows, trainRows, systemRows, type Ctx } from './rows.js';
import { inferRows } from './infer.js';
import { scalingRows } from './scaling.js';
import { busyHostRows } from './busy-host.js';
import { customLossRows } from './cases/custom-loss.js';
import { markdownTable, type Row } from './table.js';

const quick = process.argv.includes('--quick');
// `--only=gemm,train,...`: run only these sections (the FMA peak rows come with gemm)
const SECTIONS = ['gemm', 'train', 'bf16', 'custom', 'inference', 'loop', 'busy', 'scaling', 'csv'] as const;
const onlyArg = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const only = onlyArg === undefined ? null : new Set(onlyArg.split(','));
for (const name of only ?? []) {
  if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`--only: unknown section '${name}'; one of ${SECTIONS.join(', ')}`);
}
const wanted = (section: (typeof SECTIONS)[number]): boolean => only === null || only.has(section);
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const log = (msg: string): void => void process.stderr.write(`[bench] ${msg}\n`);
const raw: Record<string, unknown> = {};

let gate: HostGate | null = null;
const gateLog = { reruns: 0, unhealthy: [] as string[] };

/**
 * Runs one case in its own process and keeps its raw outcome for the JSON file. Timed cases run inside the
 * host gate (bench/lib/host-gate.ts): measured again while the host is in a slow spell.
 */
async function child<T>(id: string, cmd: string, args: unknown, env: Record<string, string> = {}, timed = true): Promise<ChildOutcome<T>> {
  // node children: `child.ts <case> <json>` (args.case names the case); python peers: `<cmd> <json>`
  const [exe, argv] =
    cmd === 'node' ? [process.execPath, ['--import', 'tsx', here('./child.ts'), (args as { case: string }).case, JSON.stringify(args)]] : ['/usr/bin/python3', [here(`./peers/${cmd}`), JSON.stringify(args)]];
  const spawnIt = (): Promise<ChildOutcome<T>> => runChild<T>(exe, argv, env, 600);
  if (!timed || gate === null) {
    const out = await spawnIt();
    log(`${id}: ${out.ok ? 'ok' : `FAILED (${out.error})`} in ${out.seconds.toFixed(1)} s`);
    raw[id] = { env, args, ...out };
    return out;
  }
  const g = await gate.run(spawnIt);
  const out = g.value;
  gateLog.reruns += g.attempts - 1;
  if (!g.healthy) gateLog.unhealthy.push(id);
  const probes = g.probes.map((p) => `${p.gflops.toFixed(0)}/${p.roundTripNs.toFixed(0)}`).join(' ');
  log(`${id}: ${out.ok ? 'ok' : `FAILED (${out.error})`} in ${out.seconds.toFixed(1)} s; host probes ${probes} GFLOP/s / ns round trip${g.healthy ? '' : ' (slow spell: kept the last attempt)'}`);
  raw[id] = { env, args, ...out, host: { attempts: g.attempts, probes: g.probes.map(({ gflops, roundTripNs }) => ({ gflops, roundTripNs })), healthy: g.healthy } };
  return out;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  log(`preparing Fashion-MNIST${quick ? ' (quick run)' : ''}`);
  await prepareFashionMnist();
  const info = nativeAvailable() ? getBackend('native').info() : null;
  const ctx: Ctx = { quick, child, log, cache: DATASET_CACHE, info };
  log('FMA peak');
  const fma = compileFmaPeak();
  if ('exe' in fma) gate = await makeHostGate(fma.exe, availableParallelism());
  const peak = !wanted('gemm') ? null : 'exe' in fma ? await measurePeak(fma.exe, quick ? 0.3 : 0.6, gate) : fma;
  raw.peak = peak;
  const rows: Row[] = [];
  if (peak !== null) rows.push(...systemRows.peak(peak));
  if (peak !== null) rows.push(...(await gemmRows(ctx, 'error' in peak ? null : peak)));
  if (peak !== null && info !== null) rows.push(...(await gemmBf16Rows(ctx, 'error' in peak ? null : peak)));
  if (wanted('train')) rows.push(...(await trainRows(ctx)));
  if (wanted('bf16')) rows.push(...(await bf16Rows(ctx)));
  if (wanted('custom')) rows.push(...(await customLossRows(ctx)));
  if (wanted('inference')) rows.push(...(await inferRows(ctx)));
  if (wanted('loop')) rows.push(...(await systemRows.loop(ctx)));
  if (wanted('busy')) rows.push(...(await busyHostRows(ctx)));
  if (wanted('scaling')) {
    const scaling = await scalingRows(ctx);
    rows.push(...scaling.rows);
    raw.scaling = scaling.record;
  }
  if (wanted('csv')) rows.push(...(await csvRows(ctx)));
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const kernel = info === null ? 'native addon not available' : `native kernel ${info.kernel} (NNTRAIN_KERNEL=${process.env.NNTRAIN_KERNEL ?? 'unset'}), ${info.threads} thread(s)`;
  const title = `nntrain bench${quick ? ' --quick' : ''}, ${new Date().toISOString().slice(0, 16)}Z: ${cpu}, ${availableParallelism()} cores, Node ${process.version}; ${kernel}`;
  const host =
    gate === null
      ? 'no host gate (cc failed)'
      : `host gate: healthy all-core FMA ${gate.reference.toFixed(0)} GFLOP/s and core-to-core round trip ${gate.nearNs.toFixed(0)} ns, ${gateLog.reruns} case(s) measured again after a slow spell${gateLog.unhealthy.length > 0 ? `, still in a spell after the last attempt: ${gateLog.unhealthy.join(', ')}` : ''}`;
  const table = `${markdownTable(title, rows)}\n${host}\n`;
  console.log(table);
  const dir = here('./results/');
  mkdirSync(dir, { recursive: true });
  const file = `${dir}bench-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.json`;
  writeFileSync(file, JSON.stringify({ title, quick, info, host, rows, raw, seconds: (performance.now() - t0) / 1000 }, null, 1));
  log(`done in ${((performance.now() - t0) / 1000).toFixed(0)} s; JSON: ${file}`);
}

await main();

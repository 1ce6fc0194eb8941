// The bench's busy-host section: training samples/s of 784-1024-1024-10 with the default thread count
// against one thread while other processes spin on the host's cores: first one spinner pinned to core 0,
// then one more spinner than the host has cores, unpinned. The pool's claim-as-you-go loops (a thread
// the OS has not scheduled delays nothing) should keep the default at or above one thread under both.
// Not run inside the host gate: a busy host is the point.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { TrainResult } from './cases/train.js';
import type { ChildOutcome } from './lib/protocol.js';
import type { Ctx } from './rows.js';
import { fmt, type Row } from './table.js';

interface Load {
  label: string;
  spinners: number;
  pinned: boolean;
}

const SPIN = 'for (;;) {}';

function startSpinners(load: Load): ChildProcess[] {
  const pin = load.pinned && spawnSync('taskset', ['--version']).status === 0;
  return Array.from({ length: load.spinners }, () =>
    pin ? spawn('taskset', ['-c', '0', process.execPath, '-e', SPIN], { stdio: 'ignore' }) : spawn(process.execPath, ['-e', SPIN], { stdio: 'ignore' }),
  );
}

async function stopSpinners(procs: ChildProcess[]): Promise<void> {
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.exitCode !== null || p.signalCode !== null) return resolve();
          p.once('exit', () => resolve());
          p.kill('SIGKILL');
        }),
    ),
  );
}

const rate = (o: ChildOutcome<TrainResult>): number | null => o.result?.samplesPerSec ?? null;
const best = (xs: (number | null)[]): number | null => {
  const n = xs.filter((x): x is number => x !== null);
  return n.length > 0 ? Math.max(...n) : null;
};

export async function busyHostRows(ctx: Ctx): Promise<Row[]> {
  const cores = availableParallelism();
  const loads: Load[] = [
    { label: 'one process spinning on core 0', spinners: 1, pinned: true },
    { label: `${cores + 1} processes spinning, unpinned`, spinners: cores + 1, pinned: false },
  ];
  const c = { case: 'train', backend: 'native', units: [1024, 1024], batch: 128, optimizer: 'adam', minSeconds: ctx.quick ? 1 : 3 };
  const rounds = ctx.quick ? 1 : 3;
  const rows: Row[] = [];
  for (const load of loads) {
    const runs = { dflt: [] as (number | null)[], one: [] as (number | null)[] };
    for (let r = 0; r < rounds; r++) {
      // the spinners run only while a case is timed, so they never slow the other sections
      for (const [key, env] of [['dflt', {}], ['one', { NNTRAIN_THREADS: '1' }]] as const) {
        const procs = startSpinners(load);
        try {
          runs[key].push(rate(await ctx.child<TrainResult>(`busy-${load.spinners}${load.pinned ? 'p' : 'u'}-${key}-r${r}`, 'node', c, env, false)));
        } finally {
          await stopSpinners(procs);
        }
      }
    }
    const list = (xs: (number | null)[]) => xs.map((x) => (x === null ? 'failed' : fmt(x))).join(' / ');
    rows.push({
      group: 'busy host',
      case: `784-1024-1024-10 b128 Adam, ${load.label}: default threads (${cores}) vs 1 thread`,
      unit: 'samples/s',
      native: best(runs.dflt) ?? 'failed (see JSON)',
      js: null,
      peer: best(runs.one) ?? 'failed (see JSON)',
      peerName: '1 thread',
      note: `best of ${rounds} alternating round(s): default ${list(runs.dflt)}; 1 thread ${list(runs.one)}`,
    });
  }
  return rows;
}

// Running a rank program of this directory under mpirun (or plain node) and reading what each rank
// wrote to OUT_DIR/rank-<rank>.json; the skip reason where mpirun or nntrain's MPI addon is missing.

import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { mpiAddonPath } from '../../../src/backend/mpi.js';
import { ROOT } from '../../helpers/run-script.js';

const hasMpirun = spawnSync('mpirun', ['--version'], { encoding: 'utf8' }).status === 0;

/** Why the mpirun tests cannot run here, or null. */
export const MPI_SKIP = !hasMpirun
  ? 'mpirun is not on PATH (apt-get install openmpi-bin libopenmpi-dev)'
  : !existsSync(mpiAddonPath())
    ? `nntrain's MPI addon is not built (${mpiAddonPath()}; npm run build:mpi)`
    : null;

const scratch: string[] = [];

/** A fresh scratch directory, removed by removeScratch(). */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nntrain-mpi-'));
  scratch.push(dir);
  return dir;
}

export function removeScratch(): void {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The command line of `program` on `np` processes (np 0: plain node, no mpirun). */
function commandLine(program: string, np: number): [string, string[]] {
  const node = [process.execPath, '--import', 'tsx', program];
  return np === 0 ? [node[0], node.slice(1)] : ['mpirun', ['--allow-run-as-root', '--oversubscribe', '-np', String(np), ...node]];
}

export interface RunResult<R> {
  /** The exit code; -1 when the timeout killed the job (it hung). */
  code: number;
  stdout: string;
  stderr: string;
  ranks: R[];
  out: string;
}

/** Runs `program` on `np` processes with OUT_DIR set (a fresh one unless given) and reads each rank's result. */
export function runRanks<R>(program: string, np: number, env: Record<string, string>, timeoutMs = 45_000): Promise<RunResult<R>> {
  const out = env.OUT_DIR ?? scratchDir();
  const [command, args] = commandLine(program, np);
  return new Promise((resolve) => {
    execFile(command, args, { cwd: ROOT, env: { ...process.env, ...env, OUT_DIR: out }, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr, ranks: readRanks<R>(out), out });
    });
  });
}

/** The rank-<r>.json files of `out`, in rank order. */
export function readRanks<R>(out: string): R[] {
  const files = readdirSync(out).filter((f) => /^rank-\d+\.json$/.test(f)).sort();
  return files.map((f) => JSON.parse(readFileSync(join(out, f), 'utf8')) as R);
}

/** Starts `program` on `np` processes under mpirun without waiting (the caller kills ranks, awaits exit). */
export function startRanks(program: string, np: number, env: Record<string, string>): { child: ChildProcess; exited: Promise<{ code: number | null; signal: string | null; stderr: string; at: number }> } {
  const [command, args] = commandLine(program, np);
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null; stderr: string; at: number }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stderr, at: Date.now() }));
  });
  return { child, exited };
}

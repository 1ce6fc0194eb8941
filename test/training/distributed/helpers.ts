// Running a rank program of this directory under mpirun (or plain node) and reading what each rank
// wrote to OUT_DIR/rank-<rank>.json; the skip reason where mpirun or nntrain's MPI addon is missing.
// Programs run from the transpiled build (test/helpers/transpiled.ts); the launches go through
// test/helpers/mpirun.ts.

import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readRanks } from '../../helpers/mpi-cases.js';
import { execMpirun, MPI_SKIP, nodeProgram, spawnMpirun } from '../../helpers/mpirun.js';
import { ROOT } from '../../helpers/run-script.js';

export { MPI_SKIP, readRanks };

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

export interface RunResult<R> {
  /** The exit code; -1 when the timeout killed the job (it hung). */
  code: number;
  stdout: string;
  stderr: string;
  ranks: R[];
  out: string;
}

/** Runs `program` on `np` processes (np 0: plain node, no mpirun) with OUT_DIR set (a fresh one unless given) and reads each rank's result. */
export async function runRanks<R>(program: string, np: number, env: Record<string, string>, timeoutMs = 45_000): Promise<RunResult<R>> {
  const out = env.OUT_DIR ?? scratchDir();
  const full = { ...env, OUT_DIR: out };
  const { code, stdout, stderr } = np === 0 ? await execNode(nodeProgram(program), full, timeoutMs) : await execMpirun(['-np', String(np), ...nodeProgram(program)], { env: full, timeoutMs });
  return { code, stdout, stderr, ranks: readRanks<R>(out), out };
}

function execNode([node, ...args]: string[], env: Record<string, string>, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(node, args, { cwd: ROOT, env: { ...process.env, ...env }, timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/** Starts `program` on `np` processes under mpirun without waiting (the caller kills ranks, awaits exit). */
export function startRanks(program: string, np: number, env: Record<string, string>): { child: ChildProcess; exited: Promise<{ code: number | null; signal: string | null; stderr: string; at: number }> } {
  const { child, exited } = spawnMpirun(['-np', String(np), ...nodeProgram(program)], { env });
  return { child, exited: exited.then(({ code, signal, output, at }) => ({ code, signal, stderr: output, at })) };
}

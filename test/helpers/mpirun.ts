// Every mpirun that a test starts goes through here: the flags a root container needs, a session
// directory of its own, and the reason to skip where Open MPI or nntrain's MPI addon is missing.
// Two mpiruns starting at once on one host race to create the shared session directory under /tmp
// (Open MPI 4: "session_dir.c ... File exists"), and vitest runs several test files at once.

import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { mpiAddonPath } from '../../src/backend/mpi.js';
import { ROOT, type ScriptResult } from './run-script.js';
import { transpiled } from './transpiled.js';

const hasMpirun = spawnSync('mpirun', ['--version'], { encoding: 'utf8' }).status === 0;

/** Why the mpirun tests cannot run here, or null. */
export const MPI_SKIP = !hasMpirun
  ? 'mpirun is not on PATH (apt-get install openmpi-bin libopenmpi-dev)'
  : !existsSync(mpiAddonPath())
    ? `nntrain's MPI addon is not built (${mpiAddonPath()}; npm run build:mpi)`
    : null;

/** node's arguments that run a test program (test/**\/*-program.ts) or a file of src/, from the transpiled build. */
export function nodeProgram(file: string): string[] {
  return [process.execPath, transpiled(file)];
}

interface Launch {
  command: string;
  args: string[];
  /** Removes the job's session directory base (call once the job has ended). */
  done: () => void;
}

/**
 * `mpirun --allow-run-as-root --mca orte_tmpdir_base <fresh dir> ARGV`, after `prefix` (e.g. `ip netns
 * exec ns`); `--oversubscribe` unless `oversubscribe` is false (a job with its own host list).
 */
export function mpirunLaunch(argv: readonly string[], options: { prefix?: readonly string[]; oversubscribe?: boolean } = {}): Launch {
  const session = mkdtempSync(join(tmpdir(), 'nntrain-orte-'));
  const flags = ['--allow-run-as-root', ...(options.oversubscribe === false ? [] : ['--oversubscribe']), '--mca', 'orte_tmpdir_base', session];
  const [command, ...args] = [...(options.prefix ?? []), 'mpirun', ...flags, ...argv];
  return { command, args, done: () => rmSync(session, { recursive: true, force: true }) };
}

export interface MpirunOptions {
  env?: Record<string, string>;
  /** Variables of this process's environment that the job does not get. */
  unset?: readonly string[];
  cwd?: string;
  /** Kills the job after this long (its code is then -1: it hung). */
  timeoutMs?: number;
  prefix?: readonly string[];
  oversubscribe?: boolean;
}

/** This process's environment with `options.env` and without `options.unset`. */
function jobEnv(options: MpirunOptions): NodeJS.ProcessEnv {
  const env = { ...process.env, ...options.env };
  for (const key of options.unset ?? []) delete env[key];
  return env;
}

/** Runs `mpirun ARGV` to its end; code -1 when the timeout killed it. */
export function execMpirun(argv: readonly string[], options: MpirunOptions = {}): Promise<ScriptResult> {
  const launch = mpirunLaunch(argv, options);
  return new Promise((resolve) => {
    execFile(
      launch.command,
      launch.args,
      { cwd: options.cwd ?? ROOT, env: jobEnv(options), timeout: options.timeoutMs ?? 45_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        launch.done();
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

export interface Exited {
  code: number | null;
  signal: string | null;
  /** stdout and stderr, interleaved as they came. */
  output: string;
  /** Date.now() at the exit. */
  at: number;
}

/** Starts `mpirun ARGV` without waiting (the caller kills ranks, then awaits `exited`). */
export function spawnMpirun(argv: readonly string[], options: Omit<MpirunOptions, 'timeoutMs'> = {}): { child: ChildProcess; exited: Promise<Exited> } {
  const launch = mpirunLaunch(argv, options);
  const child = spawn(launch.command, launch.args, { cwd: options.cwd ?? ROOT, env: jobEnv(options), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<Exited>((resolve) => {
    child.on('exit', (code, signal) => {
      const at = Date.now();
      launch.done();
      // the pipes may still hold the last lines
      child.on('close', () => resolve({ code, signal, output, at }));
    });
  });
  return { child, exited };
}

/**
 * The pid of rank `rank` of the job that mpirun `mpirunPid` started on this host (Linux: its children
 * under /proc, told apart by OMPI_COMM_WORLD_RANK in their environment); null while it has not started.
 */
export function rankPid(mpirunPid: number, rank: number): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // the parent pid is the 2nd field after the command name, which may itself hold spaces
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== mpirunPid) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`OMPI_COMM_WORLD_RANK=${rank}`)) return Number(entry);
    } catch {
      // the process ended while it was read
    }
  }
  return null;
}

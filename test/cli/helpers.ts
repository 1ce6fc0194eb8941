// Running the real `nntrain` command in child processes, and copies of the bundled datasets (a header row
// and class names) in a test's own directory, where commands write their outputs beside them.
//
// The command runs from src/ transpiled and bundled once (test/helpers/transpiled.ts) instead of through
// tsx in every process, which keeps the folder's runtime low; cliThroughTsx runs `node --import tsx
// src/cli/main.ts` itself.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, type ScriptResult } from '../helpers/run-script.js';
import { cliBundle } from '../helpers/transpiled.js';

export { ROOT };
export const CLI = join(ROOT, 'src/cli/main.ts');
/** tsx's loader by absolute URL, so the CLI runs from any working directory. */
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** The bundled CLI, built on first use. */
export function cliEntry(): string {
  return cliBundle();
}

/** node's arguments to start the command: the bundled CLI, built on first use. */
function cliArgs(): string[] {
  return [cliBundle()];
}

/** `node --import tsx src/cli/main.ts ARGS`, as a developer runs it. */
export function cliThroughTsx(args: readonly string[]): Promise<ScriptResult> {
  return execNode(['--import', TSX, CLI, ...args], {});
}
export const DATA = join(ROOT, 'data');

/** Runs `nntrain ARGS` (through tsx) in `cwd`, with `input` on its stdin; resolves with the exit code and output. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number; input?: string | Buffer } = {}): Promise<ScriptResult> {
  return execNode([...cliArgs(), ...args], options);
}

function execNode(args: readonly string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number; input?: string | Buffer }): Promise<ScriptResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      args,
      { cwd: options.cwd ?? ROOT, env: { ...process.env, NNTRAIN_THREADS: '1', ...options.env }, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Starts `nntrain ARGS` without waiting (for tests that kill it). */
export function spawnCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): ChildProcess {
  return spawn(process.execPath, [...cliArgs(), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NNTRAIN_THREADS: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The JSON objects of a `--log-format json` run, one per line. */
export function jsonEvents(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A fresh temporary directory and its cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `nntrain-cli-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const IRIS_COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'];

/**
 * Copies of data/iris.csv (`sepal_length,…,species` with species names) and data/breast_cancer.csv (30
 * named features and `diagnosis`, malignant/benign) in `dir`. Returns their paths and iris's data rows.
 */
export function writeBundledCsvs(dir: string): { iris: string; cancer: string; irisRows: string[][] } {
  const irisPath = join(dir, 'iris.csv');
  copyFileSync(join(DATA, 'iris.csv'), irisPath);
  const cancerPath = join(dir, 'cancer.csv');
  copyFileSync(join(DATA, 'breast_cancer.csv'), cancerPath);
  return { iris: irisPath, cancer: cancerPath, irisRows: readCsvRows(irisPath).slice(1) };
}

/** A CSV file's rows (no quoting in these tests). */
export function readCsvRows(path: string): string[][] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => l.split(','));
}

// Runs a TypeScript file in a child process through tsx (or node on a file) and collects its output.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runTs(file: string, env: Record<string, string> = {}, timeoutMs = 120_000): Promise<ScriptResult> {
  return runNode(['--import', 'tsx', file], env, timeoutMs);
}

/** `node ARGS` in the package root (e.g. a transpiled program: test/helpers/transpiled.ts). */
export function runNode(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<ScriptResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

// How the runner and its children talk: a child prints exactly one line `@@bench <json>` on stdout (other
// output is ignored); the runner spawns one process per case and parses that line.

import { spawn } from 'node:child_process';

const TAG = '@@bench ';

/** Child side: report the case's result. */
export function emit(result: unknown): void {
  process.stdout.write(`${TAG}${JSON.stringify(result)}\n`);
}

export interface ChildOutcome<T> {
  ok: boolean;
  result?: T;
  error?: string; // the child's last error line, or why it did not run
  seconds: number;
}

/** Runs `cmd args` with `env` added to this environment; resolves (never rejects) with the parsed result. */
export function runChild<T>(cmd: string, args: string[], env: Record<string, string> = {}, timeoutSeconds = 300): Promise<ChildOutcome<T>> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutSeconds * 1000);
    const done = (error?: string): void => {
      clearTimeout(timer);
      const seconds = (performance.now() - t0) / 1000;
      const line = out.split('\n').find((l) => l.startsWith(TAG));
      if (line !== undefined && error === undefined) resolve({ ok: true, result: JSON.parse(line.slice(TAG.length)) as T, seconds });
      else resolve({ ok: false, error: error ?? lastError(err) ?? 'no result line', seconds });
    };
    child.on('error', (e) => done(e.message));
    child.on('close', (code, signal) => done(signal === 'SIGKILL' ? `timed out after ${timeoutSeconds} s` : code === 0 ? undefined : (lastError(err) ?? `exit code ${code}`)));
  });
}

function lastError(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  return [...lines].reverse().find((l) => /Error|error:|not installed|No module/.test(l)) ?? lines.at(-1);
}

/** p-th percentile (0..100) of the values, nearest rank. */
export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

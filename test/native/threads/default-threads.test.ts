// The pool's default size in a fresh process: the CPUs it may use, divided by the ranks of an MPI job
// on this host when a launcher says how many (so ranks sharing a host do not oversubscribe its cores);
// NNTRAIN_THREADS wins over both.

import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

import { nativeAvailable } from '../../../src/index.js';
import { ROOT } from '../../helpers/run-script.js';
import { transpiled } from '../../helpers/transpiled.js';

// the transpiled library, not tsx: a tsx start costs about a second per process
const PRINT = () => `import { getBackend } from '${pathToFileURL(transpiled('src/index.ts')).href}'; console.log(getBackend('native').info().threads)`;

function defaultThreads(env: Record<string, string>): number {
  const base = { ...process.env };
  for (const key of ['NNTRAIN_THREADS', 'OMPI_COMM_WORLD_LOCAL_SIZE', 'MPI_LOCALNRANKS']) delete base[key];
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', PRINT()], { cwd: ROOT, env: { ...base, ...env }, encoding: 'utf8' });
  return Number(out.trim());
}

describe.skipIf(!nativeAvailable())('the native pool default size', () => {
  it('is the CPUs this process may use, divided by the ranks on this host (at least 1); NNTRAIN_THREADS wins', () => {
    const cpus = defaultThreads({});
    expect(cpus).toBe(availableParallelism()); // node's count is sched_getaffinity's too
    expect(defaultThreads({ OMPI_COMM_WORLD_LOCAL_SIZE: '2' })).toBe(Math.max(1, Math.floor(cpus / 2)));
    expect(defaultThreads({ MPI_LOCALNRANKS: String(cpus * 4) })).toBe(1);
    expect(defaultThreads({ OMPI_COMM_WORLD_LOCAL_SIZE: 'x' })).toBe(cpus); // not a count: ignored
    expect(defaultThreads({ OMPI_COMM_WORLD_LOCAL_SIZE: '2', NNTRAIN_THREADS: '3' })).toBe(3);
  });
});

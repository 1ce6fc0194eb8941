// FMA peak of this machine: compiles bench/peak/fma_peak.c into bench/.cache (cc -O2 -pthread; ISA code is
// chosen at run time by target attributes) and runs it on 1 thread and on every core, each its own process.

import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CACHE_DIR } from '../cache.js';
import type { HostGate } from '../lib/host-gate.js';
import { runChild } from '../lib/protocol.js';

export interface PeakResult {
  isa: string;
  perCore: number; // GFLOP/s, 1 thread
  allCores: number; // GFLOP/s, `cores` threads
  cores: number;
}

/** Compiles fma_peak into bench/.cache; returns its path, or the compiler's first error line. */
export function compileFmaPeak(): { exe: string } | { error: string } {
  const src = fileURLToPath(new URL('../peak/fma_peak.c', import.meta.url));
  const exe = `${CACHE_DIR}fma_peak`;
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    execFileSync('cc', ['-O2', '-pthread', '-o', exe, src], { stdio: ['ignore', 'ignore', 'pipe'] });
    return { exe };
  } catch (err) {
    return { error: `cc failed: ${String((err as { stderr?: Buffer }).stderr ?? err).split('\n')[0]}` };
  }
}

/** `gate` (bench/lib/host-gate.ts) measures the all-core peak outside the host's slow spells. */
export async function measurePeak(exe: string, seconds: number, gate: HostGate | null): Promise<PeakResult | { error: string }> {
  const cores = availableParallelism();
  const run = async (threads: number): Promise<{ isa: string; gflops: number } | undefined> =>
    (await runChild<{ isa: string; gflops: number }>(exe, [String(threads), String(seconds)], {}, 60)).result;
  const one = await run(1);
  const all = gate === null ? await run(cores) : (await gate.run(() => run(cores))).value;
  if (one === undefined || all === undefined) return { error: 'fma_peak printed no result' };
  return { isa: one.isa, perCore: one.gflops, allCores: all.gflops, cores };
}

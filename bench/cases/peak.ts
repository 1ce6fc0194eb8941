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
  bf16PerCore?: number; // GFLOP/s of 512-bit vdpbf16ps, 1 thread; absent without AVX512_BF16
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
  const run = async (threads: number, bf16 = false): Promise<{ isa: string; gflops: number; bf16?: number } | undefined> =>
    (await runChild<{ isa: string; gflops: number; bf16?: number }>(exe, [String(threads), String(seconds), ...(bf16 ? ['bf16'] : [])], {}, 60)).result;
  const one = await run(1, true);
  const all = gate === null ? await run(cores) : (await gate.run(() => run(cores))).value;
  if (one === undefined || all === undefined) return { error: 'fma_peak printed no result' };
  const bf16 = one.bf16 !== undefined && one.bf16 > 0 ? { bf16PerCore: one.bf16 } : {};
  return { isa: one.isa, perCore: one.gflops, allCores: all.gflops, cores, ...bf16 };
}

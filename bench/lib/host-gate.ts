// The host gate: on this VM the two vCPUs sometimes deliver one core's worth of FMA throughput between
// them for seconds at a time (bench/peak/fma_peak.c alone, pinned one thread per vCPU, reads 91 instead of
// ~178 GFLOP/s in about one probe in eight, in runs of several probes). A case measured in such a spell
// reads half speed whatever its code does, native and peers alike. So every timed child runs between two
// short all-core FMA probes and is measured again when either probe is below `threshold` × the healthy
// peak; the JSON keeps every attempt and probe.

import { runChild } from './protocol.js';

export interface Probe {
  gflops: number;
  at: number; // performance.now() when it ended
}

export interface HostGate {
  /** The healthy all-core FMA rate the probes are compared with (the best probe seen). */
  readonly reference: number;
  /** Runs `measure` until the probes before and after it both pass, at most `attempts` times. */
  run<T>(measure: () => Promise<T>, attempts?: number): Promise<{ value: T; attempts: number; probes: number[]; healthy: boolean }>;
}

/** `exe` is the compiled fma_peak; `cores` threads; probes shorter than the peak measurement. */
export async function makeHostGate(exe: string, cores: number, threshold = 0.85): Promise<HostGate> {
  const probe = async (): Promise<Probe> => {
    const out = await runChild<{ gflops: number }>(exe, [String(cores), '0.08'], {}, 30);
    return { gflops: out.result?.gflops ?? 0, at: performance.now() };
  };
  let reference = 0;
  for (let i = 0; i < 5; i++) reference = Math.max(reference, (await probe()).gflops);
  let last: Probe | null = null;
  const healthy = (p: Probe): boolean => {
    reference = Math.max(reference, p.gflops);
    return p.gflops >= threshold * reference;
  };
  return {
    get reference() {
      return reference;
    },
    async run<T>(measure: () => Promise<T>, attempts = 4) {
      const probes: number[] = [];
      let value: T | undefined;
      for (let a = 1; ; a++) {
        // a passing probe that just ended (the previous case's after-probe) also serves as this one's before-probe
        let before: Probe = last !== null && performance.now() - last.at < 1000 ? last : await probe();
        for (let wait = 0; !healthy(before) && wait < 10; wait++) {
          probes.push(before.gflops);
          await new Promise((r) => setTimeout(r, 500));
          before = await probe();
        }
        probes.push(before.gflops);
        value = await measure();
        last = await probe();
        probes.push(last.gflops);
        const ok = healthy(before) && healthy(last);
        if (ok || a >= attempts) return { value, attempts: a, probes, healthy: ok };
      }
    },
  };
}

// The host gate: this VM's two vCPUs change speed for seconds to minutes at a time, in two ways that a case
// measured then cannot tell from its own code (figures: bench/README.md, Notes):
// - one core's worth of FMA throughput between them;
// - the two vCPUs placed far apart: a cache line bounced between them takes several times longer, while
//   the FMA rate stays normal, and two-thread training slows down, since every layer's output and every
//   gradient one thread writes, the other reads.
// So every timed child runs between two short probes of both and is measured again when either probe is
// below `threshold` × the healthy FMA peak or above `farFactor` × the lower quartile of the round trips seen; the JSON
// keeps every attempt and probe.

import { percentile, runChild } from './protocol.js';

export interface Probe {
  gflops: number;
  roundTripNs: number; // core-to-core cache line round trip; 0 when not measured (one usable CPU)
  at: number; // performance.now() when it ended
}

export interface HostGate {
  /** The healthy all-core FMA rate the probes are compared with (the best probe seen). */
  readonly reference: number;
  /** The healthy core-to-core round trip in ns (the lower quartile of the readings; 0 when not measured). */
  readonly nearNs: number;
  /** Runs `measure` until the probes before and after it both pass, at most `attempts` times. */
  run<T>(measure: () => Promise<T>, attempts?: number): Promise<{ value: T; attempts: number; probes: Probe[]; healthy: boolean }>;
}

/**
 * `exe` is the compiled fma_peak; `cores` threads; probes shorter than the peak measurement. Before each attempt
 * the gate waits up to `maxWaitMs` for a healthy probe. Waiting and measuring again stop once the run has spent
 * `budgetMs` on them in all (a host that stays slow for long must not stretch a bench into hours): later cases
 * are measured once, and marked unhealthy if a probe is off.
 */
export async function makeHostGate(exe: string, cores: number, threshold = 0.85, farFactor = 2.5, maxWaitMs = 120_000, budgetMs = 600_000): Promise<HostGate> {
  const probe = async (): Promise<Probe> => {
    const out = await runChild<{ gflops: number; roundTripNs?: number }>(exe, [String(cores), '0.08'], {}, 30);
    return { gflops: out.result?.gflops ?? 0, roundTripNs: out.result?.roundTripNs ?? 0, at: performance.now() };
  };
  let reference = 0;
  let nearNs = 0;
  // the healthy round trip is the lower quartile of every reading so far: a few readings come out far below
  // the usual ones, and a minimum would then mark every usual probe far; a quartile also recovers when the
  // run starts in a far spell, once a quarter of the probes are near
  const roundTrips: number[] = [];
  const learn = (p: Probe): void => {
    reference = Math.max(reference, p.gflops);
    if (p.roundTripNs <= 0) return;
    roundTrips.push(p.roundTripNs);
    nearNs = percentile(roundTrips, 25);
  };
  for (let i = 0; i < 5; i++) learn(await probe());
  let last: Probe | null = null;
  let spent = 0; // ms spent waiting for healthy probes and on attempts that were measured again
  const healthy = (p: Probe): boolean => {
    learn(p);
    const near = p.roundTripNs === 0 || p.roundTripNs <= farFactor * nearNs;
    return p.gflops >= threshold * reference && near;
  };
  return {
    get reference() {
      return reference;
    },
    get nearNs() {
      return nearNs;
    },
    async run<T>(measure: () => Promise<T>, attempts = 4) {
      const probes: Probe[] = [];
      let value: T | undefined;
      for (let a = 1; ; a++) {
        // a passing probe that just ended (the previous case's after-probe) also serves as this one's before-probe
        let before: Probe = last !== null && performance.now() - last.at < 1000 ? last : await probe();
        // far-placement spells last minutes (1.5-2 min seen), so wait that long for a healthy probe
        const waitStart = performance.now();
        const waitUntil = waitStart + Math.min(maxWaitMs, budgetMs - spent);
        while (!healthy(before) && performance.now() < waitUntil) {
          probes.push(before);
          await new Promise((r) => setTimeout(r, 1000));
          before = await probe();
        }
        spent += performance.now() - waitStart;
        probes.push(before);
        const measureStart = performance.now();
        value = await measure();
        last = await probe();
        probes.push(last);
        const ok = healthy(before) && healthy(last);
        if (ok || a >= attempts || spent >= budgetMs) return { value, attempts: a, probes, healthy: ok };
        spent += performance.now() - measureStart; // this attempt is thrown away
      }
    },
  };
}

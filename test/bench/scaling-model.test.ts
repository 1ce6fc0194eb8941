// bench/scaling-model.ts: the ring all-reduce cost, the hidden share's bounds and the efficiency the README
// table is computed with.

import { describe, expect, it } from 'vitest';

import { efficiency, hiddenShare, ringAllreduce } from '../../bench/scaling-model.js';
import type { ScalingCase } from '../../bench/scaling.js';

const big = (off: number, on: number, compute: number): ScalingCase => ({ units: [1024, 1024], batch: 512, gradientBytes: 7_454_760, oneProcess: 100, compute, off, on, rounds: { oneProcess: [], compute: [], off: [], on: [] } });

describe('the scaling model', () => {
  it('ring all-reduce: 2(p−1)/p of the bytes over the bandwidth plus 2(p−1) latencies', () => {
    expect(ringAllreduce(7_454_760, 8, 12.5e9, 10e-6)).toBeCloseTo((2 * 7 * 7_454_760) / 8 / 12.5e9 + 14 * 10e-6, 12);
    expect(ringAllreduce(1e6, 1, 1e9, 1e-3)).toBe(0); // one machine: nothing to exchange
  });

  it('the hidden share is the measured one, clamped to [0, 1] and to the gradient outside the first layer', () => {
    expect(hiddenShare(big(30, 25, 20))).toBeCloseTo(0.5, 12);
    expect(hiddenShare(big(30, 35, 20))).toBe(0); // the overlap measured slower
    expect(hiddenShare(big(30, 20, 20))).toBeCloseTo(1 - (4 * 785 * 1024) / 7_454_760, 12); // all hidden: capped
    expect(hiddenShare(big(20, 20, 25))).toBe(0); // no time spent on the all-reduce
  });

  it('efficiency = t_compute / (t_compute + (1 − h) t_allreduce)', () => {
    expect(efficiency(0.09, 0.01, 0)).toBeCloseTo(0.9, 12);
    expect(efficiency(0.09, 0.02, 0.5)).toBeCloseTo(0.9, 12);
  });
});

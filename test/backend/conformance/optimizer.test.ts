// optimizerStep of every backend against torch.optim's documented update rules in float64 (every optimizer and
// flag combination, n = 1, 17, 1000, three consecutive steps from fresh and from warm state), js-vs-native
// parity on the same inputs, and sumSquares.

import { describe, it } from 'vitest';
import { OPTIMIZER_SLOTS, Optimizer } from '../../../src/backend/codes.js';
import type { OptimizerName } from '../../../src/backend/codes.js';
import type { Backend, OptimizerSpec } from '../../../src/backend/contract.js';
import { Rng } from '../../../src/util/rng.js';
import { BACKENDS, BOTH_AVAILABLE, optimizerSpec, randn } from '../../helpers/backends.js';
import { checkClose, checkExact, checkScalar, maxAbs } from '../../helpers/check.js';
import { refOptimizerStep } from '../../helpers/optimizer-reference.js';

// hyper per codes.ts: sgd [momentum, dampening, nesterov, wd]; adagrad [lrDecay, wd, initAcc, eps];
// adadelta [rho, eps, wd]; rmsprop [alpha, eps, wd, momentum, centered]; adam(w) [b1, b2, eps, wd, amsgrad];
// adamax [b1, b2, eps, wd]; nadam [b1, b2, eps, wd, momentumDecay, decoupled]; radam [b1, b2, eps, wd, decoupled].
// radam's ρ_t passes 5 at t = 6 (β2 0.999 and 0.99): fresh runs (t = 1..3) take the SGD-like step, warm ones
// (t = 6..8) the rectified one.
const COMBOS: [OptimizerName, number[]][] = [
  ['sgd', [0, 0, 0, 0]],
  ['sgd', [0, 0, 0, 0.01]],
  ['sgd', [0.9, 0, 0, 0]],
  ['sgd', [0.9, 0.1, 0, 0.01]],
  ['sgd', [0.9, 0, 1, 0]],
  ['sgd', [0.5, 0, 1, 0.05]],
  ['adagrad', [0, 0, 0, 1e-10]],
  ['adagrad', [0.01, 0.01, 0.1, 1e-10]],
  ['adagrad', [0, 0, 0.5, 1e-6]],
  ['adadelta', [0.9, 1e-6, 0]],
  ['adadelta', [0.95, 1e-6, 0.01]],
  ['rmsprop', [0.99, 1e-8, 0, 0, 0]],
  ['rmsprop', [0.99, 1e-8, 0.01, 0, 0]],
  ['rmsprop', [0.9, 1e-8, 0, 0.9, 0]],
  ['rmsprop', [0.99, 1e-8, 0, 0, 1]],
  ['rmsprop', [0.9, 1e-8, 0.01, 0.5, 1]],
  ['adam', [0.9, 0.999, 1e-8, 0, 0]],
  ['adam', [0.9, 0.999, 1e-8, 0.01, 0]],
  ['adam', [0.9, 0.999, 1e-8, 0, 1]],
  ['adam', [0.8, 0.99, 1e-6, 0.05, 1]],
  ['adamw', [0.9, 0.999, 1e-8, 0, 0]],
  ['adamw', [0.9, 0.999, 1e-8, 0.01, 0]],
  ['adamw', [0.9, 0.999, 1e-8, 0.01, 1]],
  ['adamw', [0.8, 0.99, 1e-6, 0.1, 1]],
  ['adamax', [0.9, 0.999, 1e-8, 0]],
  ['adamax', [0.8, 0.99, 1e-6, 0.05]],
  ['nadam', [0.9, 0.999, 1e-8, 0, 0.004, 0]],
  ['nadam', [0.9, 0.999, 1e-8, 0.01, 0.004, 0]],
  ['nadam', [0.8, 0.99, 1e-6, 0.1, 0.01, 1]],
  ['radam', [0.9, 0.999, 1e-8, 0, 0]],
  ['radam', [0.9, 0.999, 1e-8, 0.01, 0]],
  ['radam', [0.8, 0.99, 1e-6, 0.1, 1]],
];
const SIZES = [1, 17, 1000];
const LRS = [0.05, 0.01, 0.02];

interface OptState {
  params: Float32Array;
  slots: Float32Array[];
  grads: Float32Array[]; // one per step
}

/**
 * Inputs for 3 steps of n parameters, with 3 spare cells past n (they must not change). Fresh state is
 * zero (adagrad's sum at initialAccumulatorValue, as the optimizer class initializes it); warm state is
 * random but valid (squares and adamax's norm >= 0, rmsprop sq − ga² >= 0.01, vmax >= v).
 */
function makeState(opt: OptimizerSpec, n: number, warm: boolean, seed: number): OptState {
  const rng = new Rng(seed);
  const len = n + 3;
  const params = randn(rng, len);
  const slots = Array.from({ length: OPTIMIZER_SLOTS[opt.kind] }, () => new Float32Array(len));
  const pos = (s: number) => Math.abs(rng.normal()) * s;
  for (let i = 0; i < len; i++) {
    switch (opt.kind) {
      case Optimizer.sgd:
        if (warm) slots[0][i] = rng.normal();
        break;
      case Optimizer.adagrad:
        slots[0][i] = opt.hyper[2] + (warm ? pos(1) : 0);
        break;
      case Optimizer.adadelta:
        if (warm) {
          slots[0][i] = pos(0.1);
          slots[1][i] = pos(0.01);
        }
        break;
      case Optimizer.rmsprop:
        if (warm) {
          slots[2][i] = 0.1 * rng.normal();
          slots[0][i] = slots[2][i] ** 2 + 0.01 + pos(0.1);
          slots[1][i] = rng.normal();
        }
        break;
      default: // adam, adamw, adamax, nadam, radam (the last three without a third slot)
        if (warm) {
          slots[0][i] = 0.1 * rng.normal();
          slots[1][i] = pos(0.01);
          if (slots.length > 2) slots[2][i] = slots[1][i] + pos(0.01);
        }
    }
  }
  const grads = LRS.map(() => {
    const g = randn(rng, len);
    if (n > 10) g[3] = g[7] = 0; // zero gradients must give well-defined (finite) updates
    return g;
  });
  return { params, slots, grads };
}

/** Runs 3 steps on a backend over copies of the state; returns the final params and slots. */
function runSteps(be: Backend, opt: OptimizerSpec, st: OptState, n: number, firstStep: number) {
  const params = st.params.slice();
  const slots = st.slots.map((s) => s.slice());
  LRS.forEach((lr, s) => be.optimizerStep(params, st.grads[s].slice(), slots, n, opt, lr, firstStep + s));
  return { params, slots };
}

function refSteps(opt: OptimizerSpec, st: OptState, n: number, firstStep: number) {
  const params = Float64Array.from(st.params.subarray(0, n));
  const slots = st.slots.map((s) => Float64Array.from(s.subarray(0, n)));
  LRS.forEach((lr, s) => refOptimizerStep(params, st.grads[s].subarray(0, n), slots, opt, lr, firstStep + s));
  return { params, slots };
}

const comboName = ([name, h]: [OptimizerName, number[]]) => `${name} [${h.join(', ')}]`;

describe.each(BACKENDS)('optimizerStep [$name]', ({ available, get }) => {
  describe.skipIf(!available)('vs float64 torch.optim rules', () => {
    it.each(COMBOS.map((c) => [comboName(c), c] as const))('%s: 3 steps, fresh and warm state', (_, [name, hyper]) => {
      const opt = optimizerSpec(name, hyper);
      for (const n of SIZES) {
        for (const warm of [false, true]) {
          const st = makeState(opt, n, warm, 17 * n + (warm ? 1 : 0) + COMBOS.findIndex((c) => c[1] === hyper));
          const first = warm ? 6 : 1;
          const got = runSteps(get(), opt, st, n, first);
          const want = refSteps(opt, st, n, first);
          const label = `${name} [${hyper.join(',')}] n=${n} ${warm ? 'warm (t=6..8)' : 'fresh (t=1..3)'}`;
          // Params are O(1) and move by at most ~0.5 per step: float32 rounding of p and of each update
          // stays under ~1e-6 absolute over 3 steps; 2e-6 + 1e-5 relative leaves room for sqrt/pow.
          checkClose(got.params.subarray(0, n), want.params, { abs: 2e-6, rel: 1e-5 }, `${label}: params`);
          // Slots span many magnitudes (v ~ g²): 1e-5 relative with a floor of 1e-6 of the slot's largest.
          got.slots.forEach((s, k) => checkClose(s.subarray(0, n), want.slots[k], { abs: 1e-6 * maxAbs(want.slots[k]) + 1e-30, rel: 1e-5 }, `${label}: slot ${k}`));
          checkExact(got.params.subarray(n), st.params.subarray(n), `${label}: params past n`);
          got.slots.forEach((s, k) => checkExact(s.subarray(n), st.slots[k].subarray(n), `${label}: slot ${k} past n`));
        }
      }
    });
  });

  describe.skipIf(!available)('sumSquares', () => {
    it('equals the float64 sum over the first n elements only', () => {
      const rng = new Rng(900);
      for (const n of [0, 1, 7, 17, 1000, 100_003]) {
        const x = randn(rng, n + 4, 3);
        x.fill(1e30, n); // past n: must be ignored
        let want = 0;
        for (let i = 0; i < n; i++) want += x[i] * x[i];
        // float64 accumulation: ~n·2^-53 relative; 1e-6 admits float32 products, rejects float32 sums.
        checkScalar(get().sumSquares(x, n), want, { abs: 0, rel: 1e-6 }, `sumSquares n=${n}`);
      }
    });

    it('does not overflow for finite float32 gradients (|x| = 1e20, Σx² = 2e40)', () => {
      // The global-norm check must not call a finite gradient non-finite: squares belong in float64.
      const x = Float32Array.of(1e20, -1e20);
      const want = 2 * Math.fround(1e20) ** 2;
      checkScalar(get().sumSquares(x, 2), want, { abs: 0, rel: 1e-12 }, 'sumSquares of 1e20');
    });
  });
});

describe.skipIf(!BOTH_AVAILABLE)('optimizerStep parity js vs native', () => {
  it.each(COMBOS.map((c) => [comboName(c), c] as const))('%s', (_, [name, hyper]) => {
    const [js, native] = BACKENDS.map((b) => b.get());
    const opt = optimizerSpec(name, hyper);
    for (const n of SIZES) {
      for (const warm of [false, true]) {
        const st = makeState(opt, n, warm, 31 * n + (warm ? 1 : 0));
        const a = runSteps(js, opt, st, n, warm ? 6 : 1);
        const b = runSteps(native, opt, st, n, warm ? 6 : 1);
        const label = `${name} [${hyper.join(',')}] n=${n} ${warm ? 'warm' : 'fresh'}: native vs js`;
        // Both are float32 implementations of the same formulas: a few ulps apart at most.
        checkClose(b.params, a.params, { abs: 1e-6, rel: 4e-6 }, `${label} params`);
        b.slots.forEach((s, k) => checkClose(s, a.slots[k], { abs: 1e-6 * maxAbs(a.slots[k]) + 1e-30, rel: 4e-6 }, `${label} slot ${k}`));
      }
    }
  });
});

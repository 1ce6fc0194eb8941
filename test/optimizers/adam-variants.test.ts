// Adamax, NAdam and RAdam: torch.optim's defaults, validation, spec layout and config round trips, and
// their update rules derived by hand for a constant gradient (where m / (1 − β1ᵗ) = g and v / (1 − β2ᵗ) = g²,
// so each step has a closed form) on both backends, plus three steps of each optimizer's own getConfig()
// against the float64 reference (test/helpers/optimizer-reference.ts).

import { describe, expect, it } from 'vitest';
import { OPTIMIZER_HYPER_LENGTH, Optimizer as OptimizerCode } from '../../src/backend/codes.js';
import { Adamax, Nadam, Optimizer, type OptimizerConfig, Radam, optimizerFromConfig, optimizers, resolveOptimizer } from '../../src/optimizers/index.js';
import { BACKENDS } from '../helpers/backends.js';
import { checkWithin } from '../helpers/check.js';
import { expectConfigError } from '../helpers/errors.js';
import { refOptimizerUpdate } from '../helpers/optimizer-reference.js';

const COMMON = { clipNorm: 0, clipValue: 0 };

describe('defaults (torch.optim)', () => {
  it.each<[string, Optimizer, OptimizerConfig, number]>([
    ['adamax', optimizers.adamax(), { name: 'adamax', learningRate: 0.002, ...COMMON, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, 2],
    [
      'nadam',
      optimizers.nadam(),
      { name: 'nadam', learningRate: 0.002, ...COMMON, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, momentumDecay: 0.004, decoupledWeightDecay: false },
      2,
    ],
    ['radam', optimizers.radam(), { name: 'radam', learningRate: 0.001, ...COMMON, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false }, 2],
  ])('%s', (name, opt, config, slots) => {
    expect(opt.name).toBe(name);
    expect(opt.getConfig()).toEqual(config);
    expect(resolveOptimizer(name).getConfig()).toEqual(config);
    expect(opt.slotCount).toBe(slots);
  });

  it('classes match their factories', () => {
    expect(optimizers.adamax()).toBeInstanceOf(Adamax);
    expect(optimizers.nadam()).toBeInstanceOf(Nadam);
    expect(optimizers.radam()).toBeInstanceOf(Radam);
  });
});

describe('validation', () => {
  it.each<[string, () => unknown, string]>([
    ['adamax beta1 = 1', () => optimizers.adamax({ beta1: 1 }), 'Expected number in [0, 1) for beta1 but received 1'],
    ['adamax eps 0', () => optimizers.adamax({ eps: 0 }), 'Expected number > 0 for eps but received 0'],
    ['nadam momentumDecay < 0', () => optimizers.nadam({ momentumDecay: -0.1 }), 'Expected number >= 0 for momentumDecay but received -0.1'],
    ['nadam decoupledWeightDecay type', () => optimizers.nadam({ decoupledWeightDecay: 1 as unknown as boolean }), 'Expected boolean for decoupledWeightDecay but received 1'],
    ['radam beta2 < 0', () => optimizers.radam({ beta2: -0.5 }), 'Expected number in [0, 1) for beta2 but received -0.5'],
    ['radam weightDecay < 0', () => optimizers.radam({ weightDecay: -1 }), 'Expected number >= 0 for weightDecay but received -1'],
  ])('%s', (_label, fn, message) => expectConfigError(fn, message));

  it('rejects options of other optimizers with a list of the valid ones', () => {
    expectConfigError(
      () => optimizers.adamax({ amsgrad: true } as unknown as object),
      "Unknown option 'amsgrad' for optimizers.adamax. Valid options: learningRate, clipNorm, clipValue, beta1, beta2, eps, weightDecay",
    );
    expectConfigError(
      () => optimizers.radam({ momentumDecay: 0.01 } as unknown as object),
      "Unknown option 'momentumDecay' for optimizers.radam. Valid options: learningRate, clipNorm, clipValue, beta1, beta2, eps, weightDecay, decoupledWeightDecay",
    );
  });
});

describe('toSpec and config round trip', () => {
  const pad = (h: number[]) => [...h, ...new Array<number>(OPTIMIZER_HYPER_LENGTH - h.length).fill(0)];

  it.each<[Optimizer, number, number[]]>([
    [optimizers.adamax({ beta1: 0.1, beta2: 0.2, eps: 0.3, weightDecay: 0.4 }), OptimizerCode.adamax, [0.1, 0.2, 0.3, 0.4]],
    [optimizers.nadam({ beta1: 0.1, beta2: 0.2, eps: 0.3, weightDecay: 0.4, momentumDecay: 0.5, decoupledWeightDecay: true }), OptimizerCode.nadam, [0.1, 0.2, 0.3, 0.4, 0.5, 1]],
    [optimizers.radam({ beta1: 0.1, beta2: 0.2, eps: 0.3, weightDecay: 0.4, decoupledWeightDecay: true }), OptimizerCode.radam, [0.1, 0.2, 0.3, 0.4, 1]],
  ])('%# hyper layout as codes.ts, and getConfig → JSON → optimizerFromConfig', (opt, kind, hyper) => {
    const spec = opt.toSpec();
    expect(spec.kind).toBe(kind);
    expect(spec.hyper).toEqual(pad(hyper));
    const again = optimizerFromConfig(JSON.parse(JSON.stringify(opt.getConfig())) as OptimizerConfig);
    expect(again).toBeInstanceOf(opt.constructor);
    expect(again.toSpec()).toEqual(spec);
  });
});

/** Runs `steps` steps of a constant gradient g on one parameter p0 through a backend; the parameter after each. */
function constantGradient(backend: (typeof BACKENDS)[number], opt: Optimizer, p0: number, g: number, steps: number): number[] {
  const params = Float32Array.of(p0);
  const grads = Float32Array.of(g);
  const slots = Array.from({ length: opt.slotCount }, () => new Float32Array(1));
  opt.initSlots(slots);
  const out: number[] = [];
  for (let t = 1; t <= steps; t++) {
    backend.get().optimizerStep(params, grads, slots, 1, opt.toSpec(), opt.learningRate, t);
    out.push(params[0]);
  }
  return out;
}

describe.each(BACKENDS)('hand-derived steps of a constant gradient [$name]', (backend) => {
  const g = Math.fround(0.25);
  const lr = 0.01;
  // float32 parameters near 1 after a few float64 updates: a few ulps of 1
  const near = (got: number[], want: number[], label: string) => checkWithin(got, want, () => 4e-7, label);

  it.skipIf(!backend.available)('adamax: u = |g| + eps every step, so p drops by lr·g/(|g| + eps) per step', () => {
    const got = constantGradient(backend, optimizers.adamax({ learningRate: lr }), 1, g, 4);
    const step = (lr * g) / (g + 1e-8);
    near(got, [1, 2, 3, 4].map((t) => 1 - t * step), 'adamax');
  });

  it.skipIf(!backend.available)('nadam: p drops by lr(1 − μ_t)/(1 − Πμ) + lr·μ_{t+1}(1 − β1ᵗ)/(1 − Πμ·μ_{t+1}), scaled by g/(|g| + eps)', () => {
    const got = constantGradient(backend, optimizers.nadam({ learningRate: lr }), 1, g, 4);
    const mu = (t: number) => 0.9 * (1 - 0.5 * 0.96 ** (t * 0.004));
    const want: number[] = [];
    let p = 1;
    let product = 1;
    for (let t = 1; t <= 4; t++) {
      product *= mu(t);
      const scale = g / (g + 1e-8);
      p -= ((lr * (1 - mu(t))) / (1 - product)) * scale + ((lr * mu(t + 1) * (1 - 0.9 ** t)) / (1 - product * mu(t + 1))) * scale;
      want.push(p);
    }
    near(got, want, 'nadam');
    // μ_1 = 0.9·(1 − 0.5·0.96^0.004) ≈ 0.450073, so the first step is ≈ lr·(1 + 0.2537)
    expect(1 - got[0]).toBeCloseTo(lr * (1 + (0.45014694 * 0.1) / (1 - 0.45007347 * 0.45014694)), 6);
  });

  it.skipIf(!backend.available)('radam: SGD-like steps of lr·g while ρ_t ≤ 5 (t ≤ 5 at β2 0.999), then rectified lr·r_t·g/(|g| + eps)', () => {
    const got = constantGradient(backend, optimizers.radam({ learningRate: lr }), 1, g, 7);
    const rhoInf = 2 / (1 - 0.999) - 1;
    const rho = (t: number) => rhoInf - (2 * t * 0.999 ** t) / (1 - 0.999 ** t);
    expect(rho(5)).toBeLessThan(5);
    expect(rho(6)).toBeGreaterThan(5);
    const rect = (t: number) => Math.sqrt(((rho(t) - 4) * (rho(t) - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho(t)));
    const want = [1, 2, 3, 4, 5].map((t) => 1 - t * lr * g);
    want.push(want[4] - lr * rect(6) * (g / (g + 1e-8)));
    want.push(want[5] - lr * rect(7) * (g / (g + 1e-8)));
    near(got, want, 'radam');
    // r_6 = √(1.994·3.994·1999 / (1995·1997·5.994)) ≈ 0.0258: the first rectified step is small
    expect(rect(6)).toBeCloseTo(0.0258, 4);
  });

  it.skipIf(!backend.available)('decoupled weight decay scales p by 1 − lr·λ; coupled adds λ·p to the gradient', () => {
    // g = 0, λ = 0.5, lr = 0.01: radam decoupled at t = 1 gives p·(1 − 0.005) and no gradient step
    expect(constantGradient(backend, optimizers.radam({ learningRate: lr, weightDecay: 0.5, decoupledWeightDecay: true }), 1, 0, 1)[0]).toBeCloseTo(0.995, 7);
    // coupled: g = 0.5·p = 0.5, an SGD-like first step of lr·g
    expect(constantGradient(backend, optimizers.radam({ learningRate: lr, weightDecay: 0.5 }), 1, 0, 1)[0]).toBeCloseTo(0.995, 7);
    // nadam decoupled with g = 0 moves p only by the decay: m = v = 0, and 0 / (0 + eps) = 0
    expect(constantGradient(backend, optimizers.nadam({ learningRate: lr, weightDecay: 0.5, decoupledWeightDecay: true }), 1, 0, 2)).toEqual([
      Math.fround(0.995),
      Math.fround(Math.fround(0.995) * 0.995),
    ]);
  });
});

describe.each(BACKENDS)('three steps against the float64 reference [$name]', (backend) => {
  const P0 = [0.5, -0.3, 0.8, 0.05, -1.2];
  const GRADS = [
    [0.1, -0.2, 0.3, 0, 1.5],
    [-0.05, 0.4, 0.25, 0, -0.7],
    [0.2, 0.1, -0.35, 0.01, 0.02],
  ];
  const cases: Optimizer[] = [
    optimizers.adamax({ learningRate: 0.1 }),
    optimizers.adamax({ learningRate: 0.1, weightDecay: 0.1, beta1: 0.8, beta2: 0.9 }),
    optimizers.nadam({ learningRate: 0.1 }),
    optimizers.nadam({ learningRate: 0.1, weightDecay: 0.1, momentumDecay: 0.05 }),
    optimizers.nadam({ learningRate: 0.1, weightDecay: 0.1, decoupledWeightDecay: true, beta2: 0.9 }),
    optimizers.radam({ learningRate: 0.1 }),
    optimizers.radam({ learningRate: 0.1, weightDecay: 0.1, beta2: 0.9 }),
    optimizers.radam({ learningRate: 0.1, weightDecay: 0.1, decoupledWeightDecay: true }),
  ];

  it.skipIf(!backend.available).each(cases.map((c) => [JSON.stringify(c.getConfig()), c] as const))('%s', (_label, opt) => {
    const n = P0.length;
    const params = Float32Array.from(P0);
    const slots = Array.from({ length: opt.slotCount }, () => new Float32Array(n));
    opt.initSlots(slots);
    const lrs = [opt.learningRate, opt.learningRate * 0.5, opt.learningRate * 0.25];
    const ref = { p: P0.map(Math.fround), slots: slots.map(() => new Array<number>(n).fill(0)) };
    for (let t = 1; t <= 3; t++) {
      backend.get().optimizerStep(params, Float32Array.from(GRADS[t - 1]), slots, n, opt.toSpec(), lrs[t - 1], t);
      refOptimizerUpdate(opt.getConfig() as Parameters<typeof refOptimizerUpdate>[0], ref.p, GRADS[t - 1].map(Math.fround), ref.slots, lrs[t - 1], t);
    }
    checkWithin(params, ref.p, (i) => 1e-6 * Math.abs(ref.p[i]) + 1e-7, 'params');
    slots.forEach((s, k) => {
      const scale = Math.max(...ref.slots[k].map(Math.abs));
      checkWithin(s, ref.slots[k], (i) => 1e-5 * Math.abs(ref.slots[k][i]) + 1e-6 * scale, `slot ${k}`);
    });
  });
});

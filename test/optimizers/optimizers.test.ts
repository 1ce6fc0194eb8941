// Optimizers: defaults, validation messages, spec layout, config round trips, and three update steps of
// every optimizer through each backend's optimizerStep against the float64 reference of the update rules
// torch.optim documents (test/helpers/optimizer-reference.ts, fed each optimizer's own getConfig()).

import { describe, expect, it } from 'vitest';
import { OPTIMIZER_HYPER_LENGTH, Optimizer as OptimizerCode } from '../../src/backend/codes.js';
import {
  Adadelta,
  Adagrad,
  Adam,
  AdamW,
  Optimizer,
  type OptimizerConfig,
  RmsProp,
  Sgd,
  optimizerFromConfig,
  optimizers,
  resolveOptimizer,
} from '../../src/optimizers/index.js';
import { ShapeError } from '../../src/util/errors.js';
import { BACKENDS } from '../helpers/backends.js';
import { checkWithin } from '../helpers/check.js';
import { expectConfigError } from '../helpers/errors.js';
import { refOptimizerUpdate } from '../helpers/optimizer-reference.js';

const COMMON = { clipNorm: 0, clipValue: 0 };

describe('optimizer defaults (torch.optim; sgd learningRate from Keras)', () => {
  it.each<[string, Optimizer, OptimizerConfig]>([
    ['sgd', optimizers.sgd(), { name: 'sgd', learningRate: 0.01, ...COMMON, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 }],
    ['adagrad', optimizers.adagrad(), { name: 'adagrad', learningRate: 0.01, ...COMMON, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 }],
    ['adadelta', optimizers.adadelta(), { name: 'adadelta', learningRate: 1.0, ...COMMON, rho: 0.9, eps: 1e-6, weightDecay: 0 }],
    ['rmsprop', optimizers.rmsprop(), { name: 'rmsprop', learningRate: 0.01, ...COMMON, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false }],
    ['adam', optimizers.adam(), { name: 'adam', learningRate: 0.001, ...COMMON, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false }],
    ['adamw', optimizers.adamw(), { name: 'adamw', learningRate: 0.001, ...COMMON, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, amsgrad: false }],
  ])('%s', (name, opt, config) => {
    expect(opt.name).toBe(name);
    expect(opt.getConfig()).toEqual(config);
    expect(resolveOptimizer(name).getConfig()).toEqual(config);
  });

  it('classes match their factories', () => {
    expect(optimizers.sgd()).toBeInstanceOf(Sgd);
    expect(optimizers.adagrad()).toBeInstanceOf(Adagrad);
    expect(optimizers.adadelta()).toBeInstanceOf(Adadelta);
    expect(optimizers.rmsprop()).toBeInstanceOf(RmsProp);
    expect(optimizers.adam()).toBeInstanceOf(Adam);
    expect(optimizers.adamw()).toBeInstanceOf(AdamW);
  });
});

describe('optimizer validation', () => {
  it.each<[string, () => unknown, string]>([
    ['learningRate <= 0', () => optimizers.adam({ learningRate: -1 }), 'Expected number > 0 for learningRate but received -1'],
    ['learningRate 0', () => optimizers.sgd({ learningRate: 0 }), 'Expected number > 0 for learningRate but received 0'],
    ['learningRate NaN', () => optimizers.rmsprop({ learningRate: NaN }), 'Expected number > 0 for learningRate but received NaN'],
    ['learningRate string', () => optimizers.adagrad({ learningRate: '0.1' as unknown as number }), "Expected number > 0 for learningRate but received '0.1'"],
    ['clipNorm < 0', () => optimizers.adam({ clipNorm: -0.5 }), 'Expected number >= 0 for clipNorm but received -0.5'],
    ['clipValue Infinity', () => optimizers.adam({ clipValue: Infinity }), 'Expected number >= 0 for clipValue but received Infinity'],
    ['sgd momentum', () => optimizers.sgd({ momentum: 1.5 }), 'Expected number in [0, 1] for momentum but received 1.5'],
    ['sgd dampening', () => optimizers.sgd({ dampening: -0.1 }), 'Expected number in [0, 1] for dampening but received -0.1'],
    ['sgd nesterov type', () => optimizers.sgd({ nesterov: 1 as unknown as boolean }), 'Expected boolean for nesterov but received 1'],
    ['sgd weightDecay', () => optimizers.sgd({ weightDecay: -1e-4 }), 'Expected number >= 0 for weightDecay but received -0.0001'],
    [
      'sgd nesterov without momentum',
      () => optimizers.sgd({ nesterov: true }),
      'nesterov requires momentum > 0 and dampening 0 but received momentum 0 and dampening 0',
    ],
    [
      'sgd nesterov with dampening',
      () => optimizers.sgd({ nesterov: true, momentum: 0.9, dampening: 0.1 }),
      'nesterov requires momentum > 0 and dampening 0 but received momentum 0.9 and dampening 0.1',
    ],
    ['adagrad lrDecay', () => optimizers.adagrad({ lrDecay: -1 }), 'Expected number >= 0 for lrDecay but received -1'],
    ['adagrad initialAccumulatorValue', () => optimizers.adagrad({ initialAccumulatorValue: -0.1 }), 'Expected number >= 0 for initialAccumulatorValue but received -0.1'],
    ['adagrad eps', () => optimizers.adagrad({ eps: 0 }), 'Expected number > 0 for eps but received 0'],
    ['adadelta rho', () => optimizers.adadelta({ rho: 1.1 }), 'Expected number in [0, 1] for rho but received 1.1'],
    ['adadelta eps', () => optimizers.adadelta({ eps: -1 }), 'Expected number > 0 for eps but received -1'],
    ['rmsprop alpha', () => optimizers.rmsprop({ alpha: -0.5 }), 'Expected number in [0, 1] for alpha but received -0.5'],
    ['rmsprop momentum', () => optimizers.rmsprop({ momentum: 2 }), 'Expected number in [0, 1] for momentum but received 2'],
    ['rmsprop centered', () => optimizers.rmsprop({ centered: 'yes' as unknown as boolean }), "Expected boolean for centered but received 'yes'"],
    ['adam beta1 = 1', () => optimizers.adam({ beta1: 1 }), 'Expected number in [0, 1) for beta1 but received 1'],
    ['adam beta2 < 0', () => optimizers.adam({ beta2: -0.1 }), 'Expected number in [0, 1) for beta2 but received -0.1'],
    ['adam eps', () => optimizers.adam({ eps: 0 }), 'Expected number > 0 for eps but received 0'],
    ['adam amsgrad', () => optimizers.adam({ amsgrad: null as unknown as boolean }), 'Expected boolean for amsgrad but received null'],
    ['adamw weightDecay', () => optimizers.adamw({ weightDecay: -0.01 }), 'Expected number >= 0 for weightDecay but received -0.01'],
    ['adamw beta1', () => optimizers.adamw({ beta1: 1.5 }), 'Expected number in [0, 1) for beta1 but received 1.5'],
    ['options not an object', () => optimizers.adam('fast' as unknown as object), "Expected an options object for the options of optimizers.adam but received 'fast'"],
  ])('%s', (_label, fn, message) => expectConfigError(fn, message));

  it('rejects unknown option keys with a hint', () => {
    expectConfigError(
      () => optimizers.sgd({ momentun: 0.9 } as unknown as object),
      "Unknown option 'momentun' for optimizers.sgd. Did you mean 'momentum'? Valid options: learningRate, clipNorm, clipValue, momentum, dampening, nesterov, weightDecay",
    );
    expectConfigError(
      () => optimizers.adam({ learningrate: 0.1 } as unknown as object),
      "Unknown option 'learningrate' for optimizers.adam. Did you mean 'learningRate'? Valid options: learningRate, clipNorm, clipValue, beta1, beta2, eps, weightDecay, amsgrad",
    );
  });

  it('accepts the edges of each range', () => {
    expect(() => optimizers.adam({ beta1: 0, beta2: 0 })).not.toThrow();
    expect(() => optimizers.sgd({ momentum: 1, dampening: 1 })).not.toThrow();
    expect(() => optimizers.adadelta({ rho: 1 })).not.toThrow();
    expect(() => optimizers.sgd({ momentum: 0.5, nesterov: true })).not.toThrow();
  });
});

describe('toSpec', () => {
  const pad = (h: number[]) => [...h, ...new Array<number>(OPTIMIZER_HYPER_LENGTH - h.length).fill(0)];

  it.each<[Optimizer, number, number[], number]>([
    // hyper orders as in codes.ts
    [optimizers.sgd({ momentum: 0.8, nesterov: true, weightDecay: 0.03 }), OptimizerCode.sgd, [0.8, 0, 1, 0.03], 1],
    [optimizers.sgd({ momentum: 0.7, dampening: 0.2 }), OptimizerCode.sgd, [0.7, 0.2, 0, 0], 1],
    [optimizers.adagrad({ lrDecay: 0.1, weightDecay: 0.2, initialAccumulatorValue: 0.3, eps: 0.4 }), OptimizerCode.adagrad, [0.1, 0.2, 0.3, 0.4], 1],
    [optimizers.adadelta({ rho: 0.7, eps: 0.02, weightDecay: 0.03 }), OptimizerCode.adadelta, [0.7, 0.02, 0.03], 2],
    [optimizers.rmsprop({ alpha: 0.5, eps: 0.06, weightDecay: 0.07, momentum: 0.8, centered: true }), OptimizerCode.rmsprop, [0.5, 0.06, 0.07, 0.8, 1], 3],
    [optimizers.adam({ beta1: 0.1, beta2: 0.2, eps: 0.3, weightDecay: 0.4, amsgrad: true }), OptimizerCode.adam, [0.1, 0.2, 0.3, 0.4, 1], 3],
    [optimizers.adamw({ beta1: 0.5, beta2: 0.6, eps: 0.7, weightDecay: 0.8 }), OptimizerCode.adamw, [0.5, 0.6, 0.7, 0.8, 0], 3],
  ])('%# hyper layout and slots', (opt, kind, hyper, slots) => {
    const spec = opt.toSpec();
    expect(spec.kind).toBe(kind);
    expect(spec.hyper).toEqual(pad(hyper));
    expect(spec.hyper).toHaveLength(OPTIMIZER_HYPER_LENGTH);
    expect(opt.slotCount).toBe(slots);
  });

  it('carries clipping and returns a fresh array each call', () => {
    const opt = optimizers.adam({ clipNorm: 1.5, clipValue: 0.25 });
    const spec = opt.toSpec();
    expect([spec.clipNorm, spec.clipValue]).toEqual([1.5, 0.25]);
    spec.hyper[0] = 99;
    expect(opt.toSpec().hyper[0]).toBe(0.9);
  });
});

describe('initSlots', () => {
  it('zeroes every slot', () => {
    const slots = [new Float32Array(4).fill(7), new Float32Array(4).fill(7), new Float32Array(4).fill(7)];
    optimizers.adam().initSlots(slots);
    for (const s of slots) expect(Array.from(s)).toEqual([0, 0, 0, 0]);
  });

  it('starts adagrad at initialAccumulatorValue', () => {
    const slots = [new Float32Array(3).fill(-1)];
    optimizers.adagrad({ initialAccumulatorValue: 0.25 }).initSlots(slots);
    expect(Array.from(slots[0])).toEqual([0.25, 0.25, 0.25]);
  });

  it('throws ShapeError when slots are missing', () => {
    expect(() => optimizers.rmsprop().initSlots([new Float32Array(2)])).toThrow(ShapeError);
    expect(() => optimizers.rmsprop().initSlots([new Float32Array(2)])).toThrow('rmsprop needs 3 optimizer slots but received 1');
  });
});

describe('config round trip and resolution', () => {
  const samples: Optimizer[] = [
    optimizers.sgd({ learningRate: 0.2, momentum: 0.9, nesterov: true, weightDecay: 1e-4, clipNorm: 1 }),
    optimizers.adagrad({ lrDecay: 0.01, initialAccumulatorValue: 0.1, clipValue: 0.5 }),
    optimizers.adadelta({ rho: 0.95, eps: 1e-5 }),
    optimizers.rmsprop({ centered: true, momentum: 0.5 }),
    optimizers.adam({ amsgrad: true, beta2: 0.99 }),
    optimizers.adamw({ weightDecay: 0.05, learningRate: 3e-4 }),
  ];

  it.each(samples.map((o) => [o.name, o] as const))('%s survives getConfig → JSON → optimizerFromConfig', (_name, opt) => {
    const config = JSON.parse(JSON.stringify(opt.getConfig())) as OptimizerConfig;
    const again = optimizerFromConfig(config);
    expect(again).toBeInstanceOf(opt.constructor);
    expect(again.getConfig()).toEqual(opt.getConfig());
    expect(again.toSpec()).toEqual(opt.toSpec());
    expect([again.learningRate, again.clipNorm, again.clipValue]).toEqual([opt.learningRate, opt.clipNorm, opt.clipValue]);
  });

  it('resolveOptimizer takes an instance, a name or a config object', () => {
    const adam = optimizers.adam();
    expect(resolveOptimizer(adam)).toBe(adam);
    expect(resolveOptimizer('rmsprop')).toBeInstanceOf(RmsProp);
    const sgd = resolveOptimizer({ name: 'sgd', learningRate: 0.5, momentum: 0.9 });
    expect(sgd.getConfig()).toMatchObject({ name: 'sgd', learningRate: 0.5, momentum: 0.9 });
  });

  it('unknown names get a did-you-mean hint', () => {
    expectConfigError(() => resolveOptimizer('adma'), "Unknown optimizer 'adma'. Did you mean 'adam'? Expected one of: sgd, adagrad, adadelta, rmsprop, adam, adamw, adamax, nadam, radam");
    expectConfigError(() => resolveOptimizer({ name: 'rmsProp' }), "Unknown optimizer 'rmsProp'. Did you mean 'rmsprop'? Expected one of: sgd, adagrad, adadelta, rmsprop, adam, adamw, adamax, nadam, radam");
    expectConfigError(() => resolveOptimizer(42), 'Expected an optimizer name, config object or Optimizer for optimizer but received 42');
    expectConfigError(() => resolveOptimizer(undefined), 'Expected an optimizer name, config object or Optimizer for optimizer but received undefined');
  });

  it('a config is validated like options', () => {
    expectConfigError(() => optimizerFromConfig({ name: 'adam', beta1: 2 } as unknown as OptimizerConfig), 'Expected number in [0, 1) for beta1 but received 2');
    expectConfigError(
      () => resolveOptimizer({ name: 'adam', rho: 0.9 }),
      "Unknown option 'rho' for optimizers.adam. Valid options: learningRate, clipNorm, clipValue, beta1, beta2, eps, weightDecay, amsgrad",
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Three steps through the backends against the float64 reference of the published update rules
// (test/helpers/optimizer-reference.ts), fed each optimizer's getConfig().

const P0 = [0.5, -0.3, 0.8];
const GRADS = [
  [0.1, -0.2, 0.3],
  [-0.05, 0.4, 0.25],
  [0.2, 0.1, -0.35],
];
// for amsgrad: element 0 drops from 0.5 to 0.01, so v shrinks and vmax differs from v (checked below)
const GRADS_AMSGRAD = [
  [0.5, -0.2, 0.3],
  [0.01, 0.4, -0.02],
  [0.2, 0.01, 0.05],
];

interface StepCase {
  label: string;
  opt: Optimizer;
  grads?: number[][];
  /** Slots whose contents the rule defines (others may be left untouched by a backend). */
  slots: number[];
}

const CASES: StepCase[] = [
  { label: 'sgd plain', opt: optimizers.sgd({ learningRate: 0.1 }), slots: [] },
  { label: 'sgd momentum', opt: optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }), slots: [0] },
  { label: 'sgd nesterov', opt: optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), slots: [0] },
  { label: 'sgd dampening', opt: optimizers.sgd({ learningRate: 0.1, momentum: 0.9, dampening: 0.5 }), slots: [0] },
  { label: 'sgd weightDecay', opt: optimizers.sgd({ learningRate: 0.1, weightDecay: 0.1 }), slots: [] },
  { label: 'sgd weightDecay + momentum', opt: optimizers.sgd({ learningRate: 0.1, momentum: 0.5, weightDecay: 0.2 }), slots: [0] },
  { label: 'adagrad', opt: optimizers.adagrad({ learningRate: 0.1 }), slots: [0] },
  {
    label: 'adagrad lrDecay + initialAccumulatorValue + weightDecay',
    opt: optimizers.adagrad({ learningRate: 0.1, lrDecay: 0.5, initialAccumulatorValue: 0.2, weightDecay: 0.05 }),
    slots: [0],
  },
  { label: 'adadelta', opt: optimizers.adadelta(), slots: [0, 1] },
  { label: 'adadelta rho + eps + weightDecay', opt: optimizers.adadelta({ learningRate: 0.5, rho: 0.8, eps: 1e-2, weightDecay: 0.1 }), slots: [0, 1] },
  { label: 'rmsprop plain', opt: optimizers.rmsprop({ learningRate: 0.01 }), slots: [0] },
  { label: 'rmsprop momentum', opt: optimizers.rmsprop({ learningRate: 0.01, momentum: 0.9 }), slots: [0, 1] },
  { label: 'rmsprop centered', opt: optimizers.rmsprop({ learningRate: 0.01, centered: true, alpha: 0.9 }), slots: [0, 2] },
  {
    label: 'rmsprop centered + momentum + weightDecay',
    opt: optimizers.rmsprop({ learningRate: 0.01, centered: true, momentum: 0.8, weightDecay: 0.1, alpha: 0.9 }),
    slots: [0, 1, 2],
  },
  { label: 'adam', opt: optimizers.adam({ learningRate: 0.1 }), slots: [0, 1] },
  { label: 'adam weightDecay', opt: optimizers.adam({ learningRate: 0.1, weightDecay: 0.1, beta1: 0.8, beta2: 0.9 }), slots: [0, 1] },
  { label: 'adam amsgrad', opt: optimizers.adam({ learningRate: 0.1, amsgrad: true, beta2: 0.9 }), grads: GRADS_AMSGRAD, slots: [0, 1, 2] },
  { label: 'adamw', opt: optimizers.adamw({ learningRate: 0.1 }), slots: [0, 1] },
  { label: 'adamw amsgrad + weightDecay', opt: optimizers.adamw({ learningRate: 0.1, weightDecay: 0.1, amsgrad: true, beta2: 0.9 }), grads: GRADS_AMSGRAD, slots: [0, 1, 2] },
];

/** Runs the reference for three steps from float32-rounded inputs (as the backends see them). */
function referenceRun(c: StepCase, lrs: readonly number[]): { p: number[]; slots: number[][] } {
  const config = c.opt.getConfig();
  const p = P0.map(Math.fround);
  const init = config.name === 'adagrad' ? config.initialAccumulatorValue : 0;
  const slots = Array.from({ length: c.opt.slotCount }, () => P0.map(() => Math.fround(init)));
  const grads = c.grads ?? GRADS;
  for (let t = 1; t <= 3; t++) refOptimizerUpdate(config, p, grads[t - 1].map(Math.fround), slots, lrs[t - 1], t);
  return { p, slots };
}

describe('the float64 reference itself (hand-computed values)', () => {
  it('sgd momentum 0.9, lr 0.1 on element 0', () => {
    // buf = 0.1 → p = 0.49; buf = 0.09 − 0.05 = 0.04 → p = 0.486; buf = 0.036 + 0.2 = 0.236 → p = 0.4624
    const { p, slots } = referenceRun(CASES[1], [0.1, 0.1, 0.1]);
    expect(p[0]).toBeCloseTo(0.4624, 7);
    expect(slots[0][0]).toBeCloseTo(0.236, 7);
  });

  it('sgd dampening 0.5: the first buffer is g, not (1 − τ)g', () => {
    // buf = 0.1 → p = 0.49; buf = 0.09 − 0.025 = 0.065 → p = 0.4835; buf = 0.0585 + 0.1 = 0.1585 → p = 0.46765
    const { p } = referenceRun(CASES[3], [0.1, 0.1, 0.1]);
    expect(p[0]).toBeCloseTo(0.46765, 7);
  });

  it('adagrad with lrDecay 0.5 and initial accumulator 0.2 on element 0', () => {
    // sum 0.21 → p = 0.5 − 0.1·0.1/√0.21; step 2: clr = 0.1/1.5, g = −0.05 + 0.05·p ...
    const { p } = referenceRun(CASES[7], [0.1, 0.1, 0.1]);
    let q = 0.5;
    let sum = Math.fround(0.2); // the accumulator starts as a float32 slot
    const g = [0.1, -0.05, 0.2];
    for (let t = 1; t <= 3; t++) {
      const gg = Math.fround(g[t - 1]) + 0.05 * q;
      sum += gg * gg;
      q -= ((0.1 / (1 + (t - 1) * 0.5)) * gg) / (Math.sqrt(sum) + 1e-10);
    }
    expect(p[0]).toBeCloseTo(q, 12);
    expect(0.5 - (0.1 * 0.1) / Math.sqrt(0.21)).toBeCloseTo(0.47817821, 7); // the first step by hand
  });

  it('adam: the first step moves every parameter by about lr', () => {
    const config = optimizers.adam({ learningRate: 0.1 }).getConfig();
    const p = [0.5, -0.3, 0.8];
    const slots = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
    refOptimizerUpdate(config, p, [0.1, -0.2, 0.3], slots, 0.1, 1);
    expect(p[0]).toBeCloseTo(0.4, 6);
    expect(p[1]).toBeCloseTo(-0.2, 6);
    expect(p[2]).toBeCloseTo(0.7, 6);
  });

  it('the amsgrad cases exercise vmax != v', () => {
    const { slots } = referenceRun(CASES.find((c) => c.label === 'adam amsgrad')!, [0.1, 0.1, 0.1]);
    expect(slots[2][0]).toBeCloseTo(0.025, 12); // v after step 1 = 0.1·0.5², never exceeded
    expect(slots[1][0]).toBeLessThan(0.0245);
  });
});

describe.each(BACKENDS)('optimizerStep on the $name backend: three steps against the reference', (backendCase) => {
  it.skipIf(!backendCase.available).each(CASES.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    const backend = backendCase.get();
    const n = 3;
    const lrs = [c.opt.learningRate, c.opt.learningRate * 0.5, c.opt.learningRate * 0.25]; // a decaying schedule
    // one extra element past n: a sentinel the kernel must not touch
    const params = Float32Array.from([...P0, 123]);
    const grads = new Float32Array(n + 1);
    const slots = Array.from({ length: c.opt.slotCount }, () => new Float32Array(n + 1));
    c.opt.initSlots(slots);
    slots.forEach((s) => (s[n] = 456));
    const spec = c.opt.toSpec();
    const gradSteps = c.grads ?? GRADS;
    for (let t = 1; t <= 3; t++) {
      grads.set([...gradSteps[t - 1], 789]);
      backend.optimizerStep(params, grads, slots, n, spec, lrs[t - 1], t);
    }
    const ref = referenceRun(c, lrs);
    checkWithin(params.subarray(0, n), ref.p, (i) => 1e-6 * Math.abs(ref.p[i]) + 1e-7, `${c.label}: params`);
    for (const k of c.slots) {
      const scale = Math.max(...ref.slots[k].map(Math.abs));
      checkWithin(slots[k].subarray(0, n), ref.slots[k], (i) => 1e-5 * Math.abs(ref.slots[k][i]) + 1e-6 * scale, `${c.label}: slot ${k}`);
    }
    expect(params[n]).toBe(123);
    for (const s of slots) expect(s[n]).toBe(456);
  });
});

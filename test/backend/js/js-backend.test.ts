// The js backend against plain references: gemm vs the naive triple loop, activations and losses vs
// direct formulas and float64 finite differences, optimizers vs their update rules, and a small plan's
// gradients vs finite differences of its evaluated loss.

import { describe, expect, it } from 'vitest';
import { Activation, LabelMode, LayerKind, Loss, LossFusion, Optimizer, OPTIMIZER_HYPER_LENGTH, OPTIMIZER_SLOTS, Stat, STATS_WIDTH, TrainStatus } from '../../../src/backend/codes.js';
import type { ActivationCode, OptimizerCode } from '../../../src/backend/codes.js';
import type { LayerSpec, LossSpec, OptimizerSpec, PlanSpec, TrainJob } from '../../../src/backend/contract.js';
import { createJsBackend, erf, gemm, gemmRef } from '../../../src/backend/js/index.js';
import { accumulateStats } from '../../../src/backend/js/loss/stats.js';
import { Arena, layoutTensors } from '../../../src/memory/arena.js';
import { Rng } from '../../../src/util/rng.js';
import { refOptimizerStep } from '../../helpers/optimizer-reference.js';

const be = createJsBackend();

function randArray(n: number, seed: number, scale = 1): Float32Array {
  const rng = new Rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rng.uniform() * 2 - 1) * scale;
  return a;
}

/** Asserts |a - e| <= atol + rtol·|e| elementwise; reports the worst index. */
function checkClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number, label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < actual.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - (atol + rtol * Math.abs(expected[i]));
    if (!(excess <= worstExcess)) {
      worst = i;
      worstExcess = Number.isNaN(excess) ? Infinity : excess;
    }
  }
  if (worst >= 0) expect.fail(`${label}: index ${worst} actual ${actual[worst]} expected ${expected[worst]}`);
}

describe('gemm', () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [1, 7, 1],
    [2, 3, 5],
    [7, 13, 11],
    [17, 1, 29],
    [5, 31, 3],
    [37, 41, 67],
    [70, 9, 300], // more than one i-block (MC = 64) and k-block (KC = 256)
    [3, 600, 5], // more than one j-block (NC = 512)
  ];
  const scalars: [number, number][] = [
    [1, 0],
    [0.5, 1],
    [-1.5, 0.25],
  ];
  for (const [m, n, k] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`matches gemmRef for (${m},${n},${k}) transA=${transA} transB=${transB}`, () => {
          const a = randArray(m * k, m * 131 + k);
          const b = randArray(k * n, n * 17 + k + 3);
          for (const [alpha, beta] of scalars) {
            const c0 = randArray(m * n, 99);
            const fast = c0.slice();
            const ref = c0.slice();
            gemm(fast, a, b, m, n, k, transA, transB, alpha, beta);
            gemmRef(ref, a, b, m, n, k, transA, transB, alpha, beta);
            checkClose(fast, ref, 1e-5 * Math.sqrt(k), 1e-5, `alpha=${alpha} beta=${beta}`);
          }
        });
      }
    }
  }

  it('overwrites C when beta = 0, even where C holds NaN or Infinity', () => {
    const a = new Float32Array([1, 2, 3, 4]);
    const b = new Float32Array([5, 6, 7, 8]);
    const c = new Float32Array([NaN, Infinity, -Infinity, NaN]);
    gemm(c, a, b, 2, 2, 2, false, false, 1, 0);
    expect(Array.from(c)).toEqual([19, 22, 43, 50]);
  });

  it('leaves the rest of C untouched and computes a hand example with transposes', () => {
    // op(A) = [[1,2],[3,4]] stored transposed, op(B) = [[5,6],[7,8]] stored transposed
    const a = new Float32Array([1, 3, 2, 4]);
    const b = new Float32Array([5, 7, 6, 8]);
    const c = new Float32Array([1, 1, 1, 1, 42]);
    gemm(c, a, b, 2, 2, 2, true, true, 2, -1);
    expect(Array.from(c)).toEqual([37, 43, 85, 99, 42]);
  });
});

describe('erf', () => {
  // reference values: CPython math.erf (libm, ~1 ulp)
  const table: [number, number][] = [
    [-7, -1.0],
    [-3.3, -0.9999969422902035],
    [-2.5, -0.999593047982555],
    [-2, -0.9953222650189527],
    [-1.9999, -0.9953201979070294],
    [-1, -0.8427007929497149],
    [-0.3, -0.3286267594591274],
    [0, 0.0],
    [1e-9, 1.1283791670955127e-9],
    [0.1, 0.1124629160182849],
    [0.7, 0.6778011938374184],
    [1.5, 0.9661051464753108],
    [1.99, 0.995111413199617],
    [2.0, 0.9953222650189527],
    [2.01, 0.9955248493552482],
    [2.8, 0.9999249868053346],
    [4.2, 0.9999999971445058],
    [5.9, 0.9999999999999999],
    [6.5, 1.0],
  ];
  it('is within 1e-12 of libm erf', () => {
    checkClose(
      table.map(([x]) => erf(x)),
      table.map(([, v]) => v),
      1e-12,
      0,
      'erf',
    );
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(Number.isNaN(erf(NaN))).toBe(true);
  });
});

// float64 reference activations (the definitions, written independently of the kernels)
const sig = (z: number) => 1 / (1 + Math.exp(-z));
const refAct: Record<string, (z: number, p: number) => number> = {
  linear: (z) => z,
  relu: (z) => Math.max(z, 0),
  leakyRelu: (z, p) => (z > 0 ? z : p * z),
  elu: (z, p) => (z > 0 ? z : p * (Math.exp(z) - 1)),
  gelu: (z) => 0.5 * z * (1 + erf(z / Math.SQRT2)),
  silu: (z) => z * sig(z),
  tanh: (z) => Math.tanh(z),
  sigmoid: sig,
  softplus: (z) => Math.log(1 + Math.exp(z)),
};
const params: Record<string, number> = { leakyRelu: 0.2, elu: 1.3 };

function refSoftmaxRow(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('activations', () => {
  const rows = 3;
  const cols = 7;
  // keep inputs away from the kinks of relu/leakyRelu/elu so central differences are valid
  const z = randArray(rows * cols, 5, 3).map((v) => (Math.abs(v) < 0.05 ? v + 0.1 : v));
  const dout = randArray(rows * cols, 6);
  const h = 1e-5;

  for (const name of Object.keys(refAct)) {
    const code = Activation[name as keyof typeof Activation];
    const p = params[name] ?? 0;
    it(`${name}: forward matches the formula, backward matches finite differences`, () => {
      const out = new Float32Array(rows * cols);
      be.activationForward(out, z, rows, cols, code, p);
      checkClose(
        out,
        Array.from(z, (v) => refAct[name](v, p)),
        1e-6,
        1e-6,
        'forward',
      );
      const dinp = new Float32Array(rows * cols);
      be.activationBackward(dinp, dout, z, out, rows, cols, code, p);
      const fd = Array.from(z, (v, i) => (dout[i] * (refAct[name](v + h, p) - refAct[name](v - h, p))) / (2 * h));
      checkClose(dinp, fd, 1e-5, 1e-4, 'backward');
      // in place (dinp aliases dout, out aliases inp)
      const inPlace = dout.slice();
      be.activationBackward(inPlace, inPlace, z, out, rows, cols, code, p);
      checkClose(inPlace, dinp, 0, 0, 'backward in place');
      const zCopy = z.slice();
      be.activationForward(zCopy, zCopy, rows, cols, code, p);
      checkClose(zCopy, out, 0, 0, 'forward in place');
    });
  }

  it('softmax: rows sum to 1, backward matches the row Jacobian by finite differences', () => {
    const out = new Float32Array(rows * cols);
    be.activationForward(out, z, rows, cols, Activation.softmax, 0);
    for (let r = 0; r < rows; r++) {
      const ref = refSoftmaxRow(Array.from(z.subarray(r * cols, (r + 1) * cols)));
      checkClose(out.subarray(r * cols, (r + 1) * cols), ref, 1e-7, 1e-6, `row ${r}`);
    }
    const dinp = new Float32Array(rows * cols);
    be.activationBackward(dinp, dout, z, out, rows, cols, Activation.softmax, 0);
    const fd: number[] = [];
    for (let r = 0; r < rows; r++) {
      const row = Array.from(z.subarray(r * cols, (r + 1) * cols));
      const d = Array.from(dout.subarray(r * cols, (r + 1) * cols));
      const f = (zz: number[]) => refSoftmaxRow(zz).reduce((s, y, j) => s + y * d[j], 0);
      for (let j = 0; j < cols; j++) {
        const up = row.slice();
        const dn = row.slice();
        up[j] += h;
        dn[j] -= h;
        fd.push((f(up) - f(dn)) / (2 * h));
      }
    }
    checkClose(dinp, fd, 1e-6, 1e-4, 'softmax backward');
  });

  it('is stable for large |z|', () => {
    const big = new Float32Array([-1000, 1000, -90, 90]);
    const out = new Float32Array(4);
    be.activationForward(out, big, 1, 4, Activation.sigmoid, 0);
    expect(Array.from(out)).toEqual([0, 1, Math.fround(sig(-90)), 1]);
    be.activationForward(out, big, 1, 4, Activation.softplus, 0);
    expect(Array.from(out)).toEqual([0, 1000, Math.fround(Math.exp(-90)), 90]);
    be.activationForward(out, big, 1, 4, Activation.softmax, 0);
    expect(Array.from(out)).toEqual([0, 1, 0, 0]);
    be.activationForward(out, big, 1, 4, Activation.silu, 0);
    expect(Array.from(out).every(Number.isFinite)).toBe(true);
  });
});

function lossSpec(kind: number, fusion: number, param = 0): LossSpec {
  return { kind: kind as LossSpec['kind'], fusion: fusion as LossSpec['fusion'], param, labelMode: LabelMode.regression, threshold: 0.5 };
}

/** Central differences of lossForward in pred, dividing by the float32-rounded step actually taken. */
function lossFd(pred: Float32Array, target: Float32Array, rows: number, cols: number, spec: LossSpec, h: number): number[] {
  const p = pred.slice();
  return Array.from(pred, (v, i) => {
    p[i] = v + h;
    const up = p[i];
    const lu = be.lossForward(p, target, rows, cols, spec);
    p[i] = v - h;
    const dn = p[i];
    const ld = be.lossForward(p, target, rows, cols, spec);
    p[i] = v;
    return (lu - ld) / (up - dn);
  });
}

describe('losses', () => {
  it('forward matches hand-computed values', () => {
    const pred = new Float32Array([0.5, 2, -1, 0.25]);
    const target = new Float32Array([0, 1, 1, 0.25]);
    // errors: 0.5, 1, -2, 0
    expect(be.lossForward(pred, target, 2, 2, lossSpec(Loss.mse, 0))).toBeCloseTo((0.25 + 1 + 4) / 4, 12);
    expect(be.lossForward(pred, target, 2, 2, lossSpec(Loss.mae, 0))).toBeCloseTo((0.5 + 1 + 2) / 4, 12);
    // huber delta 1: 0.125, 0.5, 1·(2 − 0.5) = 1.5, 0
    expect(be.lossForward(pred, target, 2, 2, lossSpec(Loss.huber, 0, 1))).toBeCloseTo((0.125 + 0.5 + 1.5) / 4, 12);
    const p = new Float32Array([0.9, 0.2, 0.3, 0.7]);
    const y = new Float32Array([1, 0, 0, 1]);
    const bce = -(Math.log(Math.fround(0.9)) + Math.log(1 - Math.fround(0.2)) + Math.log(1 - Math.fround(0.3)) + Math.log(Math.fround(0.7))) / 4;
    expect(be.lossForward(p, y, 2, 2, lossSpec(Loss.binaryCrossentropy, 0))).toBeCloseTo(bce, 7);
    // cce over rows [0.9,0.2] and [0.3,0.7] with one-hot [1,0],[0,1]
    const cce = -(Math.log(Math.fround(0.9)) + Math.log(Math.fround(0.7))) / 2;
    expect(be.lossForward(p, y, 2, 2, lossSpec(Loss.categoricalCrossentropy, 0))).toBeCloseTo(cce, 7);
    expect(be.lossForward(p, new Float32Array([0, 1]), 2, 2, lossSpec(Loss.sparseCategoricalCrossentropy, 0))).toBeCloseTo(cce, 7);
    // clipping: p = 0 with target 1 costs -log(1e-7)
    expect(be.lossForward(new Float32Array([0]), new Float32Array([1]), 1, 1, lossSpec(Loss.binaryCrossentropy, 0))).toBeCloseTo(-Math.log(1e-7), 6);
    // fused softmax: lse(z) − z[label]
    const z = new Float32Array([1, 2, 3, 0, 0, 0]);
    const lse0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    const fusedRef = (lse0 - 3 + Math.log(3) - 0) / 2;
    expect(be.lossForward(z, new Float32Array([2, 1]), 2, 3, lossSpec(Loss.sparseCategoricalCrossentropy, LossFusion.softmax))).toBeCloseTo(fusedRef, 12);
    expect(be.lossForward(z, new Float32Array([0, 0, 1, 0, 1, 0]), 2, 3, lossSpec(Loss.categoricalCrossentropy, LossFusion.softmax))).toBeCloseTo(fusedRef, 12);
    // fused sigmoid: mean of log(1 + e^z) − z·y, also for huge logits
    const zl = new Float32Array([0, 2, -3, 500]);
    const yl = new Float32Array([1, 0, 1, 1]);
    const ref = (Math.log(2) + Math.log(1 + Math.exp(2)) + (Math.log(1 + Math.exp(-3)) + 3) + Math.log1p(Math.exp(-500))) / 4;
    expect(be.lossForward(zl, yl, 2, 2, lossSpec(Loss.binaryCrossentropy, LossFusion.sigmoid))).toBeCloseTo(ref, 12);
  });

  it('an invalid sparse label gives a NaN loss', () => {
    expect(be.lossForward(new Float32Array([0.5, 0.5]), new Float32Array([2]), 1, 2, lossSpec(Loss.sparseCategoricalCrossentropy, 0))).toBeNaN();
  });

  const rows = 3;
  const cols = 5;
  const logits = randArray(rows * cols, 11, 2);
  const probs = new Float32Array(rows * cols);
  be.activationForward(probs, logits, rows, cols, Activation.softmax, 0);
  const sigm = new Float32Array(rows * cols);
  be.activationForward(sigm, logits, rows, cols, Activation.sigmoid, 0);
  const regTarget = randArray(rows * cols, 12, 2);
  const binTarget = Float32Array.from(randArray(rows * cols, 13), (v) => (v > 0 ? 1 : 0));
  const sparse = new Float32Array([3, 0, 4]);
  const onehot = new Float32Array(rows * cols);
  sparse.forEach((c, r) => (onehot[r * cols + c] = 1));

  const cases: [string, Float32Array, Float32Array, LossSpec][] = [
    ['mse', logits, regTarget, lossSpec(Loss.mse, 0)],
    ['mae', logits, regTarget, lossSpec(Loss.mae, 0)],
    ['huber', logits, regTarget, lossSpec(Loss.huber, 0, 0.7)],
    ['binaryCrossentropy', sigm, binTarget, lossSpec(Loss.binaryCrossentropy, 0)],
    ['categoricalCrossentropy', probs, onehot, lossSpec(Loss.categoricalCrossentropy, 0)],
    ['sparseCategoricalCrossentropy', probs, sparse, lossSpec(Loss.sparseCategoricalCrossentropy, 0)],
    ['fused softmax categorical', logits, onehot, lossSpec(Loss.categoricalCrossentropy, LossFusion.softmax)],
    ['fused softmax sparse', logits, sparse, lossSpec(Loss.sparseCategoricalCrossentropy, LossFusion.softmax)],
    ['fused sigmoid', logits, binTarget, lossSpec(Loss.binaryCrossentropy, LossFusion.sigmoid)],
  ];
  for (const [name, pred, target, spec] of cases) {
    it(`${name}: backward matches finite differences`, () => {
      const d = new Float32Array(rows * cols);
      be.lossBackward(d, pred, target, rows, cols, spec);
      checkClose(d, lossFd(pred, target, rows, cols, spec, 1e-3), 2e-5, 2e-3, name);
    });
  }

  it('fused losses equal the unfused loss of the activated output', () => {
    const fusedCce = be.lossForward(logits, onehot, rows, cols, lossSpec(Loss.categoricalCrossentropy, LossFusion.softmax));
    const cce = be.lossForward(probs, onehot, rows, cols, lossSpec(Loss.categoricalCrossentropy, 0));
    expect(fusedCce).toBeCloseTo(cce, 5);
    const fusedBce = be.lossForward(logits, binTarget, rows, cols, lossSpec(Loss.binaryCrossentropy, LossFusion.sigmoid));
    const bce = be.lossForward(sigm, binTarget, rows, cols, lossSpec(Loss.binaryCrossentropy, 0));
    expect(fusedBce).toBeCloseTo(bce, 5);
  });

  it('mae gradient is 0 where the error is 0', () => {
    const d = new Float32Array(2);
    be.lossBackward(d, new Float32Array([1, 2]), new Float32Array([1, 1]), 1, 2, lossSpec(Loss.mae, 0));
    expect(Array.from(d)).toEqual([0, 0.5]);
  });
});

describe('optimizers', () => {
  const n = 5;
  const p0 = randArray(n, 21);
  const g1 = randArray(n, 22);
  const g2 = randArray(n, 23);
  const lr = 0.1;

  function hyper(values: number[]): number[] {
    return [...values, ...new Array<number>(OPTIMIZER_HYPER_LENGTH - values.length).fill(0)];
  }
  /** Two steps of the backend against two steps of the float64 reference (test/helpers/optimizer-reference.ts). */
  function run(kind: OptimizerCode, h: number[], slotInit = 0): void {
    const opt: OptimizerSpec = { kind, hyper: hyper(h), clipNorm: 0, clipValue: 0 };
    const params = p0.slice();
    const slots = Array.from({ length: OPTIMIZER_SLOTS[kind] }, () => new Float32Array(n));
    if (slotInit !== 0) slots[0].fill(slotInit);
    be.optimizerStep(params, g1.slice(), slots, n, opt, lr, 1);
    be.optimizerStep(params, g2.slice(), slots, n, opt, lr, 2);
    const expected = Float64Array.from(p0);
    const refSlots = Array.from({ length: OPTIMIZER_SLOTS[kind] }, (_, k) => new Float64Array(n).fill(k === 0 ? Math.fround(slotInit) : 0));
    refOptimizerStep(expected, g1, refSlots, opt, lr, 1);
    refOptimizerStep(expected, g2, refSlots, opt, lr, 2);
    checkClose(params, expected, 1e-6, 1e-5, `optimizer ${kind}`);
  }

  it('sgd with momentum, dampening, nesterov and weight decay', () => {
    run(Optimizer.sgd, [0.9, 0.1, 1, 0.01]);
    run(Optimizer.sgd, [0, 0, 0, 0]);
  });

  it('adagrad', () => {
    const init = 0.1;
    run(Optimizer.adagrad, [0.05, 0.01, init, 1e-10], init);
  });

  it('adadelta', () => {
    run(Optimizer.adadelta, [0.9, 1e-6, 0.01]);
  });

  it('rmsprop, plain and centered with momentum', () => {
    for (const [mu, centered] of [
      [0, 0],
      [0.8, 1],
    ]) {
      run(Optimizer.rmsprop, [0.99, 1e-8, 0.01, mu, centered]);
    }
  });

  it('adam and adamw, with and without amsgrad', () => {
    for (const kind of [Optimizer.adam, Optimizer.adamw]) {
      for (const ams of [0, 1]) run(kind, [0.9, 0.999, 1e-8, 0.05, ams]);
    }
  });

  it('sumSquares accumulates in float64', () => {
    expect(be.sumSquares(new Float32Array([3, 4, 12, 100]), 3)).toBe(169);
    expect(be.sumSquares(new Float32Array(0), 0)).toBe(0);
  });
});

describe('stats', () => {
  // two rows, three classes; row 1 ties between classes 0 and 2 (first max wins)
  const pred = new Float32Array([0.1, 0.7, 0.2, 0.4, 0.2, 0.4]);
  const sum = (mode: number, target: Float32Array, threshold = 0.5) => {
    const st = new Float64Array(STATS_WIDTH);
    accumulateStats(st, 0, pred, target, 2, 3, mode as LossSpec['labelMode'], threshold);
    return Array.from(st);
  };
  it('counts accuracy by label mode and elementwise errors', () => {
    const onehot = new Float32Array([0, 1, 0, 0, 0, 1]);
    // errors vs onehot: 0.1, -0.3, 0.2, 0.4, 0.2, -0.6; binary at 0.5: [F,T,F,F,F,F] vs [F,T,F,F,F,T] → 5 of 6
    const abs = 0.1 + 0.3 + 0.2 + 0.4 + 0.2 + 0.6;
    const sq = 0.01 + 0.09 + 0.04 + 0.16 + 0.04 + 0.36;
    const st = sum(LabelMode.onehot, onehot);
    expect(st.slice(Stat.accCorrect, Stat.absErrSum)).toEqual([1, 2, 5, 6]);
    expect(st[Stat.absErrSum]).toBeCloseTo(abs, 6);
    expect(st[Stat.sqErrSum]).toBeCloseTo(sq, 6);
    expect(st[Stat.errCount]).toBe(6);
    checkClose(sum(LabelMode.sparse, new Float32Array([1, 2])), st, 1e-12, 0, 'sparse equals one-hot');
    expect(sum(LabelMode.sparse, new Float32Array([1, 0])).slice(Stat.accCorrect, Stat.binCorrect)).toEqual([2, 2]);
    expect(sum(LabelMode.binary, onehot, 0.3).slice(Stat.accCorrect, Stat.absErrSum)).toEqual([5, 6, 5, 6]); // only 0.4 > 0.3 vs 0 differs
    expect(sum(LabelMode.regression, onehot).slice(Stat.accCorrect, Stat.binCorrect)).toEqual([0, 0]);
  });
});

// ---- plans ----

interface DenseDef {
  kind: 'dense';
  units: number;
  act: ActivationCode;
  param?: number;
  bias?: boolean;
  l1?: number;
  l2?: number;
}
type LayerDef = DenseDef | { kind: 'dropout' | 'noise'; rate: number } | { kind: 'act'; act: ActivationCode };

/** Builds a PlanSpec and an Arena with random parameters for the given layer list. */
function buildPlan(inputWidth: number, defs: LayerDef[], loss: LossSpec, opt: OptimizerSpec, seed = 1): { spec: PlanSpec; arena: Arena } {
  const lengths: number[] = [];
  let width = inputWidth;
  for (const d of defs) {
    if (d.kind === 'dense') {
      lengths.push(width * d.units);
      if (d.bias !== false) lengths.push(d.units);
      width = d.units;
    }
  }
  const { refs, paramCount } = layoutTensors(lengths);
  let next = 0;
  width = inputWidth;
  const layers: LayerSpec[] = defs.map((d) => {
    const base = { inputs: width, units: width, activation: Activation.linear as ActivationCode, activationParam: 0, rate: 0, kernel: null, bias: null, kernelPenalty: { l1: 0, l2: 0 }, biasPenalty: { l1: 0, l2: 0 } };
    if (d.kind === 'dense') {
      const kernel = refs[next++];
      const bias = d.bias !== false ? refs[next++] : null;
      const pen = { l1: d.l1 ?? 0, l2: d.l2 ?? 0 };
      const layer: LayerSpec = { ...base, kind: LayerKind.dense, units: d.units, activation: d.act, activationParam: d.param ?? 0, kernel, bias, kernelPenalty: pen, biasPenalty: pen };
      width = d.units;
      return layer;
    }
    if (d.kind === 'act') return { ...base, kind: LayerKind.activation, activation: d.act };
    return { ...base, kind: d.kind === 'dropout' ? LayerKind.dropout : LayerKind.gaussianNoise, rate: d.rate };
  });
  const arena = new Arena(paramCount, OPTIMIZER_SLOTS[opt.kind]);
  const rng = new Rng(seed);
  for (const ref of refs) {
    for (let i = 0; i < ref.length; i++) {
      const w = (rng.uniform() * 2 - 1) * 0.8;
      arena.params[ref.offset + i] = Math.abs(w) < 0.05 ? w + Math.sign(w || 1) * 0.1 : w; // away from the L1 kink
    }
  }
  const labelWidth = loss.kind === Loss.sparseCategoricalCrossentropy ? 1 : width;
  return { spec: { inputWidth, outputWidth: width, labelWidth, layers, loss, optimizer: opt, paramCount }, arena };
}

const plainSgd: OptimizerSpec = { kind: Optimizer.sgd, hyper: new Array<number>(OPTIMIZER_HYPER_LENGTH).fill(0), clipNorm: 0, clipValue: 0 };

describe('plan: computeGradients vs finite differences of evaluate()', () => {
  const rows = 6;
  const inputWidth = 4;
  const x = randArray(rows * inputWidth, 31, 1.5);
  const configs: [string, LayerDef[], LossSpec, Float32Array][] = [
    [
      'tanh → dropout → softmax, fused sparse CE, L2',
      [{ kind: 'dense', units: 5, act: Activation.tanh, l2: 0.01 }, { kind: 'dropout', rate: 0.3 }, { kind: 'dense', units: 3, act: Activation.softmax, l2: 0.02 }],
      { kind: Loss.sparseCategoricalCrossentropy, param: 0, fusion: LossFusion.softmax, labelMode: LabelMode.sparse, threshold: 0.5 },
      new Float32Array([0, 2, 1, 1, 0, 2]),
    ],
    [
      'gelu → noise → elu (no bias) → sigmoid layer, fused BCE, L1',
      [
        { kind: 'dense', units: 5, act: Activation.gelu, l1: 0.01 },
        { kind: 'noise', rate: 0.5 },
        { kind: 'dense', units: 2, act: Activation.elu, param: 0.7, bias: false, l1: 0.003 },
        { kind: 'act', act: Activation.sigmoid },
      ],
      { kind: Loss.binaryCrossentropy, param: 0, fusion: LossFusion.sigmoid, labelMode: LabelMode.binary, threshold: 0.5 },
      new Float32Array([1, 0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 1]),
    ],
    [
      'silu → softplus → softmax layer, unfused CCE',
      [{ kind: 'dense', units: 3, act: Activation.silu }, { kind: 'dense', units: 3, act: Activation.softplus }, { kind: 'act', act: Activation.softmax }],
      { kind: Loss.categoricalCrossentropy, param: 0, fusion: LossFusion.none, labelMode: LabelMode.onehot, threshold: 0.5 },
      new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1]),
    ],
    [
      'sigmoid → linear, unfused huber',
      [{ kind: 'dense', units: 4, act: Activation.sigmoid, l2: 0.05 }, { kind: 'dense', units: 2, act: Activation.linear }],
      { kind: Loss.huber, param: 0.5, fusion: LossFusion.none, labelMode: LabelMode.regression, threshold: 0.5 },
      randArray(rows * 2, 32, 2),
    ],
  ];
  for (const [name, defs, loss, y] of configs) {
    it(name, async () => {
      const { spec, arena } = buildPlan(inputWidth, defs, loss, plainSgd);
      const plan = be.createPlan(spec, arena, 4); // smaller than rows: scratch must grow
      const stats = new Float64Array(STATS_WIDTH);
      const total = plan.computeGradients(x, y, rows, false, 7, 0, stats);
      const grads = arena.grads.slice();
      const penalty = () =>
        spec.layers.reduce((s, l) => {
          for (const [ref, pen] of [
            [l.kernel, l.kernelPenalty],
            [l.bias, l.biasPenalty],
          ] as const) {
            if (!ref) continue;
            for (let i = 0; i < ref.length; i++) {
              const w = arena.params[ref.offset + i];
              s += pen.l1 * Math.abs(w) + pen.l2 * w * w;
            }
          }
          return s;
        }, 0);
      const lossAt = async () => {
        const st = new Float64Array(STATS_WIDTH);
        await plan.evaluate(x, y, 0, rows, 4, st);
        expect(st[Stat.rows]).toBe(rows);
        return st[Stat.lossSum] / rows + penalty();
      };
      expect(total).toBeCloseTo(await lossAt(), 6);
      expect(stats[Stat.rows]).toBe(rows);
      expect(stats[Stat.lossSum] / rows + stats[Stat.regLossSum] / rows).toBeCloseTo(total, 9);
      const h = 1e-2;
      const fd = new Float64Array(spec.paramCount);
      for (let i = 0; i < spec.paramCount; i++) {
        const v = arena.params[i];
        arena.params[i] = v + h;
        const up = arena.params[i];
        const lu = await lossAt();
        arena.params[i] = v - h;
        const dn = arena.params[i];
        const ld = await lossAt();
        arena.params[i] = v;
        fd[i] = (lu - ld) / (up - dn);
      }
      checkClose(grads, fd, 3e-4, 1e-2, 'param gradients');
      plan.dispose();
    });
  }

  it('dropout and noise are drawn per (seed, step) and are active only when training', () => {
    const defs: LayerDef[] = [{ kind: 'dense', units: 6, act: Activation.relu }, { kind: 'dropout', rate: 0.5 }, { kind: 'noise', rate: 0.1 }, { kind: 'dense', units: 2, act: Activation.linear }];
    const loss: LossSpec = { kind: Loss.mse, param: 0, fusion: LossFusion.none, labelMode: LabelMode.regression, threshold: 0.5 };
    const { spec, arena } = buildPlan(inputWidth, defs, loss, plainSgd);
    const plan = be.createPlan(spec, arena, rows);
    const y = randArray(rows * 2, 33);
    const st = new Float64Array(STATS_WIDTH);
    const a = plan.computeGradients(x, y, rows, true, 5, 3, st);
    const ga = arena.grads.slice();
    const b = plan.computeGradients(x, y, rows, true, 5, 3, st);
    expect(b).toBe(a);
    checkClose(arena.grads, ga, 0, 0, 'same seed and step');
    const c = plan.computeGradients(x, y, rows, true, 5, 4, st);
    expect(c).not.toBe(a);
    const off1 = plan.computeGradients(x, y, rows, false, 5, 3, st);
    const off2 = plan.computeGradients(x, y, rows, false, 6, 9, st);
    expect(off1).toBe(off2);
  });
});

describe('plan: training', () => {
  // XOR with a margin: four corners, repeated
  const n = 16;
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = i & 1;
    const b = (i >> 1) & 1;
    x[2 * i] = a * 2 - 1;
    x[2 * i + 1] = b * 2 - 1;
    y[i] = a ^ b;
  }
  const bceLoss: LossSpec = { kind: Loss.binaryCrossentropy, param: 0, fusion: LossFusion.sigmoid, labelMode: LabelMode.binary, threshold: 0.5 };
  const adam: OptimizerSpec = { kind: Optimizer.adam, hyper: [0.9, 0.999, 1e-8, 0, 0, 0, 0, 0], clipNorm: 1, clipValue: 0 };
  const defs: LayerDef[] = [
    { kind: 'dense', units: 8, act: Activation.tanh },
    { kind: 'dense', units: 1, act: Activation.sigmoid },
  ];

  function job(steps: number, over: Partial<TrainJob> = {}): TrainJob {
    return {
      x,
      y,
      order: Uint32Array.from({ length: n }, (_, i) => i),
      firstBatch: 0,
      steps,
      batchSize: 4,
      lrs: new Float32Array(steps).fill(0.05),
      globalStep: 0,
      seed: 3,
      stats: new Float64Array(steps * STATS_WIDTH),
      control: new Int32Array(1),
      ...over,
    };
  }

  it('reduces the loss on XOR and reaches full accuracy; predict matches the evaluated output', async () => {
    const { spec, arena } = buildPlan(2, defs, bceLoss, adam, 9);
    const plan = be.createPlan(spec, arena, 4);
    const before = new Float64Array(STATS_WIDTH);
    await plan.evaluate(x, y, 0, n, 5, before);
    let globalStep = 0;
    for (let epoch = 0; epoch < 60; epoch++) {
      for (let first = 0; first < 4; first += 2) {
        const j = job(2, { firstBatch: first, globalStep });
        const res = await plan.train(j);
        expect(res).toEqual({ stepsDone: 2, status: TrainStatus.ok });
        expect(j.stats[Stat.rows]).toBe(4);
        expect(j.stats[STATS_WIDTH + Stat.rows]).toBe(4);
        globalStep += 2;
      }
    }
    const after = new Float64Array(STATS_WIDTH);
    await plan.evaluate(x, y, 0, n, 5, after);
    expect(after[Stat.lossSum] / n).toBeLessThan(0.2 * (before[Stat.lossSum] / n));
    expect(after[Stat.accCorrect]).toBe(n);
    expect(after[Stat.accCount]).toBe(n);
    expect(after[Stat.regLossSum]).toBe(0);
    const out = new Float32Array(n - 1);
    await plan.predict(x, 1, n - 1, 3, out);
    for (let i = 0; i < n - 1; i++) expect(out[i] > 0.5 ? 1 : 0).toBe(y[i + 1]);
  });

  it('stops before a step when aborted', async () => {
    const { spec, arena } = buildPlan(2, defs, bceLoss, adam);
    const plan = be.createPlan(spec, arena, 4);
    const before = arena.params.slice();
    const j = job(3);
    Atomics.store(j.control, 0, 1);
    expect(await plan.train(j)).toEqual({ stepsDone: 0, status: TrainStatus.aborted });
    checkClose(arena.params, before, 0, 0, 'params untouched');
  });

  it('does not apply a step with a non-finite loss or gradient', async () => {
    const { spec, arena } = buildPlan(2, defs, bceLoss, adam);
    const plan = be.createPlan(spec, arena, 4);
    const bad = x.slice();
    bad[2 * 9] = NaN; // row 9 is in the third batch
    const before = arena.params.slice();
    const r1 = await plan.train(job(4, { x: bad }));
    expect(r1).toEqual({ stepsDone: 2, status: TrainStatus.nonFiniteLoss });
    const afterTwo = arena.params.slice();
    expect(afterTwo).not.toEqual(before);

    // linear regression on a huge input: the loss is finite in float64, the kernel gradient overflows float32
    const mseLoss: LossSpec = { kind: Loss.mse, param: 0, fusion: LossFusion.none, labelMode: LabelMode.regression, threshold: 0.5 };
    const lin = buildPlan(1, [{ kind: 'dense', units: 1, act: Activation.linear }], mseLoss, plainSgd);
    const linPlan = be.createPlan(lin.spec, lin.arena, 1);
    const linBefore = lin.arena.params.slice();
    const hx = new Float32Array([1e20]);
    const res = await linPlan.train({ ...job(1), x: hx, y: new Float32Array([0]), order: new Uint32Array([0]), batchSize: 1 });
    expect(res).toEqual({ stepsDone: 0, status: TrainStatus.nonFiniteGradient });
    checkClose(lin.arena.params, linBefore, 0, 0, 'params untouched');
  });

  it('a plan step equals computeGradients + clip + optimizerStep', async () => {
    const sgd: OptimizerSpec = { kind: Optimizer.sgd, hyper: [0.9, 0, 0, 0.01, 0, 0, 0, 0], clipNorm: 0.05, clipValue: 0.02 };
    const d: LayerDef[] = [{ kind: 'dense', units: 3, act: Activation.relu, l2: 0.1 }, { kind: 'dropout', rate: 0.25 }, { kind: 'dense', units: 1, act: Activation.sigmoid }];
    const a = buildPlan(2, d, bceLoss, sgd, 4);
    const b = buildPlan(2, d, bceLoss, sgd, 4);
    const planA = be.createPlan(a.spec, a.arena, 4);
    const planB = be.createPlan(b.spec, b.arena, 4);
    const order = Uint32Array.from([5, 3, 9, 0, 12, 1, 7, 2]);
    const j = job(1, { order, firstBatch: 1, globalStep: 10 });
    expect(await planA.train(j)).toEqual({ stepsDone: 1, status: TrainStatus.ok });
    // the same step by hand on plan B
    const xb = new Float32Array(8);
    const yb = new Float32Array(4);
    [12, 1, 7, 2].forEach((r, i) => {
      xb[2 * i] = x[2 * r];
      xb[2 * i + 1] = x[2 * r + 1];
      yb[i] = y[r];
    });
    const st = new Float64Array(STATS_WIDTH);
    planB.computeGradients(xb, yb, 4, true, 3, 10, st);
    checkClose(st, j.stats, 1e-12, 1e-12, 'stats row');
    const g = b.arena.grads;
    for (let i = 0; i < g.length; i++) g[i] = Math.max(-0.02, Math.min(0.02, g[i]));
    const norm = Math.sqrt(be.sumSquares(g, g.length));
    if (norm > 0.05) for (let i = 0; i < g.length; i++) g[i] *= 0.05 / (norm + 1e-6);
    be.optimizerStep(b.arena.params, g, b.arena.slots, b.spec.paramCount, sgd, 0.05, 11);
    checkClose(a.arena.params, b.arena.params, 0, 0, 'params after the step');
  });
});

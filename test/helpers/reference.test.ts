// The oracle is checked first: the float64 reference against closed forms and textbook values, so a
// conformance failure points at a backend and not at test/helpers/reference.ts.

import { describe, expect, it } from 'vitest';
import { Activation, LabelMode, Loss, LossFusion, Optimizer } from '../../src/backend/codes.js';
import type { LossSpec } from '../../src/backend/contract.js';
import { checkClose, checkScalar } from './check.js';
import { refOptimizerStep } from './optimizer-reference.js';
import { erfc, fdActivationGrad, refActScalar, refActivation, refClipGrads, refGemm, refLoss } from './reference.js';

const lossSpec = (kind: number, fusion: number = LossFusion.none, param = 0): LossSpec =>
  ({ kind, fusion, param, labelMode: LabelMode.regression, threshold: 0.5 }) as LossSpec;

describe('float64 reference', () => {
  it('refGemm handles every storage layout', () => {
    // A = [[1,2],[3,4]] (2,2), B = [[5,6],[7,8]]: A·B = [[19,22],[43,50]], Aᵀ·B = [[26,30],[38,44]]
    const a = [1, 2, 3, 4];
    const b = [5, 6, 7, 8];
    expect(Array.from(refGemm([0, 0, 0, 0], a, b, 2, 2, 2, false, false, 1, 0).c)).toEqual([19, 22, 43, 50]);
    expect(Array.from(refGemm([0, 0, 0, 0], a, b, 2, 2, 2, true, false, 1, 0).c)).toEqual([26, 30, 38, 44]);
    expect(Array.from(refGemm([0, 0, 0, 0], a, b, 2, 2, 2, false, true, 1, 0).c)).toEqual([17, 23, 39, 53]);
    expect(Array.from(refGemm([1, 1, 1, NaN], a, b, 1, 1, 2, false, false, 2, 0).c)).toEqual([2 * 17]);
    expect(Array.from(refGemm([1, 2, 3, 4], a, b, 2, 2, 2, false, false, 1, -1).c)).toEqual([18, 20, 40, 46]);
  });

  it('erfc matches tabulated values on both sides of the series/continued-fraction switch', () => {
    checkClose([erfc(0), erfc(0.5), erfc(1), erfc(-1), erfc(2), erfc(3), erfc(5)], [1, 0.4795001221869535, 0.15729920705028513, 1.8427007929497148, 0.004677734981047266, 2.209049699858544e-5, 1.5374597944280349e-12], { abs: 0, rel: 1e-12 }, 'erfc');
    checkScalar(erfc(1.5 - 1e-12), erfc(1.5 + 1e-12), { abs: 0, rel: 1e-10 }, "erfc continuity at 1.5");
  });

  it('activations match closed forms and stay finite at extremes', () => {
    checkScalar(refActScalar(1, Activation.gelu, 0), 0.8413447460685429, 1e-14, 'gelu(1)');
    checkScalar(refActScalar(-10, Activation.gelu, 0), -10 * 7.619853024160527e-24, { abs: 0, rel: 1e-8 }, 'gelu(-10)');
    checkScalar(refActScalar(0, Activation.softplus, 0), Math.LN2, 1e-15, 'softplus(0)');
    checkScalar(refActScalar(800, Activation.softplus, 0), 800, 1e-12, 'softplus(800)');
    checkScalar(refActScalar(-800, Activation.sigmoid, 0), 0, 1e-300, 'sigmoid(-800)');
    checkScalar(refActScalar(-2, Activation.elu, 0.5), 0.5 * (Math.exp(-2) - 1), 1e-15, 'elu');
    checkScalar(refActScalar(-2, Activation.leakyRelu, 0.2), -0.4, 1e-15, 'leakyRelu');
    checkClose(refActivation([1000, 1000, 0, Math.log(3)], 2, 2, Activation.softmax, 0), [0.5, 0.5, 0.25, 0.75], 1e-15, 'softmax');
  });

  it('fdActivationGrad recovers analytic derivatives (tanh, softmax Jacobian)', () => {
    const z = [0.3, -1.2, 2.0, 0.7];
    const dout = [1, -2, 0.5, 3];
    const tanh = fdActivationGrad(z, dout, 2, 2, Activation.tanh, 0);
    checkClose(tanh, z.map((v, i) => dout[i] * (1 - Math.tanh(v) ** 2)), 1e-8, 'tanh′');
    const s = refActivation(z, 2, 2, Activation.softmax, 0);
    const expected = z.map((_, i) => {
      const r = Math.floor(i / 2);
      const dot = dout[2 * r] * s[2 * r] + dout[2 * r + 1] * s[2 * r + 1];
      return s[i] * (dout[i] - dot);
    });
    checkClose(fdActivationGrad(z, dout, 2, 2, Activation.softmax, 0), expected, 1e-8, 'softmax Jacobian');
  });

  it('losses match closed forms, with clipping and fusion', () => {
    checkScalar(refLoss([0.5, 0.5], [1, 0], 1, 2, lossSpec(Loss.binaryCrossentropy)), Math.LN2, 1e-15, 'bce(0.5)');
    checkScalar(refLoss([0, 0], [1, 0], 1, 2, lossSpec(Loss.binaryCrossentropy, LossFusion.sigmoid)), Math.LN2, 1e-15, 'bce logits');
    checkScalar(refLoss([0.25, 0.75], [1, 0], 1, 2, lossSpec(Loss.categoricalCrossentropy)), Math.log(4), 1e-15, 'cce');
    checkScalar(refLoss([0, 1], [1, 0], 1, 2, lossSpec(Loss.categoricalCrossentropy)), -Math.log(1e-7), 1e-12, 'cce clipped');
    checkScalar(refLoss([0, Math.log(3)], [0], 1, 2, lossSpec(Loss.sparseCategoricalCrossentropy, LossFusion.softmax)), Math.log(4), 1e-15, 'sparse logits');
    checkScalar(refLoss([3, 0.5], [0, 0], 1, 2, lossSpec(Loss.huber, LossFusion.none, 1)), (2.5 + 0.125) / 2, 1e-15, 'huber');
    checkScalar(refLoss([3, -1], [1, 1], 2, 1, lossSpec(Loss.mae)), 2, 1e-15, 'mae');
    checkScalar(refLoss([3, -1], [1, 1], 1, 2, lossSpec(Loss.mse)), 4, 1e-15, 'mse');
  });

  it('optimizer and clipping references follow the torch.optim rules', () => {
    const p = Float64Array.of(1, -1);
    refOptimizerStep(p, [0.5, -2], [new Float64Array(2), new Float64Array(2), new Float64Array(2)], { kind: Optimizer.adam, hyper: [0.9, 0.999, 1e-8, 0, 0], clipNorm: 0, clipValue: 0 }, 0.1, 1);
    checkClose(p, [0.9, -0.9], 1e-7, 'adam step 1 moves by lr·sign(g)');
    const q = Float64Array.of(1);
    const buf = [Float64Array.of(123)];
    refOptimizerStep(q, [2], buf, { kind: Optimizer.sgd, hyper: [0.5, 0, 0, 0], clipNorm: 0, clipValue: 0 }, 0.1, 1);
    checkClose([q[0], buf[0][0]], [0.8, 2], 1e-15, 'sgd momentum: buf = g at t = 1');
    const g = Float64Array.of(3, -4, 10);
    const norm = refClipGrads(g, 5, 1);
    checkScalar(norm, Math.sqrt(9 + 16 + 25), 1e-15, 'norm after clipValue');
    checkScalar(Math.hypot(...g), 1, 1e-6, 'clipNorm');
  });
});

// activationForward / activationBackward of every backend against the float64 reference, for every
// activation (softmax with its row Jacobian, leakyRelu/elu with several alphas), including saturating
// inputs where a naive formula overflows, and the documented aliasing (out = inp, dinp = dout).

import { describe, expect, it } from 'vitest';
import { Activation } from '../../../src/backend/codes.js';
import type { ActivationName } from '../../../src/backend/codes.js';
import { Rng } from '../../../src/util/rng.js';
import { BACKENDS, defaultParam, randn } from '../../helpers/backends.js';
import { checkExact, checkWithin } from '../../helpers/check.js';
import { fdActivationGrad, refActivation } from '../../helpers/reference.js';

const U = 2 ** -24;
const ACTIVATIONS = Object.keys(Activation) as ActivationName[];
const PARAMS: Partial<Record<ActivationName, number[]>> = { leakyRelu: [0.01, 0.3], elu: [1, 0.25, 2] };
const SHAPES: [number, number][] = [
  [1, 1],
  [3, 7],
  [5, 13],
  [2, 33],
  [4, 16],
];
// Saturating inputs: exp(90) overflows float32, so softplus/sigmoid/silu/elu/gelu must use stable forms.
const EXTREMES = [-90, -50, -20, -8, -3, -0.5, 0.25, 3, 8, 20, 50, 90];

/** Z (rows, cols) ~ 3·N(0,1), with the extremes written into the first row(s); softmax also gets a row
 * of huge equal-ish logits and one of huge negative logits (a naive exp overflows/underflows to 0/0). */
function inputs(rng: Rng, rows: number, cols: number, softmax: boolean): Float32Array {
  const z = randn(rng, rows * cols, 3);
  for (let i = 0; i < Math.min(EXTREMES.length, z.length); i++) z[i] = EXTREMES[i];
  if (softmax && rows >= 3) {
    for (let j = 0; j < cols; j++) z[cols + j] = 1000 - j;
    for (let j = 0; j < cols; j++) z[2 * cols + j] = -1000 + 0.5 * j;
  }
  return z;
}

/**
 * Forward tolerance: 2e-6 relative (float32 exp/log1p/tanh are within a few ulps) plus 2e-7·(1 + |z|)
 * absolute, which admits a polynomial erf (~1e-7) scaled by z in gelu = z·Φ(z).
 */
const forwardBound = (ref: ArrayLike<number>, z: ArrayLike<number>) => (i: number) => 2e-6 * Math.abs(ref[i]) + 2e-7 * (1 + Math.abs(z[i]));

describe.each(BACKENDS)('activation kernels [$name]', ({ available, get }) => {
  describe.skipIf(!available)('vs float64 reference', () => {
    it.each(ACTIVATIONS)('activationForward %s, also in place (out = inp)', (name) => {
      const rng = new Rng(500 + Activation[name]);
      for (const param of PARAMS[name] ?? [defaultParam(name)]) {
        for (const [rows, cols] of SHAPES) {
          const z = inputs(rng, rows, cols, name === 'softmax');
          const z0 = z.slice();
          const ref = refActivation(z, rows, cols, Activation[name], param);
          const out = new Float32Array(rows * cols).fill(NaN);
          const label = `activationForward ${name}(${param}) ${rows}x${cols}`;
          get().activationForward(out, z, rows, cols, Activation[name], param);
          checkWithin(out, ref, forwardBound(ref, z0), label);
          checkExact(z, z0, `${label}: input modified`);
          get().activationForward(z, z, rows, cols, Activation[name], param);
          checkExact(z, out, `${label}: in place differs from out of place`);
        }
      }
    });

    it.each(ACTIVATIONS)('activationBackward %s vs finite differences, also in place (dinp = dout)', (name) => {
      const rng = new Rng(600 + Activation[name]);
      const act = Activation[name];
      for (const param of PARAMS[name] ?? [defaultParam(name)]) {
        for (const [rows, cols] of SHAPES) {
          const z = inputs(rng, rows, cols, name === 'softmax');
          const out = Float32Array.from(refActivation(z, rows, cols, act, param));
          const dout = randn(rng, rows * cols);
          const ref = fdActivationGrad(z, dout, rows, cols, act, param);
          // Error model as in dense.test.ts: act′ formed from `out` cancels where act saturates (≤ 8u·|dout|
          // absolute), the softmax row dot adds 8u·out·Σ|dout|, float32 exp/erf 1e-5 relative.
          const rowAbs = new Float64Array(rows);
          for (let i = 0; i < rows * cols; i++) rowAbs[Math.floor(i / cols)] += Math.abs(dout[i]);
          const bound = (i: number) => 1e-5 * Math.abs(ref[i]) + 8 * U * (Math.abs(dout[i]) + Math.abs(out[i]) * rowAbs[Math.floor(i / cols)]) + 1e-30;
          const label = `activationBackward ${name}(${param}) ${rows}x${cols}`;
          const dinp = new Float32Array(rows * cols).fill(NaN);
          const dout0 = dout.slice();
          get().activationBackward(dinp, dout, z, out, rows, cols, act, param);
          checkWithin(dinp, ref, bound, label);
          checkExact(dout, dout0, `${label}: dout modified`);
          get().activationBackward(dout, dout, z, out, rows, cols, act, param);
          checkExact(dout, dinp, `${label}: in place differs from out of place`);
        }
      }
    });
  });
});

// PyTorch's gelu(approximate='tanh') and its derivative, 0.5·z·(1 + tanh(√(2/π)(z + 0.044715z³))), evaluated
// at 50 digits (mpmath) at the float32 values of z: [z, f(z), f′(z)]. torch is not installed here, so the
// formula it documents is the oracle.
const GELU_TANH_TABLE: [number, number, number][] = [
  [-6, -8.439646700762297e-11, -7.709973930953696e-10],
  [-3, -0.003637392081773019, -0.011584166630969726],
  [-1.5, -0.10042842301976708, -0.12771079315143308],
  [-0.7, -0.1694298650130393, 0.023642786957019588],
  [-0.1, -0.04601724958112619, 0.4204782095512054],
  [0, 0.0, 0.5],
  [0.05, 0.025996938640849676, 0.5398608380146857],
  [0.5, 0.34571400982514394, 0.8673699035346423],
  [1, 0.8411919906082767, 1.0829640838457826],
  [2.25, 2.2227986701027116, 1.0599145345177623],
  [4, 3.9999297540518075, 1.0003351231971227],
  [9, 9.0, 1.0],
];

describe.each(BACKENDS)('gelu approximate tanh [$name]', ({ available, get }) => {
  it.skipIf(!available)('matches the formula to float32 precision, forward and backward', () => {
    const z = Float32Array.from(GELU_TANH_TABLE, (r) => r[0]);
    const n = z.length;
    // one rounding to float32 (2^-24 relative, doubled for slack) plus 1e-15 for the float64 cancellation
    // in 1 + tanh(u) at z = -6, where the value is 8e-11
    const bound = (col: 1 | 2) => (i: number) => 2 * U * Math.abs(GELU_TANH_TABLE[i][col]) + 1e-15;
    const out = new Float32Array(n);
    get().activationForward(out, z, 1, n, Activation.geluTanh, 0);
    checkWithin(out, GELU_TANH_TABLE.map((r) => r[1]), bound(1), 'geluTanh forward');
    const dinp = new Float32Array(n);
    get().activationBackward(dinp, new Float32Array(n).fill(1), z, out, 1, n, Activation.geluTanh, 0);
    checkWithin(dinp, GELU_TANH_TABLE.map((r) => r[2]), bound(2), 'geluTanh backward (dout = 1)');
  });

  it.skipIf(!available)('differs from the exact erf gelu by up to ~5e-4 (the two forms are not mixed up)', () => {
    const z = Float32Array.from({ length: 41 }, (_, i) => -5 + i / 4);
    const tanhForm = new Float32Array(z.length);
    const erfForm = new Float32Array(z.length);
    get().activationForward(tanhForm, z, 1, z.length, Activation.geluTanh, 0);
    get().activationForward(erfForm, z, 1, z.length, Activation.gelu, 0);
    const gap = Math.max(...tanhForm.map((v, i) => Math.abs(v - erfForm[i])));
    expect(gap).toBeGreaterThan(1e-4);
    expect(gap).toBeLessThan(1e-3);
  });
});

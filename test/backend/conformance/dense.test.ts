// denseForward / denseBackward of every backend against the float64 reference, for every activation,
// with and without bias, odd shapes and batch 1. Backward is checked against central finite differences
// of Σ(out ⊙ R): the activation part by differences in float64, the linear part (exact in float64) by
// the chain rule, and on tiny shapes by differences over every input, weight and bias directly.

import { describe, it } from 'vitest';
import { Activation } from '../../../src/backend/codes.js';
import type { ActivationCode, ActivationName } from '../../../src/backend/codes.js';
import type { Backend } from '../../../src/backend/contract.js';
import { Rng } from '../../../src/util/rng.js';
import { BACKENDS, defaultParam, randn } from '../../helpers/backends.js';
import { checkClose, checkExact, checkWithin, maxAbs } from '../../helpers/check.js';
import { fdActivationGrad, fdGrad, refActivation, refGemm } from '../../helpers/reference.js';

const U = 2 ** -24;
const ACTIVATIONS = Object.keys(Activation) as ActivationName[];
// (B, C, OC): unit, batch 1, primes, widths around the 8/16 tiles.
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 13],
  [5, 13, 7],
  [3, 31, 17],
  [2, 97, 5],
  [4, 16, 33],
  [9, 8, 15],
];
const PARAMS: Partial<Record<ActivationName, number[]>> = { leakyRelu: [0.01, 0.2], elu: [1, 0.5] };

interface DenseCase {
  inp: Float32Array; // (B, C)
  weight: Float32Array; // (C, OC)
  bias: Float32Array | null; // (OC)
  z: Float64Array; // (B, OC) float64 Z of the float32 inputs
  zScale: number; // max Σ|a||w| + |b|: the scale of the float32 rounding error of Z
}

function makeCase(rng: Rng, B: number, C: number, OC: number, useBias: boolean): DenseCase {
  const inp = randn(rng, B * C);
  const weight = randn(rng, C * OC, 1 / Math.sqrt(C));
  const bias = useBias ? randn(rng, OC, 0.5) : null;
  const { c, scale } = refGemm(new Float64Array(B * OC), inp, weight, B, OC, C, false, false, 1, 0);
  if (bias) for (let i = 0; i < B * OC; i++) c[i] += bias[i % OC];
  return { inp, weight, bias, z: c, zScale: maxAbs(scale) + (bias ? maxAbs(bias) : 0) };
}

/**
 * Forward tolerance: Z carries up to 2(C+4)·u·zScale of rounding; activations are at most ~1.13-Lipschitz
 * (gelu), so out inherits about the same, plus the activation's own float32 error (2e-6 relative, 1e-6
 * absolute: room for a polynomial erf in gelu and for exp/log1p in float32).
 */
function forwardBound(C: number, zScale: number, ref: ArrayLike<number>) {
  return (i: number) => 2.5 * (C + 4) * U * zScale + 2e-6 * Math.abs(ref[i]) + 1e-6;
}

function runForward(be: Backend, d: DenseCase, B: number, C: number, OC: number, act: ActivationCode, param: number, withPreact: boolean, label: string) {
  const out = new Float32Array(B * OC).fill(NaN); // outputs are overwritten
  const preact = withPreact ? new Float32Array(B * OC).fill(NaN) : null;
  const w0 = d.weight.slice();
  be.denseForward(out, preact, d.inp, d.weight, d.bias, B, C, OC, act, param);
  const ref = refActivation(d.z, B, OC, act, param);
  checkWithin(out, ref, forwardBound(C, d.zScale, ref), `${label}: out`);
  if (preact) checkWithin(preact, d.z, () => 2 * (C + 4) * U * d.zScale + 1e-30, `${label}: preact`);
  checkExact(d.weight, w0, `${label}: weight modified`);
}

/** The float64 gradients of Σ(out ⊙ dout) for the float32 Z the backend is given. */
function refBackward(d: DenseCase, z32: Float32Array, dout: Float32Array, B: number, C: number, OC: number, act: ActivationCode, param: number) {
  const dz = fdActivationGrad(z32, dout, B, OC, act, param);
  const dW = refGemm(new Float64Array(C * OC), d.inp, dz, C, OC, B, true, false, 1, 0);
  const dInp = refGemm(new Float64Array(B * C), dz, d.weight, B, C, OC, false, true, 1, 0);
  const db = new Float64Array(OC);
  for (let i = 0; i < B * OC; i++) db[i % OC] += dz[i];
  return { dz, dW, dInp, db };
}

function runBackward(be: Backend, rng: Rng, d: DenseCase, B: number, C: number, OC: number, act: ActivationCode, param: number, withDinp: boolean, label: string) {
  const z32 = Float32Array.from(d.z);
  const out32 = Float32Array.from(refActivation(z32, B, OC, act, param));
  const dout = randn(rng, B * OC);
  const ref = refBackward(d, z32, dout, B, C, OC, act, param);
  // Weight/bias gradients accumulate: start from random contents and expect contents + gradient.
  const dweight = randn(rng, C * OC);
  const dbias = d.bias ? randn(rng, OC) : null;
  const dweight0 = Float64Array.from(dweight);
  const dbias0 = dbias ? Float64Array.from(dbias) : null;
  const dinp = withDinp ? new Float32Array(B * C).fill(NaN) : null;
  const dpreact = new Float32Array(B * OC).fill(NaN);
  const dout0 = dout.slice();
  be.denseBackward(dinp, dweight, dbias, dpreact, dout, d.inp, d.weight, z32, out32, B, C, OC, act, param, false);

  // dpreact is scratch (a kernel may skip it for linear), so it is not checked; dZ's error is. A float32
  // kernel may form act′ from `out` (1 − tanh², σ(1 − σ)), which cancels where act saturates: dZ_i then
  // carries up to ~8u·|dout_i| absolute, softmax's row dot adds 8u·out_i·Σ|dout|, plus 1e-5 relative for
  // float32 exp/erf. That per-element error is pushed through |inp|ᵀ·err and err·|W|ᵀ exactly.
  const rowAbs = new Float64Array(B);
  for (let i = 0; i < B * OC; i++) rowAbs[Math.floor(i / OC)] += Math.abs(dout[i]);
  const dzErr = Float64Array.from(ref.dz, (v, i) => 1e-5 * Math.abs(v) + 8 * U * (Math.abs(dout[i]) + Math.abs(out32[i]) * rowAbs[Math.floor(i / OC)]) + 1e-12);
  const absInp = Float64Array.from(d.inp, Math.abs);
  const absW = Float64Array.from(d.weight, Math.abs);
  const errW = refGemm(new Float64Array(C * OC), absInp, dzErr, C, OC, B, true, false, 1, 0).c;
  const errInp = refGemm(new Float64Array(B * C), dzErr, absW, B, C, OC, false, true, 1, 0).c;
  const expectW = Float64Array.from(ref.dW.c, (v, i) => v + dweight0[i]);
  checkWithin(dweight, expectW, (i) => 2 * (B + 4) * U * ref.dW.scale[i] + errW[i] + 2 * U * Math.abs(expectW[i]), `${label}: dweight (accumulated)`);
  if (dbias && dbias0) {
    const expectB = Float64Array.from(ref.db, (v, i) => v + dbias0[i]);
    const errB = new Float64Array(OC);
    for (let i = 0; i < B * OC; i++) errB[i % OC] += dzErr[i] + 2 * (B + 4) * U * Math.abs(ref.dz[i]);
    checkWithin(dbias, expectB, (i) => errB[i] + 2 * U * Math.abs(expectB[i]), `${label}: dbias (accumulated)`);
  }
  if (dinp) checkWithin(dinp, ref.dInp.c, (i) => 2 * (OC + 4) * U * ref.dInp.scale[i] + errInp[i], `${label}: dinp (overwritten)`);
  checkExact(dout, dout0, `${label}: dout modified`);
}

describe.each(BACKENDS)('dense kernels [$name]', ({ available, get }) => {
  describe.skipIf(!available)('vs float64 reference', () => {
    it.each(ACTIVATIONS)('denseForward %s: shapes, bias on/off, preact on/off', (name) => {
      const rng = new Rng(100 + Activation[name]);
      for (const param of PARAMS[name] ?? [defaultParam(name)]) {
        for (const [B, C, OC] of SHAPES) {
          for (const useBias of [true, false]) {
            const d = makeCase(rng, B, C, OC, useBias);
            runForward(get(), d, B, C, OC, Activation[name], param, useBias, `denseForward ${name}(${param}) B=${B} C=${C} OC=${OC} bias=${useBias}`);
          }
        }
      }
    });

    it.each(ACTIVATIONS)('denseBackward %s: accumulates dweight/dbias, overwrites dinp', (name) => {
      const rng = new Rng(200 + Activation[name]);
      for (const param of PARAMS[name] ?? [defaultParam(name)]) {
        for (const [B, C, OC] of SHAPES) {
          for (const [useBias, withDinp] of [
            [true, true],
            [false, true],
            [true, false],
          ]) {
            const d = makeCase(rng, B, C, OC, useBias);
            runBackward(get(), rng, d, B, C, OC, Activation[name], param, withDinp, `denseBackward ${name}(${param}) B=${B} C=${C} OC=${OC} bias=${useBias} dinp=${withDinp}`);
          }
        }
      }
    });

    it.each(ACTIVATIONS)('denseBackward %s on a tiny layer equals finite differences over inp, weight and bias', (name) => {
      const rng = new Rng(300 + Activation[name]);
      const [B, C, OC] = [2, 3, 4];
      const act = Activation[name];
      const param = defaultParam(name);
      const d = makeCase(rng, B, C, OC, true);
      const r = randn(rng, B * OC);
      // f(inp, W, b) = Σ R ⊙ act(inp·W + b), all in float64.
      const f = (inp: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number>) => {
        const z = refGemm(new Float64Array(B * OC), inp, w, B, OC, C, false, false, 1, 0).c.map((v, i) => v + b[i % OC]);
        return refActivation(z, B, OC, act, param).reduce((s, v, i) => s + v * r[i], 0);
      };
      const inp64 = Float64Array.from(d.inp);
      const w64 = Float64Array.from(d.weight);
      const b64 = Float64Array.from(d.bias!);
      const gInp = fdGrad((x) => f(x, w64, b64), inp64);
      const gW = fdGrad((x) => f(inp64, x, b64), w64);
      const gB = fdGrad((x) => f(inp64, w64, x), b64);
      const z32 = Float32Array.from(d.z);
      const out32 = Float32Array.from(refActivation(z32, B, OC, act, param));
      const dinp = new Float32Array(B * C);
      const dweight = new Float32Array(C * OC);
      const dbias = new Float32Array(OC);
      get().denseBackward(dinp, dweight, dbias, new Float32Array(B * OC), r, d.inp, d.weight, z32, out32, B, C, OC, act, param, false);
      // float32 kernels vs float64 differences (error ~1e-9): 1e-4 relative with a 1e-5 floor covers
      // the float32 rounding of Z handed to the kernel.
      const tol = { abs: 1e-5, rel: 1e-4 };
      checkClose(dinp, gInp, tol, `${name}: dinp vs finite differences`);
      checkClose(dweight, gW, tol, `${name}: dweight vs finite differences`);
      checkClose(dbias, gB, tol, `${name}: dbias vs finite differences`);
    });

    it('denseBackward with doutIsPreact skips the activation (fused loss path)', () => {
      const rng = new Rng(400);
      for (const act of [Activation.softmax, Activation.sigmoid, Activation.relu]) {
        for (const [B, C, OC] of SHAPES) {
          const d = makeCase(rng, B, C, OC, true);
          const z32 = Float32Array.from(d.z);
          const out32 = Float32Array.from(refActivation(z32, B, OC, act, 0));
          const dz = randn(rng, B * OC);
          const dweight = new Float32Array(C * OC);
          const dbias = new Float32Array(OC);
          const dinp = new Float32Array(B * C).fill(NaN);
          get().denseBackward(dinp, dweight, dbias, new Float32Array(B * OC), dz, d.inp, d.weight, z32, out32, B, C, OC, act, 0, true);
          const label = `denseBackward doutIsPreact act=${act} B=${B} C=${C} OC=${OC}`;
          const dW = refGemm(new Float64Array(C * OC), d.inp, dz, C, OC, B, true, false, 1, 0);
          const dInp = refGemm(new Float64Array(B * C), dz, d.weight, B, C, OC, false, true, 1, 0);
          const db = new Float64Array(OC);
          for (let i = 0; i < B * OC; i++) db[i % OC] += dz[i];
          checkWithin(dweight, dW.c, (i) => 2 * (B + 4) * U * dW.scale[i] + 1e-30, `${label}: dweight`);
          checkWithin(dinp, dInp.c, (i) => 2 * (OC + 4) * U * dInp.scale[i] + 1e-30, `${label}: dinp`);
          checkClose(dbias, db, { abs: 2 * (B + 4) * U * maxAbs(dz), rel: 0 }, `${label}: dbias`);
        }
      }
    });
  });
});

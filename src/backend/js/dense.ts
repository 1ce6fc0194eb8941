// Dense layer kernels (twin of native/kernels/dense.cc): Z = A·W + b with W (inputs, units) in Keras layout,
// then the activation.

import { Activation, type ActivationCode } from '../codes.js';
import { activationBackward, activationForward } from './act/activation.js';
import { gemm, gemmBf16 } from './gemm/gemm.js';

/**
 * out (B,OC) = act(inp (B,C) · weight (C,OC) + bias (OC)); preact (B,OC) receives Z unless null
 * (then Z is formed in out and the activation runs in place). bf16: the GEMM rounds inp and weight to bfloat16.
 */
export function denseForward(out: Float32Array, preact: Float32Array | null, inp: Float32Array, weight: Float32Array, bias: Float32Array | null, B: number, C: number, OC: number, act: ActivationCode, actParam: number, bf16 = false): void {
  const z = preact ?? out;
  if (bias) {
    for (let r = 0; r < B; r++) {
      const o = r * OC;
      for (let j = 0; j < OC; j++) z[o + j] = bias[j];
    }
  }
  (bf16 ? gemmBf16 : gemm)(z, inp, weight, B, OC, C, false, false, 1, bias ? 1 : 0);
  if (act !== Activation.linear || z !== out) activationForward(out, z, B, OC, act, actParam);
}

/**
 * Backward of denseForward. dZ = dout ⊙ act'(Z) goes to dpreact (B,OC) (softmax: full row Jacobian); then
 * dweight (C,OC) += inpᵀ·dZ, dbias (OC) += Σ_rows dZ, and dinp (B,C) = dZ·weightᵀ unless dinp is null.
 * With doutIsPreact (fused loss) or a linear activation, dout is used as dZ directly and dpreact is untouched.
 * bf16: both GEMMs round their inputs (inp, dZ, weight) to bfloat16.
 */
export function denseBackward(dinp: Float32Array | null, dweight: Float32Array, dbias: Float32Array | null, dpreact: Float32Array, dout: Float32Array, inp: Float32Array, weight: Float32Array, preact: Float32Array, out: Float32Array, B: number, C: number, OC: number, act: ActivationCode, actParam: number, doutIsPreact: boolean, bf16 = false): void {
  const mm = bf16 ? gemmBf16 : gemm;
  let dz = dout;
  if (!doutIsPreact && act !== Activation.linear) {
    activationBackward(dpreact, dout, preact, out, B, OC, act, actParam);
    dz = dpreact;
  }
  mm(dweight, inp, dz, C, OC, B, true, false, 1, 1);
  if (dbias) {
    for (let r = 0; r < B; r++) {
      const o = r * OC;
      for (let j = 0; j < OC; j++) dbias[j] += dz[o + j];
    }
  }
  if (dinp) mm(dinp, dz, weight, B, C, OC, false, true, 1, 0);
}

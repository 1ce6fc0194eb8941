// Elementwise activations and their backward, plus row-wise softmax (twin of native/kernels/act/activation.cc).
// One switch per call, a plain loop per case; all math in float64, stored as float32.

import { Activation, type ActivationCode } from '../../codes.js';
import { ConfigError } from '../../../util/errors.js';
import { erf } from './erf.js';

const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;
const SQRT_2_OVER_PI = 0.7978845608028654; // √(2/π), geluTanh's β
const GELU_KAPPA = 0.044715;

/** geluTanh's tanh(√(2/π)·(z + 0.044715·z³)), in PyTorch's operation order. */
function geluTanhInner(z: number): number {
  return Math.tanh(SQRT_2_OVER_PI * (z + GELU_KAPPA * (z * z * z)));
}

/** σ(z) without overflow for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log(1 + e^z) = max(z, 0) + log1p(e^-|z|). */
export function softplus(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

/** out (rows,cols) = act(inp); softmax is row-wise. out may alias inp. */
export function activationForward(out: Float32Array, inp: Float32Array, rows: number, cols: number, act: ActivationCode, param: number): void {
  const n = rows * cols;
  switch (act) {
    case Activation.linear:
      if (out !== inp) for (let i = 0; i < n; i++) out[i] = inp[i];
      return;
    case Activation.relu:
      for (let i = 0; i < n; i++) {
        const z = inp[i];
        out[i] = z > 0 ? z : 0;
      }
      return;
    case Activation.leakyRelu:
      for (let i = 0; i < n; i++) {
        const z = inp[i];
        out[i] = z > 0 ? z : param * z;
      }
      return;
    case Activation.elu:
      for (let i = 0; i < n; i++) {
        const z = inp[i];
        out[i] = z > 0 ? z : param * Math.expm1(z);
      }
      return;
    case Activation.gelu:
      for (let i = 0; i < n; i++) {
        const z = inp[i];
        out[i] = 0.5 * z * (1 + erf(z * INV_SQRT2));
      }
      return;
    case Activation.geluTanh:
      for (let i = 0; i < n; i++) {
        const z = inp[i];
        out[i] = 0.5 * z * (1 + geluTanhInner(z));
      }
      return;
    case Activation.silu:
      for (let i = 0; i < n; i++) {
        const z = inp[i];
        out[i] = z * sigmoid(z);
      }
      return;
    case Activation.tanh:
      for (let i = 0; i < n; i++) out[i] = Math.tanh(inp[i]);
      return;
    case Activation.sigmoid:
      for (let i = 0; i < n; i++) out[i] = sigmoid(inp[i]);
      return;
    case Activation.softplus:
      for (let i = 0; i < n; i++) out[i] = softplus(inp[i]);
      return;
    case Activation.softmax:
      softmaxForward(out, inp, rows, cols);
      return;
    default:
      throw new ConfigError(`Unknown activation code ${String(act)}`);
  }
}

/** out (rows,cols) = softmax of each row of inp, with the row max subtracted first. out may alias inp. */
function softmaxForward(out: Float32Array, inp: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (inp[o + j] > max) max = inp[o + j];
    if (max === -Infinity) max = 0; // all -Inf: every exp is 0 and the row becomes NaN, as it should
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(inp[o + j] - max);
      out[o + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j < cols; j++) out[o + j] *= inv;
  }
}

/**
 * dinp (rows,cols) = dout · ∂act/∂inp, given inp = Z and out = act(Z). dinp may alias dout.
 * Softmax uses the row Jacobian: dz_i = y_i (d_i − Σ_j d_j y_j).
 */
export function activationBackward(dinp: Float32Array, dout: Float32Array, inp: Float32Array, out: Float32Array, rows: number, cols: number, act: ActivationCode, param: number): void {
  const n = rows * cols;
  switch (act) {
    case Activation.linear:
      if (dinp !== dout) for (let i = 0; i < n; i++) dinp[i] = dout[i];
      return;
    case Activation.relu:
      for (let i = 0; i < n; i++) dinp[i] = inp[i] > 0 ? dout[i] : 0;
      return;
    case Activation.leakyRelu:
      for (let i = 0; i < n; i++) dinp[i] = inp[i] > 0 ? dout[i] : param * dout[i];
      return;
    case Activation.elu:
      for (let i = 0; i < n; i++) {
        const z = inp[i];
        dinp[i] = z > 0 ? dout[i] : dout[i] * param * Math.exp(z);
      }
      return;
    case Activation.gelu:
      // d/dz z·Φ(z) = Φ(z) + z·φ(z)
      for (let i = 0; i < n; i++) {
        const z = inp[i];
        const cdf = 0.5 * (1 + erf(z * INV_SQRT2));
        dinp[i] = dout[i] * (cdf + z * INV_SQRT_2PI * Math.exp(-0.5 * z * z));
      }
      return;
    case Activation.geluTanh:
      // 0.5·(1 + th) + 0.5·z·(1 − th²)·β·(1 + 3κz²)
      for (let i = 0; i < n; i++) {
        const z = inp[i];
        const th = geluTanhInner(z);
        const right = (1 - th * th) * SQRT_2_OVER_PI * (1 + 3 * GELU_KAPPA * (z * z));
        dinp[i] = dout[i] * (0.5 * (1 + th) + 0.5 * z * right);
      }
      return;
    case Activation.silu:
      for (let i = 0; i < n; i++) {
        const z = inp[i];
        const s = sigmoid(z);
        dinp[i] = dout[i] * s * (1 + z * (1 - s));
      }
      return;
    case Activation.tanh:
      for (let i = 0; i < n; i++) {
        const y = out[i];
        dinp[i] = dout[i] * (1 - y * y);
      }
      return;
    case Activation.sigmoid:
      for (let i = 0; i < n; i++) {
        const y = out[i];
        dinp[i] = dout[i] * y * (1 - y);
      }
      return;
    case Activation.softplus:
      for (let i = 0; i < n; i++) dinp[i] = dout[i] * sigmoid(inp[i]);
      return;
    case Activation.softmax:
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        let dot = 0;
        for (let j = 0; j < cols; j++) dot += dout[o + j] * out[o + j];
        for (let j = 0; j < cols; j++) dinp[o + j] = out[o + j] * (dout[o + j] - dot);
      }
      return;
    default:
      throw new ConfigError(`Unknown activation code ${String(act)}`);
  }
}

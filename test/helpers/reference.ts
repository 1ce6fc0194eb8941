// Float64 reference of everything a backend computes, written from contract.ts alone: naive GEMM,
// activations, losses (reductions, clipping, fusion), the whole plan forward pass with penalties and
// stats, finite differences and gradient clipping (the optimizers: optimizer-reference.ts). Slow and
// plain on purpose: the tests trust this file, so it is kept obvious (and is itself checked against
// closed forms in test/helpers/reference.test.ts).

import { Activation, LabelMode, LayerKind, Loss, LossFusion, STATS_WIDTH, Stat } from '../../src/backend/codes.js';
import type { ActivationCode } from '../../src/backend/codes.js';
import type { LayerSpec, LossSpec, PlanSpec } from '../../src/backend/contract.js';
import { stepRng } from '../../src/util/rng.js';

type Vec = ArrayLike<number>;

// ---------------------------------------------------------------- GEMM

/**
 * C (m,n) = alpha·op(A)·op(B) + beta·C in float64, with the contract's storage: A (m,k) or (k,m) when
 * transA; B (k,n) or (n,k) when transB. beta = 0 ignores C (NaNs do not propagate). Also returns
 * |alpha|·|op(A)|·|op(B)| + |beta|·|C|, the scale of the float32 rounding error of each element.
 */
export function refGemm(c: Vec, a: Vec, b: Vec, m: number, n: number, k: number, transA: boolean, transB: boolean, alpha: number, beta: number) {
  const out = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let sa = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * m + i] : a[i * k + p];
        const bv = transB ? b[j * k + p] : b[p * n + j];
        s += av * bv;
        sa += Math.abs(av * bv);
      }
      const cv = beta === 0 ? 0 : beta * c[i * n + j];
      out[i * n + j] = alpha * s + cv;
      scale[i * n + j] = Math.abs(alpha) * sa + Math.abs(cv);
    }
  }
  return { c: out, scale };
}

// ---------------------------------------------------------------- activations

/** erfc(x) to ~1e-14 relative: Taylor series of erf below 1.5, continued fraction above. */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 1.5) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated bottom-up.
  let f = x;
  for (let n = 100; n >= 1; n--) f = x + n / 2 / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** One element of an elementwise activation (not softmax), float64 and numerically stable. */
export function refActScalar(z: number, act: ActivationCode, param: number): number {
  switch (act) {
    case Activation.linear:
      return z;
    case Activation.relu:
      return z > 0 ? z : 0;
    case Activation.leakyRelu:
      return z > 0 ? z : param * z;
    case Activation.elu:
      return z > 0 ? z : param * Math.expm1(z);
    case Activation.gelu:
      return z * 0.5 * erfc(-z / Math.SQRT2); // z·Φ(z)
    case Activation.silu:
      return z * sigmoid(z);
    case Activation.tanh:
      return Math.tanh(z);
    case Activation.sigmoid:
      return sigmoid(z);
    case Activation.softplus:
      return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    case Activation.geluTanh:
      // 0.5·z·(1 + tanh(u)) = z·σ(2u), u = √(2/π)(z + 0.044715z³): no cancellation for z ≪ 0
      return z * sigmoid(2 * Math.sqrt(2 / Math.PI) * (z + 0.044715 * z ** 3));
    default:
      throw new Error(`refActScalar: activation ${act} is not elementwise`);
  }
}

/** act(Z) for Z (rows, cols); softmax row-wise with the max subtracted. */
export function refActivation(z: Vec, rows: number, cols: number, act: ActivationCode, param: number): Float64Array {
  const out = new Float64Array(rows * cols);
  if (act !== Activation.softmax) {
    for (let i = 0; i < rows * cols; i++) out[i] = refActScalar(z[i], act, param);
    return out;
  }
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, z[r * cols + j]);
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += out[r * cols + j] = Math.exp(z[r * cols + j] - max);
    for (let j = 0; j < cols; j++) out[r * cols + j] /= sum;
  }
  return out;
}

/**
 * ∂/∂Z Σ dout ⊙ act(Z) by float64 central differences. Elements (or, for softmax, rows) do not interact,
 * so one column (softmax) or the whole matrix (elementwise) is perturbed per evaluation.
 */
export function fdActivationGrad(z: Vec, dout: Vec, rows: number, cols: number, act: ActivationCode, param: number, h = 1e-6): Float64Array {
  const g = new Float64Array(rows * cols);
  const zp = Float64Array.from(z);
  const zm = Float64Array.from(z);
  const groups = act === Activation.softmax ? cols : 1;
  for (let col = 0; col < groups; col++) {
    const hit = (i: number) => groups === 1 || i % cols === col;
    for (let i = 0; i < z.length; i++) {
      if (!hit(i)) continue;
      zp[i] = z[i] + h;
      zm[i] = z[i] - h;
    }
    const fp = refActivation(zp, rows, cols, act, param);
    const fm = refActivation(zm, rows, cols, act, param);
    for (let i = 0; i < z.length; i++) {
      if (!hit(i)) continue;
      // elementwise: only element i changed in its own output; softmax: only row r changed.
      const r = Math.floor(i / cols);
      const lo = groups === 1 ? i : r * cols;
      const hi = groups === 1 ? i + 1 : (r + 1) * cols;
      let s = 0;
      for (let j = lo; j < hi; j++) s += dout[j] * (fp[j] - fm[j]);
      g[i] = s / (2 * h);
      zp[i] = zm[i] = z[i];
    }
  }
  return g;
}

// ---------------------------------------------------------------- losses

/** Keras's epsilon, with the upper bound as float32 stores it (1 − 1e-7 rounds to 0.99999988). */
export const PROB_EPS = 1e-7;
export const PROB_HI = Math.fround(1 - 1e-7);
const clipP = (p: number) => Math.min(Math.max(p, PROB_EPS), PROB_HI);

/** Row-major one-hot expansion of the targets when the loss is sparse, else the targets as float64. */
export function denseTargets(target: Vec, rows: number, cols: number, loss: LossSpec): Float64Array {
  if (loss.kind !== Loss.sparseCategoricalCrossentropy && loss.labelMode !== LabelMode.sparse) return Float64Array.from(target);
  const t = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) t[r * cols + Math.round(target[r])] = 1;
  return t;
}

/** lossForward of the contract in float64: pred is A (fusion none) or the logits Z (fused). */
export function refLoss(pred: Vec, target: Vec, rows: number, cols: number, loss: LossSpec): number {
  const y = denseTargets(target, rows, cols, loss);
  const n = rows * cols;
  let s = 0;
  switch (loss.kind) {
    case Loss.mse:
      for (let i = 0; i < n; i++) s += (pred[i] - y[i]) ** 2;
      return s / n;
    case Loss.mae:
      for (let i = 0; i < n; i++) s += Math.abs(pred[i] - y[i]);
      return s / n;
    case Loss.huber: {
      const d = loss.param;
      for (let i = 0; i < n; i++) {
        const e = Math.abs(pred[i] - y[i]);
        s += e <= d ? 0.5 * e * e : d * (e - 0.5 * d);
      }
      return s / n;
    }
    case Loss.binaryCrossentropy:
      for (let i = 0; i < n; i++) {
        const z = pred[i];
        if (loss.fusion === LossFusion.sigmoid) s += Math.max(z, 0) - z * y[i] + Math.log1p(Math.exp(-Math.abs(z)));
        else s -= y[i] * Math.log(clipP(z)) + (1 - y[i]) * Math.log(1 - clipP(z));
      }
      return s / n;
    case Loss.categoricalCrossentropy:
    case Loss.sparseCategoricalCrossentropy:
      for (let r = 0; r < rows; r++) {
        let max = -Infinity;
        for (let j = 0; j < cols; j++) max = Math.max(max, pred[r * cols + j]);
        let lse = 0;
        for (let j = 0; j < cols; j++) lse += Math.exp(pred[r * cols + j] - max);
        lse = max + Math.log(lse);
        for (let j = 0; j < cols; j++) {
          const yj = y[r * cols + j];
          if (yj === 0) continue;
          s -= yj * (loss.fusion === LossFusion.softmax ? pred[r * cols + j] - lse : Math.log(clipP(pred[r * cols + j])));
        }
      }
      return s / rows;
    default:
      throw new Error(`refLoss: unknown loss ${loss.kind}`);
  }
}

/** Central differences of any float64 function over every element of x (x is restored). */
export function fdGrad(f: (x: Float64Array) => number, x: Float64Array, h = 1e-6, only?: (i: number) => boolean): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    if (only && !only(i)) continue;
    const v = x[i];
    x[i] = v + h;
    const fp = f(x);
    x[i] = v - h;
    const fm = f(x);
    x[i] = v;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

// ---------------------------------------------------------------- whole plan

/** Per layer: the dropout multipliers or the additive noise (stddev·N(0,1)) of one step, or null. */
export type StepNoise = (Float64Array | null)[];

/** The random numbers of one training step, drawn as the contract says: layer by layer, row-major. */
export function drawStepNoise(spec: PlanSpec, rows: number, seed: number, step: number): StepNoise {
  const rng = stepRng(seed, step);
  return spec.layers.map((l) => {
    if (l.kind === LayerKind.dropout) {
      const keep = 1 / (1 - l.rate);
      return Float64Array.from({ length: rows * l.units }, () => (rng.uniform() >= l.rate ? keep : 0));
    }
    if (l.kind === LayerKind.gaussianNoise) return Float64Array.from({ length: rows * l.units }, () => l.rate * rng.normal());
    return null;
  });
}

export interface RefForward {
  output: Float64Array; // (rows, outputWidth) the model output A
  logits: Float64Array; // (rows, outputWidth) the last layer's pre-activation (what a fused loss sees)
}

/** Forward pass of a plan in float64; `noise` null means inference (dropout/noise are identity). */
export function refForward(spec: PlanSpec, params: Vec, x: Vec, rows: number, noise: StepNoise | null): RefForward {
  let a: Float64Array = Float64Array.from({ length: rows * spec.inputWidth }, (_, i) => x[i]);
  let logits: Float64Array = a;
  spec.layers.forEach((l, li) => {
    const extra = noise?.[li] ?? null;
    if (l.kind === LayerKind.dense) {
      const w = l.kernel!;
      const z = new Float64Array(rows * l.units);
      for (let r = 0; r < rows; r++) {
        for (let o = 0; o < l.units; o++) {
          let s = l.bias ? params[l.bias.offset + o] : 0;
          for (let i = 0; i < l.inputs; i++) s += a[r * l.inputs + i] * params[w.offset + i * l.units + o];
          z[r * l.units + o] = s;
        }
      }
      logits = z;
      a = refActivation(z, rows, l.units, l.activation, l.activationParam);
    } else if (l.kind === LayerKind.activation) {
      logits = a;
      a = refActivation(a, rows, l.units, l.activation, l.activationParam);
    } else if (l.kind === LayerKind.batchNorm || l.kind === LayerKind.layerNorm) {
      a = refNorm(l, params, a, rows, noise !== null);
      logits = a;
    } else if (extra) {
      const src = a;
      a = Float64Array.from(src, (v, i) => (l.kind === LayerKind.dropout ? v * extra[i] : v + extra[i]));
      logits = a;
    } else {
      logits = a;
    }
  });
  return { output: a, logits };
}

/**
 * Mean and biased variance of x (rows, cols) in float64, two-pass: per column (`byRow` false) or per row.
 */
export function refMoments(x: Vec, rows: number, cols: number, byRow: boolean): { mean: Float64Array; variance: Float64Array } {
  const groups = byRow ? rows : cols;
  const count = byRow ? cols : rows;
  const at = (g: number, k: number) => (byRow ? x[g * cols + k] : x[k * cols + g]);
  const mean = new Float64Array(groups);
  const variance = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    let s = 0;
    for (let k = 0; k < count; k++) s += at(g, k);
    mean[g] = s / count;
    let q = 0;
    for (let k = 0; k < count; k++) q += (at(g, k) - mean[g]) ** 2;
    variance[g] = q / count;
  }
  return { mean, variance };
}

/**
 * BatchNorm1d (training: the batch's mean and biased variance; else the running statistics in params) or
 * LayerNorm over each row, then γ·x̂ + β, all in float64.
 */
export function refNorm(l: LayerSpec, params: Vec, x: Vec, rows: number, training: boolean): Float64Array {
  const C = l.units;
  const byRow = l.kind === LayerKind.layerNorm;
  let mean: ArrayLike<number>;
  let variance: ArrayLike<number>;
  if (byRow || training) ({ mean, variance } = refMoments(x, rows, C, byRow));
  else {
    const rm = l.runningMean!;
    const rv = l.runningVar!;
    mean = Array.from({ length: C }, (_, c) => params[rm.offset + c]);
    variance = Array.from({ length: C }, (_, c) => params[rv.offset + c]);
  }
  const out = new Float64Array(rows * C);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < C; c++) {
      const g = byRow ? r : c;
      const xhat = (x[r * C + c] - mean[g]) / Math.sqrt(variance[g] + l.rate);
      out[r * C + c] = params[l.kernel!.offset + c] * xhat + params[l.bias!.offset + c];
    }
  }
  return out;
}

/** Σ over dense layers of l1·Σ|w| + l2·Σw² for kernel and bias. */
export function refPenalty(spec: PlanSpec, params: Vec): number {
  let s = 0;
  for (const l of spec.layers) {
    for (const [ref, pen] of [
      [l.kernel, l.kernelPenalty],
      [l.bias, l.biasPenalty],
    ] as const) {
      if (!ref || (pen.l1 === 0 && pen.l2 === 0)) continue;
      for (let i = ref.offset; i < ref.offset + ref.length; i++) s += pen.l1 * Math.abs(params[i]) + pen.l2 * params[i] * params[i];
    }
  }
  return s;
}

/** The stats row (codes.ts Stat) for one batch: sums, with accuracy by label mode. */
export function refStats(spec: PlanSpec, output: Vec, target: Vec, rows: number, dataLoss: number, penalty: number): Float64Array {
  const cols = spec.outputWidth;
  const { loss } = spec;
  const y = denseTargets(target, rows, cols, loss);
  const s = new Float64Array(STATS_WIDTH);
  s[Stat.lossSum] = dataLoss * rows;
  s[Stat.regLossSum] = penalty * rows;
  s[Stat.rows] = rows;
  const argmax = (v: Vec, r: number) => {
    let best = 0;
    for (let j = 1; j < cols; j++) if (v[r * cols + j] > v[r * cols + best]) best = j; // first max wins
    return best;
  };
  for (let i = 0; i < rows * cols; i++) {
    const hit = output[i] > loss.threshold === y[i] > 0.5 ? 1 : 0;
    s[Stat.binCorrect] += hit;
    if (loss.labelMode === LabelMode.binary) s[Stat.accCorrect] += hit;
    s[Stat.absErrSum] += Math.abs(output[i] - y[i]);
    s[Stat.sqErrSum] += (output[i] - y[i]) ** 2;
  }
  s[Stat.binCount] = s[Stat.errCount] = rows * cols;
  if (loss.labelMode === LabelMode.binary) s[Stat.accCount] = rows * cols;
  if (loss.labelMode === LabelMode.onehot || loss.labelMode === LabelMode.sparse) {
    for (let r = 0; r < rows; r++) s[Stat.accCorrect] += argmax(output, r) === argmax(y, r) ? 1 : 0;
    s[Stat.accCount] = rows;
  }
  return s;
}

export interface RefResult extends RefForward {
  dataLoss: number;
  penalty: number;
  total: number; // dataLoss + penalty: what computeGradients returns
  stats: Float64Array;
}

/** Forward + loss + penalty + stats of one batch, as computeGradients defines them. */
export function refEvaluate(spec: PlanSpec, params: Vec, x: Vec, y: Vec, rows: number, noise: StepNoise | null): RefResult {
  const fwd = refForward(spec, params, x, rows, noise);
  const pred = spec.loss.fusion === LossFusion.none ? fwd.output : fwd.logits;
  const dataLoss = refLoss(pred, y, rows, spec.outputWidth, spec.loss);
  const penalty = refPenalty(spec, params);
  return { ...fwd, dataLoss, penalty, total: dataLoss + penalty, stats: refStats(spec, fwd.output, y, rows, dataLoss, penalty) };
}

/** ∂(data loss + penalty)/∂params by central differences, over the tensors of the plan only. */
export function fdParamGrad(spec: PlanSpec, params: Vec, x: Vec, y: Vec, rows: number, noise: StepNoise | null, h = 1e-6): Float64Array {
  const inTensor = new Uint8Array(spec.paramCount);
  for (const l of spec.layers) for (const ref of [l.kernel, l.bias]) if (ref) inTensor.fill(1, ref.offset, ref.offset + ref.length);
  const p = Float64Array.from(params);
  return fdGrad((q) => refEvaluate(spec, q, x, y, rows, noise).total, p, h, (i) => inTensor[i] === 1);
}

// ---------------------------------------------------------------- update

/**
 * The executor's update preamble on float64 gradients, in place: clamp to ±clipValue, global L2 norm,
 * then scale by clipNorm/(norm + 1e-6) when norm > clipNorm. Returns the norm (before clipNorm).
 */
export function refClipGrads(g: Float64Array, clipValue: number, clipNorm: number): number {
  if (clipValue > 0) for (let i = 0; i < g.length; i++) g[i] = Math.min(Math.max(g[i], -clipValue), clipValue);
  let ss = 0;
  for (let i = 0; i < g.length; i++) ss += g[i] * g[i];
  const norm = Math.sqrt(ss);
  if (clipNorm > 0 && norm > clipNorm) {
    const f = clipNorm / (norm + 1e-6);
    for (let i = 0; i < g.length; i++) g[i] *= f;
  }
  return norm;
}

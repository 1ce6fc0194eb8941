// One float64 reference per optimizer, written from torch.optim's update rules: every optimizer test
// (the backends' optimizerStep, the optimizer classes, the plan's update) compares against these.
// Each updates p and its slots in place over the whole vector, as the kernels do. Slot layouts, as in
// the contract: sgd [momentum buffer]; adagrad [sum of squares]; adadelta [square avg, accumulated
// delta]; rmsprop [square avg, momentum buffer, grad avg]; adam/adamw [m, v, max v]; adamax [m, infinity
// norm u]; nadam, radam [m, v].

import { Optimizer } from '../../src/backend/codes.js';
import type { OptimizerSpec } from '../../src/backend/contract.js';

type Vec = ArrayLike<number>;
/** A float64 (or number[]) vector the reference writes. */
type MutVec = { length: number; [i: number]: number };

// Hyperparameters by their public config names, so an optimizer's getConfig() is a rule as it is.
export interface SgdRule {
  name: 'sgd';
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
}
export interface AdagradRule {
  name: 'adagrad';
  lrDecay: number;
  weightDecay: number;
  eps: number;
}
export interface AdadeltaRule {
  name: 'adadelta';
  rho: number;
  eps: number;
  weightDecay: number;
}
export interface RmsPropRule {
  name: 'rmsprop';
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
}
export interface AdamRule {
  /** adamw decays the weights directly (decoupled); adam adds weightDecay·p to the gradient. */
  name: 'adam' | 'adamw';
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
}
export interface AdamaxRule {
  name: 'adamax';
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}
export interface NadamRule {
  name: 'nadam';
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  momentumDecay: number;
  decoupledWeightDecay: boolean;
}
export interface RadamRule {
  name: 'radam';
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decoupledWeightDecay: boolean;
}
export type OptimizerRule = SgdRule | AdagradRule | AdadeltaRule | RmsPropRule | AdamRule | AdamaxRule | NadamRule | RadamRule;

/** sgd: g += wd·p; buf = g at t = 1, else μ·buf + (1 − τ)·g; g = nesterov ? g + μ·buf : buf; p −= lr·g. */
export function refSgd(p: MutVec, grads: Vec, slots: MutVec[], r: SgdRule, lr: number, t: number): void {
  for (let i = 0; i < p.length; i++) {
    let g = grads[i] + r.weightDecay * p[i];
    if (r.momentum !== 0) {
      const buf = (slots[0][i] = t === 1 ? g : r.momentum * slots[0][i] + (1 - r.dampening) * g);
      g = r.nesterov ? g + r.momentum * buf : buf;
    }
    p[i] -= lr * g;
  }
}

/** adagrad: g += wd·p; sum += g²; p −= lr/(1 + (t − 1)·lrDecay) · g/(√sum + eps). */
export function refAdagrad(p: MutVec, grads: Vec, slots: MutVec[], r: AdagradRule, lr: number, t: number): void {
  const clr = lr / (1 + (t - 1) * r.lrDecay);
  for (let i = 0; i < p.length; i++) {
    const g = grads[i] + r.weightDecay * p[i];
    slots[0][i] += g * g;
    p[i] -= (clr * g) / (Math.sqrt(slots[0][i]) + r.eps);
  }
}

/** adadelta: sq = ρ·sq + (1 − ρ)·g²; Δ = √(acc + eps)/√(sq + eps)·g; acc = ρ·acc + (1 − ρ)·Δ²; p −= lr·Δ. */
export function refAdadelta(p: MutVec, grads: Vec, slots: MutVec[], r: AdadeltaRule, lr: number): void {
  for (let i = 0; i < p.length; i++) {
    const g = grads[i] + r.weightDecay * p[i];
    const sq = (slots[0][i] = r.rho * slots[0][i] + (1 - r.rho) * g * g);
    const delta = (Math.sqrt(slots[1][i] + r.eps) / Math.sqrt(sq + r.eps)) * g;
    slots[1][i] = r.rho * slots[1][i] + (1 - r.rho) * delta * delta;
    p[i] -= lr * delta;
  }
}

/** rmsprop: sq = α·sq + (1 − α)·g²; avg = √(sq − ḡ²) when centered, else √sq, plus eps; momentum buffers g/avg. */
export function refRmsProp(p: MutVec, grads: Vec, slots: MutVec[], r: RmsPropRule, lr: number): void {
  for (let i = 0; i < p.length; i++) {
    const g = grads[i] + r.weightDecay * p[i];
    const sq = (slots[0][i] = r.alpha * slots[0][i] + (1 - r.alpha) * g * g);
    let avg: number;
    if (r.centered) {
      const ga = (slots[2][i] = r.alpha * slots[2][i] + (1 - r.alpha) * g);
      avg = Math.sqrt(sq - ga * ga) + r.eps;
    } else avg = Math.sqrt(sq) + r.eps;
    if (r.momentum > 0) {
      slots[1][i] = r.momentum * slots[1][i] + g / avg;
      p[i] -= lr * slots[1][i];
    } else p[i] -= (lr * g) / avg;
  }
}

/** adam/adamw: m, v moving averages; p −= lr/(1 − β1ᵗ) · m/(√v̂/√(1 − β2ᵗ) + eps), v̂ = max v with amsgrad. */
export function refAdam(p: MutVec, grads: Vec, slots: MutVec[], r: AdamRule, lr: number, t: number): void {
  const bc1 = 1 - r.beta1 ** t;
  const bc2 = 1 - r.beta2 ** t;
  for (let i = 0; i < p.length; i++) {
    let g = grads[i];
    if (r.name === 'adamw') p[i] *= 1 - lr * r.weightDecay;
    else g += r.weightDecay * p[i];
    const m = (slots[0][i] = r.beta1 * slots[0][i] + (1 - r.beta1) * g);
    const v = (slots[1][i] = r.beta2 * slots[1][i] + (1 - r.beta2) * g * g);
    const vHat = r.amsgrad ? (slots[2][i] = Math.max(slots[2][i], v)) : v;
    p[i] -= (lr / bc1) * (m / (Math.sqrt(vHat) / Math.sqrt(bc2) + r.eps));
  }
}

/** adamax (torch.optim.Adamax): g += wd·p; m = β1·m + (1 − β1)·g; u = max(β2·u, |g| + eps); p −= lr/(1 − β1ᵗ) · m/u. */
export function refAdamax(p: MutVec, grads: Vec, slots: MutVec[], r: AdamaxRule, lr: number, t: number): void {
  const clr = lr / (1 - r.beta1 ** t);
  for (let i = 0; i < p.length; i++) {
    const g = grads[i] + r.weightDecay * p[i];
    const m = (slots[0][i] = r.beta1 * slots[0][i] + (1 - r.beta1) * g);
    const u = (slots[1][i] = Math.max(r.beta2 * slots[1][i], Math.abs(g) + r.eps));
    p[i] -= clr * (m / u);
  }
}

/**
 * nadam (torch.optim.NAdam, _single_tensor_nadam): μ_k = β1(1 − ½·0.96^(kψ)); the μ product over k = 1..t
 * recomputed here from scratch; p −= lr(1 − μ_t)/(1 − ∏μ) · g/denom, then lr·μ_{t+1}/(1 − ∏μ·μ_{t+1}) · m/denom,
 * denom = √(v/(1 − β2ᵗ)) + eps. Weight decay as torch: decoupled p·(1 − lr·wd) or g += wd·p.
 */
export function refNadam(p: MutVec, grads: Vec, slots: MutVec[], r: NadamRule, lr: number, t: number): void {
  const mu = (k: number) => r.beta1 * (1 - 0.5 * 0.96 ** (k * r.momentumDecay));
  let muProduct = 1;
  for (let k = 1; k <= t; k++) muProduct *= mu(k);
  const muNext = mu(t + 1);
  const bc2 = 1 - r.beta2 ** t;
  for (let i = 0; i < p.length; i++) {
    let g = grads[i];
    if (r.decoupledWeightDecay) p[i] *= 1 - lr * r.weightDecay;
    else g += r.weightDecay * p[i];
    const m = (slots[0][i] = r.beta1 * slots[0][i] + (1 - r.beta1) * g);
    const v = (slots[1][i] = r.beta2 * slots[1][i] + (1 - r.beta2) * g * g);
    const denom = Math.sqrt(v / bc2) + r.eps;
    p[i] -= ((lr * (1 - mu(t))) / (1 - muProduct)) * (g / denom);
    p[i] -= ((lr * muNext) / (1 - muProduct * muNext)) * (m / denom);
  }
}

/**
 * radam (torch.optim.RAdam): m, v as adam; ρ∞ = 2/(1 − β2) − 1, ρ_t = ρ∞ − 2t·β2ᵗ/(1 − β2ᵗ). ρ_t > 5:
 * p −= m/bc1 · lr · √bc2/(√v + eps) · r_t with r_t = √((ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t)); else p −= m/bc1 · lr.
 */
export function refRadam(p: MutVec, grads: Vec, slots: MutVec[], r: RadamRule, lr: number, t: number): void {
  const bc1 = 1 - r.beta1 ** t;
  const bc2 = 1 - r.beta2 ** t;
  const rhoInf = 2 / (1 - r.beta2) - 1;
  const rhoT = rhoInf - (2 * t * r.beta2 ** t) / bc2;
  for (let i = 0; i < p.length; i++) {
    let g = grads[i];
    if (r.decoupledWeightDecay) p[i] *= 1 - lr * r.weightDecay;
    else g += r.weightDecay * p[i];
    const m = (slots[0][i] = r.beta1 * slots[0][i] + (1 - r.beta1) * g);
    const v = (slots[1][i] = r.beta2 * slots[1][i] + (1 - r.beta2) * g * g);
    if (rhoT > 5) {
      const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
      const adaptive = Math.sqrt(bc2) / (Math.sqrt(v) + r.eps);
      p[i] -= (m / bc1) * lr * adaptive * rect;
    } else p[i] -= (m / bc1) * lr;
  }
}

/** Step t (from 1) of any rule. */
export function refOptimizerUpdate(r: OptimizerRule, p: MutVec, grads: Vec, slots: MutVec[], lr: number, t: number): void {
  switch (r.name) {
    case 'sgd':
      return refSgd(p, grads, slots, r, lr, t);
    case 'adagrad':
      return refAdagrad(p, grads, slots, r, lr, t);
    case 'adadelta':
      return refAdadelta(p, grads, slots, r, lr);
    case 'rmsprop':
      return refRmsProp(p, grads, slots, r, lr);
    case 'adam':
    case 'adamw':
      return refAdam(p, grads, slots, r, lr, t);
    case 'adamax':
      return refAdamax(p, grads, slots, r, lr, t);
    case 'nadam':
      return refNadam(p, grads, slots, r, lr, t);
    case 'radam':
      return refRadam(p, grads, slots, r, lr, t);
  }
}

/**
 * The rule of a contract OptimizerSpec, read from its hyper vector by the numbering of codes.ts: sgd
 * [μ, τ, nesterov, wd]; adagrad [lrDecay, wd, initial accumulator, eps]; adadelta [ρ, eps, wd]; rmsprop
 * [α, eps, wd, μ, centered]; adam/adamw [β1, β2, eps, wd, amsgrad]; adamax [β1, β2, eps, wd]; nadam [β1, β2,
 * eps, wd, ψ, decoupled]; radam [β1, β2, eps, wd, decoupled].
 */
export function ruleOfSpec(spec: OptimizerSpec): OptimizerRule {
  const h = spec.hyper;
  switch (spec.kind) {
    case Optimizer.sgd:
      return { name: 'sgd', momentum: h[0], dampening: h[1], nesterov: h[2] !== 0, weightDecay: h[3] };
    case Optimizer.adagrad:
      return { name: 'adagrad', lrDecay: h[0], weightDecay: h[1], eps: h[3] };
    case Optimizer.adadelta:
      return { name: 'adadelta', rho: h[0], eps: h[1], weightDecay: h[2] };
    case Optimizer.rmsprop:
      return { name: 'rmsprop', alpha: h[0], eps: h[1], weightDecay: h[2], momentum: h[3], centered: h[4] !== 0 };
    case Optimizer.adam:
    case Optimizer.adamw:
      return { name: spec.kind === Optimizer.adam ? 'adam' : 'adamw', beta1: h[0], beta2: h[1], eps: h[2], weightDecay: h[3], amsgrad: h[4] !== 0 };
    case Optimizer.adamax:
      return { name: 'adamax', beta1: h[0], beta2: h[1], eps: h[2], weightDecay: h[3] };
    case Optimizer.nadam:
      return { name: 'nadam', beta1: h[0], beta2: h[1], eps: h[2], weightDecay: h[3], momentumDecay: h[4], decoupledWeightDecay: h[5] !== 0 };
    case Optimizer.radam:
      return { name: 'radam', beta1: h[0], beta2: h[1], eps: h[2], weightDecay: h[3], decoupledWeightDecay: h[4] !== 0 };
    default:
      throw new Error(`ruleOfSpec: unknown optimizer ${spec.kind}`);
  }
}

/** One optimizer step of a contract OptimizerSpec in float64, updating p and slots in place. */
export function refOptimizerStep(p: MutVec, grads: Vec, slots: MutVec[], spec: OptimizerSpec, lr: number, t: number): void {
  refOptimizerUpdate(ruleOfSpec(spec), p, grads, slots, lr, t);
}

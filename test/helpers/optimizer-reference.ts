// One float64 reference per optimizer, written from torch.optim's update rules: every optimizer test
// (the backends' optimizerStep, the optimizer classes, the plan's update) compares against these.
// Each updates p and its slots in place over the whole vector, as the kernels do. Slot layouts, as in
// the contract: sgd [momentum buffer]; adagrad [sum of squares]; adadelta [square avg, accumulated
// delta]; rmsprop [square avg, momentum buffer, grad avg]; adam/adamw [m, v, max v].

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
export type OptimizerRule = SgdRule | AdagradRule | AdadeltaRule | RmsPropRule | AdamRule;

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
  }
}

/**
 * The rule of a contract OptimizerSpec, read from its hyper vector by the numbering of codes.ts: sgd
 * [μ, τ, nesterov, wd]; adagrad [lrDecay, wd, initial accumulator, eps]; adadelta [ρ, eps, wd]; rmsprop
 * [α, eps, wd, μ, centered]; adam/adamw [β1, β2, eps, wd, amsgrad].
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
    default:
      throw new Error(`ruleOfSpec: unknown optimizer ${spec.kind}`);
  }
}

/** One optimizer step of a contract OptimizerSpec in float64, updating p and slots in place. */
export function refOptimizerStep(p: MutVec, grads: Vec, slots: MutVec[], spec: OptimizerSpec, lr: number, t: number): void {
  refOptimizerUpdate(ruleOfSpec(spec), p, grads, slots, lr, t);
}

// Optimizer updates over the flat arena, exactly torch.optim's documented update rules (the algorithm
// boxes of torch.optim.SGD, Adagrad, Adadelta, RMSprop, Adam, AdamW; Adamax, NAdam, RAdam in adam-variants.ts). Math per element in float64, state
// stored as float32. g is the gradient after clipping; t is the 1-based step.

import { Optimizer } from '../../codes.js';
import type { OptimizerSpec } from '../../contract.js';
import { ConfigError } from '../../../util/errors.js';
import { adamaxStep, nadamStep, radamStep } from './adam-variants.js';

/** One update of params (n) from grads (n) and the optimizer's slots, with learning rate lr at step t. */
export function optimizerStep(params: Float32Array, grads: Float32Array, slots: Float32Array[], n: number, opt: OptimizerSpec, lr: number, step: number): void {
  const h = opt.hyper;
  switch (opt.kind) {
    case Optimizer.sgd:
      return sgdStep(params, grads, slots[0], n, lr, step, h[0], h[1], h[2] !== 0, h[3]);
    case Optimizer.adagrad:
      return adagradStep(params, grads, slots[0], n, lr, step, h[0], h[1], h[3]);
    case Optimizer.adadelta:
      return adadeltaStep(params, grads, slots[0], slots[1], n, lr, h[0], h[1], h[2]);
    case Optimizer.rmsprop:
      return rmspropStep(params, grads, slots[0], slots[1], slots[2], n, lr, h[0], h[1], h[2], h[3], h[4] !== 0);
    case Optimizer.adam:
    case Optimizer.adamw:
      return adamStep(params, grads, slots[0], slots[1], slots[2], n, lr, step, h[0], h[1], h[2], h[3], h[4] !== 0, opt.kind === Optimizer.adamw);
    case Optimizer.adamax:
      return adamaxStep(params, grads, slots[0], slots[1], n, lr, step, h);
    case Optimizer.nadam:
      return nadamStep(params, grads, slots[0], slots[1], n, lr, step, h);
    case Optimizer.radam:
      return radamStep(params, grads, slots[0], slots[1], n, lr, step, h);
    default:
      throw new ConfigError(`Unknown optimizer code ${String(opt.kind)}`);
  }
}

// g += λp; if μ≠0: buf = (t==1) ? g : μ·buf + (1−τ)·g; g = nesterov ? g + μ·buf : buf. p −= lr·g.
function sgdStep(p: Float32Array, g: Float32Array, buf: Float32Array, n: number, lr: number, t: number, mu: number, damp: number, nesterov: boolean, wd: number): void {
  for (let i = 0; i < n; i++) {
    let gi = g[i] + wd * p[i];
    if (mu !== 0) {
      const b = t === 1 ? gi : mu * buf[i] + (1 - damp) * gi;
      buf[i] = b;
      gi = nesterov ? gi + mu * b : b;
    }
    p[i] -= lr * gi;
  }
}

// g += λp; clr = lr / (1 + (t−1)·lrDecay); sum += g²; p −= clr·g/(√sum + eps).
function adagradStep(p: Float32Array, g: Float32Array, sum: Float32Array, n: number, lr: number, t: number, lrDecay: number, wd: number, eps: number): void {
  const clr = lr / (1 + (t - 1) * lrDecay);
  for (let i = 0; i < n; i++) {
    const gi = g[i] + wd * p[i];
    const s = sum[i] + gi * gi;
    sum[i] = s;
    p[i] -= (clr * gi) / (Math.sqrt(s) + eps);
  }
}

// g += λp; sq = ρ·sq + (1−ρ)g²; δ = √(acc+eps)/√(sq+eps)·g; acc = ρ·acc + (1−ρ)δ²; p −= lr·δ.
function adadeltaStep(p: Float32Array, g: Float32Array, sqAvg: Float32Array, accDelta: Float32Array, n: number, lr: number, rho: number, eps: number, wd: number): void {
  for (let i = 0; i < n; i++) {
    const gi = g[i] + wd * p[i];
    const sq = rho * sqAvg[i] + (1 - rho) * gi * gi;
    sqAvg[i] = sq;
    const delta = (Math.sqrt(accDelta[i] + eps) / Math.sqrt(sq + eps)) * gi;
    accDelta[i] = rho * accDelta[i] + (1 - rho) * delta * delta;
    p[i] -= lr * delta;
  }
}

// g += λp; sq = α·sq + (1−α)g²; centered: ga = α·ga + (1−α)g, avg = √(sq − ga²) + eps, else avg = √sq + eps;
// μ>0: buf = μ·buf + g/avg, p −= lr·buf; else p −= lr·g/avg.
function rmspropStep(p: Float32Array, g: Float32Array, sqAvg: Float32Array, buf: Float32Array, gradAvg: Float32Array, n: number, lr: number, alpha: number, eps: number, wd: number, mu: number, centered: boolean): void {
  for (let i = 0; i < n; i++) {
    const gi = g[i] + wd * p[i];
    const sq = alpha * sqAvg[i] + (1 - alpha) * gi * gi;
    sqAvg[i] = sq;
    let avg: number;
    if (centered) {
      const ga = alpha * gradAvg[i] + (1 - alpha) * gi;
      gradAvg[i] = ga;
      avg = Math.sqrt(sq - ga * ga) + eps;
    } else {
      avg = Math.sqrt(sq) + eps;
    }
    if (mu > 0) {
      const b = mu * buf[i] + gi / avg;
      buf[i] = b;
      p[i] -= lr * b;
    } else {
      p[i] -= (lr * gi) / avg;
    }
  }
}

// adam: g += λp; adamw: p *= 1 − lr·λ. m = β1m + (1−β1)g; v = β2v + (1−β2)g²; amsgrad: vmax = max(vmax, v);
// denom = √(vmax or v)/√bc2 + eps; p −= (lr/bc1)·m/denom.
function adamStep(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vmax: Float32Array, n: number, lr: number, t: number, b1: number, b2: number, eps: number, wd: number, amsgrad: boolean, decoupled: boolean): void {
  const bc1 = 1 - Math.pow(b1, t);
  const sqrtBc2 = Math.sqrt(1 - Math.pow(b2, t));
  const stepSize = lr / bc1;
  const coupledWd = decoupled ? 0 : wd;
  const decay = decoupled ? 1 - lr * wd : 1;
  for (let i = 0; i < n; i++) {
    let pi = p[i];
    const gi = g[i] + coupledWd * pi;
    pi *= decay;
    const mi = b1 * m[i] + (1 - b1) * gi;
    const vi = b2 * v[i] + (1 - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    let vHat = vi;
    if (amsgrad) {
      // torch keeps the max of the float32 v; compare the stored values
      const vStored = v[i];
      const vm = vmax[i] > vStored ? vmax[i] : vStored;
      vmax[i] = vm;
      vHat = vm;
    }
    p[i] = pi - (stepSize * mi) / (Math.sqrt(vHat) / sqrtBc2 + eps);
  }
}

// Adamax, NAdam and RAdam (twin of native/kernels/optim/adam_variants.cc): torch.optim's update rules, math
// per element in float64 in the native loops' operation order, state stored as float32. The per-step
// constants (bias corrections, NAdam's μ products, RAdam's ρ_t) are computed once per call.

/** NAdam's μ_i = β1·(1 − 0.5·0.96^(i·ψ)). */
function nadamMu(b1: number, psi: number, i: number): number {
  return b1 * (1 - 0.5 * Math.pow(0.96, i * psi));
}

interface MuMemo {
  b1: number;
  psi: number;
  t: number;
  product: number;
}
// A few remembered products (models training side by side in one thread keep theirs), so consecutive steps
// cost one factor; a step below every remembered one (a resume) starts again from i = 1 with the same
// operations (same value).
const memo: MuMemo[] = Array.from({ length: 4 }, () => ({ b1: NaN, psi: NaN, t: 0, product: 1 }));
let nextEntry = 0;

/** ∏_{i=1..t} μ_i, NAdam's momentum product: a function of (β1, ψ, t) alone. */
export function nadamMuProduct(b1: number, psi: number, t: number): number {
  let best: MuMemo | undefined;
  for (const e of memo) if (e.b1 === b1 && e.psi === psi && e.t <= t && (best === undefined || e.t > best.t)) best = e;
  if (best === undefined) {
    best = memo[nextEntry];
    nextEntry = (nextEntry + 1) % memo.length;
    Object.assign(best, { b1, psi, t: 0, product: 1 });
  }
  for (let i = best.t + 1; i <= t; i++) best.product *= nadamMu(b1, psi, i);
  best.t = t;
  return best.product;
}

// g += λp; m = β1m + (1−β1)g; u = max(β2u, |g| + eps); p −= lr/(1 − β1ᵗ) · m/u.
export function adamaxStep(p: Float32Array, g: Float32Array, m: Float32Array, u: Float32Array, n: number, lr: number, t: number, h: readonly number[]): void {
  const [b1, b2, eps, wd] = h;
  const clr = lr / (1 - Math.pow(b1, t));
  const c1 = 1 - b1;
  for (let i = 0; i < n; i++) {
    const pi = p[i];
    const gi = g[i] + wd * pi;
    const mi = b1 * m[i] + c1 * gi;
    const a = b2 * u[i];
    const b = Math.abs(gi) + eps;
    const ui = a > b ? a : b;
    m[i] = mi;
    u[i] = ui;
    p[i] = pi - (clr * mi) / ui;
  }
}

// coupled: g += λp, decoupled: p *= 1 − lr·λ. m, v as adam; denom = √(v/bc2) + eps;
// p −= (lr(1 − μ_t)/(1 − ∏μ_1..t) · g + lr·μ_{t+1}/(1 − ∏μ_1..t+1) · m) / denom (one division).
export function nadamStep(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, n: number, lr: number, t: number, h: readonly number[]): void {
  const [b1, b2, eps, wd, psi] = h;
  const decoupled = h[5] !== 0;
  const mu = nadamMu(b1, psi, t);
  const muNext = nadamMu(b1, psi, t + 1);
  const product = nadamMuProduct(b1, psi, t);
  const cGrad = (lr * (1 - mu)) / (1 - product);
  const cM = (lr * muNext) / (1 - product * muNext);
  const invBc2 = 1 / (1 - Math.pow(b2, t));
  const coupledWd = decoupled ? 0 : wd;
  const decay = decoupled ? 1 - lr * wd : 1;
  const c1 = 1 - b1;
  const c2 = 1 - b2;
  for (let i = 0; i < n; i++) {
    let pi = p[i];
    const gi = g[i] + coupledWd * pi;
    pi *= decay;
    const mi = b1 * m[i] + c1 * gi;
    const vi = b2 * v[i] + c2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    const denom = Math.sqrt(vi * invBc2) + eps;
    p[i] = pi - (cGrad * gi + cM * mi) / denom;
  }
}

// coupled: g += λp, decoupled: p *= 1 − lr·λ. m, v as adam; ρ∞ = 2/(1 − β2) − 1, ρ_t = ρ∞ − 2tβ2ᵗ/bc2.
// ρ_t > 5: p −= lr·r_t·√bc2/bc1 · m/(√v + eps), r_t = √((ρ_t−4)(ρ_t−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρ_t)); else p −= lr/bc1 · m.
export function radamStep(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, n: number, lr: number, t: number, h: readonly number[]): void {
  const [b1, b2, eps, wd] = h;
  const decoupled = h[4] !== 0;
  const bc1 = 1 - Math.pow(b1, t);
  const b2t = Math.pow(b2, t);
  const bc2 = 1 - b2t;
  const rhoInf = 2 / (1 - b2) - 1;
  const rhoT = rhoInf - (2 * t * b2t) / bc2;
  const rectified = rhoT > 5;
  let step = lr / bc1;
  if (rectified) {
    const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
    step = step * rect * Math.sqrt(bc2);
  }
  const coupledWd = decoupled ? 0 : wd;
  const decay = decoupled ? 1 - lr * wd : 1;
  const c1 = 1 - b1;
  const c2 = 1 - b2;
  for (let i = 0; i < n; i++) {
    let pi = p[i];
    const gi = g[i] + coupledWd * pi;
    pi *= decay;
    const mi = b1 * m[i] + c1 * gi;
    const vi = b2 * v[i] + c2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = rectified ? pi - (step * mi) / (Math.sqrt(vi) + eps) : pi - step * mi;
  }
}

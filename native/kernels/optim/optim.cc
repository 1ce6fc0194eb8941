// Six optimizer update rules (torch.optim; Adamax, NAdam and RAdam: adam_variants.cc). g is the
// gradient after clipping, t the 1-based step. Each rule is one pass over the flat arena, in a slot
// of the kernel table (elementwise.h): a portable scalar loop, and an AVX2 twin that leaves the
// tail to it (pattern: act/simd.h). SGD and Adam(W) compute in float32 (8 lanes, as torch.optim),
// the rarer adagrad/adadelta/rmsprop in float64 (4 lanes). Hoisted per-step constants (pow(beta,
// t), 1 / sqrt(bc2)) are computed in float64.
#include "optim.h"

#include <cmath>

#include "../act/simd.h"
#include "../codes.h"
#include "../dispatch.h"
#include "../elementwise.h"
#include "adam_variants.h"

namespace nntrain {
namespace {

// g += wd p; if mu != 0: buf = (t == 1) ? g : mu buf + (1 - damp) g; g = nesterov ? g + mu buf :
// buf; p -= lr g. In float32 arithmetic like adam_step (and sgd_lanes, op for op).

void sgd_step(float* p, const float* g, float* buf, size_t n, const SgdConsts& k) {
  for (size_t i = 0; i < n; i++) {
    float gi = k.wd * p[i] + g[i];
    if (k.momentum) {
      const float b = k.first ? gi : k.mu * buf[i] + k.one_minus_damp * gi;
      buf[i] = b;
      gi = k.nesterov ? k.mu * b + gi : b;
    }
    p[i] = p[i] - k.lr * gi;
  }
}

// g += wd p; sum += g^2; p -= clr g / (sqrt(sum) + eps), clr = lr / (1 + (t - 1) lr_decay)
void adagrad_step(float* p, const float* g, float* sum, size_t n, double clr, double wd,
                  double eps) {
  for (size_t i = 0; i < n; i++) {
    const double gi = g[i] + wd * p[i];
    const double s = sum[i] + gi * gi;
    sum[i] = static_cast<float>(s);
    p[i] = static_cast<float>(p[i] - (clr * gi) / (std::sqrt(s) + eps));
  }
}

// g += wd p; sq = rho sq + (1 - rho) g^2; delta = sqrt(acc + eps) / sqrt(sq + eps) g;
// acc = rho acc + (1 - rho) delta^2; p -= lr delta
void adadelta_step(float* p, const float* g, float* sq_avg, float* acc_delta, size_t n, double lr,
                   double rho, double eps, double wd) {
  for (size_t i = 0; i < n; i++) {
    const double gi = g[i] + wd * p[i];
    const double sq = rho * sq_avg[i] + (1.0 - rho) * gi * gi;
    sq_avg[i] = static_cast<float>(sq);
    const double delta = (std::sqrt(acc_delta[i] + eps) / std::sqrt(sq + eps)) * gi;
    acc_delta[i] = static_cast<float>(rho * acc_delta[i] + (1.0 - rho) * delta * delta);
    p[i] = static_cast<float>(p[i] - lr * delta);
  }
}

// g += wd p; sq = alpha sq + (1 - alpha) g^2; centered: ga = alpha ga + (1 - alpha) g,
// avg = sqrt(sq - ga^2) + eps, else avg = sqrt(sq) + eps; mu > 0: buf = mu buf + g / avg, p -= lr
// buf; else p -= lr g / avg
void rmsprop_step(float* p, const float* g, float* sq_avg, float* buf, float* grad_avg, size_t n,
                  double lr, double alpha, double eps, double wd, double mu, bool centered) {
  for (size_t i = 0; i < n; i++) {
    const double gi = g[i] + wd * p[i];
    const double sq = alpha * sq_avg[i] + (1.0 - alpha) * gi * gi;
    sq_avg[i] = static_cast<float>(sq);
    double avg;
    if (centered) {
      const double ga = alpha * grad_avg[i] + (1.0 - alpha) * gi;
      grad_avg[i] = static_cast<float>(ga);
      avg = std::sqrt(sq - ga * ga) + eps;
    } else {
      avg = std::sqrt(sq) + eps;
    }
    if (mu > 0.0) {
      const double b = mu * buf[i] + gi / avg;
      buf[i] = static_cast<float>(b);
      p[i] = static_cast<float>(p[i] - lr * b);
    } else {
      p[i] = static_cast<float>(p[i] - (lr * gi) / avg);
    }
  }
}

// adam: g += wd p; adamw: p *= 1 - lr wd. m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
// amsgrad: vmax = max(vmax, v); denom = sqrt(vmax or v) / sqrt(bc2) + eps; p -= (lr / bc1) m /
// denom. Adam and SGD run in float32 arithmetic (as torch.optim does), the others in float64:
// Adam's sqrt and division in 8 float lanes cost a third of 4 double lanes, and it is the
// optimizer of most runs. The per-step constants are float64, rounded once. This scalar loop does
// the same float operations in the same order as adam_lanes, so an element's result does not
// depend on which of the two handles it.

AdamConsts adam_consts(double lr, double t, double b1, double b2, double eps, double wd,
                       bool decoupled) {
  const auto f = [](double x) { return static_cast<float>(x); };
  return {f(lr / (1.0 - std::pow(b1, t))),
          f(1.0 / std::sqrt(1.0 - std::pow(b2, t))),
          f(b1),
          f(1.0 - b1),
          f(b2),
          f(1.0 - b2),
          f(eps),
          f(decoupled ? 0.0 : wd),
          f(decoupled ? 1.0 - lr * wd : 1.0)};
}

void adam_step(float* p, const float* g, float* m, float* v, float* vmax, size_t n,
               const AdamConsts& k, bool amsgrad) {
  for (size_t i = 0; i < n; i++) {
    float pi = p[i];
    const float gi = k.coupled_wd * pi + g[i];
    pi *= k.decay;
    const float mi = k.b1 * m[i] + k.one_minus_b1 * gi;
    const float vi = k.b2 * v[i] + (k.one_minus_b2 * gi) * gi;
    m[i] = mi;
    v[i] = vi;
    float v_hat = vi;
    if (amsgrad) {
      v_hat = vmax[i] > vi ? vmax[i] : vi;  // torch keeps the max of the float32 v
      vmax[i] = v_hat;
    }
    p[i] = pi - (k.step_size * mi) / (std::sqrt(v_hat) * k.inv_sqrt_bc2 + k.eps);
  }
}

#if defined(__x86_64__)
NNTRAIN_AVX2 size_t sgd_lanes(float* p, const float* g, float* buf, size_t n, const SgdConsts& k) {
  const __m256 vwd = _mm256_set1_ps(k.wd), vmu = _mm256_set1_ps(k.mu), vlr = _mm256_set1_ps(k.lr);
  const __m256 vdamp = _mm256_set1_ps(k.one_minus_damp);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 pi = _mm256_loadu_ps(p + i);
    __m256 gi = _mm256_add_ps(_mm256_mul_ps(vwd, pi), _mm256_loadu_ps(g + i));
    if (k.momentum) {
      const __m256 b = k.first ? gi
                               : _mm256_add_ps(_mm256_mul_ps(vmu, _mm256_loadu_ps(buf + i)),
                                               _mm256_mul_ps(vdamp, gi));
      _mm256_storeu_ps(buf + i, b);
      gi = k.nesterov ? _mm256_add_ps(_mm256_mul_ps(vmu, b), gi) : b;
    }
    _mm256_storeu_ps(p + i, _mm256_sub_ps(pi, _mm256_mul_ps(vlr, gi)));
  }
  return i;
}

NNTRAIN_AVX2 size_t adagrad_lanes(float* p, const float* g, float* sum, size_t n, double clr,
                                  double wd, double eps) {
  const __m256d vwd = _mm256_set1_pd(wd), vclr = _mm256_set1_pd(clr), veps = _mm256_set1_pd(eps);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256d pi = load4(p + i);
    const __m256d gi = madd(vwd, pi, load4(g + i));
    const __m256d s = madd(gi, gi, load4(sum + i));
    store4(sum + i, s);
    const __m256d d = _mm256_add_pd(_mm256_sqrt_pd(s), veps);
    store4(p + i, _mm256_sub_pd(pi, _mm256_div_pd(_mm256_mul_pd(vclr, gi), d)));
  }
  return i;
}

NNTRAIN_AVX2 size_t adadelta_lanes(float* p, const float* g, float* sq_avg, float* acc_delta,
                                   size_t n, double lr, double rho, double eps, double wd) {
  const __m256d vwd = _mm256_set1_pd(wd), vlr = _mm256_set1_pd(lr), veps = _mm256_set1_pd(eps);
  const __m256d vrho = _mm256_set1_pd(rho), v1rho = _mm256_set1_pd(1.0 - rho);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256d pi = load4(p + i);
    const __m256d gi = madd(vwd, pi, load4(g + i));
    const __m256d sq = madd(vrho, load4(sq_avg + i), _mm256_mul_pd(_mm256_mul_pd(v1rho, gi), gi));
    store4(sq_avg + i, sq);
    const __m256d acc = load4(acc_delta + i);
    const __m256d ratio = _mm256_div_pd(_mm256_sqrt_pd(_mm256_add_pd(acc, veps)),
                                        _mm256_sqrt_pd(_mm256_add_pd(sq, veps)));
    const __m256d delta = _mm256_mul_pd(ratio, gi);
    store4(acc_delta + i, madd(vrho, acc, _mm256_mul_pd(_mm256_mul_pd(v1rho, delta), delta)));
    store4(p + i, nmadd(vlr, delta, pi));
  }
  return i;
}

NNTRAIN_AVX2 size_t rmsprop_lanes(float* p, const float* g, float* sq_avg, float* buf,
                                  float* grad_avg, size_t n, double lr, double alpha, double eps,
                                  double wd, double mu, bool centered) {
  const __m256d vwd = _mm256_set1_pd(wd), vlr = _mm256_set1_pd(lr), veps = _mm256_set1_pd(eps);
  const __m256d valpha = _mm256_set1_pd(alpha), v1alpha = _mm256_set1_pd(1.0 - alpha);
  const __m256d vmu = _mm256_set1_pd(mu);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256d pi = load4(p + i);
    const __m256d gi = madd(vwd, pi, load4(g + i));
    const __m256d sq =
        madd(valpha, load4(sq_avg + i), _mm256_mul_pd(_mm256_mul_pd(v1alpha, gi), gi));
    store4(sq_avg + i, sq);
    __m256d avg;
    if (centered) {
      const __m256d ga = madd(valpha, load4(grad_avg + i), _mm256_mul_pd(v1alpha, gi));
      store4(grad_avg + i, ga);
      avg = _mm256_add_pd(_mm256_sqrt_pd(nmadd(ga, ga, sq)), veps);
    } else {
      avg = _mm256_add_pd(_mm256_sqrt_pd(sq), veps);
    }
    if (mu > 0.0) {
      const __m256d b = madd(vmu, load4(buf + i), _mm256_div_pd(gi, avg));
      store4(buf + i, b);
      store4(p + i, nmadd(vlr, b, pi));
    } else {
      store4(p + i, _mm256_sub_pd(pi, _mm256_div_pd(_mm256_mul_pd(vlr, gi), avg)));
    }
  }
  return i;
}

// one division per element: the sqrt(bc2) division becomes a multiply (a last-bit float64 change)
// 8 float lanes; mul and add kept separate (no FMA) to match adam_step exactly
NNTRAIN_AVX2 size_t adam_lanes(float* p, const float* g, float* m, float* v, float* vmax, size_t n,
                               const AdamConsts& k, bool amsgrad) {
  const __m256 vwd = _mm256_set1_ps(k.coupled_wd), vdecay = _mm256_set1_ps(k.decay);
  const __m256 vb1 = _mm256_set1_ps(k.b1), v1b1 = _mm256_set1_ps(k.one_minus_b1);
  const __m256 vb2 = _mm256_set1_ps(k.b2), v1b2 = _mm256_set1_ps(k.one_minus_b2);
  const __m256 vstep = _mm256_set1_ps(k.step_size), vinv = _mm256_set1_ps(k.inv_sqrt_bc2);
  const __m256 veps = _mm256_set1_ps(k.eps);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 pi = _mm256_loadu_ps(p + i);
    const __m256 gi = _mm256_add_ps(_mm256_mul_ps(vwd, pi), _mm256_loadu_ps(g + i));
    pi = _mm256_mul_ps(pi, vdecay);
    const __m256 mi =
        _mm256_add_ps(_mm256_mul_ps(vb1, _mm256_loadu_ps(m + i)), _mm256_mul_ps(v1b1, gi));
    const __m256 vi = _mm256_add_ps(_mm256_mul_ps(vb2, _mm256_loadu_ps(v + i)),
                                    _mm256_mul_ps(_mm256_mul_ps(v1b2, gi), gi));
    _mm256_storeu_ps(m + i, mi);
    _mm256_storeu_ps(v + i, vi);
    __m256 v_hat = vi;
    if (amsgrad) {
      // maxps(a, b) = a > b ? a : b, as in the scalar loop
      v_hat = _mm256_max_ps(_mm256_loadu_ps(vmax + i), vi);
      _mm256_storeu_ps(vmax + i, v_hat);
    }
    const __m256 denom = _mm256_add_ps(_mm256_mul_ps(_mm256_sqrt_ps(v_hat), vinv), veps);
    _mm256_storeu_ps(p + i, _mm256_sub_ps(pi, _mm256_div_ps(_mm256_mul_ps(vstep, mi), denom)));
  }
  return i;
}

// The vector loops, then the scalar loops from where they stopped
void sgd_avx2(float* p, const float* g, float* buf, size_t n, const SgdConsts& k) {
  const size_t i = sgd_lanes(p, g, buf, n, k);
  sgd_step(p + i, g + i, buf != nullptr ? buf + i : nullptr, n - i, k);
}

void adagrad_avx2(float* p, const float* g, float* sum, size_t n, double clr, double wd,
                  double eps) {
  const size_t i = adagrad_lanes(p, g, sum, n, clr, wd, eps);
  adagrad_step(p + i, g + i, sum + i, n - i, clr, wd, eps);
}

void adadelta_avx2(float* p, const float* g, float* sq_avg, float* acc_delta, size_t n, double lr,
                   double rho, double eps, double wd) {
  const size_t i = adadelta_lanes(p, g, sq_avg, acc_delta, n, lr, rho, eps, wd);
  adadelta_step(p + i, g + i, sq_avg + i, acc_delta + i, n - i, lr, rho, eps, wd);
}

void rmsprop_avx2(float* p, const float* g, float* sq_avg, float* buf, float* grad_avg, size_t n,
                  double lr, double alpha, double eps, double wd, double mu, bool centered) {
  const size_t i = rmsprop_lanes(p, g, sq_avg, buf, grad_avg, n, lr, alpha, eps, wd, mu, centered);
  rmsprop_step(p + i, g + i, sq_avg + i, buf + i, grad_avg + i, n - i, lr, alpha, eps, wd, mu,
               centered);
}

void adam_avx2(float* p, const float* g, float* m, float* v, float* vmax, size_t n,
               const AdamConsts& k, bool amsgrad) {
  const size_t i = adam_lanes(p, g, m, v, vmax, n, k, amsgrad);
  adam_step(p + i, g + i, m + i, v + i, vmax != nullptr ? vmax + i : nullptr, n - i, k, amsgrad);
}
#endif

}  // namespace

void fill_optim_portable(ElementwiseKernels* k) {
  k->sgd = sgd_step;
  k->adagrad = adagrad_step;
  k->adadelta = adadelta_step;
  k->rmsprop = rmsprop_step;
  k->adam = adam_step;
}

#if defined(__x86_64__)
void fill_optim_avx2(ElementwiseKernels* k) {
  k->sgd = sgd_avx2;
  k->adagrad = adagrad_avx2;
  k->adadelta = adadelta_avx2;
  k->rmsprop = rmsprop_avx2;
  k->adam = adam_avx2;
}
#endif

// params, grads are (n); slots holds kOptimizerSlots[opt.kind] arrays of (n)
void optimizer_step(float* params, const float* grads, float* const* slots, size_t n,
                    const OptimDesc& opt, double lr, double step) {
  const double* h = opt.hyper;
  float* s0 = slots[0];
  float* s1 = kOptimizerSlots[opt.kind] > 1 ? slots[1] : nullptr;
  float* s2 = kOptimizerSlots[opt.kind] > 2 ? slots[2] : nullptr;
  const ElementwiseKernels& k = elementwise_kernels();
  switch (opt.kind) {
    case kOptSgd: {
      const SgdConsts c{static_cast<float>(lr),
                        static_cast<float>(h[0]),
                        static_cast<float>(1.0 - h[1]),
                        static_cast<float>(h[3]),
                        h[0] != 0.0,
                        step == 1.0,
                        h[2] != 0.0};
      k.sgd(params, grads, s0, n, c);
      return;
    }
    case kOptAdagrad:
      k.adagrad(params, grads, s0, n, lr / (1.0 + (step - 1.0) * h[0]), h[1], h[3]);
      return;
    case kOptAdadelta:
      k.adadelta(params, grads, s0, s1, n, lr, h[0], h[1], h[2]);
      return;
    case kOptRmsprop:
      k.rmsprop(params, grads, s0, s1, s2, n, lr, h[0], h[1], h[2], h[3], h[4] != 0.0);
      return;
    case kOptAdam:
    case kOptAdamw:
      k.adam(params, grads, s0, s1, s2, n,
             adam_consts(lr, step, h[0], h[1], h[2], h[3], opt.kind == kOptAdamw), h[4] != 0.0);
      return;
    case kOptAdamax:
      k.adamax(params, grads, s0, s1, n, adamax_consts(h, lr, step));
      return;
    case kOptNadam:
      k.nadam(params, grads, s0, s1, n, nadam_consts(h, lr, step));
      return;
    case kOptRadam:
      k.radam(params, grads, s0, s1, n, radam_consts(h, lr, step));
      return;
    default:
      return;  // codes are validated at the boundary
  }
}

}  // namespace nntrain

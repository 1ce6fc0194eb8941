// The six optimizer update rules (torch.optim). g is the gradient after clipping, t the 1-based
// step. Each rule is one pass over the flat arena: a scalar loop (portable, and the tail) and an
// AVX2 twin, 4 float64 lanes, chosen by elementwise_simd() (pattern: act/simd.h). Hoisted
// per-step constants (pow(beta, t), 1 / sqrt(bc2)) are scalar.
#include "optim.h"

#include <cmath>

#include "../act/simd.h"
#include "../codes.h"

namespace nntrain {
namespace {

// g += wd p; if mu != 0: buf = (t == 1) ? g : mu buf + (1 - damp) g; g = nesterov ? g + mu buf :
// buf; p -= lr g
void sgd_step(float* p, const float* g, float* buf, size_t n, double lr, double t, double mu,
              double damp, bool nesterov, double wd) {
  for (size_t i = 0; i < n; i++) {
    double gi = g[i] + wd * p[i];
    if (mu != 0.0) {
      const double b = t == 1.0 ? gi : mu * buf[i] + (1.0 - damp) * gi;
      buf[i] = static_cast<float>(b);
      gi = nesterov ? gi + mu * b : b;
    }
    p[i] = static_cast<float>(p[i] - lr * gi);
  }
}

// g += wd p; clr = lr / (1 + (t - 1) lr_decay); sum += g^2; p -= clr g / (sqrt(sum) + eps)
void adagrad_step(float* p, const float* g, float* sum, size_t n, double lr, double t,
                  double lr_decay, double wd, double eps) {
  const double clr = lr / (1.0 + (t - 1.0) * lr_decay);
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
// denom
void adam_step(float* p, const float* g, float* m, float* v, float* vmax, size_t n, double lr,
               double t, double b1, double b2, double eps, double wd, bool amsgrad,
               bool decoupled) {
  const double bc1 = 1.0 - std::pow(b1, t);
  const double sqrt_bc2 = std::sqrt(1.0 - std::pow(b2, t));
  const double step_size = lr / bc1;
  const double coupled_wd = decoupled ? 0.0 : wd;
  const double decay = decoupled ? 1.0 - lr * wd : 1.0;
  for (size_t i = 0; i < n; i++) {
    double pi = p[i];
    const double gi = g[i] + coupled_wd * pi;
    pi *= decay;
    const double mi = b1 * m[i] + (1.0 - b1) * gi;
    const double vi = b2 * v[i] + (1.0 - b2) * gi * gi;
    m[i] = static_cast<float>(mi);
    v[i] = static_cast<float>(vi);
    double v_hat = vi;
    if (amsgrad) {
      // torch keeps the max of the float32 v: compare the stored values
      const float vm = vmax[i] > v[i] ? vmax[i] : v[i];
      vmax[i] = vm;
      v_hat = vm;
    }
    p[i] = static_cast<float>(pi - (step_size * mi) / (std::sqrt(v_hat) / sqrt_bc2 + eps));
  }
}

#if defined(__x86_64__)
NNTRAIN_AVX2 size_t sgd_avx2(float* p, const float* g, float* buf, size_t n, double lr, double t,
                             double mu, double damp, bool nesterov, double wd) {
  const __m256d vwd = _mm256_set1_pd(wd), vmu = _mm256_set1_pd(mu), vlr = _mm256_set1_pd(lr);
  const __m256d vdamp = _mm256_set1_pd(1.0 - damp);
  const bool momentum = mu != 0.0, first = t == 1.0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256d pi = load4(p + i);
    __m256d gi = madd(vwd, pi, load4(g + i));
    if (momentum) {
      const __m256d b = first ? gi : madd(vmu, load4(buf + i), _mm256_mul_pd(vdamp, gi));
      store4(buf + i, b);
      gi = nesterov ? madd(vmu, b, gi) : b;
    }
    store4(p + i, nmadd(vlr, gi, pi));
  }
  return i;
}

NNTRAIN_AVX2 size_t adagrad_avx2(float* p, const float* g, float* sum, size_t n, double clr,
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

NNTRAIN_AVX2 size_t adadelta_avx2(float* p, const float* g, float* sq_avg, float* acc_delta,
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

NNTRAIN_AVX2 size_t rmsprop_avx2(float* p, const float* g, float* sq_avg, float* buf,
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
NNTRAIN_AVX2 size_t adam_avx2(float* p, const float* g, float* m, float* v, float* vmax, size_t n,
                              double step_size, double inv_sqrt_bc2, double b1, double b2,
                              double eps, double coupled_wd, double decay, bool amsgrad) {
  const __m256d vwd = _mm256_set1_pd(coupled_wd), vdecay = _mm256_set1_pd(decay);
  const __m256d vb1 = _mm256_set1_pd(b1), v1b1 = _mm256_set1_pd(1.0 - b1);
  const __m256d vb2 = _mm256_set1_pd(b2), v1b2 = _mm256_set1_pd(1.0 - b2);
  const __m256d vstep = _mm256_set1_pd(step_size), vinv = _mm256_set1_pd(inv_sqrt_bc2);
  const __m256d veps = _mm256_set1_pd(eps);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    __m256d pi = load4(p + i);
    const __m256d gi = madd(vwd, pi, load4(g + i));
    pi = _mm256_mul_pd(pi, vdecay);
    const __m256d mi = madd(vb1, load4(m + i), _mm256_mul_pd(v1b1, gi));
    const __m256d vi = madd(vb2, load4(v + i), _mm256_mul_pd(_mm256_mul_pd(v1b2, gi), gi));
    store4(m + i, mi);
    const __m128 vf = _mm256_cvtpd_ps(vi);
    _mm_storeu_ps(v + i, vf);
    __m256d v_hat = vi;
    if (amsgrad) {
      // torch keeps the max of the float32 v; maxps(a, b) = a > b ? a : b, as in the scalar loop
      const __m128 vm = _mm_max_ps(_mm_loadu_ps(vmax + i), vf);
      _mm_storeu_ps(vmax + i, vm);
      v_hat = _mm256_cvtps_pd(vm);
    }
    const __m256d denom = madd(_mm256_sqrt_pd(v_hat), vinv, veps);
    store4(p + i, _mm256_sub_pd(pi, _mm256_div_pd(_mm256_mul_pd(vstep, mi), denom)));
  }
  return i;
}
#endif

}  // namespace

// params, grads are (n); slots holds kOptimizerSlots[opt.kind] arrays of (n)
void optimizer_step(float* params, const float* grads, float* const* slots, size_t n,
                    const OptimDesc& opt, double lr, double step) {
  const double* h = opt.hyper;
  // i: elements done by the vector loop; the scalar loop finishes from there
  size_t i = 0;
  float* s0 = slots[0];
  float* s1 = kOptimizerSlots[opt.kind] > 1 ? slots[1] : nullptr;
  float* s2 = kOptimizerSlots[opt.kind] > 2 ? slots[2] : nullptr;
  [[maybe_unused]] const bool simd = elementwise_simd();
  switch (opt.kind) {
    case kOptSgd:
#if defined(__x86_64__)
      if (simd) i = sgd_avx2(params, grads, s0, n, lr, step, h[0], h[1], h[2] != 0.0, h[3]);
#endif
      sgd_step(params + i, grads + i, s0 + i, n - i, lr, step, h[0], h[1], h[2] != 0.0, h[3]);
      return;
    case kOptAdagrad:
#if defined(__x86_64__)
      if (simd)
        i = adagrad_avx2(params, grads, s0, n, lr / (1.0 + (step - 1.0) * h[0]), h[1], h[3]);
#endif
      adagrad_step(params + i, grads + i, s0 + i, n - i, lr, step, h[0], h[1], h[3]);
      return;
    case kOptAdadelta:
#if defined(__x86_64__)
      if (simd) i = adadelta_avx2(params, grads, s0, s1, n, lr, h[0], h[1], h[2]);
#endif
      adadelta_step(params + i, grads + i, s0 + i, s1 + i, n - i, lr, h[0], h[1], h[2]);
      return;
    case kOptRmsprop:
#if defined(__x86_64__)
      if (simd) {
        i = rmsprop_avx2(params, grads, s0, s1, s2, n, lr, h[0], h[1], h[2], h[3], h[4] != 0.0);
      }
#endif
      rmsprop_step(params + i, grads + i, s0 + i, s1 + i, s2 + i, n - i, lr, h[0], h[1], h[2], h[3],
                   h[4] != 0.0);
      return;
    case kOptAdam:
    case kOptAdamw:
#if defined(__x86_64__)
      if (simd) {
        i = adam_avx2(params, grads, s0, s1, s2, n, lr / (1.0 - std::pow(h[0], step)),
                      1.0 / std::sqrt(1.0 - std::pow(h[1], step)), h[0], h[1], h[2],
                      opt.kind == kOptAdamw ? 0.0 : h[3],
                      opt.kind == kOptAdamw ? 1.0 - lr * h[3] : 1.0, h[4] != 0.0);
      }
#endif
      adam_step(params + i, grads + i, s0 + i, s1 + i, s2 + i, n - i, lr, step, h[0], h[1], h[2],
                h[3], h[4] != 0.0, opt.kind == kOptAdamw);
      return;
    default:
      return;  // codes are validated at the boundary
  }
}

}  // namespace nntrain

// Adamax, NAdam and RAdam update rules (torch.optim, as src/optimizers/ documents them). Like
// adagrad/adadelta/rmsprop in optim.cc they compute in float64 and store float32: a portable
// scalar loop and an AVX2 twin of 4 double lanes that does the same operations in the same order
// (no FMA), so an element's result does not depend on which loop handles it.
#include "adam_variants.h"

#include <cmath>

#include "../act/simd.h"
#include "../codes.h"

namespace nntrain {
namespace {

// p *= decay; g += coupled_wd p (one of the two is the identity)
// adamax: g += wd p; m = b1 m + (1 - b1) g; u = max(b2 u, |g| + eps); p -= clr m / u
void adamax_step(float* p, const float* g, float* m, float* u, size_t n, const AdamaxConsts& k) {
  const double c1 = 1.0 - k.b1;
  for (size_t i = 0; i < n; i++) {
    const double pi = p[i];
    const double gi = g[i] + k.wd * pi;
    const double mi = k.b1 * m[i] + c1 * gi;
    const double a = k.b2 * u[i], b = std::fabs(gi) + k.eps;
    const double ui = a > b ? a : b;
    m[i] = static_cast<float>(mi);
    u[i] = static_cast<float>(ui);
    p[i] = static_cast<float>(pi - (k.clr * mi) / ui);
  }
}

// nadam: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; denom = sqrt(v / bc2) + eps;
// p -= (c_grad g + c_m m) / denom (torch's two addcdiv with one division: float64 last bits only)
void nadam_step(float* p, const float* g, float* m, float* v, size_t n, const NadamConsts& k) {
  const double c1 = 1.0 - k.b1, c2 = 1.0 - k.b2;
  for (size_t i = 0; i < n; i++) {
    double pi = p[i];
    const double gi = g[i] + k.coupled_wd * pi;
    pi *= k.decay;
    const double mi = k.b1 * m[i] + c1 * gi;
    const double vi = k.b2 * v[i] + c2 * gi * gi;
    m[i] = static_cast<float>(mi);
    v[i] = static_cast<float>(vi);
    const double denom = std::sqrt(vi * k.inv_bc2) + k.eps;
    p[i] = static_cast<float>(pi - (k.c_grad * gi + k.c_m * mi) / denom);
  }
}

// radam: m, v as nadam; rectified: p -= step m / (sqrt(v) + eps), else p -= step m
void radam_step(float* p, const float* g, float* m, float* v, size_t n, const RadamConsts& k) {
  const double c1 = 1.0 - k.b1, c2 = 1.0 - k.b2;
  for (size_t i = 0; i < n; i++) {
    double pi = p[i];
    const double gi = g[i] + k.coupled_wd * pi;
    pi *= k.decay;
    const double mi = k.b1 * m[i] + c1 * gi;
    const double vi = k.b2 * v[i] + c2 * gi * gi;
    m[i] = static_cast<float>(mi);
    v[i] = static_cast<float>(vi);
    p[i] = static_cast<float>(k.rectified ? pi - (k.step * mi) / (std::sqrt(vi) + k.eps)
                                          : pi - k.step * mi);
  }
}

#if defined(__x86_64__)
NNTRAIN_AVX2 size_t adamax_lanes(float* p, const float* g, float* m, float* u, size_t n,
                                 const AdamaxConsts& k) {
  const __m256d vwd = _mm256_set1_pd(k.wd), vb1 = _mm256_set1_pd(k.b1);
  const __m256d vc1 = _mm256_set1_pd(1.0 - k.b1), vb2 = _mm256_set1_pd(k.b2);
  const __m256d veps = _mm256_set1_pd(k.eps), vclr = _mm256_set1_pd(k.clr);
  const __m256d sign = _mm256_set1_pd(-0.0);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256d pi = load4(p + i);
    const __m256d gi = madd(vwd, pi, load4(g + i));
    const __m256d mi = madd(vb1, load4(m + i), _mm256_mul_pd(vc1, gi));
    // maxpd(a, b) = a > b ? a : b, as in the scalar loop
    const __m256d ui = _mm256_max_pd(_mm256_mul_pd(vb2, load4(u + i)),
                                     _mm256_add_pd(_mm256_andnot_pd(sign, gi), veps));
    store4(m + i, mi);
    store4(u + i, ui);
    store4(p + i, _mm256_sub_pd(pi, _mm256_div_pd(_mm256_mul_pd(vclr, mi), ui)));
  }
  return i;
}

NNTRAIN_AVX2 size_t nadam_lanes(float* p, const float* g, float* m, float* v, size_t n,
                                const NadamConsts& k) {
  const __m256d vwd = _mm256_set1_pd(k.coupled_wd), vdecay = _mm256_set1_pd(k.decay);
  const __m256d vb1 = _mm256_set1_pd(k.b1), vc1 = _mm256_set1_pd(1.0 - k.b1);
  const __m256d vb2 = _mm256_set1_pd(k.b2), vc2 = _mm256_set1_pd(1.0 - k.b2);
  const __m256d vinv = _mm256_set1_pd(k.inv_bc2), veps = _mm256_set1_pd(k.eps);
  const __m256d vcg = _mm256_set1_pd(k.c_grad), vcm = _mm256_set1_pd(k.c_m);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    __m256d pi = load4(p + i);
    const __m256d gi = madd(vwd, pi, load4(g + i));
    pi = _mm256_mul_pd(pi, vdecay);
    const __m256d mi = madd(vb1, load4(m + i), _mm256_mul_pd(vc1, gi));
    const __m256d vi = madd(vb2, load4(v + i), _mm256_mul_pd(_mm256_mul_pd(vc2, gi), gi));
    store4(m + i, mi);
    store4(v + i, vi);
    const __m256d denom = _mm256_add_pd(_mm256_sqrt_pd(_mm256_mul_pd(vi, vinv)), veps);
    const __m256d num = _mm256_add_pd(_mm256_mul_pd(vcg, gi), _mm256_mul_pd(vcm, mi));
    store4(p + i, _mm256_sub_pd(pi, _mm256_div_pd(num, denom)));
  }
  return i;
}

NNTRAIN_AVX2 size_t radam_lanes(float* p, const float* g, float* m, float* v, size_t n,
                                const RadamConsts& k) {
  const __m256d vwd = _mm256_set1_pd(k.coupled_wd), vdecay = _mm256_set1_pd(k.decay);
  const __m256d vb1 = _mm256_set1_pd(k.b1), vc1 = _mm256_set1_pd(1.0 - k.b1);
  const __m256d vb2 = _mm256_set1_pd(k.b2), vc2 = _mm256_set1_pd(1.0 - k.b2);
  const __m256d vstep = _mm256_set1_pd(k.step), veps = _mm256_set1_pd(k.eps);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    __m256d pi = load4(p + i);
    const __m256d gi = madd(vwd, pi, load4(g + i));
    pi = _mm256_mul_pd(pi, vdecay);
    const __m256d mi = madd(vb1, load4(m + i), _mm256_mul_pd(vc1, gi));
    const __m256d vi = madd(vb2, load4(v + i), _mm256_mul_pd(_mm256_mul_pd(vc2, gi), gi));
    store4(m + i, mi);
    store4(v + i, vi);
    const __m256d upd = k.rectified ? _mm256_div_pd(_mm256_mul_pd(vstep, mi),
                                                    _mm256_add_pd(_mm256_sqrt_pd(vi), veps))
                                    : _mm256_mul_pd(vstep, mi);
    store4(p + i, _mm256_sub_pd(pi, upd));
  }
  return i;
}

// The vector loops, then the scalar loops from where they stopped
void adamax_avx2(float* p, const float* g, float* m, float* u, size_t n, const AdamaxConsts& k) {
  const size_t i = adamax_lanes(p, g, m, u, n, k);
  adamax_step(p + i, g + i, m + i, u + i, n - i, k);
}

void nadam_avx2(float* p, const float* g, float* m, float* v, size_t n, const NadamConsts& k) {
  const size_t i = nadam_lanes(p, g, m, v, n, k);
  nadam_step(p + i, g + i, m + i, v + i, n - i, k);
}

void radam_avx2(float* p, const float* g, float* m, float* v, size_t n, const RadamConsts& k) {
  const size_t i = radam_lanes(p, g, m, v, n, k);
  radam_step(p + i, g + i, m + i, v + i, n - i, k);
}
#endif

double nadam_mu(double b1, double psi, double i) {
  return b1 * (1.0 - 0.5 * std::pow(0.96, i * psi));
}

}  // namespace

void fill_adam_variants_portable(ElementwiseKernels* k) {
  k->adamax = adamax_step;
  k->nadam = nadam_step;
  k->radam = radam_step;
}

#if defined(__x86_64__)
void fill_adam_variants_avx2(ElementwiseKernels* k) {
  k->adamax = adamax_avx2;
  k->nadam = nadam_avx2;
  k->radam = radam_avx2;
}
#endif

// A pure function of (b1, psi, t), computed as a running product from i = 1. Each thread remembers
// a few products (models training side by side on one thread each keep theirs), so consecutive
// steps cost one factor each; a step below every remembered one (a resume) starts again from i = 1.
// The same operations in the same order either way, hence the same bits.
double nadam_mu_product(double b1, double psi, double t) {
  struct Memo {
    double b1, psi, t, product;
  };
  constexpr int kEntries = 4;
  thread_local Memo memo[kEntries] = {{std::nan(""), 0, 0, 1},
                                      {std::nan(""), 0, 0, 1},
                                      {std::nan(""), 0, 0, 1},
                                      {std::nan(""), 0, 0, 1}};
  thread_local int next = 0;
  Memo* best = nullptr;
  for (Memo& e : memo) {
    if (e.b1 == b1 && e.psi == psi && e.t <= t && (best == nullptr || e.t > best->t)) best = &e;
  }
  if (best == nullptr) {
    best = &memo[next];
    next = (next + 1) % kEntries;
    *best = {b1, psi, 0.0, 1.0};
  }
  for (double i = best->t + 1.0; i <= t; i += 1.0) best->product *= nadam_mu(b1, psi, i);
  best->t = t;
  return best->product;
}

// adamax hyper: [beta1, beta2, eps, weightDecay]
AdamaxConsts adamax_consts(const double* h, double lr, double t) {
  return {lr / (1.0 - std::pow(h[0], t)), h[0], h[1], h[2], h[3]};
}

// nadam hyper: [beta1, beta2, eps, weightDecay, momentumDecay, decoupled]
NadamConsts nadam_consts(const double* h, double lr, double t) {
  const double b1 = h[0], psi = h[4];
  const bool decoupled = h[5] != 0.0;
  const double mu = nadam_mu(b1, psi, t), mu_next = nadam_mu(b1, psi, t + 1.0);
  const double product = nadam_mu_product(b1, psi, t);
  return {lr * (1.0 - mu) / (1.0 - product),
          lr * mu_next / (1.0 - product * mu_next),
          1.0 / (1.0 - std::pow(h[1], t)),
          b1,
          h[1],
          h[2],
          decoupled ? 0.0 : h[3],
          decoupled ? 1.0 - lr * h[3] : 1.0};
}

// radam hyper: [beta1, beta2, eps, weightDecay, decoupled]. rho_t, the length of the approximated
// SMA, decides: above 5 the variance is tractable and the adaptive step is rectified.
RadamConsts radam_consts(const double* h, double lr, double t) {
  const double b1 = h[0], b2 = h[1];
  const bool decoupled = h[4] != 0.0;
  const double bc1 = 1.0 - std::pow(b1, t);
  const double b2t = std::pow(b2, t);
  const double bc2 = 1.0 - b2t;
  const double rho_inf = 2.0 / (1.0 - b2) - 1.0;
  const double rho_t = rho_inf - 2.0 * t * b2t / bc2;
  const bool rectified = rho_t > 5.0;
  double step = lr / bc1;
  if (rectified) {
    const double rect = std::sqrt(((rho_t - 4.0) * (rho_t - 2.0) * rho_inf) /
                                  ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t));
    step = step * rect * std::sqrt(bc2);
  }
  return {step, b1, b2, h[2], decoupled ? 0.0 : h[3], decoupled ? 1.0 - lr * h[3] : 1.0, rectified};
}

}  // namespace nntrain

// Gradient norms, clipping and the L1/L2 penalties over flat float arrays. Each has a scalar loop
// (portable, and the tail) and an AVX2 twin in float64 lanes chosen by elementwise_simd()
// (pattern: act/simd.h).
#include <cmath>

#include "../act/simd.h"
#include "optim.h"

namespace nntrain {
namespace {

#if defined(__x86_64__)
NNTRAIN_AVX2 double sum_squares_avx2(const float* x, size_t n, size_t* done) {
  __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256d a = load4(x + i), b = load4(x + i + 4);
    s0 = madd(a, a, s0);
    s1 = madd(b, b, s1);
  }
  *done = i;
  return hsum(_mm256_add_pd(s0, s1));
}

// NaN compares false both ways and passes through unchanged
NNTRAIN_AVX2 size_t clip_by_value_avx2(float* g, size_t n, double c) {
  const __m256d hi = _mm256_set1_pd(c), lo = _mm256_set1_pd(-c);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    __m256d v = load4(g + i);
    v = _mm256_blendv_pd(v, hi, _mm256_cmp_pd(v, hi, _CMP_GT_OQ));
    v = _mm256_blendv_pd(v, lo, _mm256_cmp_pd(v, lo, _CMP_LT_OQ));
    store4(g + i, v);
  }
  return i;
}

NNTRAIN_AVX2 size_t scale_in_place_avx2(float* g, size_t n, double s) {
  const __m256d vs = _mm256_set1_pd(s);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) store4(g + i, _mm256_mul_pd(load4(g + i), vs));
  return i;
}

NNTRAIN_AVX2 size_t penalty_sums_avx2(const float* w, size_t n, double* abs_sum, double* sq_sum) {
  const __m256d abs_mask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
  __m256d a = _mm256_setzero_pd(), q = _mm256_setzero_pd();
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256d v = load4(w + i);
    a = _mm256_add_pd(a, _mm256_and_pd(v, abs_mask));
    q = madd(v, v, q);
  }
  *abs_sum = hsum(a);
  *sq_sum = hsum(q);
  return i;
}

NNTRAIN_AVX2 size_t penalty_backward_avx2(float* dw, const float* w, size_t n, double l1,
                                          double l2x2) {
  const __m256d zero = _mm256_setzero_pd(), vl1 = _mm256_set1_pd(l1), vl2 = _mm256_set1_pd(l2x2);
  const __m256d neg_l1 = _mm256_set1_pd(-l1);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256d v = load4(w + i);
    const __m256d sign_l1 = _mm256_or_pd(_mm256_and_pd(_mm256_cmp_pd(v, zero, _CMP_GT_OQ), vl1),
                                         _mm256_and_pd(_mm256_cmp_pd(v, zero, _CMP_LT_OQ), neg_l1));
    store4(dw + i, _mm256_add_pd(load4(dw + i), madd(vl2, v, sign_l1)));
  }
  return i;
}
#endif

}  // namespace

// x is (n)
double sum_squares(const float* x, size_t n) {
  // scalar: two partial sums, the association of the JS twin; the vector loop uses 8 (the test
  // tolerance of 1e-6 relative admits any float64 order)
  double s0 = 0.0, s1 = 0.0;
  size_t i = 0;
#if defined(__x86_64__)
  if (elementwise_simd()) s0 = sum_squares_avx2(x, n, &i);
#endif
  for (; i + 1 < n; i += 2) {
    s0 += static_cast<double>(x[i]) * x[i];
    s1 += static_cast<double>(x[i + 1]) * x[i + 1];
  }
  if (i < n) s0 += static_cast<double>(x[i]) * x[i];
  return s0 + s1;
}

// g is (n)
void clip_by_value(float* g, size_t n, double c) {
  size_t i = 0;
#if defined(__x86_64__)
  if (elementwise_simd()) i = clip_by_value_avx2(g, n, c);
#endif
  for (; i < n; i++) {
    const double v = g[i];
    if (v > c) {
      g[i] = static_cast<float>(c);
    } else if (v < -c) {
      g[i] = static_cast<float>(-c);
    }
  }
}

// g is (n)
void scale_in_place(float* g, size_t n, double s) {
  size_t i = 0;
#if defined(__x86_64__)
  if (elementwise_simd()) i = scale_in_place_avx2(g, n, s);
#endif
  for (; i < n; i++) g[i] = static_cast<float>(g[i] * s);
}

// w is (n)
double penalty_loss(const float* w, size_t n, double l1, double l2) {
  if (l1 == 0.0 && l2 == 0.0) return 0.0;
  double abs_sum = 0.0, sq_sum = 0.0;
  size_t i = 0;
#if defined(__x86_64__)
  if (elementwise_simd()) i = penalty_sums_avx2(w, n, &abs_sum, &sq_sum);
#endif
  for (; i < n; i++) {
    const double v = w[i];
    abs_sum += std::fabs(v);
    sq_sum += v * v;
  }
  return l1 * abs_sum + l2 * sq_sum;
}

// dw, w are (n)
void penalty_backward(float* dw, const float* w, size_t n, double l1, double l2) {
  const double l2x2 = 2.0 * l2;
  if (l1 == 0.0 && l2x2 == 0.0) return;
  size_t i = 0;
#if defined(__x86_64__)
  if (elementwise_simd()) i = penalty_backward_avx2(dw, w, n, l1, l2x2);
#endif
  for (; i < n; i++) {
    const double v = w[i];
    dw[i] = static_cast<float>(dw[i] + ((v > 0 ? l1 : v < 0 ? -l1 : 0.0) + l2x2 * v));
  }
}

}  // namespace nntrain

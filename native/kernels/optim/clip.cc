// Gradient norms, clipping and the L1/L2 penalties over flat float arrays, in slots of the kernel
// table (elementwise.h): a portable scalar loop each, and an AVX2 twin in float64 lanes that
// leaves the tail to the same scalar loop (pattern: act/simd.h).
#include <cmath>

#include "../act/simd.h"
#include "../dispatch.h"
#include "../elementwise.h"
#include "optim.h"

namespace nntrain {
namespace {

// The scalar loops over elements [i, n), continuing from what a vector loop left

// two partial sums, the association of the JS twin (s0 starts with the vector loop's sum; the test
// tolerance of 1e-6 relative admits any float64 order)
double sum_squares_from(const float* x, size_t i, size_t n, double s0) {
  double s1 = 0.0;
  for (; i + 1 < n; i += 2) {
    s0 += static_cast<double>(x[i]) * x[i];
    s1 += static_cast<double>(x[i + 1]) * x[i + 1];
  }
  if (i < n) s0 += static_cast<double>(x[i]) * x[i];
  return s0 + s1;
}

void clip_by_value_from(float* g, size_t i, size_t n, double c) {
  for (; i < n; i++) {
    const double v = g[i];
    if (v > c) {
      g[i] = static_cast<float>(c);
    } else if (v < -c) {
      g[i] = static_cast<float>(-c);
    }
  }
}

void scale_in_place_from(float* g, size_t i, size_t n, double s) {
  for (; i < n; i++) g[i] = static_cast<float>(g[i] * s);
}

double penalty_loss_from(const float* w, size_t i, size_t n, double l1, double l2, double abs_sum,
                         double sq_sum) {
  for (; i < n; i++) {
    const double v = w[i];
    abs_sum += std::fabs(v);
    sq_sum += v * v;
  }
  return l1 * abs_sum + l2 * sq_sum;
}

void penalty_backward_from(float* dw, const float* w, size_t i, size_t n, double l1, double l2x2) {
  for (; i < n; i++) {
    const double v = w[i];
    dw[i] = static_cast<float>(dw[i] + ((v > 0 ? l1 : v < 0 ? -l1 : 0.0) + l2x2 * v));
  }
}

double sum_squares_portable(const float* x, size_t n) {
  return sum_squares_from(x, 0, n, 0.0);
}
void clip_by_value_portable(float* g, size_t n, double c) {
  clip_by_value_from(g, 0, n, c);
}
void scale_in_place_portable(float* g, size_t n, double s) {
  scale_in_place_from(g, 0, n, s);
}
double penalty_loss_portable(const float* w, size_t n, double l1, double l2) {
  return penalty_loss_from(w, 0, n, l1, l2, 0.0, 0.0);
}
void penalty_backward_portable(float* dw, const float* w, size_t n, double l1, double l2) {
  penalty_backward_from(dw, w, 0, n, l1, 2.0 * l2);
}

#if defined(__x86_64__)
NNTRAIN_AVX2 double sum_squares_lanes(const float* x, size_t n, size_t* done) {
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
NNTRAIN_AVX2 size_t clip_by_value_lanes(float* g, size_t n, double c) {
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

NNTRAIN_AVX2 size_t scale_in_place_lanes(float* g, size_t n, double s) {
  const __m256d vs = _mm256_set1_pd(s);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) store4(g + i, _mm256_mul_pd(load4(g + i), vs));
  return i;
}

NNTRAIN_AVX2 size_t penalty_sums_lanes(const float* w, size_t n, double* abs_sum, double* sq_sum) {
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

NNTRAIN_AVX2 size_t penalty_backward_lanes(float* dw, const float* w, size_t n, double l1,
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

double sum_squares_avx2(const float* x, size_t n) {
  size_t i = 0;
  const double s0 = sum_squares_lanes(x, n, &i);
  return sum_squares_from(x, i, n, s0);
}
void clip_by_value_avx2(float* g, size_t n, double c) {
  clip_by_value_from(g, clip_by_value_lanes(g, n, c), n, c);
}
void scale_in_place_avx2(float* g, size_t n, double s) {
  scale_in_place_from(g, scale_in_place_lanes(g, n, s), n, s);
}
double penalty_loss_avx2(const float* w, size_t n, double l1, double l2) {
  double abs_sum = 0.0, sq_sum = 0.0;
  const size_t i = penalty_sums_lanes(w, n, &abs_sum, &sq_sum);
  return penalty_loss_from(w, i, n, l1, l2, abs_sum, sq_sum);
}
void penalty_backward_avx2(float* dw, const float* w, size_t n, double l1, double l2) {
  const double l2x2 = 2.0 * l2;
  penalty_backward_from(dw, w, penalty_backward_lanes(dw, w, n, l1, l2x2), n, l1, l2x2);
}
#endif

}  // namespace

void fill_clip_portable(ElementwiseKernels* k) {
  k->sum_squares = sum_squares_portable;
  k->clip_by_value = clip_by_value_portable;
  k->scale_in_place = scale_in_place_portable;
  k->penalty_loss = penalty_loss_portable;
  k->penalty_backward = penalty_backward_portable;
}

#if defined(__x86_64__)
void fill_clip_avx2(ElementwiseKernels* k) {
  k->sum_squares = sum_squares_avx2;
  k->clip_by_value = clip_by_value_avx2;
  k->scale_in_place = scale_in_place_avx2;
  k->penalty_loss = penalty_loss_avx2;
  k->penalty_backward = penalty_backward_avx2;
}
#endif

// x is (n)
double sum_squares(const float* x, size_t n) {
  return elementwise_kernels().sum_squares(x, n);
}

// g is (n)
void clip_by_value(float* g, size_t n, double c) {
  elementwise_kernels().clip_by_value(g, n, c);
}

// g is (n)
void scale_in_place(float* g, size_t n, double s) {
  elementwise_kernels().scale_in_place(g, n, s);
}

// w is (n)
double penalty_loss(const float* w, size_t n, double l1, double l2) {
  if (l1 == 0.0 && l2 == 0.0) return 0.0;
  return elementwise_kernels().penalty_loss(w, n, l1, l2);
}

// dw, w are (n)
void penalty_backward(float* dw, const float* w, size_t n, double l1, double l2) {
  if (l1 == 0.0 && 2.0 * l2 == 0.0) return;
  elementwise_kernels().penalty_backward(dw, w, n, l1, l2);
}

}  // namespace nntrain

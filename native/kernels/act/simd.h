// Shared pieces of the vectorized elementwise kernels (act/, loss/, optim/).
//
// Pattern, the same in every elementwise file: each kernel has a portable scalar loop (the
// reference, also used for tails) and, on x86-64, an explicit-intrinsics twin in a function marked
// NNTRAIN_AVX2 = __attribute__((target("avx2"))), or NNTRAIN_AVX2_FMA = target("avx2,fma") for the
// exp-based ones; the twin runs a vector loop and hands the tail to the scalar loop. Both sit in
// slots of the kernel table (elementwise.h); dispatch.cc installs the twins only for the avx2 and
// avx512 variants, after checking the CPU. The common compile flags carry no -march, so the binary
// runs on any x86-64, and NNTRAIN_KERNEL=ref|simple|packed runs the scalar loops.
//
// The math stays in float64 like the scalar loops and the TypeScript twin (4 doubles per ymm;
// float32 in, float32 out) with the same operation order. Without "fma" in the target GCC cannot
// contract a * b + c, so the optimizer and loss twins agree with the scalar loops to the last bit,
// except for the summation order of reductions and Adam's 1 / sqrt(bc2) multiply; the exp-based
// twins differ in the last float64 bits (Cephes exp, <= 2 ulp), which almost never changes a
// float32 result.
#pragma once

#include <cmath>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace nntrain {

// The largest of z[0..cols) as x > max ? x : max, so a NaN never wins; -Inf for an all -Inf row.
inline double row_max(const float* z, int cols) {
  double max = -INFINITY;
  for (int j = 0; j < cols; j++) max = z[j] > max ? z[j] : max;
  return max;
}

#if defined(__x86_64__)
#define NNTRAIN_AVX2 __attribute__((target("avx2")))
#define NNTRAIN_AVX2_FMA __attribute__((target("avx2,fma")))

// row_max in vector lanes: maxps(x, m) = x > m ? x : m, so a NaN never wins here either
NNTRAIN_AVX2 inline double row_max_avx2(const float* z, int cols) {
  float max = -INFINITY;
  int j = 0;
  if (cols >= 8) {
    __m256 m = _mm256_set1_ps(-INFINITY);
    for (; j + 8 <= cols; j += 8) m = _mm256_max_ps(_mm256_loadu_ps(z + j), m);
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, m);
    for (float v : lanes) max = v > max ? v : max;
  }
  for (; j < cols; j++) max = z[j] > max ? z[j] : max;
  return max;
}

// 4 floats at p widened to doubles, and back (round to nearest, like static_cast<float>)
NNTRAIN_AVX2 inline __m256d load4(const float* p) {
  return _mm256_cvtps_pd(_mm_loadu_ps(p));
}
NNTRAIN_AVX2 inline void store4(float* p, __m256d x) {
  _mm_storeu_ps(p, _mm256_cvtpd_ps(x));
}
// a * b + c and c - a * b, each operation rounded (FMA only where the caller is NNTRAIN_AVX2_FMA)
NNTRAIN_AVX2 inline __m256d madd(__m256d a, __m256d b, __m256d c) {
  return _mm256_add_pd(_mm256_mul_pd(a, b), c);
}
NNTRAIN_AVX2 inline __m256d nmadd(__m256d a, __m256d b, __m256d c) {
  return _mm256_sub_pd(c, _mm256_mul_pd(a, b));
}
NNTRAIN_AVX2 inline double hsum(__m256d x) {
  const __m128d s = _mm_add_pd(_mm256_castpd256_pd128(x), _mm256_extractf128_pd(x, 1));
  return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

// e^x in float64 for x <= 0 (Cephes exp: x = n ln2 + r, |r| <= ln2/2, e^r from a (2,3) Padé form;
// about 1 ulp of float64, so float32 results round like std::exp's). x < -708 gives 0 (no
// subnormals), NaN stays NaN. Callers pass x <= 0 only: above 709 the 2^n scaling would overflow.
NNTRAIN_AVX2_FMA inline __m256d exp_neg(__m256d x) {
  const __m256d too_small = _mm256_cmp_pd(x, _mm256_set1_pd(-708.0), _CMP_LT_OQ);
  x = _mm256_max_pd(_mm256_set1_pd(-708.0), x);  // maxpd returns its second operand, a NaN x
  const __m256d n = _mm256_round_pd(_mm256_mul_pd(x, _mm256_set1_pd(1.4426950408889634073599)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256d r = _mm256_fnmadd_pd(n, _mm256_set1_pd(6.93145751953125E-1), x);
  r = _mm256_fnmadd_pd(n, _mm256_set1_pd(1.42860682030941723212E-6), r);
  const __m256d rr = _mm256_mul_pd(r, r);
  __m256d p = _mm256_fmadd_pd(_mm256_set1_pd(1.26177193074810590878E-4), rr,
                              _mm256_set1_pd(3.02994407707441961300E-2));
  p = _mm256_mul_pd(r, _mm256_fmadd_pd(p, rr, _mm256_set1_pd(9.99999999999999999910E-1)));
  __m256d q = _mm256_fmadd_pd(_mm256_set1_pd(3.00198505138664455042E-6), rr,
                              _mm256_set1_pd(2.52448340349684104192E-3));
  q = _mm256_fmadd_pd(q, rr, _mm256_set1_pd(2.27265548208155028766E-1));
  q = _mm256_fmadd_pd(q, rr, _mm256_set1_pd(2.00000000000000000009E0));
  const __m256d e = _mm256_fmadd_pd(_mm256_set1_pd(2.0), _mm256_div_pd(p, _mm256_sub_pd(q, p)),
                                    _mm256_set1_pd(1.0));
  // 2^n from the bits of n + 1023 + 1.5 * 2^52 (n + 1023 is in [1, 1023] here)
  const __m256d biased = _mm256_add_pd(n, _mm256_set1_pd(6755399441055744.0 + 1023.0));
  const __m256d pow2n = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_castpd_si256(biased), 52));
  return _mm256_andnot_pd(too_small, _mm256_mul_pd(e, pow2n));
}

// sigmoid(z) in float64 without overflow: (z >= 0 ? 1 : e) / (1 + e) with e = e^-|z|
NNTRAIN_AVX2_FMA inline __m256d sigmoid4(__m256d z) {
  const __m256d abs_mask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d e = exp_neg(_mm256_xor_pd(_mm256_and_pd(z, abs_mask), _mm256_set1_pd(-0.0)));
  const __m256d num = _mm256_blendv_pd(e, one, _mm256_cmp_pd(z, _mm256_setzero_pd(), _CMP_GE_OQ));
  return _mm256_div_pd(num, _mm256_add_pd(one, e));
}

// e^x - 1 in float64 for x <= 0 (NaN stays NaN): e^x - 1 cancels near 0, so |x| < 1/64 takes the
// Taylor series to x^7 (relative error < 1e-16); elsewhere the cancellation costs at most 64x the
// exp error (~1e-14 relative), far below float32 rounding
NNTRAIN_AVX2_FMA inline __m256d expm1_neg(__m256d x) {
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d big = _mm256_sub_pd(exp_neg(x), one);
  __m256d p = _mm256_fmadd_pd(_mm256_set1_pd(1.0 / 5040), x, _mm256_set1_pd(1.0 / 720));
  p = _mm256_fmadd_pd(p, x, _mm256_set1_pd(1.0 / 120));
  p = _mm256_fmadd_pd(p, x, _mm256_set1_pd(1.0 / 24));
  p = _mm256_fmadd_pd(p, x, _mm256_set1_pd(1.0 / 6));
  p = _mm256_fmadd_pd(p, x, _mm256_set1_pd(0.5));
  p = _mm256_fmadd_pd(p, x, one);
  const __m256d small = _mm256_mul_pd(p, x);
  return _mm256_blendv_pd(big, small, _mm256_cmp_pd(x, _mm256_set1_pd(-1.0 / 64), _CMP_GT_OQ));
}

// tanh(z) in float64: sign(z) (1 - e) / (1 + e) with e = e^-2|z|; |z| < 1/16 takes the Taylor
// series to z^11 (relative error < 1e-15) where 1 - e would cancel
NNTRAIN_AVX2_FMA inline __m256d tanh4(__m256d z) {
  const __m256d sign = _mm256_set1_pd(-0.0);
  const __m256d a = _mm256_andnot_pd(sign, z);
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d e = exp_neg(_mm256_mul_pd(a, _mm256_set1_pd(-2.0)));
  const __m256d big = _mm256_div_pd(_mm256_sub_pd(one, e), _mm256_add_pd(one, e));
  const __m256d aa = _mm256_mul_pd(a, a);
  __m256d p = _mm256_fmadd_pd(_mm256_set1_pd(-1382.0 / 155925), aa, _mm256_set1_pd(62.0 / 2835));
  p = _mm256_fmadd_pd(p, aa, _mm256_set1_pd(-17.0 / 315));
  p = _mm256_fmadd_pd(p, aa, _mm256_set1_pd(2.0 / 15));
  p = _mm256_fmadd_pd(p, aa, _mm256_set1_pd(-1.0 / 3));
  const __m256d small = _mm256_fmadd_pd(_mm256_mul_pd(p, aa), a, a);
  const __m256d t =
      _mm256_blendv_pd(big, small, _mm256_cmp_pd(a, _mm256_set1_pd(1.0 / 16), _CMP_LT_OQ));
  return _mm256_or_pd(t, _mm256_and_pd(z, sign));
}

// Horner's rule for c[0] x^(n-1) + ... + c[n-1] (with lead1: x^n + c[0] x^(n-1) + ...)
template <int N>
NNTRAIN_AVX2_FMA inline __m256d polevl(__m256d x, const double (&c)[N], bool lead1) {
  __m256d r = lead1 ? _mm256_add_pd(x, _mm256_set1_pd(c[0])) : _mm256_set1_pd(c[0]);
  for (int i = 1; i < N; i++) r = _mm256_fmadd_pd(r, x, _mm256_set1_pd(c[i]));
  return r;
}

// erf(x) in float64 (Cephes ndtr.c: x T(x^2) / U(x^2) for |x| <= 1, else 1 - erfc(|x|) with
// erfc = e^-x^2 P(|x|) / Q(|x|), R / S from 8 on); NaN stays NaN, +-inf gives +-1
NNTRAIN_AVX2_FMA inline __m256d erf4(__m256d x) {
  static constexpr double kT[] = {9.60497373987051638749E0, 9.00260197203842689217E1,
                                  2.23200534594684319226E3, 7.00332514112805075473E3,
                                  5.55923013010394962768E4};
  static constexpr double kU[] = {3.35617141647503099647E1, 5.21357949780152679795E2,
                                  4.59432382970980127987E3, 2.26290000613890934246E4,
                                  4.92673942608635921086E4};
  static constexpr double kP[] = {
      2.46196981473530512524E-10, 5.64189564831068821977E-1, 7.46321056442269912687E0,
      4.86371970985681366614E1,   1.96520832956077098242E2,  5.26445194995477358631E2,
      9.34528527171957607540E2,   1.02755188689515710272E3,  5.57535335369399327526E2};
  static constexpr double kQ[] = {1.32281951154744992508E1, 8.67072140885989742329E1,
                                  3.54937778887819891062E2, 9.75708501743205489753E2,
                                  1.82390916687909736289E3, 2.24633760818710981792E3,
                                  1.65666309194161350182E3, 5.57535340817727675546E2};
  static constexpr double kR[] = {5.64189583547755073984E-1, 1.27536670759978104416E0,
                                  5.01905042251180477414E0,  6.16021097993053585195E0,
                                  7.40974269950448939160E0,  2.97886665372100240670E0};
  static constexpr double kS[] = {2.26052863220117276590E0, 9.39603524938001434673E0,
                                  1.20489539808096656605E1, 1.70814450747565897222E1,
                                  9.60896809063285878198E0, 3.36907645100081516050E0};
  const __m256d sign = _mm256_set1_pd(-0.0), one = _mm256_set1_pd(1.0);
  const __m256d a = _mm256_andnot_pd(sign, x);
  const __m256d z = _mm256_mul_pd(x, x);
  const __m256d small = _mm256_div_pd(_mm256_mul_pd(x, polevl(z, kT, false)), polevl(z, kU, true));
  // |x| > 30: erfc underflows to 0; the clamp keeps inf / inf out of P / Q (minpd keeps a NaN a)
  const __m256d ac = _mm256_min_pd(_mm256_set1_pd(30.0), a);
  const __m256d e = exp_neg(_mm256_mul_pd(_mm256_xor_pd(ac, sign), ac));
  const __m256d lt8 = _mm256_cmp_pd(ac, _mm256_set1_pd(8.0), _CMP_LT_OQ);
  const __m256d num = _mm256_blendv_pd(polevl(ac, kR, false), polevl(ac, kP, false), lt8);
  const __m256d den = _mm256_blendv_pd(polevl(ac, kS, true), polevl(ac, kQ, true), lt8);
  const __m256d big = _mm256_sub_pd(one, _mm256_div_pd(_mm256_mul_pd(e, num), den));
  const __m256d large = _mm256_or_pd(big, _mm256_and_pd(x, sign));
  return _mm256_blendv_pd(large, small, _mm256_cmp_pd(a, one, _CMP_LE_OQ));
}
#endif

}  // namespace nntrain

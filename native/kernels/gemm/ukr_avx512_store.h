// The AVX-512 store of a micro-kernel's accumulators, shared by the fp32 and bf16 kernels: alpha,
// beta * C or the bias, z, and the in-register activations (contract: gemm_packed.h). Include only
// from files whose callers run on AVX-512F CPUs (dispatch.cc checks); x86-64 only.
#pragma once

#if defined(__x86_64__)
#include <immintrin.h>

#include <cstddef>

#include "gemm_packed.h"

namespace nntrain {

// act(v) for relu / leakyRelu (slope * v in float64, rounded once); linear passes v through. The
// all-ones zero-masking forms stand in for the plain intrinsics, whose undefined pass-through
// operand GCC 12 flags as -Wmaybe-uninitialized (a false positive, GCC bug 105593).
__attribute__((target("avx512f"))) inline __m512 act_avx512(__m512 v, int act, __m512d slope) {
  if (act == kActRelu)
    return _mm512_maskz_max_ps(0xFFFF, v, _mm512_setzero_ps());  // NaN -> 0, like v > 0 ? v : 0
  if (act != kActLeakyRelu) return v;
  const __m512d bits = _mm512_castps_pd(v);
  const __m256 lo = _mm256_castpd_ps(_mm512_maskz_extractf64x4_pd(0xFF, bits, 0));
  const __m256 hi = _mm256_castpd_ps(_mm512_maskz_extractf64x4_pd(0xFF, bits, 1));
  const __m256 neg_lo =
      _mm512_maskz_cvtpd_ps(0xFF, _mm512_mul_pd(slope, _mm512_maskz_cvtps_pd(0xFF, lo)));
  const __m256 neg_hi =
      _mm512_maskz_cvtpd_ps(0xFF, _mm512_mul_pd(slope, _mm512_maskz_cvtps_pd(0xFF, hi)));
  const __m512 neg = _mm512_castpd_ps(_mm512_maskz_insertf64x4(
      0xFF, _mm512_castpd256_pd512(_mm256_castps_pd(neg_lo)), _mm256_castps_pd(neg_hi), 1));
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_GT_OQ), neg, v);
}

// Stores row i of a tile NR = 32 wide from its two accumulators: C[i, 0..31] (and z) as the
// micro-kernel contract says, with or without an epilogue.
__attribute__((target("avx512f"))) inline void store_row32_avx512(__m512 acc0, __m512 acc1, int i,
                                                                  float alpha, float beta, float* c,
                                                                  ptrdiff_t ldc,
                                                                  const UkrEpilogue* ep) {
  const __m512 va = _mm512_set1_ps(alpha);
  float* cr = c + i * ldc;
  const __m512 acc[2] = {acc0, acc1};
  for (int h = 0; h < 2; h++) {
    __m512 v;
    if (ep != nullptr && ep->bias != nullptr) {
      v = _mm512_fmadd_ps(va, acc[h], _mm512_loadu_ps(ep->bias + 16 * h));
    } else if (beta == 0.0f) {
      v = _mm512_mul_ps(va, acc[h]);
    } else {
      v = _mm512_fmadd_ps(va, acc[h],
                          _mm512_mul_ps(_mm512_set1_ps(beta), _mm512_loadu_ps(cr + 16 * h)));
    }
    if (ep != nullptr) {
      if (ep->z != nullptr) _mm512_storeu_ps(ep->z + i * ep->ldz + 16 * h, v);
      v = act_avx512(v, ep->act, _mm512_set1_pd(ep->act_param));
    }
    _mm512_storeu_ps(cr + 16 * h, v);
  }
}

}  // namespace nntrain
#endif  // __x86_64__

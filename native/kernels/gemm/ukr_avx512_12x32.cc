// AVX-512F micro-kernel, 12 x 32: 24 zmm accumulators, 2 zmm of B and a broadcast of A use 27 of
// the 32 registers. On Zen 4 a 512-bit FMA issues at the rate of two 256-bit ones, so the gain over
// AVX2 is fewer instructions and loads per flop, not more FMA throughput; 12 rows divide the batch
// sizes an MLP uses (32, 128, 512) with little edge waste. Contract: gemm_packed.h.
// Compiled with the common flags; only the target-attributed function uses AVX-512, and it is
// called only after dispatch.cc has checked the CPU. Compiles to nothing off x86-64.
#include "gemm.h"
#include "gemm_packed.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include <cstddef>

namespace nntrain {
namespace {

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

}  // namespace

__attribute__((target("avx512f"))) void ukr_avx512_12x32(int k, const float* a, const float* b,
                                                         float alpha, float beta, float* c,
                                                         ptrdiff_t ldc, const UkrEpilogue* ep) {
  constexpr int MR = 12;
  __m512 acc0[MR], acc1[MR];
#pragma GCC unroll 12
  for (int i = 0; i < MR; i++) {
    acc0[i] = _mm512_setzero_ps();
    acc1[i] = _mm512_setzero_ps();
  }
  for (int p = 0; p < k; p++) {
    const __m512 b0 = _mm512_loadu_ps(b);
    const __m512 b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 12
    for (int i = 0; i < MR; i++) {
      const __m512 av = _mm512_set1_ps(a[i]);
      acc0[i] = _mm512_fmadd_ps(av, b0, acc0[i]);
      acc1[i] = _mm512_fmadd_ps(av, b1, acc1[i]);
    }
    a += MR;
    b += 32;
  }
  const __m512 va = _mm512_set1_ps(alpha);
  if (ep != nullptr) {
    const __m512d slope = _mm512_set1_pd(ep->act_param);
    const __m512 vb = _mm512_set1_ps(beta);
    __m512 bias0 = _mm512_setzero_ps(), bias1 = _mm512_setzero_ps();
    if (ep->bias != nullptr) {
      bias0 = _mm512_loadu_ps(ep->bias);
      bias1 = _mm512_loadu_ps(ep->bias + 16);
    }
    for (int i = 0; i < MR; i++) {
      float* cr = c + i * ldc;
      __m512 v[2];
      const __m512 acc_i[2] = {acc0[i], acc1[i]};
      for (int h = 0; h < 2; h++) {
        if (ep->bias != nullptr) {
          v[h] = _mm512_fmadd_ps(va, acc_i[h], h == 0 ? bias0 : bias1);
        } else if (beta == 0.0f) {
          v[h] = _mm512_mul_ps(va, acc_i[h]);
        } else {
          v[h] = _mm512_fmadd_ps(va, acc_i[h], _mm512_mul_ps(vb, _mm512_loadu_ps(cr + 16 * h)));
        }
        if (ep->z != nullptr) _mm512_storeu_ps(ep->z + i * ep->ldz + 16 * h, v[h]);
        _mm512_storeu_ps(cr + 16 * h, act_avx512(v[h], ep->act, slope));
      }
    }
  } else if (beta == 0.0f) {
#pragma GCC unroll 12
    for (int i = 0; i < MR; i++) {
      _mm512_storeu_ps(c + i * ldc, _mm512_mul_ps(va, acc0[i]));
      _mm512_storeu_ps(c + i * ldc + 16, _mm512_mul_ps(va, acc1[i]));
    }
  } else {
    const __m512 vb = _mm512_set1_ps(beta);
#pragma GCC unroll 12
    for (int i = 0; i < MR; i++) {
      float* cr = c + i * ldc;
      _mm512_storeu_ps(cr, _mm512_fmadd_ps(va, acc0[i], _mm512_mul_ps(vb, _mm512_loadu_ps(cr))));
      _mm512_storeu_ps(cr + 16,
                       _mm512_fmadd_ps(va, acc1[i], _mm512_mul_ps(vb, _mm512_loadu_ps(cr + 16))));
    }
  }
}

namespace {
// KC = 256: a 32 KB B micro-panel streams through L1 with the 12 KB A micro-panel held; MC x KC
// (192 KB) in the 1 MB L2; KC x NC (4 MB) in the shared L3.
constexpr PackedGemmConfig kAvx512Config = {ukr_avx512_12x32,     12,      32,     192, 256, 4096,
                                            pack_transposed_avx2, nullptr, nullptr};
}  // namespace

// c is (m,n); a is (m,k) or (k,m) when trans_a; b is (k,n) or (n,k) when trans_b
void gemm_avx512(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
                 bool trans_b, float alpha, float beta, const GemmEpilogue* ep, ThreadPool* pool) {
  gemm_packed(kAvx512Config, c, a, b, m, n, k, trans_a, trans_b, alpha, beta, ep, pool);
}

}  // namespace nntrain
#endif  // __x86_64__

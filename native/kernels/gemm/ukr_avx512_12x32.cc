// AVX-512F micro-kernel, 12 x 32: 24 zmm accumulators, 2 zmm of B and a broadcast of A use 27 of
// the 32 registers. On Zen 4 a 512-bit FMA issues at the rate of two 256-bit ones, so the gain over
// AVX2 is fewer instructions and loads per flop, not more FMA throughput; 12 rows divide the batch
// sizes an MLP uses (32, 128, 512) with little edge waste. Contract: gemm_packed.h.
// Compiled with the common flags; only the target-attributed function uses AVX-512, and it is
// called only after dispatch.cc has checked the CPU. Compiles to nothing off x86-64.
#include "gemm.h"
#include "gemm_packed.h"
#include "ukr_avx512_store.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include <cstddef>

namespace nntrain {

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
constexpr PackedGemmConfig kAvx512Config = {ukr_avx512_12x32,
                                            12,
                                            32,
                                            192,
                                            256,
                                            4096,
                                            pack_transposed_avx2,
                                            nullptr,
                                            nullptr,
                                            PackLayout::kFp32,
                                            nullptr,
                                            nullptr,
                                            gemv_avx2};
}  // namespace

// c is (m,n); a is (m,k) or (k,m) when trans_a; b is (k,n) or (n,k) when trans_b
void gemm_avx512(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
                 bool trans_b, float alpha, float beta, const GemmEpilogue* ep, ThreadPool* pool) {
  gemm_packed(kAvx512Config, c, a, b, m, n, k, trans_a, trans_b, alpha, beta, ep, pool);
}

}  // namespace nntrain
#endif  // __x86_64__

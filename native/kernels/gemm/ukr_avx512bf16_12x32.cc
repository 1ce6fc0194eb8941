// AVX512_BF16 micro-kernel, 12 x 32, on bf16 pairs (PackLayout::kBf16Pairs): one vdpbf16ps adds
// two k's products to each fp32 lane, so per pair of k the tile takes 2 loads of B (32 words), 12
// broadcast words of A and 24 vdpbf16ps, the fp32 12x32 kernel's register plan (24 accumulators)
// at half the instructions per flop. Odd k: packing pads the last pair with zero. Contract:
// gemm_packed.h; called only after dispatch.cc has checked for AVX512_BF16.
#include "bf16.h"
#include "gemm_packed.h"
#include "ukr_avx512_store.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace nntrain {
namespace {

#define NNTRAIN_BF16 __attribute__((target("avx512f,avx512bf16")))

NNTRAIN_BF16 void ukr_avx512bf16_12x32(int k, const float* a, const float* b, float alpha,
                                       float beta, float* c, ptrdiff_t ldc, const UkrEpilogue* ep) {
  constexpr int MR = 12;
  __m512 acc0[MR], acc1[MR];
#pragma GCC unroll 12
  for (int i = 0; i < MR; i++) {
    acc0[i] = _mm512_setzero_ps();
    acc1[i] = _mm512_setzero_ps();
  }
  const int pairs = (k + 1) / 2;
  for (int q = 0; q < pairs; q++) {
    const __m512bh b0 = (__m512bh)_mm512_loadu_ps(b);
    const __m512bh b1 = (__m512bh)_mm512_loadu_ps(b + 16);
#pragma GCC unroll 12
    for (int i = 0; i < MR; i++) {
      const __m512bh av = (__m512bh)_mm512_set1_ps(a[i]);  // the pair's two bf16, as one word
      acc0[i] = _mm512_dpbf16_ps(acc0[i], av, b0);
      acc1[i] = _mm512_dpbf16_ps(acc1[i], av, b1);
    }
    a += MR;
    b += 32;
  }
#pragma GCC unroll 12
  for (int i = 0; i < MR; i++) store_row32_avx512(acc0[i], acc1[i], i, alpha, beta, c, ldc, ep);
}

// KC = 512 k: a B micro-panel of 256 pair rows x 32 words is 32 KB, the fp32 kernel's KC = 256
// panel in bytes (L1); MC x KC of packed A = 192 KB (L2); KC x NC = 4 MB (L3).
constexpr PackedGemmConfig kAvx512Bf16Config = {
    ukr_avx512bf16_12x32,   12,      32,      192,    512, 4096, nullptr, nullptr, nullptr,
    PackLayout::kBf16Pairs, nullptr, nullptr, nullptr};

}  // namespace

void gemm_bf16_avx512(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
                      bool trans_b, float alpha, float beta, const GemmEpilogue* ep,
                      ThreadPool* pool) {
  gemm_packed(kAvx512Bf16Config, c, a, b, m, n, k, trans_a, trans_b, alpha, beta, ep, pool);
}

}  // namespace nntrain
#endif  // __x86_64__

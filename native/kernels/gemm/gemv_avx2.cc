// AVX2 + FMA kernel for one row of C (GemvFn, gemm_packed.h): a batch of one row. A tile kernel
// given one row has 2 accumulator chains, each waiting out the FMA latency at every k step; here
// eight chains cover 64 columns, so the loop runs at the rate B's rows stream in. Per element the
// float operations are the micro-kernels' (one FMA per k in k order from 0, then one rounding with
// the bias or the previous k block), so a row's outputs do not depend on the batch it came in.
// Compiled with the common flags; only the target-attributed function uses AVX2/FMA. Compiles to
// nothing off x86-64.
#include "gemm_packed.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include <cmath>
#include <cstddef>

namespace nntrain {
namespace {

// c[j] = acc[j] + (accumulate ? c[j] : bias ? bias[j] : 0), rounded once, for W floats (W a
// multiple of 8)
template <int W>
__attribute__((target("avx2,fma"), always_inline)) inline void gemv_block(
    int k, const float* a, const float* b, ptrdiff_t ldb, const float* bias, float* c,
    bool accumulate) {
  constexpr int V = W / 8;
  __m256 acc[V];
  for (int v = 0; v < V; v++) acc[v] = _mm256_setzero_ps();
  for (int p = 0; p < k; p++) {
    const __m256 av = _mm256_broadcast_ss(a + p);
    const float* row = b + p * ldb;
    for (int v = 0; v < V; v++) acc[v] = _mm256_fmadd_ps(av, _mm256_loadu_ps(row + 8 * v), acc[v]);
  }
  for (int v = 0; v < V; v++) {
    __m256 r = acc[v];
    if (accumulate) {
      r = _mm256_add_ps(r, _mm256_loadu_ps(c + 8 * v));
    } else if (bias != nullptr) {
      r = _mm256_add_ps(r, _mm256_loadu_ps(bias + 8 * v));
    }
    _mm256_storeu_ps(c + 8 * v, r);
  }
}

}  // namespace

__attribute__((target("avx2,fma"))) void gemv_avx2(int k, const float* a, const float* b,
                                                   ptrdiff_t ldb, int cols, const float* bias,
                                                   float* c, bool accumulate) {
  int j = 0;
  for (; j + 64 <= cols; j += 64) {
    gemv_block<64>(k, a, b + j, ldb, bias != nullptr ? bias + j : nullptr, c + j, accumulate);
  }
  // the rest (< 64 columns) in blocks of 32, 16 and 8, then one column at a time
  if (j + 32 <= cols) {
    gemv_block<32>(k, a, b + j, ldb, bias != nullptr ? bias + j : nullptr, c + j, accumulate);
    j += 32;
  }
  if (j + 16 <= cols) {
    gemv_block<16>(k, a, b + j, ldb, bias != nullptr ? bias + j : nullptr, c + j, accumulate);
    j += 16;
  }
  if (j + 8 <= cols) {
    gemv_block<8>(k, a, b + j, ldb, bias != nullptr ? bias + j : nullptr, c + j, accumulate);
    j += 8;
  }
  for (; j < cols; j++) {
    float acc = 0.0f;
    for (int p = 0; p < k; p++) acc = std::fma(a[p], b[p * ldb + j], acc);
    if (accumulate) {
      acc = acc + c[j];
    } else if (bias != nullptr) {
      acc = acc + bias[j];
    }
    c[j] = acc;  // without either, acc itself (adding 0 would turn -0 into +0)
  }
}

}  // namespace nntrain
#endif  // __x86_64__

// AVX2 + FMA micro-kernel, 6 x 16 (BLIS haswell sgemm tile): 12 ymm accumulators, 2 ymm of B and
// one broadcast of A per row leave 1 of the 16 registers spare. Contract: gemm_packed.h.
// Compiled with the common flags; only the target-attributed function uses AVX2/FMA, and it is
// called only after dispatch.cc has checked the CPU. Compiles to nothing off x86-64.
#include "gemm.h"
#include "gemm_packed.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include <cstddef>

namespace nntrain {
namespace {

// act(v) for relu / leakyRelu (alpha * v in float64, rounded once); linear passes v through
__attribute__((target("avx2,fma"))) inline __m256 act_avx2(__m256 v, int act, __m256d alpha) {
  if (act == kActRelu)
    return _mm256_max_ps(v, _mm256_setzero_ps());  // NaN -> 0, like v > 0 ? v : 0
  if (act != kActLeakyRelu) return v;
  const __m128 lo =
      _mm256_cvtpd_ps(_mm256_mul_pd(alpha, _mm256_cvtps_pd(_mm256_castps256_ps128(v))));
  const __m128 hi =
      _mm256_cvtpd_ps(_mm256_mul_pd(alpha, _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1))));
  const __m256 neg = _mm256_set_m128(hi, lo);
  return _mm256_blendv_ps(neg, v, _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_GT_OQ));
}

// The epilogue of the contract (gemm_packed.h) on the rows x 16 accumulators
__attribute__((target("avx2,fma"))) void store_epilogue(const __m256* acc, int rows, __m256 va,
                                                        float beta, float* c, ptrdiff_t ldc,
                                                        const UkrEpilogue& ep) {
  const __m256d alpha = _mm256_set1_pd(ep.act_param);
  const __m256 vb = _mm256_set1_ps(beta);
  __m256 bias0 = _mm256_setzero_ps(), bias1 = _mm256_setzero_ps();
  if (ep.bias != nullptr) {
    bias0 = _mm256_loadu_ps(ep.bias);
    bias1 = _mm256_loadu_ps(ep.bias + 8);
  }
  for (int i = 0; i < rows; i++) {
    float* cr = c + i * ldc;
    __m256 v0, v1;
    if (ep.bias != nullptr) {
      v0 = _mm256_fmadd_ps(va, acc[2 * i], bias0);
      v1 = _mm256_fmadd_ps(va, acc[2 * i + 1], bias1);
    } else if (beta == 0.0f) {
      v0 = _mm256_mul_ps(va, acc[2 * i]);
      v1 = _mm256_mul_ps(va, acc[2 * i + 1]);
    } else {
      v0 = _mm256_fmadd_ps(va, acc[2 * i], _mm256_mul_ps(vb, _mm256_loadu_ps(cr)));
      v1 = _mm256_fmadd_ps(va, acc[2 * i + 1], _mm256_mul_ps(vb, _mm256_loadu_ps(cr + 8)));
    }
    if (ep.z != nullptr) {
      _mm256_storeu_ps(ep.z + i * ep.ldz, v0);
      _mm256_storeu_ps(ep.z + i * ep.ldz + 8, v1);
    }
    _mm256_storeu_ps(cr, act_avx2(v0, ep.act, alpha));
    _mm256_storeu_ps(cr + 8, act_avx2(v1, ep.act, alpha));
  }
}

// The store of a full 6-row tile (the 6x16 kernels, packed or direct A): the same float operations
// whichever kernel computed the accumulators, so a tile's result does not depend on the path.
__attribute__((target("avx2,fma"))) inline void store_full_tile(const __m256* acc, float alpha,
                                                                float beta, float* c, ptrdiff_t ldc,
                                                                const UkrEpilogue* ep) {
  const __m256 va = _mm256_set1_ps(alpha);
  if (ep != nullptr) {
    store_epilogue(acc, 6, va, beta, c, ldc, *ep);
  } else if (beta == 0.0f) {
    for (int i = 0; i < 6; i++) {
      _mm256_storeu_ps(c + i * ldc, _mm256_mul_ps(va, acc[2 * i]));
      _mm256_storeu_ps(c + i * ldc + 8, _mm256_mul_ps(va, acc[2 * i + 1]));
    }
  } else {
    const __m256 vb = _mm256_set1_ps(beta);
    for (int i = 0; i < 6; i++) {
      float* cr = c + i * ldc;
      _mm256_storeu_ps(cr, _mm256_fmadd_ps(va, acc[2 * i], _mm256_mul_ps(vb, _mm256_loadu_ps(cr))));
      _mm256_storeu_ps(
          cr + 8, _mm256_fmadd_ps(va, acc[2 * i + 1], _mm256_mul_ps(vb, _mm256_loadu_ps(cr + 8))));
    }
  }
}

// The 6 x 16 tile with op(A)[i, p] at a[i*rs + p*cs]. Inlined into both kernels: the packed one
// passes the panel's constant strides (rs 1, cs 6), so its loop reads A at fixed offsets. The
// accumulators are hand-named: GCC 12 spills an array of 12 here (TUNING.md). The packed kernel
// prefetches C (its k loops are long; the in-place one serves small m).
__attribute__((target("avx2,fma"), always_inline)) inline void tile_6x16(
    int k, const float* a, ptrdiff_t rs, ptrdiff_t cs, const float* b, ptrdiff_t ldb, float alpha,
    float beta, float* c, ptrdiff_t ldc, const UkrEpilogue* ep, bool prefetch_c) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  if (prefetch_c) {
    // C is touched only after the k loop: fetch its 6 rows (each may span two lines) meanwhile
    for (int i = 0; i < 6; i++) {
      _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + 15), _MM_HINT_T0);
    }
  }
  const float *a0 = a, *a1 = a + rs, *a2 = a + 2 * rs, *a3 = a + 3 * rs, *a4 = a + 4 * rs,
              *a5 = a + 5 * rs;
  ptrdiff_t off = 0;
  for (int p = 0; p < k; p++, off += cs) {
    const __m256 b0 = _mm256_loadu_ps(b);
    const __m256 b1 = _mm256_loadu_ps(b + 8);
    __m256 av = _mm256_broadcast_ss(a0 + off);
    c00 = _mm256_fmadd_ps(av, b0, c00);
    c01 = _mm256_fmadd_ps(av, b1, c01);
    av = _mm256_broadcast_ss(a1 + off);
    c10 = _mm256_fmadd_ps(av, b0, c10);
    c11 = _mm256_fmadd_ps(av, b1, c11);
    av = _mm256_broadcast_ss(a2 + off);
    c20 = _mm256_fmadd_ps(av, b0, c20);
    c21 = _mm256_fmadd_ps(av, b1, c21);
    av = _mm256_broadcast_ss(a3 + off);
    c30 = _mm256_fmadd_ps(av, b0, c30);
    c31 = _mm256_fmadd_ps(av, b1, c31);
    av = _mm256_broadcast_ss(a4 + off);
    c40 = _mm256_fmadd_ps(av, b0, c40);
    c41 = _mm256_fmadd_ps(av, b1, c41);
    av = _mm256_broadcast_ss(a5 + off);
    c50 = _mm256_fmadd_ps(av, b0, c50);
    c51 = _mm256_fmadd_ps(av, b1, c51);
    b += ldb;
  }
  const __m256 acc[12] = {c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51};
  store_full_tile(acc, alpha, beta, c, ldc, ep);
}

}  // namespace

__attribute__((target("avx2,fma"))) void ukr_avx2_6x16(int k, const float* a, const float* b,
                                                       float alpha, float beta, float* c,
                                                       ptrdiff_t ldc, const UkrEpilogue* ep) {
  tile_6x16(k, a, 1, 6, b, 16, alpha, beta, c, ldc, ep, true);
}

namespace {

// The store of an R < 6 row tile (the row kernels, packed or direct A)
template <int R>
__attribute__((target("avx2,fma"))) inline void store_rows(const __m256* acc, float alpha,
                                                           float beta, float* c, ptrdiff_t ldc,
                                                           const UkrEpilogue* ep) {
  const __m256 va = _mm256_set1_ps(alpha);
  if (ep != nullptr) {
    store_epilogue(acc, R, va, beta, c, ldc, *ep);
    return;
  }
  const __m256 vb = _mm256_set1_ps(beta);
  for (int i = 0; i < R; i++) {
    float* cr = c + i * ldc;
    __m256 v0 = _mm256_mul_ps(va, acc[2 * i]), v1 = _mm256_mul_ps(va, acc[2 * i + 1]);
    if (beta != 0.0f) {
      v0 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(cr), v0);
      v1 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(cr + 8), v1);
    }
    _mm256_storeu_ps(cr, v0);
    _mm256_storeu_ps(cr + 8, v1);
  }
}

// The same tile with only R < 6 rows of C, for the bottom edge of M (batch 32 = 5 x 6 + 2 rows),
// with op(A)[i, p] at a[i*rs + p*cs]: a packed panel is rs = 1, cs = 6 (only its first R rows are
// read), A in place is its stored strides. A full 6-row kernel on a zero-padded panel would spend
// 6/R times the work on that tile. (R = 6 is tile_6x16, with hand-named accumulators.)
template <int R>
__attribute__((target("avx2,fma"))) void ukr_avx2_rows_x16(int k, const float* a, ptrdiff_t rs,
                                                           ptrdiff_t cs, const float* b,
                                                           ptrdiff_t ldb, float alpha, float beta,
                                                           float* c, ptrdiff_t ldc,
                                                           const UkrEpilogue* ep) {
  __m256 acc[2 * R];
  for (int i = 0; i < 2 * R; i++) acc[i] = _mm256_setzero_ps();
  for (int p = 0; p < k; p++) {
    const __m256 b0 = _mm256_loadu_ps(b);
    const __m256 b1 = _mm256_loadu_ps(b + 8);
    for (int i = 0; i < R; i++) {
      const __m256 av = _mm256_broadcast_ss(a + i * rs);
      acc[2 * i] = _mm256_fmadd_ps(av, b0, acc[2 * i]);
      acc[2 * i + 1] = _mm256_fmadd_ps(av, b1, acc[2 * i + 1]);
    }
    a += cs;
    b += ldb;
  }
  store_rows<R>(acc, alpha, beta, c, ldc, ep);
}

// The full 6 x 16 tile reading A in place
__attribute__((target("avx2,fma"))) void ukr_avx2_direct_6x16(int k, const float* a, ptrdiff_t rs,
                                                              ptrdiff_t cs, const float* b,
                                                              ptrdiff_t ldb, float alpha,
                                                              float beta, float* c, ptrdiff_t ldc,
                                                              const UkrEpilogue* ep) {
  tile_6x16(k, a, rs, cs, b, ldb, alpha, beta, c, ldc, ep, false);
}

void ukr_avx2_direct(int rows, int k, const float* a, ptrdiff_t rs, ptrdiff_t cs, const float* b,
                     ptrdiff_t ldb, float alpha, float beta, float* c, ptrdiff_t ldc,
                     const UkrEpilogue* ep) {
  switch (rows) {
    case 6:
      return ukr_avx2_direct_6x16(k, a, rs, cs, b, ldb, alpha, beta, c, ldc, ep);
    case 1:
      return ukr_avx2_rows_x16<1>(k, a, rs, cs, b, ldb, alpha, beta, c, ldc, ep);
    case 2:
      return ukr_avx2_rows_x16<2>(k, a, rs, cs, b, ldb, alpha, beta, c, ldc, ep);
    case 3:
      return ukr_avx2_rows_x16<3>(k, a, rs, cs, b, ldb, alpha, beta, c, ldc, ep);
    case 4:
      return ukr_avx2_rows_x16<4>(k, a, rs, cs, b, ldb, alpha, beta, c, ldc, ep);
    default:
      return ukr_avx2_rows_x16<5>(k, a, rs, cs, b, ldb, alpha, beta, c, ldc, ep);
  }
}

// rows < 6 of a packed A panel (stride 6): the direct row kernels with the panel's strides
void ukr_avx2_rows(int rows, int k, const float* a, const float* b, float alpha, float beta,
                   float* c, ptrdiff_t ldc, const UkrEpilogue* ep) {
  ukr_avx2_direct(rows, k, a, 1, 6, b, 16, alpha, beta, c, ldc, ep);
}

// KC = 512 (fewer passes over C than 256; the 32 KB B micro-panel streams from L2): MC x KC of
// packed A stays in a 1 MB L2, KC x NC of packed B in L3 (measurements: TUNING.md).
constexpr PackedGemmConfig kAvx2Config = {ukr_avx2_6x16,
                                          6,
                                          16,
                                          144,
                                          512,
                                          4096,
                                          pack_transposed_avx2,
                                          ukr_avx2_rows,
                                          ukr_avx2_direct,
                                          PackLayout::kFp32,
                                          nullptr,
                                          nullptr,
                                          gemv_avx2};
}  // namespace

// c is (m,n); a is (m,k) or (k,m) when trans_a; b is (k,n) or (n,k) when trans_b
void gemm_avx2(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
               bool trans_b, float alpha, float beta, const GemmEpilogue* ep, ThreadPool* pool) {
  gemm_packed(kAvx2Config, c, a, b, m, n, k, trans_a, trans_b, alpha, beta, ep, pool);
}

}  // namespace nntrain
#endif  // __x86_64__

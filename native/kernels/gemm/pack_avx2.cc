// The transposing half of packing with AVX2: op(A) stored (m,k) and op(B) stored (n,k) are read
// along their stored rows and written across a panel, dst[p*w + i] = row_i[p]. The scalar loop in
// pack.cc does one strided store per float; here 8 rows x 8 columns go through registers with an
// 8x8 transpose and leave as one store per panel row. The weights are re-packed every step, mostly
// through these two transposing cases (their share of a step: TUNING.md).
#if defined(__x86_64__)
#include <immintrin.h>

#include <cstddef>

#include "gemm_packed.h"

namespace nntrain {
namespace {

#define NNTRAIN_PACK_AVX2 __attribute__((target("avx2")))

// r[j] holds element j of row j's 8 columns; on return r[p] holds column p of the 8 rows
NNTRAIN_PACK_AVX2 inline void transpose8x8(__m256 r[8]) {
  const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
  const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
  const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
  const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
  const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  r[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
  r[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
  r[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
  r[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
  r[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
  r[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
  r[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
  r[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}

// Stores the first `lanes` floats of v (8, or fewer at a panel's right edge: never past it, since a
// neighbouring panel may belong to another thread)
NNTRAIN_PACK_AVX2 inline void store_lanes(float* dst, __m256 v, int lanes) {
  if (lanes == 8) {
    _mm256_storeu_ps(dst, v);
    return;
  }
  const __m128 lo = _mm256_castps256_ps128(v);
  if (lanes == 6) {  // MR = 6: four lanes, then two
    _mm_storeu_ps(dst, lo);
    _mm_storel_pi(reinterpret_cast<__m64*>(dst + 4), _mm256_extractf128_ps(v, 1));
    return;
  }
  if (lanes == 4) {  // MR = 12: the last four lanes
    _mm_storeu_ps(dst, lo);
    return;
  }
  alignas(32) float tmp[8];
  _mm256_store_ps(tmp, v);
  for (int i = 0; i < lanes; i++) dst[i] = tmp[i];
}

}  // namespace

// dst is (kc, w) row-major: dst[p*w + i] = src[i*ld + p] for i < rows, 0 for rows <= i < w
NNTRAIN_PACK_AVX2 void pack_transposed_avx2(float* dst, int w, const float* src, ptrdiff_t ld,
                                            int rows, int kc) {
  const int kc8 = kc / 8 * 8;
  for (int i0 = 0; i0 < w; i0 += 8) {
    const int lanes = w - i0 < 8 ? w - i0 : 8;
    for (int p = 0; p < kc8; p += 8) {
      __m256 r[8];
      for (int j = 0; j < 8; j++) {
        r[j] = i0 + j < rows ? _mm256_loadu_ps(src + (i0 + j) * ld + p) : _mm256_setzero_ps();
      }
      transpose8x8(r);
      for (int q = 0; q < 8; q++)
        store_lanes(dst + static_cast<size_t>(p + q) * w + i0, r[q], lanes);
    }
  }
  for (int p = kc8; p < kc; p++) {
    float* out = dst + static_cast<size_t>(p) * w;
    for (int i = 0; i < w; i++) out[i] = i < rows ? src[i * ld + p] : 0.0f;
  }
}

}  // namespace nntrain
#endif  // __x86_64__

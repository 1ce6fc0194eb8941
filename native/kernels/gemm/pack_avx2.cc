// The transposing half of packing with AVX2: op(A) stored (m,k) and op(B) stored (n,k) are read
// along their stored rows and written across a panel, dst[p*w + i] = row_i[p]. The scalar loop in
// pack.cc does one strided store per float; here 8 rows x 8 columns go through registers with an
// 8x8 transpose and leave as one store per panel row. The weights are re-packed every step, mostly
// through these two transposing cases (their share of a step: TUNING.md).
#if defined(__x86_64__)
#include <immintrin.h>

#include <cstddef>

#include "gemm_packed.h"
#include "transpose8x8.h"

namespace nntrain {
namespace {

#define NNTRAIN_PACK_AVX2 __attribute__((target("avx2")))

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

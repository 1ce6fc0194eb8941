// Packing of op(A) and op(B) blocks into micro-panels (layouts in gemm_packed.h). The transposes
// are handled here by reading with the stored strides: no transposed copy of A or B is ever made.
#include <cstddef>

#include "gemm_packed.h"

namespace nntrain {

// dst: ceil(mc/mr) panels of (kc, mr); op(A)[i,p] is a[i*lda + p], or a[p*lda + i] when trans_a
void pack_a(const PackedGemmConfig& cfg, float* dst, const float* a, int lda, bool trans_a, int i0,
            int p0, int mc, int kc) {
  const int mr = cfg.mr;
  for (int ir = 0; ir < mc; ir += mr) {
    const int rows = mc - ir < mr ? mc - ir : mr;
    if (trans_a) {
      // A stored (k,m): the mr rows of one packed column are contiguous in A
      for (int p = 0; p < kc; p++) {
        const float* src = a + static_cast<size_t>(p0 + p) * lda + i0 + ir;
        float* out = dst + static_cast<size_t>(p) * mr;
        // a loop, not memcpy: a call per 6-float copy costs more than the copy
        for (int i = 0; i < rows; i++) out[i] = src[i];
        for (int i = rows; i < mr; i++) out[i] = 0.0f;
      }
    } else {
      // A stored (m,k): read each row contiguously, scatter with stride mr
      const float* src0 = a + static_cast<size_t>(i0 + ir) * lda + p0;
      if (cfg.pack_transposed != nullptr) {
        cfg.pack_transposed(dst, mr, src0, lda, rows, kc);
        dst += static_cast<size_t>(kc) * mr;
        continue;
      }
      for (int i = 0; i < rows; i++) {
        const float* src = a + static_cast<size_t>(i0 + ir + i) * lda + p0;
        for (int p = 0; p < kc; p++) dst[static_cast<size_t>(p) * mr + i] = src[p];
      }
      for (int i = rows; i < mr; i++) {
        for (int p = 0; p < kc; p++) dst[static_cast<size_t>(p) * mr + i] = 0.0f;
      }
    }
    dst += static_cast<size_t>(kc) * mr;
  }
}

// dst: ceil(nc/nr) panels of (kc, nr); op(B)[p,j] is b[p*ldb + j], or b[j*ldb + p] when trans_b
void pack_b(const PackedGemmConfig& cfg, float* dst, const float* b, int ldb, bool trans_b, int p0,
            int j0, int kc, int nc) {
  const int nr = cfg.nr;
  for (int jr = 0; jr < nc; jr += nr) {
    const int cols = nc - jr < nr ? nc - jr : nr;
    if (!trans_b) {
      // B stored (k,n): the nr columns of one packed row are contiguous in B
      for (int p = 0; p < kc; p++) {
        const float* src = b + static_cast<size_t>(p0 + p) * ldb + j0 + jr;
        float* out = dst + static_cast<size_t>(p) * nr;
        for (int j = 0; j < cols; j++) out[j] = src[j];
        for (int j = cols; j < nr; j++) out[j] = 0.0f;
      }
    } else {
      // B stored (n,k): read each stored row (one column of op(B)) contiguously
      const float* src0 = b + static_cast<size_t>(j0 + jr) * ldb + p0;
      if (cfg.pack_transposed != nullptr) {
        cfg.pack_transposed(dst, nr, src0, ldb, cols, kc);
        dst += static_cast<size_t>(kc) * nr;
        continue;
      }
      for (int j = 0; j < cols; j++) {
        const float* src = b + static_cast<size_t>(j0 + jr + j) * ldb + p0;
        for (int p = 0; p < kc; p++) dst[static_cast<size_t>(p) * nr + j] = src[p];
      }
      for (int j = cols; j < nr; j++) {
        for (int p = 0; p < kc; p++) dst[static_cast<size_t>(p) * nr + j] = 0.0f;
      }
    }
    dst += static_cast<size_t>(kc) * nr;
  }
}

}  // namespace nntrain

// Packing of op(A) and op(B) blocks into micro-panels (layouts in gemm_packed.h). The transposes
// are handled here by reading with the stored strides: no transposed copy of A or B is ever made.
#include <cstddef>

#include "gemm_packed.h"

namespace nntrain {
namespace {

// The copying half of packing: op(A) stored (k,m) and op(B) stored (k,n) already hold each packed
// row's w floats contiguously, dst_panel[p*w + j] = src[p*ld + panel*w + j]. Walking one panel down
// all kc rows would read kc lines ld floats apart (4 KB apart for n = 1024: they share one L1 set
// and a page each); instead 8 rows at a time cross every panel, so the reads stream along 8 rows
// and each panel receives 8 consecutive rows (TUNING.md).
template <int W>
void copy_panels_fixed(float* dst, const float* src, ptrdiff_t ld, int cols, int kc) {
  constexpr int kRows = 8;
  const int panels = (cols + W - 1) / W;
  const int full = cols / W;
  for (int p0 = 0; p0 < kc; p0 += kRows) {
    const int p1 = kc - p0 < kRows ? kc : p0 + kRows;
    for (int panel = 0; panel < panels; panel++) {
      float* out = dst + static_cast<size_t>(panel) * kc * W;
      const float* in = src + panel * W;
      if (panel < full) {
        for (int p = p0; p < p1; p++) {
          for (int j = 0; j < W; j++) out[static_cast<size_t>(p) * W + j] = in[p * ld + j];
        }
      } else {
        const int valid = cols - panel * W;
        for (int p = p0; p < p1; p++) {
          for (int j = 0; j < W; j++) {
            out[static_cast<size_t>(p) * W + j] = j < valid ? in[p * ld + j] : 0.0f;
          }
        }
      }
    }
  }
}

void copy_panels(float* dst, int w, const float* src, ptrdiff_t ld, int cols, int kc) {
  switch (w) {
    case 4:
      return copy_panels_fixed<4>(dst, src, ld, cols, kc);
    case 6:
      return copy_panels_fixed<6>(dst, src, ld, cols, kc);
    case 8:
      return copy_panels_fixed<8>(dst, src, ld, cols, kc);
    case 12:
      return copy_panels_fixed<12>(dst, src, ld, cols, kc);
    case 16:
      return copy_panels_fixed<16>(dst, src, ld, cols, kc);
    case 32:
      return copy_panels_fixed<32>(dst, src, ld, cols, kc);
    default:
      for (int p = 0; p < kc; p++) {
        for (int j0 = 0; j0 < cols; j0 += w) {
          float* out = dst + static_cast<size_t>(j0 / w) * kc * w + static_cast<size_t>(p) * w;
          for (int j = 0; j < w; j++) out[j] = j0 + j < cols ? src[p * ld + j0 + j] : 0.0f;
        }
      }
  }
}

// The transposing half of packing: `count` stored rows of src (ld apart, kc floats each) become
// ceil(count/w) panels of (kc, w), dst_panel[p*w + i] = src[(panel*w + i)*ld + p], zero past count.
// Read along the stored rows; the config's vectorized transpose when it has one.
void transpose_panels(const PackedGemmConfig& cfg, float* dst, int w, const float* src,
                      ptrdiff_t ld, int count, int kc) {
  for (int r0 = 0; r0 < count; r0 += w, dst += static_cast<size_t>(kc) * w) {
    const int rows = count - r0 < w ? count - r0 : w;
    const float* panel_src = src + r0 * ld;
    if (cfg.pack_transposed != nullptr) {
      cfg.pack_transposed(dst, w, panel_src, ld, rows, kc);
      continue;
    }
    for (int i = 0; i < w; i++) {
      for (int p = 0; p < kc; p++) {
        dst[static_cast<size_t>(p) * w + i] = i < rows ? panel_src[i * ld + p] : 0.0f;
      }
    }
  }
}

}  // namespace

// dst: ceil(mc/mr) panels of (kc, mr); op(A)[i,p] is a[i*lda + p], or a[p*lda + i] when trans_a
void pack_a(const PackedGemmConfig& cfg, float* dst, const float* a, int lda, bool trans_a, int i0,
            int p0, int mc, int kc) {
#if defined(__x86_64__)
  if (cfg.layout != PackLayout::kFp32)
    return pack_a_bf16(cfg, dst, a, lda, trans_a, i0, p0, mc, kc);
#endif
  const int mr = cfg.mr;
  if (trans_a) {
    // A stored (k,m): the mr rows of one packed column are contiguous in A
    copy_panels(dst, mr, a + static_cast<size_t>(p0) * lda + i0, lda, mc, kc);
    return;
  }
  // A stored (m,k): each stored row is one row of a panel
  transpose_panels(cfg, dst, mr, a + static_cast<size_t>(i0) * lda + p0, lda, mc, kc);
}

// dst: ceil(nc/nr) panels of (kc, nr); op(B)[p,j] is b[p*ldb + j], or b[j*ldb + p] when trans_b
void pack_b(const PackedGemmConfig& cfg, float* dst, const float* b, int ldb, bool trans_b, int p0,
            int j0, int kc, int nc) {
#if defined(__x86_64__)
  if (cfg.layout != PackLayout::kFp32)
    return pack_b_bf16(cfg, dst, b, ldb, trans_b, p0, j0, kc, nc);
#endif
  const int nr = cfg.nr;
  if (!trans_b) {
    // B stored (k,n): the nr columns of one packed row are contiguous in B
    copy_panels(dst, nr, b + static_cast<size_t>(p0) * ldb + j0, ldb, nc, kc);
    return;
  }
  // B stored (n,k): each stored row is one column of a panel
  transpose_panels(cfg, dst, nr, b + static_cast<size_t>(j0) * ldb + p0, ldb, nc, kc);
}

}  // namespace nntrain

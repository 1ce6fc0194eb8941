// Packing for the bf16 GEMM: op(A) and op(B) rounded to bf16 (nearest even, as vcvtne2ps2bf16)
// into the PackLayout::kBf16Pairs / kBf16Amx panels (gemm_packed.h), two k to a 32-bit word, so the
// conversion is paid once per packed panel, like the copy it replaces. As in pack.cc, the
// transposes are handled by reading with the stored strides. Two shapes of source:
//   k across stored rows (op(A) stored (k,m), op(B) stored (k,n)): stored rows 2q and 2q+1 give a
//     panel's pair row q, interleaved 16 columns at a time;
//   k along stored rows (op(A) stored (m,k), op(B) stored (n,k)): 16 k of one stored row give 8
//     words, and 8 rows x 8 words go through an 8x8 transpose (or, for AMX's A, straight out).
// Reached only through bf16 configs, which dispatch.cc installs on AVX512_BF16 CPUs.
#if defined(__x86_64__)
#include <immintrin.h>

#include <cstddef>
#include <cstring>

#include "gemm_packed.h"
#include "transpose8x8.h"

namespace nntrain {
namespace {

#define NNTRAIN_PACK_BF16 __attribute__((target("avx2,avx512f,avx512bw,avx512vl,avx512bf16")))

// vpermw index: words (x[j], y[j]) from the 32 bf16 [x[0..15], y[0..15]]
NNTRAIN_PACK_BF16 inline __m512i interleave_index() {
  return _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8, 23, 7, 22,
                          6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
}

// k across stored rows: element (r, p) at src[p*ld + r]. Pair rows of kBf16Pairs panels (panels
// `stride` words x w apart): for each pair q, 16 columns of stored rows 2q and 2q+1 become 16 words
// at dst[q*w + r0]; pair rows from (kc + 1) / 2 to `stride` are left alone.
NNTRAIN_PACK_BF16 void pack_across_pairs(float* dst, int w, const float* src, ptrdiff_t ld,
                                         int cols, int kc, int stride) {
  const __m512i idx = interleave_index();
  const int panels = (cols + w - 1) / w;
  const int words = (kc + 1) / 2;
  // 4 pairs (8 stored rows) across every panel at a time: the reads stream along 8 rows (pack.cc)
  for (int q0 = 0; q0 < words; q0 += 4) {
    const int q1 = words - q0 < 4 ? words : q0 + 4;
    for (int panel = 0; panel < panels; panel++) {
      float* out = dst + static_cast<size_t>(panel) * stride * w;
      const int valid = cols - panel * w < w ? cols - panel * w : w;
      for (int q = q0; q < q1; q++) {
        const float* row0 = src + static_cast<ptrdiff_t>(2 * q) * ld + panel * w;
        const bool has_hi = 2 * q + 1 < kc;
        for (int r0 = 0; r0 < w; r0 += 16) {
          const int n_in = valid - r0 < 0 ? 0 : (valid - r0 < 16 ? valid - r0 : 16);
          const int n_out = w - r0 < 16 ? w - r0 : 16;
          const __mmask16 in_mask = static_cast<__mmask16>((1u << n_in) - 1);
          const __m512 x0 = _mm512_maskz_loadu_ps(in_mask, row0 + r0);
          const __m512 x1 =
              has_hi ? _mm512_maskz_loadu_ps(in_mask, row0 + ld + r0) : _mm512_setzero_ps();
          const __m512i bf = (__m512i)_mm512_cvtne2ps_pbh(x1, x0);
          const __m512i words16 = _mm512_permutexvar_epi16(idx, bf);
          _mm512_mask_storeu_epi32(out + static_cast<size_t>(q) * w + r0,
                                   static_cast<__mmask16>((1u << n_out) - 1), words16);
        }
      }
    }
  }
}

// Up to 16 floats of a stored row (k p..p+n-1, zero past n; n may be <= 0) as 8 pair words
NNTRAIN_PACK_BF16 inline __m256 row_words(const float* x, int n) {
  const __mmask16 mask = static_cast<__mmask16>(n >= 16 ? 0xFFFF : n > 0 ? (1u << n) - 1 : 0);
  return (__m256)_mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, x));
}

// k along stored rows: element (r, p) at src[r*ld + p], one panel of w (`rows` valid), `words`
// pair rows (k padded with zero). kBf16Pairs: 8 rows x 16 k -> 8x8 words -> dst[q*w + r];
// kBf16Amx: 32 k of a row -> 16 words at dst[chunk*w*16 + r*16]. The k tail is read with masked
// loads (never past the row).
NNTRAIN_PACK_BF16 void pack_along_panel(PackLayout layout, float* dst, int w, const float* src,
                                        ptrdiff_t ld, int rows, int kc, int words) {
  if (layout == PackLayout::kBf16Amx) {
    constexpr int kChunk = kAmxK / 2;
    const int chunks = words / kChunk;
    for (int r = 0; r < w; r++) {
      const float* x = src + r * ld;
      for (int ch = 0; ch < chunks; ch++) {
        float* out = dst + static_cast<size_t>(ch) * w * kChunk + static_cast<size_t>(r) * kChunk;
        const int n = r < rows ? kc - ch * kAmxK : 0;  // valid k in this chunk (may exceed 32)
        const __mmask16 lo_mask = static_cast<__mmask16>(n >= 16 ? 0xFFFF
                                                         : n > 0 ? (1u << n) - 1
                                                                 : 0);
        const __mmask16 hi_mask = static_cast<__mmask16>(n >= 32  ? 0xFFFF
                                                         : n > 16 ? (1u << (n - 16)) - 1
                                                                  : 0);
        const __m512 lo = _mm512_maskz_loadu_ps(lo_mask, x + ch * kAmxK);
        const __m512 hi = _mm512_maskz_loadu_ps(hi_mask, x + ch * kAmxK + 16);
        _mm512_storeu_ps(out, (__m512)_mm512_cvtne2ps_pbh(hi, lo));
      }
    }
    return;
  }
  for (int r0 = 0; r0 < w; r0 += 8) {
    const int lanes = w - r0 < 8 ? w - r0 : 8;
    const __mmask8 mask = static_cast<__mmask8>((1u << lanes) - 1);
    // every pair row up to `words` (AMX's B is padded past kc with zero pairs)
    for (int p = 0; p < 2 * words; p += 16) {
      const int n = kc - p < 16 ? kc - p : 16;
      __m256 r[8];
      for (int j = 0; j < 8; j++) {
        r[j] = r0 + j < rows ? row_words(src + (r0 + j) * ld + p, n) : _mm256_setzero_ps();
      }
      transpose8x8(r);
      // pair rows past `words` belong to the next panel
      const int q_count = words - p / 2 < 8 ? words - p / 2 : 8;
      for (int q = 0; q < q_count; q++) {
        _mm256_mask_storeu_ps(dst + static_cast<size_t>(p / 2 + q) * w + r0, mask, r[q]);
      }
    }
  }
}

// k across stored rows into AMX A panels (chunks of 16 words per row): through kBf16Pairs pair
// rows of one chunk in a scratch block, then 8x8 word transposes into the rows.
NNTRAIN_PACK_BF16 void pack_across_amx(float* dst, int w, const float* src, ptrdiff_t ld, int cols,
                                       int kc, int words) {
  constexpr int kChunk = kAmxK / 2;
  constexpr int kMaxW = 32;
  alignas(64) float scratch[kChunk * kMaxW];
  const int panels = (cols + w - 1) / w;
  for (int panel = 0; panel < panels; panel++) {
    float* out = dst + static_cast<size_t>(panel) * words * w;
    const int valid = cols - panel * w < w ? cols - panel * w : w;
    for (int ch = 0; ch * kChunk < words; ch++) {
      const int p0 = ch * kAmxK;
      const int kc_chunk = kc - p0 < kAmxK ? (kc - p0 > 0 ? kc - p0 : 0) : kAmxK;
      // pair rows q = 0..15 of this chunk, w words each (zero past kc)
      if (kc_chunk > 0) {
        pack_across_pairs(scratch, w, src + static_cast<ptrdiff_t>(p0) * ld + panel * w, ld, valid,
                          kc_chunk, kChunk);
      }
      for (int q = (kc_chunk + 1) / 2; q < kChunk; q++) {
        for (int r = 0; r < w; r++) scratch[q * w + r] = 0.0f;
      }
      float* chunk_out = out + static_cast<size_t>(ch) * w * kChunk;
      for (int r0 = 0; r0 < w; r0 += 8) {
        for (int q0 = 0; q0 < kChunk; q0 += 8) {
          __m256 r[8];
          for (int j = 0; j < 8; j++) r[j] = _mm256_loadu_ps(scratch + (q0 + j) * w + r0);
          transpose8x8(r);  // r[i]: words q0..q0+7 of row r0 + i
          for (int i = 0; i < 8; i++) _mm256_storeu_ps(chunk_out + (r0 + i) * kChunk + q0, r[i]);
        }
      }
    }
  }
}

// One operand's panels: `count` panel rows (A's rows or B's columns) in panels of w, k along the
// stored rows (`along`) or across them; src points at element (0, 0) of the block.
void pack_bf16(const PackedGemmConfig& cfg, float* dst, int w, const float* src, ptrdiff_t ld,
               bool along, bool is_a, int count, int kc) {
  const int words = panel_words(cfg, kc);
  const PackLayout layout = is_a ? cfg.layout : PackLayout::kBf16Pairs;
  if (!along) {
    if (layout == PackLayout::kBf16Amx) return pack_across_amx(dst, w, src, ld, count, kc, words);
    pack_across_pairs(dst, w, src, ld, count, kc, words);
    // AMX's B: pair rows past kc up to the padded k are zero
    const size_t filled = static_cast<size_t>((kc + 1) / 2) * w;
    const int panels = (count + w - 1) / w;
    if (static_cast<int>(filled / w) < words) {
      for (int panel = 0; panel < panels; panel++) {
        float* out = dst + static_cast<size_t>(panel) * words * w;
        std::memset(out + filled, 0, (static_cast<size_t>(words) * w - filled) * sizeof(float));
      }
    }
    return;
  }
  for (int r0 = 0; r0 < count; r0 += w, dst += static_cast<size_t>(words) * w) {
    const int rows = count - r0 < w ? count - r0 : w;
    pack_along_panel(layout, dst, w, src + r0 * ld, ld, rows, kc, words);
  }
}

}  // namespace

void pack_a_bf16(const PackedGemmConfig& cfg, float* dst, const float* a, int lda, bool trans_a,
                 int i0, int p0, int mc, int kc) {
  if (trans_a) {
    pack_bf16(cfg, dst, cfg.mr, a + static_cast<size_t>(p0) * lda + i0, lda, false, true, mc, kc);
  } else {
    pack_bf16(cfg, dst, cfg.mr, a + static_cast<size_t>(i0) * lda + p0, lda, true, true, mc, kc);
  }
}

void pack_b_bf16(const PackedGemmConfig& cfg, float* dst, const float* b, int ldb, bool trans_b,
                 int p0, int j0, int kc, int nc) {
  if (trans_b) {
    pack_bf16(cfg, dst, cfg.nr, b + static_cast<size_t>(j0) * ldb + p0, ldb, true, false, nc, kc);
  } else {
    pack_bf16(cfg, dst, cfg.nr, b + static_cast<size_t>(p0) * ldb + j0, ldb, false, false, nc, kc);
  }
}

}  // namespace nntrain
#endif  // __x86_64__

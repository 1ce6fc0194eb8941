// The packed GEMM (BLIS/GotoBLAS style) in three layers, and the one contract they share:
//   blocking.cc  portable MC/KC/NC loops, per-thread pack buffers, edge tiles
//   pack.cc      copies op(A) and op(B) blocks into the packed layouts below (transposes live here)
//   ukr_*.cc     one register-blocked micro-kernel per ISA and tile, named ukr_<isa>_<MR>x<NR>
//
// Micro-kernel contract (every ukr obeys it; blocking.cc relies on nothing else):
//   ukr(k, a, b, alpha, beta, c, ldc, ep) computes the full MR x NR tile
//       V[i,j] = alpha * sum_p a[p*MR + i] * b[p*NR + j] + beta * C[i*ldc + j]
//   and stores C[i*ldc + j] = V when ep is null. With an epilogue (UkrEpilogue below), while the
//   accumulators are still in registers: ep->bias (NR floats) replaces beta * C (C is not read),
//   ep->z receives V (row stride ep->ldz), and C receives act(V) for act in {linear, relu,
//   leakyRelu} (leakyRelu's alpha * V is formed in float64 and rounded once, like the
//   elementwise kernels). Other activations never reach a ukr (blocking.cc applies them per tile).
//   - a is one packed A micro-panel: k columns of MR floats, column p at a + p*MR (rows past
//     the edge of op(A) are zero); b is one packed B micro-panel: k rows of NR floats at
//     b + p*NR (zero-padded likewise). Panels are contiguous, so the kernel walks them linearly;
//     the pack buffers start 64-byte aligned but a panel inside them need not be (kernels use
//     unaligned loads).
//   - c is row-major with row stride ldc, any alignment; all MR x NR cells are read (unless
//     beta == 0) and written. Tiles cut by the edge of C never reach a ukr: ukr_edge_tile()
//     below runs the kernel into an aligned scratch tile and copies the valid mr x nr corner back.
//   - beta == 0 overwrites C without reading it (NaNs already in C must not survive); k >= 1.
//   - The kernel accumulates in float32 in p order with FMA where the ISA has it; no -ffast-math.
//   - bf16 configs (PackedGemmConfig::layout): a and b hold bf16 pairs, not floats (layouts below);
//     k is still the count of k, the kernel reads panel_words() words per row of its panels.
#pragma once

#include <cstddef>

#include "../codes.h"
#include "gemm.h"

namespace nntrain {

// The per-tile epilogue a micro-kernel applies when storing its tile (contract above).
struct UkrEpilogue {
  const float* bias;  // NR floats (this tile's columns) in place of beta * C, or null
  float* z;           // MR x NR pre-activation values at z[i*ldz + j], or null
  ptrdiff_t ldz;
  int act;           // kActLinear, kActRelu or kActLeakyRelu
  double act_param;  // leakyRelu slope
};

using UkrFn = void (*)(int k, const float* a, const float* b, float alpha, float beta, float* c,
                       ptrdiff_t ldc, const UkrEpilogue* ep);

// The largest tile any micro-kernel uses (sizes the scratch tile of ukr_edge_tile)
constexpr int kMaxMr = 32;
constexpr int kMaxNr = 32;

// The transposing copy of packing, dst[p*w + i] = src[i*ld + p] for i < rows and 0 up to w, for
// p < kc; null in a config means pack.cc's scalar loop.
using PackTransposedFn = void (*)(float* dst, int w, const float* src, ptrdiff_t ld, int rows,
                                  int kc);

// A micro-kernel for a tile with only `rows` < MR valid rows and all NR columns (same contract,
// same packed panels with stride MR); null in a config means ukr_edge_tile's scratch path.
using UkrRowsFn = void (*)(int rows, int k, const float* a, const float* b, float alpha, float beta,
                           float* c, ptrdiff_t ldc, const UkrEpilogue* ep);

// A micro-kernel that reads A in place instead of from a packed panel, op(A)[i, p] = a[i*rs +
// p*cs], for a tile's first `rows` (1..MR) rows and all NR columns, with row p of B's NR columns at
// b + p*ldb (a packed panel: ldb = NR; B stored (k,n) read in place: its row length); C, alpha,
// beta and the epilogue as in the contract above, and the same float operations as ukr (rows = MR)
// and ukr_rows (rows < MR), so a tile's result does not depend on whether A or B was packed. Null
// in a config: A and B are always packed.
using UkrDirectFn = void (*)(int rows, int k, const float* a, ptrdiff_t rs, ptrdiff_t cs,
                             const float* b, ptrdiff_t ldb, float alpha, float beta, float* c,
                             ptrdiff_t ldc, const UkrEpilogue* ep);

// How a config's packed panels hold op(A) and op(B) (the bf16 GEMM's configs round to bf16 while
// packing, two k to a 32-bit word, so the pack buffers stay float-sized; pack_bf16.cc):
enum class PackLayout {
  kFp32,  // the fp32 layouts above: panel column / row p at p*MR / p*NR floats
  // bf16 pairs: word q*W + r of a panel (W = MR or NR) holds op(X)[r, 2q] in its low half and
  // op(X)[r, 2q+1] in its high half (0 past k): vdpbf16ps's operands (and AMX's B tiles)
  kBf16Pairs,
  // bf16 pairs, k padded to a multiple of 32 (kAmxK): B as kBf16Pairs; A in chunks of 32 k, chunk
  // c holding MR rows of 16 words, row r at c*MR*16 + r*16 (an AMX A tile's rows)
  kBf16Amx,
};

constexpr int kAmxK = 32;  // k of one AMX BF16 tile product (16 words of two k)

// One row of C (m = 1) with A and B read in place: for the `cols` columns at b and c,
//   acc[j] = sum over p < k of a[p] * b[p*ldb + j], one FMA per p in p order from 0 (per element
//   the float operations of the micro-kernels' accumulators), then
//   c[j] = acc[j] + (accumulate ? c[j] : bias[j]), rounded once; c[j] = acc[j] when neither.
// This is alpha 1, beta 0 in the contract above, so a row's result does not depend on whether it
// came alone or in a batch. Null in a config: one row runs through the tiles (the bf16 configs,
// whose tiles round their inputs).
using GemvFn = void (*)(int k, const float* a, const float* b, ptrdiff_t ldb, int cols,
                        const float* bias, float* c, bool accumulate);

// A micro-kernel and the cache blocking that suits it. MC is a multiple of MR and NC of NR; an
// MC x KC block of packed A is meant for L2, a KC x NR micro-panel of B for L1, KC x NC for L3.
struct PackedGemmConfig {
  UkrFn ukr;
  int mr, nr;
  int mc, kc, nc;
  PackTransposedFn pack_transposed;
  UkrRowsFn ukr_rows;
  UkrDirectFn ukr_direct;
  PackLayout layout;
  // Called by a thread before and after its micro-kernel calls of one task (AMX: load the tile
  // configuration, release the tiles), so kernels need not do it per tile; null: nothing to do.
  void (*task_begin)();
  void (*task_end)();
  GemvFn gemv;
};

// 32-bit words per column (A) or row (B) of a packed panel spanning kc of k: kc floats, or kc bf16
// in pairs (padded for AMX). Panels of one block sit this many words x MR (NR) apart.
inline int panel_words(const PackedGemmConfig& cfg, int kc) {
  if (cfg.layout == PackLayout::kFp32) return kc;
  if (cfg.layout == PackLayout::kBf16Pairs) return (kc + 1) / 2;
  return (kc + kAmxK - 1) / kAmxK * (kAmxK / 2);
}

// Packing (pack.cc). op(A) is (m,k): A is stored (m,k), or (k,m) when trans_a; lda is the stored
// row length. pack_a copies the mc x kc block of op(A) at (i0, p0) into ceil(mc/mr) micro-panels of
// kc x mr floats, zero-filling rows past mc. pack_b copies the kc x nc block of op(B) at (p0, j0)
// (B stored (k,n), or (n,k) when trans_b) into ceil(nc/nr) micro-panels of kc x nr floats.
void pack_a(const PackedGemmConfig& cfg, float* dst, const float* a, int lda, bool trans_a, int i0,
            int p0, int mc, int kc);
void pack_b(const PackedGemmConfig& cfg, float* dst, const float* b, int ldb, bool trans_b, int p0,
            int j0, int kc, int nc);

// The blocking loops (blocking.cc): the GemmFn contract of gemm.h on top of one micro-kernel.
// ep (optional): the dense epilogue of gemm.h; pool (optional): split M/N tiles over its threads.
void gemm_packed(const PackedGemmConfig& cfg, float* c, const float* a, const float* b, int m,
                 int n, int k, bool trans_a, bool trans_b, float alpha, float beta,
                 const GemmEpilogue* ep, ThreadPool* pool);

#if defined(__x86_64__)
// bf16 packing (pack_bf16.cc, AVX-512 with AVX512_BF16: bf16 configs exist only on such CPUs):
// pack_a / pack_b with the same arguments for a config whose layout is not kFp32.
void pack_a_bf16(const PackedGemmConfig& cfg, float* dst, const float* a, int lda, bool trans_a,
                 int i0, int p0, int mc, int kc);
void pack_b_bf16(const PackedGemmConfig& cfg, float* dst, const float* b, int ldb, bool trans_b,
                 int p0, int j0, int kc, int nc);
#endif

// Portable micro-kernel (ukr_ref.cc): the 'packed' variant and the fallback off x86-64.
void ukr_ref_4x8(int k, const float* a, const float* b, float alpha, float beta, float* c,
                 ptrdiff_t ldc, const UkrEpilogue* ep);

#if defined(__x86_64__)
// pack_avx2.cc: PackTransposedFn with an 8x8 register transpose (avx2)
void pack_transposed_avx2(float* dst, int w, const float* src, ptrdiff_t ld, int rows, int kc);

// gemv_avx2.cc: GemvFn with eight accumulator chains (avx2 + fma)
void gemv_avx2(int k, const float* a, const float* b, ptrdiff_t ldb, int cols, const float* bias,
               float* c, bool accumulate);

// ISA micro-kernels: call only when the CPU has the features (dispatch.cc checks).
void ukr_avx2_6x16(int k, const float* a, const float* b, float alpha, float beta, float* c,
                   ptrdiff_t ldc, const UkrEpilogue* ep);  // avx2 + fma
void ukr_avx512_12x32(int k, const float* a, const float* b, float alpha, float beta, float* c,
                      ptrdiff_t ldc, const UkrEpilogue* ep);  // avx512f
#endif

// The scalar twin of the in-register activations (relu, leakyRelu, linear)
inline float ukr_act_scalar(float v, int act, double param) {
  if (act == kActRelu) return v > 0.0f ? v : 0.0f;
  if (act == kActLeakyRelu) return v > 0.0f ? v : static_cast<float>(param * v);
  return v;
}

// Merges the valid m_valid x n_valid corner of a scratch tile (alpha applied, beta = 0) into C with
// beta (or the bias) and the epilogue.
inline void merge_edge_tile(const float* tile, int tile_ld, float beta, float* c, ptrdiff_t ldc,
                            int m_valid, int n_valid, const UkrEpilogue* ep) {
  for (int i = 0; i < m_valid; i++) {
    float* crow = c + i * ldc;
    const float* trow = tile + i * tile_ld;
    if (ep == nullptr) {
      if (beta == 0.0f) {
        for (int j = 0; j < n_valid; j++) crow[j] = trow[j];
      } else {
        for (int j = 0; j < n_valid; j++) crow[j] = trow[j] + beta * crow[j];
      }
      continue;
    }
    float* zrow = ep->z != nullptr ? ep->z + i * ep->ldz : nullptr;
    for (int j = 0; j < n_valid; j++) {
      float v = trow[j];
      if (ep->bias != nullptr) {
        v = v + ep->bias[j];
      } else if (beta != 0.0f) {
        v = v + beta * crow[j];
      }
      if (zrow != nullptr) zrow[j] = v;
      crow[j] = ukr_act_scalar(v, ep->act, ep->act_param);
    }
  }
}

// One tile cut by the edge of C (m_valid < mr or n_valid < nr): the full-tile kernel writes an
// aligned scratch tile with alpha and beta = 0, then the valid corner is merged with beta (or the
// bias) and the epilogue is applied here.
inline void ukr_edge_tile(const PackedGemmConfig& cfg, int k, const float* a, const float* b,
                          float alpha, float beta, float* c, ptrdiff_t ldc, int m_valid,
                          int n_valid, const UkrEpilogue* ep) {
  if (n_valid == cfg.nr && cfg.ukr_rows != nullptr) {
    cfg.ukr_rows(m_valid, k, a, b, alpha, beta, c, ldc, ep);
    return;
  }
  alignas(64) float tile[kMaxMr * kMaxNr];
  cfg.ukr(k, a, b, alpha, 0.0f, tile, cfg.nr, nullptr);
  merge_edge_tile(tile, cfg.nr, beta, c, ldc, m_valid, n_valid, ep);
}

// A tile with A read in place (UkrDirectFn): the direct kernel on all NR columns, or, for a tile
// cut by the right edge of C, into a scratch tile merged like ukr_edge_tile's.
inline void ukr_direct_tile(const PackedGemmConfig& cfg, int k, const float* a, ptrdiff_t rs,
                            ptrdiff_t cs, const float* b, ptrdiff_t ldb, float alpha, float beta,
                            float* c, ptrdiff_t ldc, int m_valid, int n_valid,
                            const UkrEpilogue* ep) {
  if (n_valid == cfg.nr) {
    cfg.ukr_direct(m_valid, k, a, rs, cs, b, ldb, alpha, beta, c, ldc, ep);
    return;
  }
  alignas(64) float tile[kMaxMr * kMaxNr];
  cfg.ukr_direct(m_valid, k, a, rs, cs, b, ldb, alpha, 0.0f, tile, cfg.nr, nullptr);
  merge_edge_tile(tile, cfg.nr, beta, c, ldc, m_valid, n_valid, ep);
}

}  // namespace nntrain

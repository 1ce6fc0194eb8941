// AMX-BF16 micro-kernel, 32 x 32, on PackLayout::kBf16Amx panels: C as 2 x 2 tiles of 16 x 16 fp32
// (tmm0-3), per 32 k two A tiles (16 rows x 32 bf16, tmm4-5) and two B tiles (16 pair rows x 16
// columns, tmm6-7, read from the 32-wide B panel with a 128-byte stride), four tdpbf16ps. The tiles
// are stored to a scratch block, and alpha, beta or the bias, z and the activation are applied
// from there with AVX-512 as in the other kernels (ukr_avx512_store.h). The tile configuration is
// loaded at the start of each blocking task and the tiles released at its end (the config's
// task_begin / task_end): per micro-kernel call that cost 3.7x on k = 128 (TUNING.md), and no AMX
// state outlives a GEMM (an idle thread keeps no tile data live, and other AMX users in the
// process find the tiles released). Called only after dispatch.cc has checked the CPU and obtained
// the permission to use AMX state (amx_permitted below).
#include "bf16.h"
#include "gemm_packed.h"
#include "ukr_avx512_store.h"

#if defined(__x86_64__) && defined(__linux__)
#include <immintrin.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

namespace nntrain {
namespace {

// The ldtilecfg operand (palette 1): every tile 16 rows of 64 bytes
struct alignas(64) TileConfig {
  uint8_t palette_id;
  uint8_t start_row;
  uint8_t reserved[14];
  uint16_t colsb[16];
  uint8_t rows[16];
};

constexpr TileConfig make_config() {
  TileConfig t{};
  t.palette_id = 1;
  for (int i = 0; i < 8; i++) {
    t.colsb[i] = 64;
    t.rows[i] = 16;
  }
  return t;
}

constexpr TileConfig kTiles = make_config();

#define NNTRAIN_AMX __attribute__((target("amx-tile,amx-bf16,avx512f")))

NNTRAIN_AMX void ukr_amx_32x32(int k, const float* a, const float* b, float alpha, float beta,
                               float* c, ptrdiff_t ldc, const UkrEpilogue* ep) {
  constexpr int kChunk = kAmxK / 2;  // words per tile row
  _tile_zero(0);
  _tile_zero(1);
  _tile_zero(2);
  _tile_zero(3);
  const int chunks = (k + kAmxK - 1) / kAmxK;
  for (int ch = 0; ch < chunks; ch++) {
    const float* ac = a + static_cast<size_t>(ch) * 32 * kChunk;
    const float* bc = b + static_cast<size_t>(ch) * kChunk * 32;
    _tile_loadd(4, ac, 64);
    _tile_loadd(5, ac + 16 * kChunk, 64);
    _tile_loadd(6, bc, 128);
    _tile_loadd(7, bc + 16, 128);
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(1, 4, 7);
    _tile_dpbf16ps(2, 5, 6);
    _tile_dpbf16ps(3, 5, 7);
  }
  alignas(64) float acc[32 * 32];
  _tile_stored(0, acc, 128);
  _tile_stored(1, acc + 16, 128);
  _tile_stored(2, acc + 16 * 32, 128);
  _tile_stored(3, acc + 16 * 32 + 16, 128);
  for (int i = 0; i < 32; i++) {
    store_row32_avx512(_mm512_load_ps(acc + i * 32), _mm512_load_ps(acc + i * 32 + 16), i, alpha,
                       beta, c, ldc, ep);
  }
}

NNTRAIN_AMX void amx_task_begin() {
  _tile_loadconfig(&kTiles);
}

NNTRAIN_AMX void amx_task_end() {
  _tile_release();
}

// KC = 512 k: A and B micro-panels of 32 KB each (L1 holds B's while A's stream); MC = 128: MC x KC
// of packed A = 128 KB in L2 (MC 128 beat 256 and 512 by ~10% on 1024² and dW, TUNING.md); KC x NC
// of B 4 MB (L3).
constexpr PackedGemmConfig kAmxConfig = {
    ukr_amx_32x32,  32,           32,      128,     512,
    4096,           nullptr,      nullptr, nullptr, PackLayout::kBf16Amx,
    amx_task_begin, amx_task_end, nullptr};

}  // namespace

bool amx_permitted() {
  // Linux hands out AMX tile data state only on request (arch_prctl ARCH_REQ_XCOMP_PERM, once per
  // process); refused (an old kernel, a hypervisor without it), the kernel is not offered.
  constexpr long kArchReqXcompPerm = 0x1023;
  constexpr long kXfeatureXtiledata = 18;
  return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
}

void gemm_bf16_amx(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
                   bool trans_b, float alpha, float beta, const GemmEpilogue* ep,
                   ThreadPool* pool) {
  gemm_packed(kAmxConfig, c, a, b, m, n, k, trans_a, trans_b, alpha, beta, ep, pool);
}

}  // namespace nntrain
#endif  // __x86_64__ && __linux__

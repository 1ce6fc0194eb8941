// bf16 (bfloat16: fp32's sign, exponent and top 7 mantissa bits) for the mixed-precision GEMM.
// kernel_table().gemm_bf16 (dispatch.h) computes C = alpha * op(A) op(B) (+ beta * C or the bias,
// epilogue as gemm.h) with op(A) and op(B) rounded to bf16 (round to nearest even, NaN stays NaN)
// and the products accumulated in fp32. Operands and C stay fp32 in memory: only packing converts.
#pragma once

#include <cstdint>
#include <cstring>

#include "gemm.h"

namespace nntrain {

// fp32 -> bf16 bits, round to nearest even; NaN stays a (quiet) NaN, +-Inf stays +-Inf, values past
// bf16's largest finite round to Inf as RNE says.
inline uint16_t bf16_bits(float x) {
  uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  if ((u & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<uint16_t>((u >> 16) | 0x0040u);
  u += 0x7FFFu + ((u >> 16) & 1u);
  return static_cast<uint16_t>(u >> 16);
}

inline float bf16_to_float(uint16_t h) {
  const uint32_t u = static_cast<uint32_t>(h) << 16;
  float x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

// x rounded to the nearest bf16, as an fp32
inline float round_bf16(float x) {
  return bf16_to_float(bf16_bits(x));
}

// The bf16 GEMM on top of an fp32 one: copies of op(A) and op(B) rounded to bf16 (kept as fp32,
// in per-thread buffers that grow as needed), then `fp32` on them. Exact products of bf16 values,
// so it differs from a native bf16 kernel only by summation order (and by denormal inputs, which
// the AVX512_BF16 instructions treat as zero). ep only when `fp32` fuses epilogues.
void gemm_bf16_emulated_with(GemmFn fp32, float* c, const float* a, const float* b, int m, int n,
                             int k, bool trans_a, bool trans_b, float alpha, float beta,
                             const GemmEpilogue* ep, ThreadPool* pool);

#if defined(__x86_64__)
// The packed GEMM on bf16 panels with the AVX512_BF16 12x32 micro-kernel
// (ukr_avx512bf16_12x32.cc). Call only when the CPU has AVX-512F and AVX512_BF16 (dispatch.cc
// checks); same threads rule as gemm.h (bit-identical for 1 and N threads).
void gemm_bf16_avx512(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
                      bool trans_b, float alpha, float beta, const GemmEpilogue* ep,
                      ThreadPool* pool);
#endif

#if defined(__x86_64__) && defined(__linux__)
// The packed GEMM on AMX-BF16 tiles (ukr_amx_32x32.cc). Call only when the CPU has AMX-TILE,
// AMX-BF16 and the AVX-512 of gemm_bf16_avx512, and after amx_permitted() returned true.
void gemm_bf16_amx(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
                   bool trans_b, float alpha, float beta, const GemmEpilogue* ep, ThreadPool* pool);
// Asks Linux for this process's permission to use AMX tile data (idempotent); false if refused.
bool amx_permitted();
#endif

}  // namespace nntrain

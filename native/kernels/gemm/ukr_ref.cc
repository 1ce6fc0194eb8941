// Portable micro-kernels in plain C++ (the same contract as the ISA kernels, gemm_packed.h): the
// fallback on CPUs without AVX2 and on other architectures, and the 'packed' dispatch variant. The
// accumulator tile is a local array the compiler keeps in vector registers at the baseline ISA
// (GCC/Clang vector extensions; a scalar loop nest for other compilers).
#include <cstddef>
#include <cstring>

#include "gemm.h"
#include "gemm_packed.h"

namespace nntrain {
namespace {

#if defined(__GNUC__)
// GCC/Clang vector extensions: plain portable C++ (SSE2 on x86-64, NEON on aarch64) that the
// compiler keeps in registers; auto-vectorizing the scalar loop nest spilled and shuffled instead.
typedef float V4 __attribute__((vector_size(16)));

template <int MR, int NR>
void ukr_ref(int k, const float* a, const float* b, float alpha, float beta, float* c,
             ptrdiff_t ldc, const UkrEpilogue* ep) {
  static_assert(NR % 4 == 0, "NR is a whole number of 4-float vectors");
  constexpr int NV = NR / 4;
  V4 acc[MR][NV] = {};
  for (int p = 0; p < k; p++) {
    V4 bv[NV];
    for (int j = 0; j < NV; j++) std::memcpy(&bv[j], b + 4 * j, sizeof(V4));
    for (int i = 0; i < MR; i++) {
      const float av = a[i];
      for (int j = 0; j < NV; j++) acc[i][j] += av * bv[j];
    }
    a += MR;
    b += NR;
  }
  for (int i = 0; i < MR; i++) {
    float* crow = c + i * ldc;
    for (int j = 0; j < NV; j++) {
      V4 v = alpha * acc[i][j];
      if (ep != nullptr && ep->bias != nullptr) {
        V4 bias;
        std::memcpy(&bias, ep->bias + 4 * j, sizeof(V4));
        v += bias;
      } else if (beta != 0.0f) {
        V4 old;
        std::memcpy(&old, crow + 4 * j, sizeof(V4));
        v += beta * old;
      }
      if (ep != nullptr) {
        if (ep->z != nullptr) std::memcpy(ep->z + i * ep->ldz + 4 * j, &v, sizeof(V4));
        for (int l = 0; l < 4; l++) v[l] = ukr_act_scalar(v[l], ep->act, ep->act_param);
      }
      std::memcpy(crow + 4 * j, &v, sizeof(V4));
    }
  }
}
#else
template <int MR, int NR>
void ukr_ref(int k, const float* a, const float* b, float alpha, float beta, float* c,
             ptrdiff_t ldc, const UkrEpilogue* ep) {
  float acc[MR][NR] = {};
  for (int p = 0; p < k; p++) {
    for (int i = 0; i < MR; i++) {
      for (int j = 0; j < NR; j++) acc[i][j] += a[p * MR + i] * b[p * NR + j];
    }
  }
  for (int i = 0; i < MR; i++) {
    float* crow = c + i * ldc;
    for (int j = 0; j < NR; j++) {
      float v = alpha * acc[i][j];
      if (ep != nullptr && ep->bias != nullptr) {
        v = v + ep->bias[j];
      } else if (beta != 0.0f) {
        v = v + beta * crow[j];
      }
      if (ep != nullptr) {
        if (ep->z != nullptr) ep->z[i * ep->ldz + j] = v;
        v = ukr_act_scalar(v, ep->act, ep->act_param);
      }
      crow[j] = v;
    }
  }
}
#endif

// 4 x 8: eight 4-lane SSE accumulators plus operands fit the 16 registers of baseline x86-64
constexpr PackedGemmConfig kPortableConfig = {
    ukr_ref_4x8,       4,       8,       128,    256, 2048, nullptr, nullptr, nullptr,
    PackLayout::kFp32, nullptr, nullptr, nullptr};

}  // namespace

void ukr_ref_4x8(int k, const float* a, const float* b, float alpha, float beta, float* c,
                 ptrdiff_t ldc, const UkrEpilogue* ep) {
  ukr_ref<4, 8>(k, a, b, alpha, beta, c, ldc, ep);
}

// c is (m,n); a is (m,k) or (k,m) when trans_a; b is (k,n) or (n,k) when trans_b
void gemm_packed_portable(float* c, const float* a, const float* b, int m, int n, int k,
                          bool trans_a, bool trans_b, float alpha, float beta,
                          const GemmEpilogue* ep, ThreadPool* pool) {
  gemm_packed(kPortableConfig, c, a, b, m, n, k, trans_a, trans_b, alpha, beta, ep, pool);
}

}  // namespace nntrain

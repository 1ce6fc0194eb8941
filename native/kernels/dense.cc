// Dense forward/backward: GEMM through the dispatch table with the bias and activation in its
// epilogue (packed variants), or around it (ref/simple, the unfused baseline).
#include "dense.h"

#include <cstddef>

#include "../threads/pool.h"
#include "act/activation.h"
#include "codes.h"
#include "dispatch.h"

namespace nntrain {

// out, preact are (B,OC); inp is (B,C); weight is (C,OC); bias is (OC)
void dense_forward(float* out, float* preact, const float* inp, const float* weight,
                   const float* bias, int B, int C, int OC, int act, double act_param,
                   ThreadPool* pool, bool bf16) {
  const KernelTable& kt = kernel_table();
  const GemmFn gemm_fn = bf16 ? kt.gemm_bf16 : kt.gemm;
  if (kt.fuses_epilogue) {
    GemmEpilogue ep;
    ep.bias = bias;
    ep.z = preact != out ? preact : nullptr;
    ep.act = act;
    ep.act_param = act_param;
    gemm_fn(out, inp, weight, B, OC, C, false, false, 1.0f, 0.0f, &ep, pool);
    return;
  }
  float* z = preact != nullptr ? preact : out;
  if (bias != nullptr) {
    // Z starts as the bias and the GEMM accumulates onto it (beta = 1), like the JS twin
    for (int r = 0; r < B; r++) {
      float* zrow = z + static_cast<size_t>(r) * OC;
      for (int j = 0; j < OC; j++) zrow[j] = bias[j];
    }
  }
  gemm_fn(z, inp, weight, B, OC, C, false, false, 1.0f, bias != nullptr ? 1.0f : 0.0f, nullptr,
          nullptr);
  if (act != kActLinear || z != out) activation_forward(out, z, B, OC, act, act_param);
}

namespace {

// Each thread forming dZ gets at least this many elements (threads_for: below twice this, the
// calling thread alone; a parallel loop costs more).
constexpr double kDzPerThread = 8192;
// Column ranges start at multiples of this many floats (whole 64-byte lines: no false sharing).
constexpr long kDzColumnAlign = 16;

// Columns [j0, j1) of dZ = dout * act'(Z), one row at a time, each row's dZ summed into dbias
// while it is in L1. Rows go in order, so a column's bias sum does not depend on the split.
void form_dz_columns(float* dpreact, float* dbias, const float* dout, const float* preact,
                     const float* out, int B, int OC, int j0, int j1, int act, double act_param,
                     bool apply_act) {
  const int w = j1 - j0;
  for (int r = 0; r < B; r++) {
    const size_t off = static_cast<size_t>(r) * OC + j0;
    if (apply_act) {
      activation_backward(dpreact + off, dout + off, preact + off, out + off, 1, w, act, act_param);
    }
    if (dbias != nullptr) {
      const float* dzrow = (apply_act ? dpreact : dout) + off;
      for (int j = 0; j < w; j++) dbias[j0 + j] += dzrow[j];
    }
  }
}

}  // namespace

// dinp is (B,C); dweight is (C,OC); dbias is (OC); dpreact, dout, preact, out are (B,OC)
void dense_backward(float* dinp, float* dweight, float* dbias, float* dpreact, const float* dout,
                    const float* inp, const float* weight, const float* preact, const float* out,
                    int B, int C, int OC, int act, double act_param, bool dout_is_preact,
                    bool accumulate, ThreadPool* pool, bool bf16) {
  const bool apply_act = !dout_is_preact && act != kActLinear;
  const float* dz = apply_act ? dpreact : dout;
  if (!accumulate && dbias != nullptr) {
    for (int j = 0; j < OC; j++) dbias[j] = 0.0f;
  }
  if (apply_act || dbias != nullptr) {
    // Elementwise activations split the columns over the pool (softmax's Jacobian needs whole
    // rows); on one thread this pass is a visible share of a wide layer's step (gemm/TUNING.md).
    const int threads =
        pool != nullptr ? threads_for(static_cast<double>(B) * OC, kDzPerThread, pool->threads())
                        : 1;
    const bool split =
        threads > 1 && !(apply_act && act == kActSoftmax) && OC >= 2 * kDzColumnAlign;
    if (!split) {
      form_dz_columns(dpreact, dbias, dout, preact, out, B, OC, 0, OC, act, act_param, apply_act);
    } else {
      pool->parallel_for(threads, threads, [&](int task) {
        long j0 = 0, j1 = 0;
        split_range(OC, threads, task, kDzColumnAlign, &j0, &j1);
        if (j1 > j0) {
          form_dz_columns(dpreact, dbias, dout, preact, out, B, OC, static_cast<int>(j0),
                          static_cast<int>(j1), act, act_param, apply_act);
        }
      });
    }
  }
  const GemmFn gemm_fn = bf16 ? kernel_table().gemm_bf16 : kernel_table().gemm;
  gemm_fn(dweight, inp, dz, C, OC, B, true, false, 1.0f, accumulate ? 1.0f : 0.0f, nullptr, pool);
  if (dinp != nullptr) gemm_fn(dinp, dz, weight, B, C, OC, false, true, 1.0f, 0.0f, nullptr, pool);
}

}  // namespace nntrain

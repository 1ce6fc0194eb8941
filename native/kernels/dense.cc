// Dense forward/backward: GEMM through the dispatch table with the bias and activation in its
// epilogue (packed variants), or around it (ref/simple, the unfused baseline).
#include "dense.h"

#include <cstddef>

#include "act/activation.h"
#include "codes.h"
#include "gemm/gemm.h"

namespace nntrain {

// out, preact are (B,OC); inp is (B,C); weight is (C,OC); bias is (OC)
void dense_forward(float* out, float* preact, const float* inp, const float* weight,
                   const float* bias, int B, int C, int OC, int act, double act_param,
                   ThreadPool* pool) {
  const KernelTable& kt = kernel_table();
  if (kt.fuses_epilogue) {
    GemmEpilogue ep;
    ep.bias = bias;
    ep.z = preact != out ? preact : nullptr;
    ep.act = act;
    ep.act_param = act_param;
    kt.gemm(out, inp, weight, B, OC, C, false, false, 1.0f, 0.0f, &ep, pool);
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
  gemm(z, inp, weight, B, OC, C, false, false, 1.0f, bias != nullptr ? 1.0f : 0.0f);
  if (act != kActLinear || z != out) activation_forward(out, z, B, OC, act, act_param);
}

// dinp is (B,C); dweight is (C,OC); dbias is (OC); dpreact, dout, preact, out are (B,OC)
void dense_backward(float* dinp, float* dweight, float* dbias, float* dpreact, const float* dout,
                    const float* inp, const float* weight, const float* preact, const float* out,
                    int B, int C, int OC, int act, double act_param, bool dout_is_preact,
                    bool accumulate, ThreadPool* pool) {
  const bool apply_act = !dout_is_preact && act != kActLinear;
  const float* dz = apply_act ? dpreact : dout;
  if (!accumulate && dbias != nullptr) {
    for (int j = 0; j < OC; j++) dbias[j] = 0.0f;
  }
  if (apply_act || dbias != nullptr) {
    // one pass over the rows: dZ row = dout row * act'(Z row), then dbias += dZ row
    for (int r = 0; r < B; r++) {
      const size_t off = static_cast<size_t>(r) * OC;
      if (apply_act) {
        activation_backward(dpreact + off, dout + off, preact + off, out + off, 1, OC, act,
                            act_param);
      }
      if (dbias != nullptr) {
        const float* dzrow = dz + off;
        for (int j = 0; j < OC; j++) dbias[j] += dzrow[j];
      }
    }
  }
  gemm(dweight, inp, dz, C, OC, B, true, false, 1.0f, accumulate ? 1.0f : 0.0f, pool);
  if (dinp != nullptr) gemm(dinp, dz, weight, B, C, OC, false, true, 1.0f, 0.0f, pool);
}

}  // namespace nntrain

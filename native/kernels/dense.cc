// Dense forward/backward: GEMM through the dispatch table plus the bias and activation epilogue.
#include "dense.h"

#include <cstddef>

#include "act/activation.h"
#include "codes.h"
#include "gemm/gemm.h"

namespace nntrain {

// out, preact are (B,OC); inp is (B,C); weight is (C,OC); bias is (OC)
void dense_forward(float* out, float* preact, const float* inp, const float* weight,
                   const float* bias, int B, int C, int OC, int act, double act_param) {
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
                    int B, int C, int OC, int act, double act_param, bool dout_is_preact) {
  const float* dz = dout;
  if (!dout_is_preact && act != kActLinear) {
    activation_backward(dpreact, dout, preact, out, B, OC, act, act_param);
    dz = dpreact;
  }
  gemm(dweight, inp, dz, C, OC, B, true, false, 1.0f, 1.0f);
  if (dbias != nullptr) {
    for (int r = 0; r < B; r++) {
      const float* dzrow = dz + static_cast<size_t>(r) * OC;
      for (int j = 0; j < OC; j++) dbias[j] += dzrow[j];
    }
  }
  if (dinp != nullptr) gemm(dinp, dz, weight, B, C, OC, false, true, 1.0f, 0.0f);
}

}  // namespace nntrain

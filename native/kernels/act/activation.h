// Activation functions, forward and backward. Elementwise math runs in float64 and rounds once to
// float32, like the TypeScript twin (src/backend/js/), so both backends agree to the last bit or
// so.
#pragma once

#include "../codes.h"

namespace nntrain {

// out (rows,cols) = act(inp); softmax is row-wise. out may alias inp. `param` is alpha of
// leakyRelu/elu.
void activation_forward(float* out, const float* inp, int rows, int cols, int act, double param);

// dinp (rows,cols) = dout * d act / d inp, with inp = Z and out = act(Z) (softmax: the full row
// Jacobian, dinp_i = out_i (dout_i - sum_j dout_j out_j)). dinp may alias dout.
void activation_backward(float* dinp, const float* dout, const float* inp, const float* out,
                         int rows, int cols, int act, double param);

// True for the codes activation_forward knows.
inline bool activation_valid(int act) {
  return act >= 0 && act < kActCount;
}

}  // namespace nntrain

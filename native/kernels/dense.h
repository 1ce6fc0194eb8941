// The dense layer: Z = A W + b with W (inputs, units) in Keras layout, then the activation.
#pragma once

namespace nntrain {

// out (B,OC) = act(inp (B,C) . weight (C,OC) + bias (OC)); bias may be null. preact (B,OC) receives
// Z unless null (then Z is formed in out and the activation runs in place).
void dense_forward(float* out, float* preact, const float* inp, const float* weight,
                   const float* bias, int B, int C, int OC, int act, double act_param);

// Backward of dense_forward. dZ = dout * act'(Z) goes to dpreact (B,OC) (softmax: row Jacobian);
// then dweight (C,OC) += inp^T dZ, dbias (OC) += sum over rows of dZ (unless null), and dinp (B,C)
// = dZ weight^T unless dinp is null. With dout_is_preact (fused loss) or a linear activation dout
// is used as dZ and dpreact is untouched. preact is Z, out is act(Z).
void dense_backward(float* dinp, float* dweight, float* dbias, float* dpreact, const float* dout,
                    const float* inp, const float* weight, const float* preact, const float* out,
                    int B, int C, int OC, int act, double act_param, bool dout_is_preact);

}  // namespace nntrain

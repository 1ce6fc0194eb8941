// The dense layer: Z = A W + b with W (inputs, units) in Keras layout, then the activation.
// pool (optional) lets the GEMMs use the instance's threads; results do not depend on it. bf16 runs
// every GEMM through kernel_table().gemm_bf16 (inputs rounded to bfloat16, float32 accumulation).
#pragma once

namespace nntrain {

class ThreadPool;

// out (B,OC) = act(inp (B,C) . weight (C,OC) + bias (OC)); bias may be null. preact (B,OC) receives
// Z unless null (then Z is formed in out and the activation runs in place). With a packed GEMM
// variant this is one GEMM call: bias, Z and the activation are applied in its epilogue.
void dense_forward(float* out, float* preact, const float* inp, const float* weight,
                   const float* bias, int B, int C, int OC, int act, double act_param,
                   ThreadPool* pool = nullptr, bool bf16 = false);

// Backward of dense_forward. dZ = dout * act'(Z) goes to dpreact (B,OC) (softmax: row Jacobian);
// then dweight (C,OC) += inp^T dZ, dbias (OC) += sum over rows of dZ (unless null), and dinp (B,C)
// = dZ weight^T unless dinp is null. With accumulate false, dweight and dbias are overwritten
// instead (the training step: every parameter has one gradient term, so no zeroing pass). With
// dout_is_preact (fused loss) or a linear activation dout is used as dZ and dpreact is untouched.
// preact is Z, out is act(Z). dZ and the bias gradient are formed in one pass over the rows (each
// row's dZ is summed into dbias while it is in L1).
void dense_backward(float* dinp, float* dweight, float* dbias, float* dpreact, const float* dout,
                    const float* inp, const float* weight, const float* preact, const float* out,
                    int B, int C, int OC, int act, double act_param, bool dout_is_preact,
                    bool accumulate = true, ThreadPool* pool = nullptr, bool bf16 = false);

}  // namespace nntrain

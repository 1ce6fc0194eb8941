// Batch and layer normalization, forward and backward, each a fused pass pair over (B, C) row-major
// activations. Statistics are one pass of Welford's update in double: the mean and the sum of
// squared deviations come out of the same read, without the cancellation of sum/sum-of-squares when
// the mean is large against the spread (a feature of ~1e4 ± 1e-2 keeps its variance). Every output
// element and every per-feature sum is computed by one thread in a fixed order, so results do not
// depend on the pool's size. src/backend/js/norm.ts is the twin with the same operations.
#pragma once

namespace nntrain {

class ThreadPool;

// out (B,C) = gamma * (inp - mean) * inv_std + beta per column. training: mean and the biased
// variance are the batch's (B >= 2), written to mean/inv_std (C, double) for backward, and
// running_mean/running_var (C), unless null, become (1 - momentum) * running + momentum * batch,
// the variance unbiased (* B / (B - 1)), as PyTorch's BatchNorm1d. Inference: mean = running_mean,
// inv_std = 1 / sqrt(running_var + eps), also written to mean/inv_std.
void batch_norm_forward(float* out, double* mean, double* inv_std, float* running_mean,
                        float* running_var, const float* inp, const float* gamma, const float* beta,
                        int B, int C, double eps, double momentum, bool training,
                        ThreadPool* pool = nullptr);

// Backward of batch_norm_forward from its mean/inv_std. dgamma (C) += sum over rows of dout * xhat,
// dbeta (C) += sum of dout (overwritten when accumulate is false); dinp (B,C) = the input gradient
// (training: through the batch statistics; inference: dout * gamma * inv_std) unless null. dinp
// may not alias dout.
void batch_norm_backward(float* dinp, float* dgamma, float* dbeta, const float* dout,
                         const float* inp, const float* gamma, const double* mean,
                         const double* inv_std, int B, int C, bool training, bool accumulate,
                         ThreadPool* pool = nullptr);

// out (B,C) = gamma * (inp - mean_r) * inv_std_r + beta with each row's mean and biased variance
// over its C features (PyTorch's LayerNorm(C)); mean/inv_std (B, double) are kept for backward.
void layer_norm_forward(float* out, double* mean, double* inv_std, const float* inp,
                        const float* gamma, const float* beta, int B, int C, double eps,
                        ThreadPool* pool = nullptr);

// Backward of layer_norm_forward. dgamma/dbeta (C) as batch_norm_backward (sums over rows in row
// order); dinp (B,C) unless null, may not alias dout.
void layer_norm_backward(float* dinp, float* dgamma, float* dbeta, const float* dout,
                         const float* inp, const float* gamma, const double* mean,
                         const double* inv_std, int B, int C, bool accumulate,
                         ThreadPool* pool = nullptr);

}  // namespace nntrain

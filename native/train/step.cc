// A training step split in two around a loss the caller computes (a custom loss written in JS):
// forward_step runs the training forward pass of one batch and hands out its output and targets;
// backward_step takes the loss's gradient of that output and finishes the step as train() does
// (backward, clipValue, the global-norm check, clipNorm, the optimizer step, one stats row).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "../kernels/optim/optim.h"
#include "../threads/fp_mode.h"
#include "plan.h"

namespace nntrain {

// out is (rows, outputWidth), target (rows, labelWidth), weights_out (rows) or null
void PlanExecutor::forward_step(const TrainChunk& chunk, int64_t begin, int rows, uint32_t seed,
                                uint32_t step, float* out, float* target, float* weights_out) {
  const FlushDenormals flush;
  gather_batch(chunk, begin, rows);
  Rng rng = step_rng(seed, step);
  const float* a = forward(x_batch_.data(), rows, &rng, /*update_running=*/true);
  std::memcpy(out, a, sizeof(float) * static_cast<size_t>(rows) * plan_.output_width);
  std::memcpy(target, y_batch_.data(),
              sizeof(float) * static_cast<size_t>(rows) * plan_.label_width);
  if (chunk.w != nullptr && weights_out != nullptr) std::copy_n(w_batch_.data(), rows, weights_out);
  pending_rows_ = rows;
  pending_weighted_ = chunk.w != nullptr;
}

// dout is (rows, outputWidth) or null; stats is one row
int PlanExecutor::backward_step(const float* dout, int rows, double loss, double lr, double step,
                                double* stats) {
  const FlushDenormals flush;
  const size_t param_count = static_cast<size_t>(plan_.trainable_count);  // not the running stats
  const OptimDesc& opt = plan_.optimizer;
  pending_rows_ = 0;
  const float* w = pending_weighted_ ? w_batch_.data() : nullptr;
  if (dout == nullptr) loss = batch_loss(y_batch_.data(), w, rows);
  const double reg = penalty();
  if (!std::isfinite(loss + reg)) return kStatusNonFiniteLoss;
  backward(y_batch_.data(), w, rows, true, dout);
  if (opt.clip_value > 0) clip_by_value(arena_.grads, param_count, opt.clip_value);
  const double norm = std::sqrt(grad_sum_squares());
  if (!std::isfinite(norm)) return kStatusNonFiniteGradient;
  if (opt.clip_norm > 0 && norm > opt.clip_norm) {
    scale_in_place(arena_.grads, param_count, opt.clip_norm / (norm + 1e-6));
  }
  write_stats(stats, out_ptr_.back(), y_batch_.data(), rows, loss, reg);
  update(lr, step + 1);
  return kStatusOk;
}

}  // namespace nntrain

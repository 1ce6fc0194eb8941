// PlanExecutor core: scratch, forward, backward and the penalty, following the executor algorithm
// in src/backend/contract.ts (PlanHandle). The chunk loop, evaluation and prediction are in run.cc.
#include "plan.h"

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

#include "../kernels/act/activation.h"
#include "../kernels/dense.h"
#include "../kernels/loss/loss.h"
#include "../kernels/norm.h"
#include "../kernels/optim/optim.h"
#include "exchange.h"

namespace nntrain {
namespace {

// Whether a dense layer keeps its pre-activation Z for backward. Linear layers have Z = A; relu's
// derivative reads A instead (relu(z) > 0 exactly when z > 0; NaN maps to 0 and fails both), which
// saves writing Z in the forward epilogue and reading it back.
bool keeps_preactivation(const LayerDesc& l) {
  return l.kind == kLayerDense && l.activation != kActLinear && l.activation != kActRelu;
}

}  // namespace

PlanExecutor::PlanExecutor(PlanDesc plan, ArenaPtrs arena, int max_batch, ThreadPool* pool)
    : plan_(std::move(plan)), arena_(arena), pool_(pool) {
  bf16_ = plan_.precision == kPrecisionBf16;
  const size_t count = plan_.layers.size();
  max_width_ = plan_.input_width;
  for (size_t i = 0; i < count; i++) {
    max_width_ = std::max(max_width_, plan_.layers[i].units);
    if (first_param_ < 0 && owns_tensors(plan_.layers[i])) first_param_ = static_cast<int>(i);
  }
  // When the layers' kernels and biases (normalization: gamma and beta) do not overlap, backward
  // overwrites their gradients and zeroes only the gaps between them (alignment padding, the
  // running statistics), instead of zeroing the whole arena and accumulating.
  std::vector<TensorSlice> tensors;
  for (const LayerDesc& l : plan_.layers) {
    if (!owns_tensors(l)) continue;
    tensors.push_back(l.kernel);
    if (l.bias.present()) tensors.push_back(l.bias);
  }
  std::sort(tensors.begin(), tensors.end(),
            [](const TensorSlice& a, const TensorSlice& b) { return a.offset < b.offset; });
  int64_t next = 0;
  overwrite_grads_ = true;
  for (const TensorSlice& t : tensors) {
    if (t.offset < next) overwrite_grads_ = false;  // overlapping tensors: accumulate
    if (t.offset > next) grad_gaps_.push_back({next, t.offset - next});
    next = std::max(next, t.offset + t.length);
  }
  if (next < plan_.param_count) grad_gaps_.push_back({next, plan_.param_count - next});
  out_.resize(count);
  pre_.resize(count);
  mask_.resize(count);
  norm_mean_.resize(count);
  norm_inv_std_.resize(count);
  for (size_t i = 0; i < count; i++) {
    if (plan_.layers[i].kind != kLayerBatchNorm) continue;
    norm_mean_[i].resize(static_cast<size_t>(plan_.layers[i].units));
    norm_inv_std_[i].resize(static_cast<size_t>(plan_.layers[i].units));
  }
  in_ptr_.assign(count, nullptr);
  out_ptr_.assign(count, nullptr);
  reserve(std::max(max_batch, 1));
}

void PlanExecutor::reserve(int rows) {
  if (rows <= max_batch_) return;
  pending_rows_ = 0;  // the scratch is reallocated
  const size_t r = static_cast<size_t>(rows);
  for (size_t i = 0; i < plan_.layers.size(); i++) {
    const LayerDesc& l = plan_.layers[i];
    const size_t size = r * l.units;
    out_[i].resize(size);
    if (keeps_preactivation(l)) pre_[i].resize(size);
    if (l.kind == kLayerDropout) mask_[i].resize(size);
    if (l.kind == kLayerLayerNorm) {
      norm_mean_[i].resize(r);
      norm_inv_std_[i].resize(r);
    }
  }
  x_batch_.resize(r * plan_.input_width);
  y_batch_.resize(r * plan_.label_width);
  w_batch_.resize(r);
  d0_.resize(r * max_width_);
  d1_.resize(r * max_width_);
  dpre_.resize(r * max_width_);
  max_batch_ = rows;
}

// x0 is (rows, inputWidth); returns (rows, outputWidth)
const float* PlanExecutor::forward(const float* x0, int rows, Rng* rng, bool update_running) {
  pending_rows_ = 0;  // a forward_step's activations are overwritten
  const float* a = x0;
  forward_training_ = rng != nullptr;
  for (size_t i = 0; i < plan_.layers.size(); i++) {
    const LayerDesc& l = plan_.layers[i];
    const size_t count = static_cast<size_t>(rows) * l.units;
    float* out = out_[i].data();
    in_ptr_[i] = a;
    switch (l.kind) {
      case kLayerDense: {
        const float* w = arena_.params + l.kernel.offset;
        const float* b = l.bias.present() ? arena_.params + l.bias.offset : nullptr;
        float* z = keeps_preactivation(l) ? pre_[i].data() : nullptr;
        dense_forward(out, z, a, w, b, rows, l.inputs, l.units, l.activation, l.activation_param,
                      pool_, bf16_);
        a = out;
        break;
      }
      case kLayerDropout:
        if (rng != nullptr) {
          // mask = u >= rate ? 1/(1-rate) : 0, one uniform per element, row-major
          float* mask = mask_[i].data();
          const float scale = static_cast<float>(1.0 / (1.0 - l.rate));
          for (size_t k = 0; k < count; k++) {
            mask[k] = rng->uniform() >= l.rate ? scale : 0.0f;
            out[k] = a[k] * mask[k];
          }
          a = out;
        }
        break;
      case kLayerGaussianNoise:
        if (rng != nullptr) {
          for (size_t k = 0; k < count; k++) {
            out[k] = static_cast<float>(a[k] + l.rate * rng->normal());
          }
          a = out;
        }
        break;
      case kLayerBatchNorm: {
        if (rng != nullptr && rows < 2) {
          throw std::invalid_argument(
              "batchNormalization needs more than 1 row per batch when training (batch statistics "
              "of one row are undefined), but a batch has " +
              std::to_string(rows));
        }
        const bool keep_running = rng != nullptr && !update_running;  // read-only in inference
        batch_norm_forward(out, norm_mean_[i].data(), norm_inv_std_[i].data(),
                           keep_running ? nullptr : arena_.params + l.running_mean.offset,
                           keep_running ? nullptr : arena_.params + l.running_var.offset, a,
                           arena_.params + l.kernel.offset, arena_.params + l.bias.offset, rows,
                           l.units, l.rate, l.momentum, rng != nullptr, pool_);
        a = out;
        break;
      }
      case kLayerLayerNorm:
        layer_norm_forward(out, norm_mean_[i].data(), norm_inv_std_[i].data(), a,
                           arena_.params + l.kernel.offset, arena_.params + l.bias.offset, rows,
                           l.units, l.rate, pool_);
        a = out;
        break;
      default:  // activation
        activation_forward(out, a, rows, l.units, l.activation, l.activation_param);
        a = out;
        break;
    }
    out_ptr_[i] = a;
  }
  return a;
}

const float* PlanExecutor::loss_input() const {
  const size_t last = plan_.layers.size() - 1;
  if (plan_.loss.fusion == kFusionNone) return out_ptr_[last];
  const LayerDesc& l = plan_.layers[last];
  if (l.kind == kLayerActivation) return in_ptr_[last];   // the activation layer's input
  if (l.activation == kActLinear) return out_ptr_[last];  // Z is the output
  return pre_[last].data();
}

double PlanExecutor::penalty() const {
  double sum = 0.0;
  for (const LayerDesc& l : plan_.layers) {
    if (l.kind != kLayerDense) continue;
    sum += penalty_loss(arena_.params + l.kernel.offset, l.kernel.length, l.kernel_penalty.l1,
                        l.kernel_penalty.l2);
    if (l.bias.present()) {
      sum += penalty_loss(arena_.params + l.bias.offset, l.bias.length, l.bias_penalty.l1,
                          l.bias_penalty.l2);
    }
  }
  return sum;
}

double PlanExecutor::batch_loss(const float* y, const float* w, int rows) const {
  if (w != nullptr) {
    return weighted_loss_forward(loss_input(), y, w, rows, plan_.output_width, plan_.loss);
  }
  return loss_forward(loss_input(), y, rows, plan_.output_width, plan_.loss);
}

// y is (rows, labelWidth); uses the pointers of the last forward pass
void PlanExecutor::backward(const float* y, const float* w, int rows, bool training,
                            const float* dout) {
  float* grads = arena_.grads;
  if (overwrite_grads_) {
    for (const TensorSlice& gap : grad_gaps_) std::fill_n(grads + gap.offset, gap.length, 0.0f);
  } else {
    std::fill(grads, grads + plan_.param_count, 0.0f);
  }
  const size_t last = plan_.layers.size() - 1;
  const bool fused = dout == nullptr && plan_.loss.fusion != kFusionNone;
  float* dcur = d0_.data();    // dA of the current layer's output (rows, units)
  float* dother = d1_.data();  // dense writes dA of its input here, then the two swap
  if (dout != nullptr) {
    // the caller's gradient of the output: copied, as an activation layer's backward works in place
    std::copy_n(dout, static_cast<size_t>(rows) * plan_.output_width, dcur);
  } else if (w != nullptr) {
    weighted_loss_backward(dcur, loss_input(), y, w, rows, plan_.output_width, plan_.loss);
  } else {
    loss_backward(dcur, loss_input(), y, rows, plan_.output_width, plan_.loss);
  }
  int layers_done = 0;  // layers owning tensors, for the exchange

  for (int i = static_cast<int>(last); i >= 0 && i >= first_param_; i--) {
    const LayerDesc& l = plan_.layers[i];
    const size_t count = static_cast<size_t>(rows) * l.units;
    const bool dz_given = fused && static_cast<size_t>(i) == last;  // dcur already is dZ
    switch (l.kind) {
      case kLayerDense: {
        const float* w = arena_.params + l.kernel.offset;
        float* dw = grads + l.kernel.offset;
        float* db = l.bias.present() ? grads + l.bias.offset : nullptr;
        const float* z = keeps_preactivation(l) ? pre_[i].data() : out_ptr_[i];
        float* dinp = i > first_param_ ? dother : nullptr;
        dense_backward(dinp, dw, db, dpre_.data(), dcur, in_ptr_[i], w, z, out_ptr_[i], rows,
                       l.inputs, l.units, l.activation, l.activation_param, dz_given,
                       /*accumulate=*/!overwrite_grads_, pool_, bf16_);
        penalty_backward(dw, w, l.kernel.length, l.kernel_penalty.l1, l.kernel_penalty.l2);
        if (l.bias.present()) {
          penalty_backward(db, arena_.params + l.bias.offset, l.bias.length, l.bias_penalty.l1,
                           l.bias_penalty.l2);
        }
        std::swap(dcur, dother);
        if (exchange_ != nullptr) exchange_->layers_done(++layers_done);
        break;
      }
      case kLayerBatchNorm:
      case kLayerLayerNorm: {
        float* dinp = i > first_param_ ? dother : nullptr;
        const float* gamma = arena_.params + l.kernel.offset;
        float* dgamma = grads + l.kernel.offset;
        float* dbeta = grads + l.bias.offset;
        if (l.kind == kLayerBatchNorm) {
          batch_norm_backward(dinp, dgamma, dbeta, dcur, in_ptr_[i], gamma, norm_mean_[i].data(),
                              norm_inv_std_[i].data(), rows, l.units, forward_training_,
                              /*accumulate=*/!overwrite_grads_, pool_);
        } else {
          layer_norm_backward(dinp, dgamma, dbeta, dcur, in_ptr_[i], gamma, norm_mean_[i].data(),
                              norm_inv_std_[i].data(), rows, l.units,
                              /*accumulate=*/!overwrite_grads_, pool_);
        }
        std::swap(dcur, dother);
        if (exchange_ != nullptr) exchange_->layers_done(++layers_done);
        break;
      }
      case kLayerDropout:
        if (training) {
          const float* mask = mask_[i].data();
          for (size_t k = 0; k < count; k++) dcur[k] *= mask[k];
        }
        break;
      case kLayerGaussianNoise:
        break;  // additive noise: dA = dA'
      default:  // activation, in place (dinp may alias dout)
        if (!dz_given) {
          activation_backward(dcur, dcur, in_ptr_[i], out_ptr_[i], rows, l.units, l.activation,
                              l.activation_param);
        }
        break;
    }
  }
}

// row is one stats row; out is (rows, outputWidth); y is (rows, labelWidth)
void PlanExecutor::write_stats(double* row, const float* out, const float* y, int rows, double loss,
                               double reg) const {
  std::fill(row, row + kStatsWidth, 0.0);
  row[kStatLossSum] = loss * rows;
  row[kStatRegLossSum] = reg * rows;
  row[kStatRows] = rows;
  accumulate_stats(row, out, y, rows, plan_.output_width, plan_.loss.label_mode,
                   plan_.loss.threshold);
}

}  // namespace nntrain

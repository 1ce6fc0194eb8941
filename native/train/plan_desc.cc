// validate_plan(): every check the executor's pointer arithmetic relies on.
#include "plan_desc.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "../kernels/act/activation.h"
#include "../kernels/codes.h"

namespace nntrain {
namespace {

[[noreturn]] void fail(const std::string& message) {
  throw std::invalid_argument(message);
}

std::string at(size_t i) {
  return "plan layer " + std::to_string(i) + ": ";
}

void check_penalty(const PenaltyDesc& p, const std::string& where) {
  if (!(std::isfinite(p.l1) && p.l1 >= 0 && std::isfinite(p.l2) && p.l2 >= 0)) {
    fail(where + " penalty factors must be finite and >= 0");
  }
}

void check_tensor(const TensorSlice& t, int64_t expected, int64_t param_count,
                  const std::string& where) {
  if (t.length != expected) {
    fail(where + " has length " + std::to_string(t.length) + ", expected " +
         std::to_string(expected));
  }
  if (t.offset < 0 || t.offset > param_count || t.length > param_count - t.offset) {
    fail(where + " [" + std::to_string(t.offset) + ", " + std::to_string(t.offset + t.length) +
         ") is outside the arena of " + std::to_string(param_count) + " floats");
  }
}

// gamma and beta trained, running statistics (batchNorm) past trainable_count
void check_norm(const LayerDesc& l, size_t i, int64_t param_count, int64_t trainable_count) {
  if (l.units != l.inputs) fail(at(i) + "units must equal inputs for a normalization layer");
  if (!(std::isfinite(l.rate) && l.rate > 0.0)) fail(at(i) + "epsilon must be finite and > 0");
  if (!l.kernel.present() || !l.bias.present()) fail(at(i) + "normalization without gamma/beta");
  check_tensor(l.kernel, l.units, trainable_count, at(i) + "gamma");
  check_tensor(l.bias, l.units, trainable_count, at(i) + "beta");
  if (l.kernel_penalty.active() || l.bias_penalty.active()) {
    fail(at(i) + "normalization layers take no penalty");
  }
  if (l.kind == kLayerLayerNorm) {
    if (l.running_mean.present() || l.running_var.present()) {
      fail(at(i) + "layerNorm keeps no running statistics");
    }
    return;
  }
  if (!(l.momentum >= 0.0 && l.momentum <= 1.0)) fail(at(i) + "momentum must be in [0, 1]");
  if (!l.running_mean.present() || !l.running_var.present()) {
    fail(at(i) + "batchNorm without running statistics");
  }
  for (const TensorSlice* t : {&l.running_mean, &l.running_var}) {
    check_tensor(*t, l.units, param_count, at(i) + "running statistic");
    if (t->offset < trainable_count) {
      fail(at(i) + "running statistics must lie past trainableCount " +
           std::to_string(trainable_count));
    }
  }
}

void check_layer(const LayerDesc& l, size_t i, int64_t param_count, int64_t trainable_count) {
  if (l.kind < 0 || l.kind >= kLayerKindCount) fail(at(i) + "unknown layer kind");
  if (l.inputs < 1 || l.units < 1) fail(at(i) + "inputs and units must be >= 1");
  if (!activation_valid(l.activation)) fail(at(i) + "unknown activation code");
  if (!std::isfinite(l.activation_param)) fail(at(i) + "activation parameter must be finite");
  check_penalty(l.kernel_penalty, at(i) + "kernel");
  check_penalty(l.bias_penalty, at(i) + "bias");
  if (l.kind == kLayerBatchNorm || l.kind == kLayerLayerNorm) {
    check_norm(l, i, param_count, trainable_count);
    return;
  }
  if (l.running_mean.present() || l.running_var.present()) {
    fail(at(i) + "only batchNorm keeps running statistics");
  }
  if (l.kind == kLayerDense) {
    if (!l.kernel.present()) fail(at(i) + "dense layer without a kernel");
    check_tensor(l.kernel, static_cast<int64_t>(l.inputs) * l.units, trainable_count,
                 at(i) + "kernel");
    if (l.bias.present()) check_tensor(l.bias, l.units, trainable_count, at(i) + "bias");
    return;
  }
  if (l.units != l.inputs) fail(at(i) + "units must equal inputs for a non-dense layer");
  if (l.kernel.present() || l.bias.present()) {
    fail(at(i) + "only dense and normalization layers own tensors");
  }
  if (l.kind == kLayerDropout && !(l.rate >= 0.0 && l.rate < 1.0)) {
    fail(at(i) + "dropout rate must be in [0, 1)");
  }
  if (l.kind == kLayerGaussianNoise && !(std::isfinite(l.rate) && l.rate >= 0.0)) {
    fail(at(i) + "noise stddev must be finite and >= 0");
  }
}

void check_loss(const PlanDesc& plan) {
  const LossDesc& loss = plan.loss;
  if (loss.kind < 0 || loss.kind >= kLossCount) fail("plan: unknown loss code");
  if (loss.fusion < 0 || loss.fusion >= kFusionCount) fail("plan: unknown loss fusion code");
  if (loss.label_mode < 0 || loss.label_mode >= kLabelModeCount) fail("plan: unknown label mode");
  if (!std::isfinite(loss.param) || !std::isfinite(loss.threshold)) {
    fail("plan: loss parameter and threshold must be finite");
  }
  const bool sparse = loss.kind == kLossSparseCategoricalCrossentropy;
  if (sparse != (loss.label_mode == kLabelSparse)) {
    fail("plan: sparse label mode goes with sparseCategoricalCrossentropy and only with it");
  }
  const int expected_labels = sparse ? 1 : plan.output_width;
  if (plan.label_width != expected_labels) {
    fail("plan: labelWidth " + std::to_string(plan.label_width) + " does not fit, expected " +
         std::to_string(expected_labels));
  }
  if (loss.fusion == kFusionNone) return;
  const int last_kind = plan.layers.back().kind;
  if (last_kind != kLayerDense && last_kind != kLayerActivation) {
    fail("plan: a fused loss needs a dense or activation layer last");
  }
  if (loss.fusion == kFusionSoftmax && loss.kind != kLossCategoricalCrossentropy && !sparse) {
    fail("plan: softmax fusion needs a categorical cross-entropy loss");
  }
  if (loss.fusion == kFusionSigmoid && loss.kind != kLossBinaryCrossentropy) {
    fail("plan: sigmoid fusion needs binaryCrossentropy");
  }
  // The fused loss reads the last layer's logits: its output when linear, else the pre-activation a
  // softmax/sigmoid dense layer keeps; any other activation would have the loss read logits that
  // are neither (a relu dense layer keeps none).
  const int last_act = plan.layers.back().activation;
  const int fused_act = loss.fusion == kFusionSoftmax ? kActSoftmax : kActSigmoid;
  if (last_act != kActLinear && last_act != fused_act) {
    fail(std::string("plan: ") + (loss.fusion == kFusionSoftmax ? "softmax" : "sigmoid") +
         " fusion needs a linear or " + (loss.fusion == kFusionSoftmax ? "softmax" : "sigmoid") +
         " last activation");
  }
}

void check_optimizer(const OptimDesc& opt) {
  if (opt.kind < 0 || opt.kind >= kOptCount) fail("plan: unknown optimizer code");
  for (double h : opt.hyper) {
    if (!std::isfinite(h)) fail("plan: optimizer hyperparameters must be finite");
  }
  if (!(std::isfinite(opt.clip_norm) && opt.clip_norm >= 0)) fail("plan: clipNorm must be >= 0");
  if (!(std::isfinite(opt.clip_value) && opt.clip_value >= 0)) fail("plan: clipValue must be >= 0");
}

}  // namespace

void validate_plan(const PlanDesc& plan) {
  if (plan.input_width < 1 || plan.output_width < 1 || plan.label_width < 1) {
    fail("plan: inputWidth, outputWidth and labelWidth must be >= 1");
  }
  if (plan.param_count < 0) fail("plan: paramCount must be >= 0");
  if (plan.trainable_count < 0 || plan.trainable_count > plan.param_count) {
    fail("plan: trainableCount must be in [0, paramCount]");
  }
  if (plan.layers.empty()) fail("plan: no layers");
  int width = plan.input_width;
  for (size_t i = 0; i < plan.layers.size(); i++) {
    const LayerDesc& l = plan.layers[i];
    check_layer(l, i, plan.param_count, plan.trainable_count);
    if (l.inputs != width) {
      fail(at(i) + "inputs " + std::to_string(l.inputs) + " do not match the previous width " +
           std::to_string(width));
    }
    width = l.units;
  }
  if (width != plan.output_width) {
    fail("plan: the last layer has " + std::to_string(width) + " units but outputWidth is " +
         std::to_string(plan.output_width));
  }
  check_loss(plan);
  check_optimizer(plan.optimizer);
  if (plan.precision < 0 || plan.precision >= kPrecisionCount) fail("plan: unknown precision code");
}

}  // namespace nntrain

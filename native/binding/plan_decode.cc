// decode_plan(): the Float64Array plan layout documented in plan_decode.h to a PlanDesc. Every
// field that becomes an integer must be one (a fractional offset is as wrong as an out-of-range
// one).
#include "plan_decode.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace nntrain::binding {
namespace {

[[noreturn]] void fail(const std::string& message) {
  throw std::invalid_argument(message);
}

int64_t integer_field(double v, const std::string& name, int64_t min, int64_t max) {
  if (!(v >= static_cast<double>(min) && v <= static_cast<double>(max)) || v != std::floor(v)) {
    fail("plan: " + name + " must be an integer in [" + std::to_string(min) + ", " +
         std::to_string(max) + "] but is " + std::to_string(v));
  }
  return static_cast<int64_t>(v);
}

constexpr int64_t kMaxWidth = 0x7fffffff;
constexpr int64_t kMaxCount = INT64_C(1) << 40;  // floats in an arena region

// f[0] offset, f[1] length
static_assert(kLayerFieldKernelLength == kLayerFieldKernelOffset + 1);
static_assert(kLayerFieldBiasLength == kLayerFieldBiasOffset + 1);
static_assert(kLayerFieldMeanLength == kLayerFieldMeanOffset + 1);
static_assert(kLayerFieldVarLength == kLayerFieldVarOffset + 1);
TensorSlice tensor(const double* f, const std::string& name) {
  TensorSlice t;
  if (f[0] == -1.0) return t;  // absent
  t.offset = integer_field(f[0], name + ".offset", 0, kMaxCount);
  t.length = integer_field(f[1], name + ".length", 0, kMaxCount);
  return t;
}

LayerDesc decode_layer(const double* f, const std::string& name) {
  LayerDesc l;
  l.kind = static_cast<int>(integer_field(f[kLayerFieldKind], name + ".kind", 0, 255));
  l.inputs = static_cast<int>(integer_field(f[kLayerFieldInputs], name + ".inputs", 1, kMaxWidth));
  l.units = static_cast<int>(integer_field(f[kLayerFieldUnits], name + ".units", 1, kMaxWidth));
  l.activation =
      static_cast<int>(integer_field(f[kLayerFieldActivation], name + ".activation", 0, 255));
  l.activation_param = f[kLayerFieldActivationParam];
  l.rate = f[kLayerFieldRate];
  l.kernel = tensor(f + kLayerFieldKernelOffset, name + ".kernel");
  l.bias = tensor(f + kLayerFieldBiasOffset, name + ".bias");
  l.kernel_penalty = {f[kLayerFieldKernelL1], f[kLayerFieldKernelL2]};
  l.bias_penalty = {f[kLayerFieldBiasL1], f[kLayerFieldBiasL2]};
  l.momentum = f[kLayerFieldMomentum];
  l.running_mean = tensor(f + kLayerFieldMeanOffset, name + ".runningMean");
  l.running_var = tensor(f + kLayerFieldVarOffset, name + ".runningVar");
  return l;
}

}  // namespace

PlanDesc decode_plan(const double* d, int64_t length) {
  if (length < kPlanHeader)
    fail("plan: " + std::to_string(length) + " numbers is shorter than the header");
  if (d[kFieldVersion] != kPlanFormatVersion) {
    fail("plan: unknown format version " + std::to_string(d[kFieldVersion]));
  }
  PlanDesc plan;
  plan.input_width =
      static_cast<int>(integer_field(d[kFieldInputWidth], "inputWidth", 1, kMaxWidth));
  plan.output_width =
      static_cast<int>(integer_field(d[kFieldOutputWidth], "outputWidth", 1, kMaxWidth));
  plan.label_width =
      static_cast<int>(integer_field(d[kFieldLabelWidth], "labelWidth", 1, kMaxWidth));
  plan.param_count = integer_field(d[kFieldParamCount], "paramCount", 0, kMaxCount);
  plan.trainable_count =
      integer_field(d[kFieldTrainableCount], "trainableCount", 0, plan.param_count);
  const int64_t layers = integer_field(d[kFieldLayerCount], "layer count", 1, 1 << 20);
  if (length != kPlanHeader + kPlanLayerWidth * layers) {
    fail("plan: " + std::to_string(length) + " numbers but " + std::to_string(layers) +
         " layers need " + std::to_string(kPlanHeader + kPlanLayerWidth * layers));
  }
  plan.loss.kind = static_cast<int>(integer_field(d[kFieldLossKind], "loss.kind", 0, 255));
  plan.loss.param = d[kFieldLossParam];
  plan.loss.fusion = static_cast<int>(integer_field(d[kFieldLossFusion], "loss.fusion", 0, 255));
  plan.loss.label_mode =
      static_cast<int>(integer_field(d[kFieldLabelMode], "loss.labelMode", 0, 255));
  plan.loss.threshold = d[kFieldThreshold];
  plan.optimizer.kind =
      static_cast<int>(integer_field(d[kFieldOptimizerKind], "optimizer.kind", 0, 255));
  plan.optimizer.clip_norm = d[kFieldClipNorm];
  plan.optimizer.clip_value = d[kFieldClipValue];
  for (int h = 0; h < kOptimizerHyperLength; h++) plan.optimizer.hyper[h] = d[kFieldHyper + h];
  plan.precision = static_cast<int>(integer_field(d[kFieldPrecision], "precision", 0, 255));

  plan.layers.resize(static_cast<size_t>(layers));
  for (int64_t i = 0; i < layers; i++) {
    const double* f = d + kPlanHeader + kPlanLayerWidth * i;
    plan.layers[static_cast<size_t>(i)] = decode_layer(f, "layers[" + std::to_string(i) + "]");
  }
  validate_plan(plan);
  return plan;
}

}  // namespace nntrain::binding

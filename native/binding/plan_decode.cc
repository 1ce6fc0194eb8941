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

TensorSlice tensor(const double* f, const std::string& name) {
  TensorSlice t;
  if (f[0] == -1.0) return t;  // absent
  t.offset = integer_field(f[0], name + ".offset", 0, kMaxCount);
  t.length = integer_field(f[1], name + ".length", 0, kMaxCount);
  return t;
}

}  // namespace

PlanDesc decode_plan(const double* d, int64_t length) {
  if (length < kPlanHeader)
    fail("plan: " + std::to_string(length) + " numbers is shorter than the header");
  if (d[0] != kPlanFormatVersion) fail("plan: unknown format version " + std::to_string(d[0]));
  PlanDesc plan;
  plan.input_width = static_cast<int>(integer_field(d[1], "inputWidth", 1, kMaxWidth));
  plan.output_width = static_cast<int>(integer_field(d[2], "outputWidth", 1, kMaxWidth));
  plan.label_width = static_cast<int>(integer_field(d[3], "labelWidth", 1, kMaxWidth));
  plan.param_count = integer_field(d[4], "paramCount", 0, kMaxCount);
  const int64_t layers = integer_field(d[5], "layer count", 1, 1 << 20);
  if (length != kPlanHeader + kPlanLayerWidth * layers) {
    fail("plan: " + std::to_string(length) + " numbers but " + std::to_string(layers) +
         " layers need " + std::to_string(kPlanHeader + kPlanLayerWidth * layers));
  }
  plan.loss.kind = static_cast<int>(integer_field(d[6], "loss.kind", 0, 255));
  plan.loss.param = d[7];
  plan.loss.fusion = static_cast<int>(integer_field(d[8], "loss.fusion", 0, 255));
  plan.loss.label_mode = static_cast<int>(integer_field(d[9], "loss.labelMode", 0, 255));
  plan.loss.threshold = d[10];
  plan.optimizer.kind = static_cast<int>(integer_field(d[11], "optimizer.kind", 0, 255));
  plan.optimizer.clip_norm = d[12];
  plan.optimizer.clip_value = d[13];
  for (int h = 0; h < 8; h++) plan.optimizer.hyper[h] = d[14 + h];

  plan.layers.resize(static_cast<size_t>(layers));
  for (int64_t i = 0; i < layers; i++) {
    const double* f = d + kPlanHeader + kPlanLayerWidth * i;
    const std::string name = "layers[" + std::to_string(i) + "]";
    LayerDesc& l = plan.layers[static_cast<size_t>(i)];
    l.kind = static_cast<int>(integer_field(f[0], name + ".kind", 0, 255));
    l.inputs = static_cast<int>(integer_field(f[1], name + ".inputs", 1, kMaxWidth));
    l.units = static_cast<int>(integer_field(f[2], name + ".units", 1, kMaxWidth));
    l.activation = static_cast<int>(integer_field(f[3], name + ".activation", 0, 255));
    l.activation_param = f[4];
    l.rate = f[5];
    l.kernel = tensor(f + 6, name + ".kernel");
    l.bias = tensor(f + 8, name + ".bias");
    l.kernel_penalty = {f[10], f[11]};
    l.bias_penalty = {f[12], f[13]};
  }
  validate_plan(plan);
  return plan;
}

}  // namespace nntrain::binding

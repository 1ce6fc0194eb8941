// A compiled plan as plain C++ values: the decoded form of the PlanSpec that src/backend/native.ts
// encodes into a Float64Array (layout in native/binding/plan_decode.cc). validate_plan() is the C++
// side's own check that the numbers fit together before any pointer arithmetic trusts them.
#pragma once

#include <cstdint>
#include <vector>

#include "../kernels/codes.h"
#include "../kernels/loss/loss.h"
#include "../kernels/optim/optim.h"

namespace nntrain {

// floats [offset, offset + length) of params (and of grads); offset < 0 means absent
struct TensorSlice {
  int64_t offset = -1;
  int64_t length = 0;
  bool present() const { return offset >= 0; }
};

struct PenaltyDesc {
  double l1 = 0.0;
  double l2 = 0.0;
  bool active() const { return l1 != 0.0 || l2 != 0.0; }
};

struct LayerDesc {
  int kind = 0;  // LayerKind code
  int inputs = 0;
  int units = 0;  // == inputs for dropout, gaussianNoise and activation layers
  int activation = 0;
  double activation_param = 0.0;
  double rate = 0.0;   // dropout probability in [0, 1), gaussian stddev >= 0, norm epsilon > 0
  TensorSlice kernel;  // dense: (inputs, units); batchNorm/layerNorm: gamma (units)
  TensorSlice bias;    // dense with bias: (units); batchNorm/layerNorm: beta (units)
  PenaltyDesc kernel_penalty;
  PenaltyDesc bias_penalty;
  double momentum = 0.0;     // batchNorm: the batch's weight in the running statistics
  TensorSlice running_mean;  // batchNorm: (units), in params past trainable_count
  TensorSlice running_var;   // batchNorm: (units)
};

// Whether a layer of this kind owns trainable tensors (kernel and bias slices).
inline bool owns_tensors(const LayerDesc& l) {
  return l.kind == kLayerDense || l.kind == kLayerBatchNorm || l.kind == kLayerLayerNorm;
}

struct PlanDesc {
  int input_width = 0;
  int output_width = 0;
  int label_width = 0;
  int64_t param_count = 0;
  // [0, trainable_count) of the arena is trained (gradients, clipping, optimizer, all-reduce); the
  // batchNorm running statistics sit in [trainable_count, param_count).
  int64_t trainable_count = 0;
  std::vector<LayerDesc> layers;
  LossDesc loss{};
  OptimDesc optimizer{};
  int precision = 0;  // Precision code
};

// Throws std::invalid_argument naming the first inconsistency: widths that do not chain, tensors
// outside [0, param_count) or of the wrong length, unknown codes, a fusion the last layer cannot
// do, an unknown precision.
void validate_plan(const PlanDesc& plan);

}  // namespace nntrain

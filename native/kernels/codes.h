// Numeric codes shared with the TypeScript side (src/backend/codes.ts). A plan crosses the JS/C++
// boundary as numbers, so these are ABI: append new values, never renumber. The loader compares
// them with the TypeScript values at load (binding/codes.cc, src/backend/shared-codes.ts).
#pragma once

namespace nntrain {

enum Activation : int {
  kActLinear = 0,
  kActRelu = 1,
  kActLeakyRelu = 2,  // z > 0 ? z : alpha * z
  kActElu = 3,        // z > 0 ? z : alpha * (e^z - 1)
  kActGelu = 4,       // exact: 0.5 z (1 + erf(z / sqrt 2))
  kActSilu = 5,       // z * sigmoid(z)
  kActTanh = 6,
  kActSigmoid = 7,
  kActSoftplus = 8,  // log(1 + e^z), stable
  kActSoftmax = 9,   // row-wise
  // 0.5 z (1 + tanh(sqrt(2 / pi) (z + 0.044715 z^3))), PyTorch's approximate='tanh'
  kActGeluTanh = 10,
  kActCount = 11,
};

enum Loss : int {
  kLossMse = 0,
  kLossMae = 1,
  kLossHuber = 2,  // param = delta
  kLossBinaryCrossentropy = 3,
  kLossCategoricalCrossentropy = 4,
  kLossSparseCategoricalCrossentropy = 5,  // targets (rows, 1) holding class indices as floats
  kLossCount = 6,
};

enum LossFusion : int { kFusionNone = 0, kFusionSoftmax = 1, kFusionSigmoid = 2, kFusionCount = 3 };

// GEMM arithmetic of a plan: bf16 rounds both inputs of every forward and backward GEMM to
// bfloat16 (nearest even) and accumulates in float32 (kernel_table().gemm_bf16).
enum Precision : int { kPrecisionFp32 = 0, kPrecisionBf16 = 1, kPrecisionCount = 2 };

enum LayerKind : int {
  kLayerDense = 0,
  kLayerDropout = 1,
  kLayerGaussianNoise = 2,
  kLayerActivation = 3,
  kLayerBatchNorm = 4,
  kLayerLayerNorm = 5,
  kLayerKindCount = 6,
};

// hyper[] meaning per optimizer: see src/backend/codes.ts.
enum Optimizer : int {
  kOptSgd = 0,      // [momentum, dampening, nesterov, weightDecay]            slots: [buf]
  kOptAdagrad = 1,  // [lrDecay, weightDecay, initialAccumulatorValue, eps]    slots: [sum]
  kOptAdadelta =
      2,  // [rho, eps, weightDecay]                                 slots: [sq, accDelta]
  kOptRmsprop =
      3,  // [alpha, eps, weightDecay, momentum, centered]           slots: [sq, buf, gradAvg]
  kOptAdam = 4,    // [beta1, beta2, eps, weightDecay, amsgrad]               slots: [m, v, vmax]
  kOptAdamw = 5,   // as adam, decoupled weight decay                         slots: [m, v, vmax]
  kOptAdamax = 6,  // [beta1, beta2, eps, weightDecay]                        slots: [m, u]
  // [beta1, beta2, eps, weightDecay, momentumDecay, decoupled]               slots: [m, v]
  kOptNadam = 7,
  kOptRadam = 8,  // [beta1, beta2, eps, weightDecay, decoupled]              slots: [m, v]
  kOptCount = 9,
};

constexpr int kOptimizerSlots[kOptCount] = {1, 1, 2, 3, 3, 3, 2, 2, 2};
constexpr int kOptimizerHyperLength = 8;
constexpr int kMaxOptimizerSlots = 3;

// Columns of one Float64 stats row (sums, so rows of different batch sizes add up).
enum Stat : int {
  kStatLossSum = 0,
  kStatRegLossSum = 1,
  kStatRows = 2,
  kStatAccCorrect = 3,
  kStatAccCount = 4,
  kStatBinCorrect = 5,
  kStatBinCount = 6,
  kStatAbsErrSum = 7,
  kStatSqErrSum = 8,
  kStatErrCount = 9,
};
constexpr int kStatsWidth = 10;

enum LabelMode : int {
  kLabelRegression = 0,
  kLabelBinary = 1,
  kLabelOnehot = 2,
  kLabelSparse = 3,
  kLabelModeCount = 4,
};

enum TrainStatus : int {
  kStatusOk = 0,
  kStatusAborted = 1,
  kStatusNonFiniteLoss = 2,
  kStatusNonFiniteGradient = 3,
};

}  // namespace nntrain

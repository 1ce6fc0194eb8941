// Decoding of the numeric plan that src/backend/native.ts (encodePlan) builds from a PlanSpec.
//
// Layout (Float64Array), version 2:
//   header (kPlanHeader = 24 doubles):
//     [0] format version (2)  [1] inputWidth  [2] outputWidth  [3] labelWidth  [4] paramCount
//     [5] layer count L  [6] loss.kind  [7] loss.param  [8] loss.fusion  [9] loss.labelMode
//     [10] loss.threshold  [11] optimizer.kind  [12] clipNorm  [13] clipValue
//     [14..21] optimizer.hyper[0..7]  [22] trainableCount (params the optimizer and grads cover)
//     [23] precision (Precision code)
//   then L layers of kPlanLayerWidth = 19 doubles:
//     [0] kind  [1] inputs  [2] units  [3] activation  [4] activationParam  [5] rate
//     [6] kernel.offset (-1 = none)  [7] kernel.length  [8] bias.offset (-1 = none)
//     [9] bias.length  [10] kernelPenalty.l1  [11] kernelPenalty.l2  [12] biasPenalty.l1
//     [13] biasPenalty.l2  [14] momentum (batchNorm)  [15] runningMean.offset (-1 = none)
//     [16] runningMean.length  [17] runningVar.offset (-1 = none)  [18] runningVar.length
//   A norm layer's kernel is its gain (gamma), its bias the shift (beta), its rate epsilon.
// Total length: kPlanHeader + kPlanLayerWidth * L. The loader checks these numbers against
// src/backend/codes.ts at load (binding/codes.cc, src/backend/shared-codes.ts).
#pragma once

#include <cstdint>

#include "../kernels/codes.h"
#include "../train/plan_desc.h"

namespace nntrain::binding {

constexpr int kPlanFormatVersion = 2;

// Offsets in the header (PlanField in src/backend/codes.ts).
enum PlanField : int {
  kFieldVersion = 0,
  kFieldInputWidth = 1,
  kFieldOutputWidth = 2,
  kFieldLabelWidth = 3,
  kFieldParamCount = 4,
  kFieldLayerCount = 5,
  kFieldLossKind = 6,
  kFieldLossParam = 7,
  kFieldLossFusion = 8,
  kFieldLabelMode = 9,
  kFieldThreshold = 10,
  kFieldOptimizerKind = 11,
  kFieldClipNorm = 12,
  kFieldClipValue = 13,
  kFieldHyper = 14,  // kOptimizerHyperLength doubles
  kFieldTrainableCount = 22,
  kFieldPrecision = 23,
};
constexpr int kPlanHeader = 24;
static_assert(kFieldTrainableCount == kFieldHyper + kOptimizerHyperLength);
static_assert(kFieldPrecision == kFieldTrainableCount + 1);
static_assert(kPlanHeader == kFieldPrecision + 1);

// Offsets in each layer (PlanLayerField in src/backend/codes.ts).
enum PlanLayerField : int {
  kLayerFieldKind = 0,
  kLayerFieldInputs = 1,
  kLayerFieldUnits = 2,
  kLayerFieldActivation = 3,
  kLayerFieldActivationParam = 4,
  kLayerFieldRate = 5,
  kLayerFieldKernelOffset = 6,
  kLayerFieldKernelLength = 7,
  kLayerFieldBiasOffset = 8,
  kLayerFieldBiasLength = 9,
  kLayerFieldKernelL1 = 10,
  kLayerFieldKernelL2 = 11,
  kLayerFieldBiasL1 = 12,
  kLayerFieldBiasL2 = 13,
  kLayerFieldMomentum = 14,
  kLayerFieldMeanOffset = 15,
  kLayerFieldMeanLength = 16,
  kLayerFieldVarOffset = 17,
  kLayerFieldVarLength = 18,
};
constexpr int kPlanLayerWidth = 19;
static_assert(kPlanLayerWidth == kLayerFieldVarLength + 1);

// Decodes and validates (validate_plan); throws std::invalid_argument naming the first problem.
PlanDesc decode_plan(const double* data, int64_t length);

}  // namespace nntrain::binding

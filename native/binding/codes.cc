// Codes() (see codes.h): each entry pairs a TypeScript name with the C++ constant it must equal.
#include "codes.h"

#include <initializer_list>
#include <utility>

#include "../csv/config.h"
#include "../kernels/codes.h"
#include "../threads/pool.h"
#include "csv_config.h"
#include "plan_decode.h"

namespace nntrain::binding {
namespace {

using Entry = std::pair<const char*, int>;

Napi::Object group(Napi::Env env, std::initializer_list<Entry> entries) {
  Napi::Object o = Napi::Object::New(env);
  for (const Entry& e : entries) o.Set(e.first, e.second);
  return o;
}

template <class E>
int code(E value) {
  return static_cast<int>(value);
}

// OPTIMIZER_SLOTS is keyed by optimizer code, as kOptimizerSlots is indexed.
Napi::Object optimizer_slots(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
  for (int k = 0; k < kOptCount; k++) o.Set(k, kOptimizerSlots[k]);
  return o;
}

// src/backend/codes.ts (native/kernels/codes.h), in four parts
void set_layer_codes(Napi::Env env, Napi::Object out) {
  out.Set("Activation", group(env, {{"linear", kActLinear},
                                    {"relu", kActRelu},
                                    {"leakyRelu", kActLeakyRelu},
                                    {"elu", kActElu},
                                    {"gelu", kActGelu},
                                    {"silu", kActSilu},
                                    {"tanh", kActTanh},
                                    {"sigmoid", kActSigmoid},
                                    {"softplus", kActSoftplus},
                                    {"softmax", kActSoftmax},
                                    {"geluTanh", kActGeluTanh}}));
  out.Set("LayerKind", group(env, {{"dense", kLayerDense},
                                   {"dropout", kLayerDropout},
                                   {"gaussianNoise", kLayerGaussianNoise},
                                   {"activation", kLayerActivation},
                                   {"batchNorm", kLayerBatchNorm},
                                   {"layerNorm", kLayerLayerNorm}}));
}

void set_loss_codes(Napi::Env env, Napi::Object out) {
  out.Set("Loss",
          group(env, {{"mse", kLossMse},
                      {"mae", kLossMae},
                      {"huber", kLossHuber},
                      {"binaryCrossentropy", kLossBinaryCrossentropy},
                      {"categoricalCrossentropy", kLossCategoricalCrossentropy},
                      {"sparseCategoricalCrossentropy", kLossSparseCategoricalCrossentropy}}));
  out.Set("LossFusion",
          group(env,
                {{"none", kFusionNone}, {"softmax", kFusionSoftmax}, {"sigmoid", kFusionSigmoid}}));
  out.Set("LabelMode", group(env, {{"regression", kLabelRegression},
                                   {"binary", kLabelBinary},
                                   {"onehot", kLabelOnehot},
                                   {"sparse", kLabelSparse}}));
}

void set_optimizer_codes(Napi::Env env, Napi::Object out) {
  out.Set("Optimizer", group(env, {{"sgd", kOptSgd},
                                   {"adagrad", kOptAdagrad},
                                   {"adadelta", kOptAdadelta},
                                   {"rmsprop", kOptRmsprop},
                                   {"adam", kOptAdam},
                                   {"adamw", kOptAdamw},
                                   {"adamax", kOptAdamax},
                                   {"nadam", kOptNadam},
                                   {"radam", kOptRadam}}));
  out.Set("OPTIMIZER_SLOTS", optimizer_slots(env));
  out.Set("OPTIMIZER_HYPER_LENGTH", kOptimizerHyperLength);
}

void set_training_codes(Napi::Env env, Napi::Object out) {
  out.Set("Stat", group(env, {{"lossSum", kStatLossSum},
                              {"regLossSum", kStatRegLossSum},
                              {"rows", kStatRows},
                              {"accCorrect", kStatAccCorrect},
                              {"accCount", kStatAccCount},
                              {"binCorrect", kStatBinCorrect},
                              {"binCount", kStatBinCount},
                              {"absErrSum", kStatAbsErrSum},
                              {"sqErrSum", kStatSqErrSum},
                              {"errCount", kStatErrCount}}));
  out.Set("STATS_WIDTH", kStatsWidth);
  out.Set("TrainStatus", group(env, {{"ok", kStatusOk},
                                     {"aborted", kStatusAborted},
                                     {"nonFiniteLoss", kStatusNonFiniteLoss},
                                     {"nonFiniteGradient", kStatusNonFiniteGradient}}));
  out.Set("MAX_THREADS", kMaxThreads);
}

// The plan layout (plan_decode.h), header then layer
void set_plan_codes(Napi::Env env, Napi::Object out) {
  out.Set("PLAN_FORMAT_VERSION", kPlanFormatVersion);
  out.Set("PLAN_HEADER", kPlanHeader);
  out.Set("PLAN_LAYER_WIDTH", kPlanLayerWidth);
  out.Set("PlanField", group(env, {{"version", kFieldVersion},
                                   {"inputWidth", kFieldInputWidth},
                                   {"outputWidth", kFieldOutputWidth},
                                   {"labelWidth", kFieldLabelWidth},
                                   {"paramCount", kFieldParamCount},
                                   {"layerCount", kFieldLayerCount},
                                   {"lossKind", kFieldLossKind},
                                   {"lossParam", kFieldLossParam},
                                   {"lossFusion", kFieldLossFusion},
                                   {"labelMode", kFieldLabelMode},
                                   {"threshold", kFieldThreshold},
                                   {"optimizerKind", kFieldOptimizerKind},
                                   {"clipNorm", kFieldClipNorm},
                                   {"clipValue", kFieldClipValue},
                                   {"hyper", kFieldHyper},
                                   {"trainableCount", kFieldTrainableCount},
                                   {"precision", kFieldPrecision}}));
  out.Set("Precision", group(env, {{"fp32", kPrecisionFp32}, {"bf16", kPrecisionBf16}}));
}

void set_plan_layer_codes(Napi::Env env, Napi::Object out) {
  out.Set("PlanLayerField", group(env, {{"kind", kLayerFieldKind},
                                        {"inputs", kLayerFieldInputs},
                                        {"units", kLayerFieldUnits},
                                        {"activation", kLayerFieldActivation},
                                        {"activationParam", kLayerFieldActivationParam},
                                        {"rate", kLayerFieldRate},
                                        {"kernelOffset", kLayerFieldKernelOffset},
                                        {"kernelLength", kLayerFieldKernelLength},
                                        {"biasOffset", kLayerFieldBiasOffset},
                                        {"biasLength", kLayerFieldBiasLength},
                                        {"kernelL1", kLayerFieldKernelL1},
                                        {"kernelL2", kLayerFieldKernelL2},
                                        {"biasL1", kLayerFieldBiasL1},
                                        {"biasL2", kLayerFieldBiasL2},
                                        {"momentum", kLayerFieldMomentum},
                                        {"meanOffset", kLayerFieldMeanOffset},
                                        {"meanLength", kLayerFieldMeanLength},
                                        {"varOffset", kLayerFieldVarOffset},
                                        {"varLength", kLayerFieldVarLength}}));
}

// src/data/csv/source.ts (native/csv/config.h, csv_config.h)
void set_csv_codes(Napi::Env env, Napi::Object out) {
  using csv::ColumnKind;
  using csv::Missing;
  out.Set("KIND_CODE", group(env, {{"skip", code(ColumnKind::kSkip)},
                                   {"numeric", code(ColumnKind::kNumeric)},
                                   {"categorical", code(ColumnKind::kCategorical)}}));
  out.Set("MISSING_CODE", group(env, {{"error", code(Missing::kError)},
                                      {"drop", code(Missing::kDrop)},
                                      {"impute", code(Missing::kImpute)}}));
  out.Set("CSV_LAYOUT_WIDTH", static_cast<int>(kCsvLayoutWidth));
}

}  // namespace

Napi::Value Codes(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  set_layer_codes(env, result);
  set_loss_codes(env, result);
  set_optimizer_codes(env, result);
  set_training_codes(env, result);
  set_plan_codes(env, result);
  set_plan_layer_codes(env, result);
  set_csv_codes(env, result);
  return result;
}

}  // namespace nntrain::binding

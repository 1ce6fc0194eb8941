// napi entries of the per-op kernels (Backend in src/backend/contract.ts): check every argument and
// length, then call the plain C++ kernel synchronously.
#include <napi.h>

#include <cstdint>

#include "../kernels/act/activation.h"
#include "../kernels/codes.h"
#include "../kernels/dense.h"
#include "../kernels/dispatch.h"
#include "../kernels/loss/loss.h"
#include "../kernels/optim/optim.h"
#include "../kernels/rng.h"
#include "addon.h"
#include "args.h"
#include "kernels_binding.h"

namespace nntrain::binding {
namespace {

int dim(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  return static_cast<int>(integer_arg(info, i, fn, name, 0, kMaxDim));
}

int activation_code(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  return static_cast<int>(integer_arg(info, i, fn, "act", 0, kActCount - 1));
}

// (kind, param, fusion) at i, i+1, i+2
LossDesc loss_desc(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  LossDesc loss{};
  loss.kind = static_cast<int>(integer_arg(info, i, fn, "kind", 0, kLossCount - 1));
  loss.param = number_arg(info, i + 1, fn, "param");
  loss.fusion = static_cast<int>(integer_arg(info, i + 2, fn, "fusion", 0, kFusionCount - 1));
  loss.label_mode = loss.kind == kLossSparseCategoricalCrossentropy ? kLabelSparse : kLabelOnehot;
  // as validate_plan: the fused kernels read targets by the loss they belong to (sigmoid with a
  // sparse target of `rows` floats would read rows * cols)
  const bool sparse = loss.kind == kLossSparseCategoricalCrossentropy;
  if ((loss.fusion == kFusionSoftmax && loss.kind != kLossCategoricalCrossentropy && !sparse) ||
      (loss.fusion == kFusionSigmoid && loss.kind != kLossBinaryCrossentropy)) {
    throw Napi::RangeError::New(info.Env(), std::string(fn) +
                                                ": softmax fusion needs a categorical "
                                                "cross-entropy loss, sigmoid fusion "
                                                "binaryCrossentropy");
  }
  return loss;
}

int64_t target_length(const LossDesc& loss, int64_t rows, int64_t cols) {
  return loss.kind == kLossSparseCategoricalCrossentropy ? rows : rows * cols;
}

// The ten arguments every GEMM entry starts with: (c, a, b, m, n, k, transA, transB, alpha, beta)
struct GemmArgs {
  float* c;
  const float* a;
  const float* b;
  int m, n, k;
  bool trans_a, trans_b;
  float alpha, beta;
};

GemmArgs gemm_args(const Napi::CallbackInfo& info, const char* fn) {
  const int64_t m = dim(info, 3, fn, "m"), n = dim(info, 4, fn, "n"), k = dim(info, 5, fn, "k");
  GemmArgs g;
  g.c = float32_arg(info, 0, fn, "c", m * n);
  g.a = float32_arg(info, 1, fn, "a", m * k);
  g.b = float32_arg(info, 2, fn, "b", k * n);
  g.m = static_cast<int>(m);
  g.n = static_cast<int>(n);
  g.k = static_cast<int>(k);
  g.trans_a = boolean_arg(info, 6, fn, "transA");
  g.trans_b = boolean_arg(info, 7, fn, "transB");
  g.alpha = static_cast<float>(number_arg(info, 8, fn, "alpha"));
  g.beta = static_cast<float>(number_arg(info, 9, fn, "beta"));
  return g;
}

// gemm(c, a, b, m, n, k, transA, transB, alpha, beta)
Napi::Value Gemm(const Napi::CallbackInfo& info) {
  const char* fn = "gemm";
  expect_args(info, 10, fn);
  const GemmArgs g = gemm_args(info, fn);
  gemm(g.c, g.a, g.b, g.m, g.n, g.k, g.trans_a, g.trans_b, g.alpha, g.beta,
       NntrainAddon::of(info.Env()).pool());
  return info.Env().Undefined();
}

// gemmBf16(c, a, b, m, n, k, transA, transB, alpha, beta, bias|null, z|null, act, actParam): the
// table's bf16 GEMM (testing entry); a bias, z or activation needs a kernel that fuses the epilogue
// (softmax as well: row-wise over C after the product).
Napi::Value GemmBf16(const Napi::CallbackInfo& info) {
  const char* fn = "gemmBf16";
  expect_args(info, 14, fn);
  const GemmArgs g = gemm_args(info, fn);
  GemmEpilogue ep;
  ep.bias = float32_or_null_arg(info, 10, fn, "bias", g.n);
  ep.z = float32_or_null_arg(info, 11, fn, "z", static_cast<int64_t>(g.m) * g.n);
  ep.act = activation_code(info, 12, fn);
  ep.act_param = number_arg(info, 13, fn, "actParam");
  const KernelTable& table = kernel_table();
  const bool with_ep = ep.bias != nullptr || ep.z != nullptr || ep.act != kActLinear;
  if (with_ep && !table.fuses_epilogue) {
    throw Napi::Error::New(info.Env(), std::string(fn) + ": the kernel '" + table.name +
                                           "' does not fuse a bias, z or activation");
  }
  table.gemm_bf16(g.c, g.a, g.b, g.m, g.n, g.k, g.trans_a, g.trans_b, g.alpha, g.beta,
                  with_ep ? &ep : nullptr, NntrainAddon::of(info.Env()).pool());
  return info.Env().Undefined();
}

// gemmRef(...): the reference kernel whatever the dispatch table holds (tests compare against it)
Napi::Value GemmRef(const Napi::CallbackInfo& info) {
  const char* fn = "gemmRef";
  expect_args(info, 10, fn);
  const GemmArgs g = gemm_args(info, fn);
  gemm_ref(g.c, g.a, g.b, g.m, g.n, g.k, g.trans_a, g.trans_b, g.alpha, g.beta);
  return info.Env().Undefined();
}

// denseForward(out, preact|null, inp, weight, bias|null, B, C, OC, act, actParam)
Napi::Value DenseForward(const Napi::CallbackInfo& info) {
  const char* fn = "denseForward";
  expect_args(info, 10, fn);
  const int64_t B = dim(info, 5, fn, "B"), C = dim(info, 6, fn, "C"), OC = dim(info, 7, fn, "OC");
  float* out = float32_arg(info, 0, fn, "out", B * OC);
  float* preact = float32_or_null_arg(info, 1, fn, "preact", B * OC);
  const float* inp = float32_arg(info, 2, fn, "inp", B * C);
  const float* weight = float32_arg(info, 3, fn, "weight", C * OC);
  const float* bias = float32_or_null_arg(info, 4, fn, "bias", OC);
  const int act = activation_code(info, 8, fn);
  const double act_param = number_arg(info, 9, fn, "actParam");
  dense_forward(out, preact, inp, weight, bias, static_cast<int>(B), static_cast<int>(C),
                static_cast<int>(OC), act, act_param, NntrainAddon::of(info.Env()).pool());
  return info.Env().Undefined();
}

// denseBackward(dinp|null, dweight, dbias|null, dpreact, dout, inp, weight, preact, out, B, C, OC,
//               act, actParam, doutIsPreact)
Napi::Value DenseBackward(const Napi::CallbackInfo& info) {
  const char* fn = "denseBackward";
  expect_args(info, 15, fn);
  const int64_t B = dim(info, 9, fn, "B"), C = dim(info, 10, fn, "C"), OC = dim(info, 11, fn, "OC");
  float* dinp = float32_or_null_arg(info, 0, fn, "dinp", B * C);
  float* dweight = float32_arg(info, 1, fn, "dweight", C * OC);
  float* dbias = float32_or_null_arg(info, 2, fn, "dbias", OC);
  float* dpreact = float32_arg(info, 3, fn, "dpreact", B * OC);
  const float* dout = float32_arg(info, 4, fn, "dout", B * OC);
  const float* inp = float32_arg(info, 5, fn, "inp", B * C);
  const float* weight = float32_arg(info, 6, fn, "weight", C * OC);
  const float* preact = float32_arg(info, 7, fn, "preact", B * OC);
  const float* out = float32_arg(info, 8, fn, "out", B * OC);
  const int act = activation_code(info, 12, fn);
  const double act_param = number_arg(info, 13, fn, "actParam");
  const bool dout_is_preact = boolean_arg(info, 14, fn, "doutIsPreact");
  dense_backward(dinp, dweight, dbias, dpreact, dout, inp, weight, preact, out, static_cast<int>(B),
                 static_cast<int>(C), static_cast<int>(OC), act, act_param, dout_is_preact,
                 /*accumulate=*/true, NntrainAddon::of(info.Env()).pool());
  return info.Env().Undefined();
}

// activationForward(out, inp, rows, cols, act, param)
Napi::Value ActivationForward(const Napi::CallbackInfo& info) {
  const char* fn = "activationForward";
  expect_args(info, 6, fn);
  const int64_t rows = dim(info, 2, fn, "rows"), cols = dim(info, 3, fn, "cols");
  float* out = float32_arg(info, 0, fn, "out", rows * cols);
  const float* inp = float32_arg(info, 1, fn, "inp", rows * cols);
  const int act = activation_code(info, 4, fn);
  activation_forward(out, inp, static_cast<int>(rows), static_cast<int>(cols), act,
                     number_arg(info, 5, fn, "param"));
  return info.Env().Undefined();
}

// activationBackward(dinp, dout, inp, out, rows, cols, act, param)
Napi::Value ActivationBackward(const Napi::CallbackInfo& info) {
  const char* fn = "activationBackward";
  expect_args(info, 8, fn);
  const int64_t rows = dim(info, 4, fn, "rows"), cols = dim(info, 5, fn, "cols");
  float* dinp = float32_arg(info, 0, fn, "dinp", rows * cols);
  const float* dout = float32_arg(info, 1, fn, "dout", rows * cols);
  const float* inp = float32_arg(info, 2, fn, "inp", rows * cols);
  const float* out = float32_arg(info, 3, fn, "out", rows * cols);
  const int act = activation_code(info, 6, fn);
  activation_backward(dinp, dout, inp, out, static_cast<int>(rows), static_cast<int>(cols), act,
                      number_arg(info, 7, fn, "param"));
  return info.Env().Undefined();
}

// lossForward(pred, target, rows, cols, kind, param, fusion) -> number
Napi::Value LossForward(const Napi::CallbackInfo& info) {
  const char* fn = "lossForward";
  expect_args(info, 7, fn);
  const int64_t rows = dim(info, 2, fn, "rows"), cols = dim(info, 3, fn, "cols");
  const LossDesc loss = loss_desc(info, 4, fn);
  const float* pred = float32_arg(info, 0, fn, "pred", rows * cols);
  const float* target = float32_arg(info, 1, fn, "target", target_length(loss, rows, cols));
  const double value =
      loss_forward(pred, target, static_cast<int>(rows), static_cast<int>(cols), loss);
  return Napi::Number::New(info.Env(), value);
}

// lossBackward(dpred, pred, target, rows, cols, kind, param, fusion)
Napi::Value LossBackward(const Napi::CallbackInfo& info) {
  const char* fn = "lossBackward";
  expect_args(info, 8, fn);
  const int64_t rows = dim(info, 3, fn, "rows"), cols = dim(info, 4, fn, "cols");
  const LossDesc loss = loss_desc(info, 5, fn);
  float* dpred = float32_arg(info, 0, fn, "dpred", rows * cols);
  const float* pred = float32_arg(info, 1, fn, "pred", rows * cols);
  const float* target = float32_arg(info, 2, fn, "target", target_length(loss, rows, cols));
  loss_backward(dpred, pred, target, static_cast<int>(rows), static_cast<int>(cols), loss);
  return info.Env().Undefined();
}

// optimizerStep(params, grads, slots: Float32Array[], n, kind, hyper: Float64Array, lr, step)
Napi::Value OptimizerStep(const Napi::CallbackInfo& info) {
  const char* fn = "optimizerStep";
  expect_args(info, 8, fn);
  const Napi::Env env = info.Env();
  const int64_t n = integer_arg(info, 3, fn, "n", 0, INT64_C(1) << 40);
  OptimDesc opt{};
  opt.kind = static_cast<int>(integer_arg(info, 4, fn, "kind", 0, kOptCount - 1));
  int64_t hyper_length = 0;
  const double* hyper = float64_arg(info, 5, fn, "hyper", 0, &hyper_length);
  if (hyper_length > kOptimizerHyperLength) {
    throw Napi::RangeError::New(env, "optimizerStep: hyper has more than 8 entries");
  }
  for (int64_t h = 0; h < hyper_length; h++) opt.hyper[h] = hyper[h];
  float* params = float32_arg(info, 0, fn, "params", n);
  const float* grads = float32_arg(info, 1, fn, "grads", n);
  if (!info[2].IsArray()) throw Napi::TypeError::New(env, "optimizerStep: slots must be an array");
  const Napi::Array slot_array = info[2].As<Napi::Array>();
  const uint32_t needed = static_cast<uint32_t>(kOptimizerSlots[opt.kind]);
  if (slot_array.Length() < needed) {
    throw Napi::RangeError::New(env, "optimizerStep: this optimizer needs " +
                                         std::to_string(needed) + " slots but received " +
                                         std::to_string(slot_array.Length()));
  }
  float* slots[kMaxOptimizerSlots] = {nullptr, nullptr, nullptr};
  for (uint32_t s = 0; s < needed; s++) {
    slots[s] =
        float32_value(env, slot_array.Get(s), "optimizerStep: slots[" + std::to_string(s) + "]", n);
  }
  const double lr = number_arg(info, 6, fn, "lr");
  const double step = static_cast<double>(integer_arg(info, 7, fn, "step", 1, INT64_C(1) << 53));
  optimizer_step(params, grads, slots, static_cast<size_t>(n), opt, lr, step);
  return env.Undefined();
}

// sumSquares(x, n) -> number
Napi::Value SumSquares(const Napi::CallbackInfo& info) {
  const char* fn = "sumSquares";
  expect_args(info, 2, fn);
  const int64_t n = integer_arg(info, 1, fn, "n", 0, INT64_C(1) << 40);
  const float* x = float32_arg(info, 0, fn, "x", n);
  return Napi::Number::New(info.Env(), sum_squares(x, static_cast<size_t>(n)));
}

// rngFill(out: Float64Array, seed, step, kind): stepRng(seed, step) draws, kind 0 uniform, 1
// normal, 2 uint32; the parity check against src/util/rng.ts
Napi::Value RngFill(const Napi::CallbackInfo& info) {
  const char* fn = "rngFill";
  expect_args(info, 4, fn);
  int64_t length = 0;
  double* out = float64_arg(info, 0, fn, "out", 0, &length);
  const auto seed = static_cast<uint32_t>(integer_arg(info, 1, fn, "seed", 0, UINT32_MAX));
  const auto step = static_cast<uint32_t>(integer_arg(info, 2, fn, "step", 0, UINT32_MAX));
  const int kind = static_cast<int>(integer_arg(info, 3, fn, "kind", 0, 2));
  Rng rng = step_rng(seed, step);
  for (int64_t i = 0; i < length; i++) {
    out[i] = kind == 0 ? rng.uniform() : kind == 1 ? rng.normal() : rng.next_uint32();
  }
  return info.Env().Undefined();
}

}  // namespace

void export_kernels(Napi::Env env, Napi::Object exports) {
  exports.Set("gemm", Napi::Function::New(env, Gemm, "gemm"));
  exports.Set("gemmBf16", Napi::Function::New(env, GemmBf16, "gemmBf16"));
  exports.Set("gemmRef", Napi::Function::New(env, GemmRef, "gemmRef"));
  exports.Set("denseForward", Napi::Function::New(env, DenseForward, "denseForward"));
  exports.Set("denseBackward", Napi::Function::New(env, DenseBackward, "denseBackward"));
  exports.Set("activationForward",
              Napi::Function::New(env, ActivationForward, "activationForward"));
  exports.Set("activationBackward",
              Napi::Function::New(env, ActivationBackward, "activationBackward"));
  exports.Set("lossForward", Napi::Function::New(env, LossForward, "lossForward"));
  exports.Set("lossBackward", Napi::Function::New(env, LossBackward, "lossBackward"));
  exports.Set("optimizerStep", Napi::Function::New(env, OptimizerStep, "optimizerStep"));
  exports.Set("sumSquares", Napi::Function::New(env, SumSquares, "sumSquares"));
  exports.Set("rngFill", Napi::Function::New(env, RngFill, "rngFill"));
}

}  // namespace nntrain::binding

// Plan methods: argument and length checks on the JS thread, then a worker (train/evaluate/predict)
// or a synchronous call (computeGradients, predictSync).
#include "plan_wrap.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

#include "../kernels/codes.h"
#include "../kernels/dispatch.h"
#include "addon.h"
#include "args.h"
#include "plan_decode.h"
#include "plan_workers.h"

namespace nntrain::binding {
namespace {

constexpr int64_t kMaxRows = INT64_C(1) << 40;
constexpr int64_t kMaxBatch = 0x7fffffff;

// Grows the scratch to `rows` rows (at least 1), turning an allocation failure into a RangeError.
void grow(Napi::Env env, PlanExecutor& exec, int64_t rows) {
  try {
    exec.reserve(static_cast<int>(std::max<int64_t>(rows, 1)));
  } catch (const std::exception& e) {
    throw Napi::RangeError::New(
        env, "cannot allocate scratch for " + std::to_string(rows) + " rows: " + e.what());
  }
}

// The Collective of train()'s `comm` argument: an External made by the MPI addon (native/mpi/),
// recognised by its type tag, so no other value is ever read as one.
const Collective* collective_arg(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  const Napi::Env env = info.Env();
  static const napi_type_tag tag = {kCollectiveTagLower, kCollectiveTagUpper};
  if (!info[i].IsExternal() || !info[i].As<Napi::External<Collective>>().CheckTypeTag(&tag)) {
    throw Napi::TypeError::New(
        env, std::string(fn) + ": comm must be the communicator of nntrain's MPI addon");
  }
  const Collective* comm = info[i].As<Napi::External<Collective>>().Data();
  if (comm == nullptr || comm->version != kCollectiveVersion) {
    throw Napi::Error::New(env, std::string(fn) +
                                    ": the MPI addon was built for another version of nntrain "
                                    "(rebuild it: npm run build:mpi)");
  }
  if (comm->size < 1 || comm->rank < 0 || comm->rank >= comm->size ||
      comm->allreduce_sum_f32 == nullptr || comm->allreduce_sum_f64 == nullptr ||
      comm->allreduce_i64 == nullptr) {
    throw Napi::Error::New(env, std::string(fn) + ": the MPI communicator is not initialised");
  }
  return comm;
}

// A bf16 plan needs AVX512_BF16. Elsewhere kernel_table().gemm_bf16 is the emulated GEMM (rounded
// copies, then fp32), slower than fp32 itself, so it runs only when asked for by name. The error
// carries code NNTRAIN_BF16_UNSUPPORTED (src/backend/native.ts makes it a BackendError).
void check_precision(Napi::Env env, const PlanDesc& plan) {
  if (plan.precision != kPrecisionBf16) return;
  const KernelTable& kt = kernel_table();
  if (kt.bf16_native) return;
  const char* forced = std::getenv("NNTRAIN_KERNEL_BF16");
  if (forced != nullptr && std::strcmp(forced, "emulated") == 0) return;
  Napi::Error e = Napi::Error::New(
      env,
      std::string("precision 'bf16' needs a CPU with AVX512_BF16, which this one lacks (GEMM ") +
          kt.name +
          "). Compile with precision 'fp32', or set NNTRAIN_KERNEL_BF16=emulated to run bf16 "
          "emulated (bf16 results, slower than fp32)");
  e.Set("code", "NNTRAIN_BF16_UNSUPPORTED");
  throw e;
}

// A chunk's data arguments: x (rows of the plan's input width), y (x's rows of labels) and order
// (row indices into x) at the given argument positions
void chunk_data_args(const Napi::CallbackInfo& info, const char* fn, const PlanDesc& plan, int x_at,
                     int y_at, int order_at, TrainChunk* chunk) {
  int64_t x_length = 0, n = 0;
  chunk->x = float32_arg(info, x_at, fn, "x", 0, &x_length);
  chunk->x_rows = x_length / plan.input_width;
  chunk->y = float32_arg(info, y_at, fn, "y", chunk->x_rows * plan.label_width);
  chunk->order = uint32_arg(info, order_at, fn, "order", 0, &n);
  chunk->n = n;
}

}  // namespace

Napi::Function PlanWrap::Define(Napi::Env env) {
  return DefineClass(env, "Plan",
                     {
                         InstanceMethod("train", &PlanWrap::Train),
                         InstanceMethod("computeGradients", &PlanWrap::ComputeGradients),
                         InstanceMethod("forwardStep", &PlanWrap::ForwardStep),
                         InstanceMethod("backwardStep", &PlanWrap::BackwardStep),
                         InstanceMethod("evaluate", &PlanWrap::Evaluate),
                         InstanceMethod("predict", &PlanWrap::Predict),
                         InstanceMethod("predictSync", &PlanWrap::PredictSync),
                         InstanceMethod("dispose", &PlanWrap::Dispose),
                         InstanceAccessor("maxBatch", &PlanWrap::MaxBatch, nullptr),
                     });
}

// new Plan(spec: Float64Array, params, grads, slots: Float32Array[], maxBatch)
PlanWrap::PlanWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<PlanWrap>(info) {
  const char* fn = "Plan";
  const Napi::Env env = info.Env();
  if (!info.IsConstructCall()) throw Napi::TypeError::New(env, "Plan: use new Plan(...)");
  expect_args(info, 5, fn);
  int64_t spec_length = 0;
  const double* spec = float64_arg(info, 0, fn, "spec", 0, &spec_length);
  PlanDesc plan;
  try {
    plan = decode_plan(spec, spec_length);
  } catch (const std::invalid_argument& e) {
    throw Napi::RangeError::New(env, e.what());
  }
  check_precision(env, plan);
  const int64_t max_batch = integer_arg(info, 4, fn, "maxBatch", 1, kMaxBatch);
  ArenaPtrs arena;
  arena.params = float32_arg(info, 1, fn, "params", plan.param_count);
  arena.grads = float32_arg(info, 2, fn, "grads", plan.param_count);
  if (!info[3].IsArray()) throw Napi::TypeError::New(env, "Plan: slots must be an array");
  const Napi::Array slots = info[3].As<Napi::Array>();
  const uint32_t needed = static_cast<uint32_t>(kOptimizerSlots[plan.optimizer.kind]);
  if (slots.Length() < needed) {
    throw Napi::RangeError::New(env, "Plan: the optimizer needs " + std::to_string(needed) +
                                         " slots but received " + std::to_string(slots.Length()));
  }
  arena_refs_.push_back(Napi::Persistent(info[1]));
  arena_refs_.push_back(Napi::Persistent(info[2]));
  for (uint32_t s = 0; s < needed; s++) {
    const Napi::Value slot = slots.Get(s);
    arena.slots[s] =
        float32_value(env, slot, "Plan: slots[" + std::to_string(s) + "]", plan.param_count);
    arena_refs_.push_back(Napi::Persistent(slot));
  }
  try {
    exec_ = std::make_unique<PlanExecutor>(std::move(plan), arena, static_cast<int>(max_batch),
                                           NntrainAddon::of(env).pool());
  } catch (const std::exception& e) {
    throw Napi::RangeError::New(env, std::string("Plan: cannot allocate scratch for maxBatch ") +
                                         std::to_string(max_batch) + ": " + e.what());
  }
}

PlanExecutor& PlanWrap::ready(Napi::Env env, const char* fn) {
  if (!exec_) throw Napi::Error::New(env, std::string(fn) + ": the plan was disposed");
  if (busy_) {
    throw Napi::Error::New(
        env, std::string(fn) + ": the plan is busy (one train/evaluate/predict at a time)");
  }
  return *exec_;
}

// train(x, y, order, lrs, stats, control, firstBatch, steps, batchSize, globalStep, seed
//       [, comm, lastStepRows[, bucketBytes[, weights]]]) -> Promise<{ stepsDone, status }>
// comm (an MPI addon External, or undefined) makes the chunk data-parallel; lastStepRows is then
// the rows of all ranks in the epoch's last batch, and bucketBytes (default 0) the all-reduce
// bucket size of the overlap with backward (0: one all-reduce after backward). weights (a
// Float32Array of x's rows, or undefined/null) weighs each row's loss.
Napi::Value PlanWrap::Train(const Napi::CallbackInfo& info) {
  const char* fn = "train";
  const Napi::Env env = info.Env();
  expect_args(info, 11, fn);
  PlanExecutor& exec = ready(env, fn);
  const PlanDesc& plan = exec.plan();
  TrainChunk chunk;
  chunk_data_args(info, fn, plan, 0, 1, 2, &chunk);
  const int64_t n = chunk.n;
  chunk.first_batch = integer_arg(info, 6, fn, "firstBatch", 0, kMaxRows);
  chunk.steps = static_cast<int>(integer_arg(info, 7, fn, "steps", 0, kMaxBatch));
  chunk.batch_size = static_cast<int>(integer_arg(info, 8, fn, "batchSize", 1, kMaxBatch));
  chunk.global_step =
      static_cast<double>(integer_arg(info, 9, fn, "globalStep", 0, INT64_C(1) << 53));
  chunk.seed = static_cast<uint32_t>(integer_arg(info, 10, fn, "seed", 0, UINT32_MAX));
  chunk.lrs = float32_arg(info, 3, fn, "lrs", chunk.steps);
  chunk.stats = float64_arg(info, 4, fn, "stats", static_cast<int64_t>(chunk.steps) * kStatsWidth);
  chunk.control = int32_arg(info, 5, fn, "control", 1);
  if (info.Length() > 11 && !info[11].IsUndefined() && !info[11].IsNull()) {
    expect_args(info, 13, fn);
    chunk.comm = collective_arg(info, 11, fn);
    chunk.last_step_rows = integer_arg(info, 12, fn, "lastStepRows", 1,
                                       static_cast<int64_t>(chunk.batch_size) * chunk.comm->size);
    if (info.Length() > 13 && !info[13].IsUndefined()) {
      chunk.bucket_bytes = integer_arg(info, 13, fn, "bucketBytes", 0, INT64_C(1) << 40);
    }
  }
  const bool weighted = info.Length() > 14 && !info[14].IsUndefined() && !info[14].IsNull();
  if (weighted) chunk.w = float32_arg(info, 14, fn, "weights", chunk.x_rows);
  if (chunk.steps > 0) {
    const int64_t last_begin = (chunk.first_batch + chunk.steps - 1) * chunk.batch_size;
    if (last_begin >= n) {
      throw Napi::RangeError::New(env, "train: batches " + std::to_string(chunk.first_batch) +
                                           ".." +
                                           std::to_string(chunk.first_batch + chunk.steps - 1) +
                                           " run past the " + std::to_string(n) + " rows of order");
    }
    const int64_t begin = chunk.first_batch * chunk.batch_size;
    const int64_t end = std::min<int64_t>(n, last_begin + chunk.batch_size);
    for (int64_t i = begin; i < end; i++) {
      if (chunk.order[i] >= chunk.x_rows) {
        throw Napi::RangeError::New(
            env, "train: order[" + std::to_string(i) + "] = " + std::to_string(chunk.order[i]) +
                     " is not a row of x (" + std::to_string(chunk.x_rows) + " rows)");
      }
    }
  }
  grow(env, exec, std::min<int64_t>(chunk.batch_size, n));  // here, never inside the chunk
  auto* worker = new TrainWorker(env, this, exec, chunk);
  for (size_t i = 0; i < 6; i++) worker->Keep(info[i]);
  if (chunk.comm != nullptr) worker->Keep(info[11]);
  if (weighted) worker->Keep(info[14]);
  worker->Keep(info.This());
  return worker->Start();
}

// computeGradients(x, y, rows, training, seed, step, stats[, weights]) -> total loss
Napi::Value PlanWrap::ComputeGradients(const Napi::CallbackInfo& info) {
  const char* fn = "computeGradients";
  const Napi::Env env = info.Env();
  expect_args(info, 7, fn);
  PlanExecutor& exec = ready(env, fn);
  const PlanDesc& plan = exec.plan();
  const int64_t rows = integer_arg(info, 2, fn, "rows", 1, kMaxBatch);
  const float* x = float32_arg(info, 0, fn, "x", rows * plan.input_width);
  const float* y = float32_arg(info, 1, fn, "y", rows * plan.label_width);
  const bool training = boolean_arg(info, 3, fn, "training");
  const auto seed = static_cast<uint32_t>(integer_arg(info, 4, fn, "seed", 0, UINT32_MAX));
  const int64_t step = integer_arg(info, 5, fn, "step", 0, INT64_C(1) << 53);
  double* stats = float64_arg(info, 6, fn, "stats", kStatsWidth);
  const bool weighted = info.Length() > 7 && !info[7].IsUndefined() && !info[7].IsNull();
  const float* w = weighted ? float32_arg(info, 7, fn, "weights", rows) : nullptr;
  grow(env, exec, rows);
  try {
    const double loss =
        exec.compute_gradients(x, y, w, static_cast<int>(rows), training, seed,
                               static_cast<uint32_t>(static_cast<uint64_t>(step)), stats);
    return Napi::Number::New(env, loss);
  } catch (const std::invalid_argument& e) {  // a batch the plan cannot train on (batchNorm, 1 row)
    throw Napi::RangeError::New(env, e.what());
  }
}

// forwardStep(x, y, weights, order, begin, rows, seed, step, out, target, weightsOut) -> undefined
// Synchronous: the training forward pass of rows order[begin, begin + rows) (weights and
// weightsOut: Float32Arrays of x's rows and of rows, or both null), its output copied into out
// (rows, outputWidth) and the gathered targets into target (rows, labelWidth).
Napi::Value PlanWrap::ForwardStep(const Napi::CallbackInfo& info) {
  const char* fn = "forwardStep";
  const Napi::Env env = info.Env();
  expect_args(info, 11, fn);
  PlanExecutor& exec = ready(env, fn);
  const PlanDesc& plan = exec.plan();
  TrainChunk chunk;
  chunk_data_args(info, fn, plan, 0, 1, 3, &chunk);
  chunk.w = float32_or_null_arg(info, 2, fn, "weights", chunk.x_rows);
  const int64_t n = chunk.n;
  const int64_t begin = integer_arg(info, 4, fn, "begin", 0, kMaxRows);
  const int64_t rows = integer_arg(info, 5, fn, "rows", 1, kMaxBatch);
  if (begin + rows > n) {
    throw Napi::RangeError::New(env, "forwardStep: rows " + std::to_string(begin) + ".." +
                                         std::to_string(begin + rows - 1) + " run past the " +
                                         std::to_string(n) + " rows of order");
  }
  const auto seed = static_cast<uint32_t>(integer_arg(info, 6, fn, "seed", 0, UINT32_MAX));
  const int64_t step = integer_arg(info, 7, fn, "step", 0, INT64_C(1) << 53);
  float* out = float32_arg(info, 8, fn, "out", rows * plan.output_width);
  float* target = float32_arg(info, 9, fn, "target", rows * plan.label_width);
  float* weights_out = float32_or_null_arg(info, 10, fn, "weightsOut", rows);
  if ((chunk.w == nullptr) != (weights_out == nullptr)) {
    throw Napi::TypeError::New(
        env, "forwardStep: weights and weightsOut must both be given or both be null");
  }
  grow(env, exec, rows);
  try {
    exec.forward_step(chunk, begin, static_cast<int>(rows), seed,
                      static_cast<uint32_t>(static_cast<uint64_t>(step)), out, target, weights_out);
  } catch (const std::out_of_range& e) {
    throw Napi::RangeError::New(env, std::string("forwardStep: ") + e.what());
  } catch (const std::invalid_argument& e) {  // a batch the plan cannot train on (batchNorm, 1 row)
    throw Napi::RangeError::New(env, std::string("forwardStep: ") + e.what());
  }
  return env.Undefined();
}

// backwardStep(dOut, rows, loss, lr, step, stats, statsRow) -> status (codes.ts TrainStatus)
// Synchronous: finishes the step of the last forwardStep (rows must match it) with dOut (rows,
// outputWidth) as the gradient of the batch's loss with respect to the output; dOut null: the
// plan's own loss (then `loss` is not read).
Napi::Value PlanWrap::BackwardStep(const Napi::CallbackInfo& info) {
  const char* fn = "backwardStep";
  const Napi::Env env = info.Env();
  expect_args(info, 7, fn);
  PlanExecutor& exec = ready(env, fn);
  const PlanDesc& plan = exec.plan();
  const int64_t rows = integer_arg(info, 1, fn, "rows", 1, kMaxBatch);
  if (exec.pending_rows() != rows) {
    throw Napi::Error::New(env,
                           "backwardStep: no forwardStep of " + std::to_string(rows) +
                               " rows to finish (call forwardStep first, with nothing between)");
  }
  const float* dout = float32_or_null_arg(info, 0, fn, "dOut", rows * plan.output_width);
  const double loss = number_arg(info, 2, fn, "loss");
  const double lr = number_arg(info, 3, fn, "lr");
  if (!(std::isfinite(lr) && lr >= 0)) {
    throw Napi::RangeError::New(env, "backwardStep: lr must be a finite number >= 0");
  }
  const int64_t step = integer_arg(info, 4, fn, "step", 0, INT64_C(1) << 53);
  const int64_t row = integer_arg(info, 6, fn, "statsRow", 0, kMaxRows);
  double* stats = float64_arg(info, 5, fn, "stats", (row + 1) * kStatsWidth);
  const int status = exec.backward_step(dout, static_cast<int>(rows), loss, lr,
                                        static_cast<double>(step), stats + row * kStatsWidth);
  return Napi::Number::New(env, status);
}

// evaluate(x, y, start, count, batchSize, stats[, weights]) -> Promise<void>; weights (N rows, or
// undefined/null) weighs each row's loss.
Napi::Value PlanWrap::Evaluate(const Napi::CallbackInfo& info) {
  const char* fn = "evaluate";
  const Napi::Env env = info.Env();
  expect_args(info, 6, fn);
  PlanExecutor& exec = ready(env, fn);
  const PlanDesc& plan = exec.plan();
  const int64_t start = integer_arg(info, 2, fn, "start", 0, kMaxRows);
  const int64_t count = integer_arg(info, 3, fn, "count", 0, kMaxRows);
  const int batch_size = static_cast<int>(integer_arg(info, 4, fn, "batchSize", 1, kMaxBatch));
  const float* x = float32_arg(info, 0, fn, "x", (start + count) * plan.input_width);
  const float* y = float32_arg(info, 1, fn, "y", (start + count) * plan.label_width);
  double* stats = float64_arg(info, 5, fn, "stats", kStatsWidth);
  const bool weighted = info.Length() > 6 && !info[6].IsUndefined() && !info[6].IsNull();
  const float* w = weighted ? float32_arg(info, 6, fn, "weights", start + count) : nullptr;
  grow(env, exec, std::min<int64_t>(batch_size, count));
  auto* worker = new EvaluateWorker(env, this, exec, x, y, w, start, count, batch_size, stats);
  worker->Keep(info[0]);
  worker->Keep(info[1]);
  if (weighted) worker->Keep(info[6]);
  worker->Keep(info[5]);
  worker->Keep(info.This());
  return worker->Start();
}

PlanWrap::PredictArgs PlanWrap::predict_args(const Napi::CallbackInfo& info, const char* fn) {
  const Napi::Env env = info.Env();
  expect_args(info, 5, fn);
  PlanExecutor& exec = ready(env, fn);
  const PlanDesc& plan = exec.plan();
  PredictArgs a;
  a.start = integer_arg(info, 1, fn, "start", 0, kMaxRows);
  a.count = integer_arg(info, 2, fn, "count", 0, kMaxRows);
  a.batch_size = static_cast<int>(integer_arg(info, 3, fn, "batchSize", 1, kMaxBatch));
  a.x = float32_arg(info, 0, fn, "x", (a.start + a.count) * plan.input_width);
  a.out = float32_arg(info, 4, fn, "out", a.count * plan.output_width);
  grow(env, exec, std::min<int64_t>(a.batch_size, a.count));
  return a;
}

// predict(x, start, count, batchSize, out) -> Promise<void>
Napi::Value PlanWrap::Predict(const Napi::CallbackInfo& info) {
  const PredictArgs a = predict_args(info, "predict");
  auto* worker =
      new PredictWorker(info.Env(), this, *exec_, a.x, a.start, a.count, a.batch_size, a.out);
  worker->Keep(info[0]);
  worker->Keep(info[4]);
  worker->Keep(info.This());
  return worker->Start();
}

// predictSync(x, start, count, batchSize, out) -> undefined: predict on the calling thread, for
// batches so small that the hop to a worker thread and back would cost more than the forward.
Napi::Value PlanWrap::PredictSync(const Napi::CallbackInfo& info) {
  const PredictArgs a = predict_args(info, "predictSync");
  exec_->predict(a.x, a.start, a.count, a.batch_size, a.out);
  return info.Env().Undefined();
}

Napi::Value PlanWrap::Dispose(const Napi::CallbackInfo& info) {
  if (busy_) {
    throw Napi::Error::New(info.Env(), "dispose: the plan is busy (await the running call first)");
  }
  exec_.reset();
  arena_refs_.clear();
  return info.Env().Undefined();
}

Napi::Value PlanWrap::MaxBatch(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), exec_ ? exec_->max_batch() : 0);
}

}  // namespace nntrain::binding

// AsyncWorkers for the plan's train/evaluate/predict (sharp-style batons): the constructor runs on
// the JS thread, takes raw pointers and persistent references to every array it reads or writes,
// and captures the JS stack; Execute() runs the PlanExecutor on a libuv thread and never touches
// JS; OnOK/OnError settle the promise and release the plan.
#pragma once

#include <napi.h>

#include <string>
#include <vector>

#include "../train/plan.h"
#include "plan_wrap.h"

namespace nntrain::binding {

class PlanWorker : public Napi::AsyncWorker {
 public:
  // Queues the worker, marks the plan busy and returns the promise it settles.
  Napi::Promise Start();

  // Keeps a JS value (typed array, the plan object) alive until the worker completes.
  void Keep(const Napi::Value& value) { refs_.push_back(Napi::Persistent(value)); }

 protected:
  PlanWorker(Napi::Env env, PlanWrap* wrap, PlanExecutor& exec, const char* name);

  // The promise's value (JS thread, after a successful Execute).
  virtual Napi::Value Result(Napi::Env env) { return env.Undefined(); }

  PlanExecutor& exec_;

 private:
  void OnOK() override;
  void OnError(const Napi::Error& error) override;

  PlanWrap* wrap_;
  Napi::Promise::Deferred deferred_;
  std::vector<Napi::Reference<Napi::Value>> refs_;
  std::string stack_;  // the caller's stack, so a rejection points at the JS call site
};

class TrainWorker : public PlanWorker {
 public:
  TrainWorker(Napi::Env env, PlanWrap* wrap, PlanExecutor& exec, const TrainChunk& chunk)
      : PlanWorker(env, wrap, exec, "nntrain.train"), chunk_(chunk) {}

 private:
  void Execute() override { outcome_ = exec_.train(chunk_); }
  Napi::Value Result(Napi::Env env) override;

  TrainChunk chunk_;
  TrainOutcome outcome_;
};

class EvaluateWorker : public PlanWorker {
 public:
  EvaluateWorker(Napi::Env env, PlanWrap* wrap, PlanExecutor& exec, const float* x, const float* y,
                 const float* w, int64_t start, int64_t count, int batch_size, double* stats)
      : PlanWorker(env, wrap, exec, "nntrain.evaluate"),
        x_(x),
        y_(y),
        w_(w),
        start_(start),
        count_(count),
        batch_size_(batch_size),
        stats_(stats) {}

 private:
  void Execute() override { exec_.evaluate(x_, y_, w_, start_, count_, batch_size_, stats_); }

  const float* x_;
  const float* y_;
  const float* w_;  // null: unweighted
  int64_t start_, count_;
  int batch_size_;
  double* stats_;
};

class PredictWorker : public PlanWorker {
 public:
  PredictWorker(Napi::Env env, PlanWrap* wrap, PlanExecutor& exec, const float* x, int64_t start,
                int64_t count, int batch_size, float* out)
      : PlanWorker(env, wrap, exec, "nntrain.predict"),
        x_(x),
        start_(start),
        count_(count),
        batch_size_(batch_size),
        out_(out) {}

 private:
  void Execute() override { exec_.predict(x_, start_, count_, batch_size_, out_); }

  const float* x_;
  int64_t start_, count_;
  int batch_size_;
  float* out_;
};

}  // namespace nntrain::binding

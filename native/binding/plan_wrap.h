// The Plan class seen from JS: a compiled model (PlanExecutor) bound to its arena views. It keeps
// Napi::References to params/grads/slots so the memory outlives every call, and runs
// train/evaluate/ predict in AsyncWorkers (binding/plan_workers.cc), one at a time; predictSync and
// computeGradients run on the calling thread.
#pragma once

#include <napi.h>

#include <memory>
#include <vector>

#include "../train/plan.h"

namespace nntrain::binding {

class PlanWrap : public Napi::ObjectWrap<PlanWrap> {
 public:
  // The JS constructor: new Plan(spec: Float64Array, params, grads, slots: Float32Array[],
  // maxBatch).
  static Napi::Function Define(Napi::Env env);

  explicit PlanWrap(const Napi::CallbackInfo& info);

  // Called on the JS thread when a worker finishes.
  void set_busy(bool busy) { busy_ = busy; }

 private:
  Napi::Value Train(const Napi::CallbackInfo& info);
  Napi::Value ComputeGradients(const Napi::CallbackInfo& info);
  Napi::Value ForwardStep(const Napi::CallbackInfo& info);
  Napi::Value BackwardStep(const Napi::CallbackInfo& info);
  Napi::Value Evaluate(const Napi::CallbackInfo& info);
  Napi::Value Predict(const Napi::CallbackInfo& info);
  Napi::Value PredictSync(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value MaxBatch(const Napi::CallbackInfo& info);

  // The executor, after checking the plan is neither disposed nor running a worker.
  PlanExecutor& ready(Napi::Env env, const char* fn);

  // predict's arguments (x, start, count, batchSize, out), checked; scratch grown for the batch.
  struct PredictArgs {
    const float* x;
    int64_t start, count;
    int batch_size;
    float* out;
  };
  PredictArgs predict_args(const Napi::CallbackInfo& info, const char* fn);

  std::unique_ptr<PlanExecutor> exec_;
  std::vector<Napi::Reference<Napi::Value>> arena_refs_;  // params, grads, slots: kept alive
  bool busy_ = false;
};

}  // namespace nntrain::binding

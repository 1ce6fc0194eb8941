// PlanWorker plumbing (see plan_workers.h).
#include "plan_workers.h"

namespace nntrain::binding {

PlanWorker::PlanWorker(Napi::Env env, PlanWrap* wrap, PlanExecutor& exec, const char* name)
    : Napi::AsyncWorker(env, name),
      exec_(exec),
      wrap_(wrap),
      deferred_(Napi::Promise::Deferred::New(env)) {
  const Napi::Value stack = Napi::Error::New(env, "").Value().Get("stack");
  if (stack.IsString()) {
    stack_ = stack.As<Napi::String>().Utf8Value();
    const size_t first_frame = stack_.find('\n');  // drop the "Error: " line
    stack_ = first_frame == std::string::npos ? std::string() : stack_.substr(first_frame);
  }
}

Napi::Promise PlanWorker::Start() {
  wrap_->set_busy(true);
  Queue();
  return deferred_.Promise();
}

void PlanWorker::OnOK() {
  wrap_->set_busy(false);
  deferred_.Resolve(Result(Env()));
}

void PlanWorker::OnError(const Napi::Error& error) {
  wrap_->set_busy(false);
  Napi::Error rejection = Napi::Error::New(Env(), error.Message());
  rejection.Value().Set("stack", "Error: " + error.Message() + stack_);
  deferred_.Reject(rejection.Value());
}

Napi::Value TrainWorker::Result(Napi::Env env) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("stepsDone", outcome_.steps_done);
  result.Set("status", outcome_.status);
  return result;
}

}  // namespace nntrain::binding

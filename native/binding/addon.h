// The addon instance: one per JS environment (main thread and each worker thread), created by
// NODE_API_ADDON in native/addon.cc. It holds no mutable state shared between environments; the
// kernel dispatch table is chosen once per process and immutable afterwards. Each instance owns
// its thread pool: its workers start at the first parallel region and are joined when the
// environment is torn down (the instance is deleted with the env's instance data).
#pragma once

#include <napi.h>

#include <memory>

#include "../threads/pool.h"

namespace nntrain::binding {

class NntrainAddon : public Napi::Addon<NntrainAddon> {
 public:
  // Registers info(), setThreads(), codes(), the per-op kernels and the Plan class on `exports`.
  // Throws (the require() fails) when NNTRAIN_KERNEL names an unknown kernel or NNTRAIN_THREADS is
  // not an integer in [1, 256].
  NntrainAddon(Napi::Env env, Napi::Object exports);

  ThreadPool* pool() { return pool_.get(); }

  // The instance of the environment a call runs in (set by NODE_API_ADDON after construction).
  static NntrainAddon& of(Napi::Env env) { return *env.GetInstanceData<NntrainAddon>(); }

 private:
  std::unique_ptr<ThreadPool> pool_;
};

}  // namespace nntrain::binding

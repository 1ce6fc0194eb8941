// The addon instance: one per JS environment (main thread and each worker thread), created by
// NODE_API_ADDON in native/addon.cc. It holds no mutable state shared between environments; the
// kernel dispatch table is chosen once per process and immutable afterwards.
#pragma once

#include <napi.h>

namespace nntrain::binding {

class NntrainAddon : public Napi::Addon<NntrainAddon> {
 public:
  // Registers info(), the per-op kernels and the Plan class on `exports`. Throws (the require()
  // fails) when NNTRAIN_KERNEL names an unknown kernel.
  NntrainAddon(Napi::Env env, Napi::Object exports);
};

}  // namespace nntrain::binding

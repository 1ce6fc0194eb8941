// NntrainAddon: the exports of one addon instance, and info().
#include "addon.h"

#include <stdexcept>

#include "../kernels/gemm/gemm.h"
#include "kernels_binding.h"
#include "plan_wrap.h"

namespace nntrain::binding {
namespace {

// info() -> { name: 'native', kernel, kernels, threads, napiVersion }
Napi::Value Info(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  result.Set("name", "native");
  result.Set("kernel", kernel_table().name);
  result.Set("kernels", kernel_names());
  result.Set("threads", 1);
  result.Set("napiVersion", NAPI_VERSION);
  return result;
}

}  // namespace

NntrainAddon::NntrainAddon(Napi::Env env, Napi::Object exports) {
  try {
    kernel_table();  // choose the kernels now, so a bad NNTRAIN_KERNEL fails the require()
  } catch (const std::invalid_argument& e) {
    throw Napi::Error::New(env, e.what());
  }
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  export_kernels(env, exports);
  exports.Set("Plan", PlanWrap::Define(env));
}

}  // namespace nntrain::binding

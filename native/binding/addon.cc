// NntrainAddon: the exports of one addon instance, and info().
#include "addon.h"

#include <stdexcept>

#include "../kernels/dispatch.h"
#include "../train/collective.h"
#include "args.h"
#include "codes.h"
#include "csv_wrap.h"
#include "kernels_binding.h"
#include "plan_wrap.h"

namespace nntrain::binding {
namespace {

// info() -> { name: 'native', kernel, kernels, kernelBf16, kernelsBf16, bf16Native, threads,
//            napiVersion, collectiveVersion }
// kernelBf16: the bf16 GEMM in use ("emulated" where the CPU has no native one: bf16Native false).
// collectiveVersion: the Collective table (train/collective.h) Plan.train reads; JS compares it
// with the MPI addon's, so a build from before distributed training is refused instead of ignoring
// comm.
Napi::Value Info(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  result.Set("name", "native");
  result.Set("kernel", kernel_table().name);
  result.Set("kernels", kernel_names());
  result.Set("kernelBf16", kernel_table().bf16_name);
  result.Set("kernelsBf16", kernel_bf16_names());
  result.Set("bf16Native", kernel_table().bf16_native);
  result.Set("threads", NntrainAddon::of(env).pool()->threads());
  result.Set("napiVersion", NAPI_VERSION);
  result.Set("collectiveVersion", kCollectiveVersion);
  return result;
}

// setThreads(n): threads this instance's kernels and plans may use, from the next call on
Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  const char* fn = "setThreads";
  expect_args(info, 1, fn);
  const int64_t n = integer_arg(info, 0, fn, "n", 1, kMaxThreads);
  NntrainAddon::of(info.Env()).pool()->set_threads(static_cast<int>(n));
  return info.Env().Undefined();
}

// cacheLineShift(view: Float32Array) -> floats from view[0] to the first 64-byte boundary (0..15).
// JS cannot see addresses, and its buffers start 16 bytes into a line: the arena
// (src/memory/arena.ts) starts its regions this far in, so the kernels' 32-byte loads and stores do
// not straddle lines.
Napi::Value CacheLineShift(const Napi::CallbackInfo& info) {
  const char* fn = "cacheLineShift";
  expect_args(info, 1, fn);
  const float* view = float32_arg(info, 0, fn, "view", 0);
  const uintptr_t misalign = reinterpret_cast<uintptr_t>(view) % 64;
  return Napi::Number::New(info.Env(), static_cast<double>((64 - misalign) % 64 / sizeof(float)));
}

}  // namespace

NntrainAddon::NntrainAddon(Napi::Env env, Napi::Object exports) {
  try {
    kernel_table();  // choose the kernels now, so a bad NNTRAIN_KERNEL[_BF16] fails the require()
    pool_ = std::make_unique<ThreadPool>(ThreadPool::default_threads());
  } catch (const std::invalid_argument& e) {
    throw Napi::Error::New(env, e.what());
  }
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  exports.Set("cacheLineShift", Napi::Function::New(env, CacheLineShift, "cacheLineShift"));
  exports.Set("codes", Napi::Function::New(env, Codes, "codes"));
  export_kernels(env, exports);
  exports.Set("Plan", PlanWrap::Define(env));
  exports.Set("CsvReader", CsvReaderWrap::Define(env));
}

}  // namespace nntrain::binding

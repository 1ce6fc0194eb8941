// nntrain_mpi.node: the optional MPI addon (built where mpicc exists; see binding.gyp here). JS
// starts MPI with init() and passes collective() to the main addon's Plan.train, whose chunk then
// calls MPI through that table on its worker thread. The other exports are the collectives the
// training loop runs between chunks, on the JS thread. Every entry checks its arguments and throws
// TypeError/RangeError; calls from a thread other than the one that ran init() are refused (MPI
// was started for one calling thread at a time).
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "ops.h"
#include "watchdog.h"

namespace nntrain::mpi {
namespace {

std::thread::id g_init_thread;
constexpr double kMaxSafe = 9007199254740991.0;  // Number.MAX_SAFE_INTEGER

void expect_args(const Napi::CallbackInfo& info, size_t count, const char* fn) {
  if (info.Length() < count) {
    throw Napi::TypeError::New(
        info.Env(), std::string(fn) + ": expected " + std::to_string(count) + " arguments");
  }
}

// Throws unless init() succeeded on this thread.
void require_active(Napi::Env env, const char* fn) {
  if (!active()) throw Napi::Error::New(env, std::string(fn) + ": MPI is not initialised");
  if (std::this_thread::get_id() != g_init_thread) {
    throw Napi::Error::New(env, std::string(fn) + ": MPI was initialised by another thread");
  }
}

void check(Napi::Env env, int rc, const char* what) {
  if (rc != 0)
    throw Napi::Error::New(env,
                           std::string(what) + " failed (MPI error " + std::to_string(rc) + ")");
}

int reduce_op(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  const std::string op = info[i].IsString() ? info[i].As<Napi::String>().Utf8Value() : "";
  if (op == "sum") return kReduceSum;
  if (op == "min") return kReduceMin;
  if (op == "max") return kReduceMax;
  throw Napi::TypeError::New(info.Env(), std::string(fn) + ": op must be 'sum', 'min' or 'max'");
}

// Seconds >= 0 (0: off) for the watchdog, from argument i.
double timeout_arg(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  const double seconds = info[i].IsNumber() ? info[i].As<Napi::Number>().DoubleValue() : -1;
  if (!(seconds >= 0 && seconds <= 1e9)) {
    throw Napi::RangeError::New(info.Env(),
                                std::string(fn) + ": timeout must be a number of seconds >= 0");
  }
  return seconds;
}

// The label of an optional `what` argument for the watchdog's message (-1: none).
int label_arg(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  if (info.Length() <= i || info[i].IsUndefined()) return -1;
  if (!info[i].IsString())
    throw Napi::TypeError::New(info.Env(), std::string(fn) + ": what must be a string");
  const std::string text = info[i].As<Napi::String>().Utf8Value();
  return intern_label(text.data(), text.size());
}

// init(timeoutSeconds = 0) -> { rank, size }: starts the watchdog, then MPI, once per process;
// later calls return the same.
Napi::Value StartMpi(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const double timeout =
      info.Length() > 0 && !info[0].IsUndefined() ? timeout_arg(info, 0, "init") : 0;
  if (active() && std::this_thread::get_id() != g_init_thread) {
    throw Napi::Error::New(env, "init: MPI was initialised by another thread");
  }
  if (!active()) {
    const std::string error = initialize(timeout);
    if (!error.empty()) throw Napi::Error::New(env, "init: " + error);
    g_init_thread = std::this_thread::get_id();
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("rank", collective().rank);
  result.Set("size", collective().size);
  return result;
}

// watchdog(seconds): the watchdog's limit from now on (0: off).
Napi::Value Watchdog(const Napi::CallbackInfo& info) {
  expect_args(info, 1, "watchdog");
  set_watchdog(timeout_arg(info, 0, "watchdog"));
  return info.Env().Undefined();
}

Napi::Value Finalize(const Napi::CallbackInfo& info) {
  if (active() && std::this_thread::get_id() == g_init_thread) finalize();
  return info.Env().Undefined();
}

// abort(code): ends every rank of the job (MPI_Abort); returns only when MPI is not running.
Napi::Value Abort(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  expect_args(info, 1, "abort");
  if (!info[0].IsNumber()) throw Napi::TypeError::New(env, "abort: code must be a number");
  const double code = info[0].As<Napi::Number>().DoubleValue();
  abort_job(code >= 1 && code <= 255 ? static_cast<int>(code) : 1);
  return env.Undefined();
}

// collective() -> External: the table for Plan.train, type-tagged so the main addon can tell it
// from any other External.
Napi::Value CollectiveTable(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_active(env, "collective");
  static const napi_type_tag tag = {kCollectiveTagLower, kCollectiveTagUpper};
  auto external = Napi::External<Collective>::New(env, const_cast<Collective*>(&collective()));
  external.TypeTag(&tag);
  return external;
}

// allreduce(values: Float64Array, op: 'sum' | 'min' | 'max', what?: string): in place, over every
// rank; `what` names it in the watchdog's message
Napi::Value Allreduce(const Napi::CallbackInfo& info) {
  const char* fn = "allreduce";
  const Napi::Env env = info.Env();
  expect_args(info, 2, fn);
  const LabelScope label(label_arg(info, 2, fn));
  if (!info[0].IsTypedArray() ||
      info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(env, "allreduce: values must be a Float64Array");
  }
  const int op = reduce_op(info, 1, fn);
  require_active(env, fn);
  auto values = info[0].As<Napi::Float64Array>();
  const auto count = static_cast<int64_t>(values.ElementLength());
  const Collective& comm = collective();
  if (op == kReduceSum) {
    check(env, comm.allreduce_sum_f64(values.Data(), count), "MPI_Allreduce");
    return env.Undefined();
  }
  // min and max go through int64 (exact for safe integers, which is all JS asks them for)
  std::vector<int64_t> ints(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; i++) {
    const double v = values[static_cast<size_t>(i)];
    if (!(v >= -kMaxSafe && v <= kMaxSafe) || v != std::trunc(v)) {
      throw Napi::RangeError::New(env, "allreduce: min and max take safe integers");
    }
    ints[static_cast<size_t>(i)] = static_cast<int64_t>(v);
  }
  check(env, comm.allreduce_i64(ints.data(), count, op), "MPI_Allreduce");
  for (size_t i = 0; i < ints.size(); i++) values[i] = static_cast<double>(ints[i]);
  return env.Undefined();
}

// bcast(view: Uint8Array | Float32Array | Float64Array, root, what?: string): rank root's bytes of
// the view into every rank's view (views over a SharedArrayBuffer included)
Napi::Value Bcast(const Napi::CallbackInfo& info) {
  const char* fn = "bcast";
  const Napi::Env env = info.Env();
  expect_args(info, 2, fn);
  const LabelScope label(label_arg(info, 2, fn));
  const napi_typedarray_type type =
      info[0].IsTypedArray() ? info[0].As<Napi::TypedArray>().TypedArrayType() : napi_int8_array;
  if (type != napi_uint8_array && type != napi_float32_array && type != napi_float64_array) {
    throw Napi::TypeError::New(
        env, "bcast: view must be a Uint8Array, a Float32Array or a Float64Array");
  }
  if (!info[1].IsNumber()) throw Napi::TypeError::New(env, "bcast: root must be a number");
  require_active(env, fn);
  const double root = info[1].As<Napi::Number>().DoubleValue();
  if (!(root >= 0 && root < collective().size) || root != std::trunc(root)) {
    throw Napi::RangeError::New(env, "bcast: root must be a rank (0 to size - 1)");
  }
  void* data = nullptr;
  int64_t bytes = 0;
  if (type == napi_uint8_array) {
    auto view = info[0].As<Napi::Uint8Array>();
    data = view.Data();
    bytes = static_cast<int64_t>(view.ElementLength());
  } else if (type == napi_float32_array) {
    auto view = info[0].As<Napi::Float32Array>();
    data = view.Data();
    bytes = static_cast<int64_t>(view.ElementLength() * sizeof(float));
  } else {
    auto view = info[0].As<Napi::Float64Array>();
    data = view.Data();
    bytes = static_cast<int64_t>(view.ElementLength() * sizeof(double));
  }
  check(env, collective().bcast(data, bytes, static_cast<int>(root)), "MPI_Bcast");
  return env.Undefined();
}

Napi::Value Barrier(const Napi::CallbackInfo& info) {
  require_active(info.Env(), "barrier");
  check(info.Env(), collective().barrier(), "MPI_Barrier");
  return info.Env().Undefined();
}

// info() -> { library, active, collectiveVersion, watchdogSeconds }
Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Object result = Napi::Object::New(info.Env());
  result.Set("library", library_version());
  result.Set("active", active());
  result.Set("collectiveVersion", kCollectiveVersion);
  result.Set("watchdogSeconds", watchdog_timeout());
  return result;
}

}  // namespace

Napi::Object Exports(Napi::Env env, Napi::Object exports) {
  exports.Set("init", Napi::Function::New(env, StartMpi, "init"));
  exports.Set("finalize", Napi::Function::New(env, Finalize, "finalize"));
  exports.Set("abort", Napi::Function::New(env, Abort, "abort"));
  exports.Set("watchdog", Napi::Function::New(env, Watchdog, "watchdog"));
  exports.Set("collective", Napi::Function::New(env, CollectiveTable, "collective"));
  exports.Set("allreduce", Napi::Function::New(env, Allreduce, "allreduce"));
  exports.Set("bcast", Napi::Function::New(env, Bcast, "bcast"));
  exports.Set("barrier", Napi::Function::New(env, Barrier, "barrier"));
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  return exports;
}

}  // namespace nntrain::mpi

static Napi::Object InitNntrainMpi(Napi::Env env, Napi::Object exports) {
  return nntrain::mpi::Exports(env, exports);
}

NODE_API_MODULE(nntrain_mpi, InitNntrainMpi)

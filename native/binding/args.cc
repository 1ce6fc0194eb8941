// Argument checks (see args.h). Messages name the function and the argument:
// "gemm: c has 5 elements but needs at least 6".
#include "args.h"

#include <cmath>

namespace nntrain::binding {
namespace {

std::string label(const char* fn, const char* name) {
  return std::string(fn) + ": " + name;
}

template <typename T>
T* typed_value(Napi::Env env, const Napi::Value& value, napi_typedarray_type type,
               const char* type_name, const std::string& what, int64_t min_length,
               int64_t* length_out) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != type) {
    throw Napi::TypeError::New(env, what + " must be a " + type_name);
  }
  auto array = value.As<Napi::TypedArrayOf<T>>();
  const int64_t length = static_cast<int64_t>(array.ElementLength());
  if (length < min_length) {
    throw Napi::RangeError::New(env, what + " has " + std::to_string(length) +
                                         " elements but needs at least " +
                                         std::to_string(min_length));
  }
  if (length_out != nullptr) *length_out = length;
  return array.Data();
}

bool is_nullish(const Napi::Value& v) {
  return v.IsNull() || v.IsUndefined();
}

}  // namespace

void expect_args(const Napi::CallbackInfo& info, size_t count, const char* fn) {
  if (info.Length() < count) {
    throw Napi::TypeError::New(info.Env(), std::string(fn) + ": expected " + std::to_string(count) +
                                               " arguments but received " +
                                               std::to_string(info.Length()));
  }
}

double number_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  if (!info[i].IsNumber())
    throw Napi::TypeError::New(info.Env(), label(fn, name) + " must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

int64_t integer_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name,
                    int64_t min, int64_t max) {
  const double v = number_arg(info, i, fn, name);
  if (!(v >= static_cast<double>(min) && v <= static_cast<double>(max)) || v != std::floor(v)) {
    throw Napi::RangeError::New(info.Env(), label(fn, name) + " must be an integer in [" +
                                                std::to_string(min) + ", " + std::to_string(max) +
                                                "] but is " + std::to_string(v));
  }
  return static_cast<int64_t>(v);
}

bool boolean_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  if (!info[i].IsBoolean()) {
    throw Napi::TypeError::New(info.Env(), label(fn, name) + " must be a boolean");
  }
  return info[i].As<Napi::Boolean>().Value();
}

float* float32_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name,
                   int64_t min_length, int64_t* length_out) {
  return typed_value<float>(info.Env(), info[i], napi_float32_array, "Float32Array",
                            label(fn, name), min_length, length_out);
}

float* float32_or_null_arg(const Napi::CallbackInfo& info, size_t i, const char* fn,
                           const char* name, int64_t min_length) {
  if (is_nullish(info[i])) return nullptr;
  return float32_arg(info, i, fn, name, min_length);
}

double* float64_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name,
                    int64_t min_length, int64_t* length_out) {
  return typed_value<double>(info.Env(), info[i], napi_float64_array, "Float64Array",
                             label(fn, name), min_length, length_out);
}

uint32_t* uint32_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name,
                     int64_t min_length, int64_t* length_out) {
  return typed_value<uint32_t>(info.Env(), info[i], napi_uint32_array, "Uint32Array",
                               label(fn, name), min_length, length_out);
}

int32_t* int32_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name,
                   int64_t min_length) {
  return typed_value<int32_t>(info.Env(), info[i], napi_int32_array, "Int32Array", label(fn, name),
                              min_length, nullptr);
}

float* float32_value(Napi::Env env, const Napi::Value& value, const std::string& what,
                     int64_t min_length) {
  return typed_value<float>(env, value, napi_float32_array, "Float32Array", what, min_length,
                            nullptr);
}

}  // namespace nntrain::binding

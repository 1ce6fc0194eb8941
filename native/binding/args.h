// Argument checks for the napi entry points. Every check throws a JS TypeError (wrong type) or
// RangeError (wrong value or too-short typed array) instead of letting a bad length reach a kernel:
// a wrong length corrupts memory instead of failing.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

namespace nntrain::binding {

// Throws TypeError unless at least `count` arguments were passed.
void expect_args(const Napi::CallbackInfo& info, size_t count, const char* fn);

// A number argument (any value, NaN included).
double number_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name);

// A safe integer in [min, max] (TypeError if not a number, RangeError otherwise).
int64_t integer_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name,
                    int64_t min, int64_t max);

bool boolean_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name);

// Typed-array arguments: the data pointer of a typed array of exactly this element type (views over
// SharedArrayBuffer included) holding at least `min_length` elements. The *_or_null variants accept
// null/undefined and return nullptr. `length_out`, when given, receives the element count.
float* float32_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name,
                   int64_t min_length, int64_t* length_out = nullptr);
float* float32_or_null_arg(const Napi::CallbackInfo& info, size_t i, const char* fn,
                           const char* name, int64_t min_length);
double* float64_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name,
                    int64_t min_length, int64_t* length_out = nullptr);
uint32_t* uint32_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name,
                     int64_t min_length, int64_t* length_out = nullptr);
int32_t* int32_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name,
                   int64_t min_length);

// The same check for a value that is not a direct argument (an element of an array argument).
float* float32_value(Napi::Env env, const Napi::Value& value, const std::string& what,
                     int64_t min_length);

// Largest dimension accepted by the kernels (they index with int).
constexpr int64_t kMaxDim = 0x7fffffff;

}  // namespace nntrain::binding

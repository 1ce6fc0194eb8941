// Eight numeric fields at a time: the short decimals among them (number.h detail::short_decimal
// with an optional sign: -0.1234, 1646.44, 255) converted together, one field per 64-bit lane, by
// AVX-512 where the CPU has it (one pass of vector instructions instead of ~70 scalar ones per
// field, and no branch on the shape of each value). The bits are those of parse_decimal_field; the
// fields it does not convert (exponents, long mantissas, errors, signed values of 8 digits) are
// left to the caller's scalar path.
#pragma once

#include <cstdint>
#include <vector>

namespace nntrain::csv {

// Fields k = 0..n-1 (n <= 8) of one record, in order: field k is [start[k], start[k + 1] - 1) (the
// byte before the next start is its separator; start[n] is one past the last field's end), and
// word[k] its first 8 bytes. Writes out[k] for each field it converts and returns their bit mask.
using ConvertFn = uint32_t (*)(const uint64_t* word, const char* const* start, int n, float* out);

// The variant this CPU runs (AVX-512 where it has F, BW, DQ, VL and CD; else null: callers keep
// their per-field path).
ConvertFn short_decimals8();

// The reference (one field at a time through detail::short_decimal), and every variant this CPU
// can run, for the tests.
uint32_t short_decimals8_ref(const uint64_t* word, const char* const* start, int n, float* out);
struct ConvertVariant {
  const char* name;
  ConvertFn fn;
};
std::vector<ConvertVariant> convert_variants();

}  // namespace nntrain::csv

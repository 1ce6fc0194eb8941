// Eight numeric fields at a time: the short decimals among them (an optional sign, then at most 8
// bytes: a number.h detail::short_decimal, optionally followed by [eE] [+-]? 1..3 digits with
// |exponent - fraction digits| <= 15: -0.1234, 1646.44, 255, -1.234e-4) converted together, one
// field per 64-bit lane, by AVX-512 where the CPU has it, else AVX2 in two halves of four (one pass
// of vector instructions instead of ~70 scalar ones per field, and no branch on the shape of each
// value). The bits are those of
// parse_decimal_field; the fields it does not convert (long mantissas and exponents, errors) are
// left to the caller's scalar path.
#pragma once

#include <cstdint>
#include <vector>

namespace nntrain::csv {

// Fields k = 0..n-1 (n <= 8) of one record, in order: field k is [start[k], start[k + 1] - 1) (the
// byte before the next start is its separator; start[n] is one past the last field's end), word[k]
// its first 8 bytes and ninth[k] its ninth (ninth[] readable up to ninth[7]). Writes out[k] for
// each field it converts and returns their bit mask.
using ConvertFn = uint32_t (*)(const uint64_t* word, const uint8_t* ninth, const char* const* start,
                               int n, float* out);

// The variant this CPU runs (AVX-512 where it has F, BW, DQ, VL and CD, else AVX2; else null:
// callers keep their per-field path). NNTRAIN_CSV_SIMD (simd_env.h) at load: "portable" turns this
// and short_ints64 off, "avx2" picks the AVX2 variants of both.
ConvertFn short_decimals8();

// The reference (one field at a time through detail::short_decimal), and every variant this CPU
// can run whatever NNTRAIN_CSV_SIMD says, for the tests.
uint32_t short_decimals8_ref(const uint64_t* word, const uint8_t* ninth, const char* const* start,
                             int n, float* out);
struct ConvertVariant {
  const char* name;
  ConvertFn fn;
};
std::vector<ConvertVariant> convert_variants();

// The fields of one 64-byte window at once, when they are all short integers (Fashion-MNIST's
// pixels): `take` (non-zero) marks the separators in base[0..64) that end the fields to convert, in
// order, the first field starting at p (p <= the first separator; it may start in the window
// before). When every taken separator is the delimiter and every field is 1..4 digits, writes their
// values to out[0..popcount(take)) and returns true; else writes nothing and returns false (the
// caller parses those fields one by one). Reads base[-4..63].
using ShortIntsFn = bool (*)(const char* base, uint64_t take, const char* p, char delimiter,
                             float* out);

// The variant this CPU runs (AVX-512 with VBMI2's byte compress, else AVX2 with pshufb's; else
// null) and the reference.
ShortIntsFn short_ints64();
bool short_ints64_ref(const char* base, uint64_t take, const char* p, char delimiter, float* out);
struct ShortIntsVariant {
  const char* name;
  ShortIntsFn fn;
};
std::vector<ShortIntsVariant> short_ints_variants();

}  // namespace nntrain::csv

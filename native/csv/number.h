// Decimal numbers to float32 with the semantics of Math.fround(Number(token)) restricted to the
// grammar
//   [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?
// (no hex, no "Infinity", no underscores, no surrounding spaces: callers trim). The value is
// rounded to the nearest double first and then to float32, exactly as the JS fallback does, so both
// backends give bit-identical floats (a direct decimal->float rounding differs in rare
// double-rounding cases). A value whose float32 rounding is infinite is out of range; one too small
// for a double is ±0.
#pragma once

#include <cstdint>
#include <cstring>

namespace nntrain::csv {

enum class NumberStatus : uint8_t { kOk, kInvalid, kOutOfRange };

// Parses exactly [b, e): any grammar-conforming token, through fast_float's correctly rounded
// decimal -> double (Clinger's fast path, Eisel-Lemire, big integers for the rare rest).
NumberStatus parse_number(const char* b, const char* e, float* out);

// Powers of ten exactly representable as doubles (10^0 .. 10^22): Clinger's fast path; and the
// doubles nearest to their reciprocals.
extern const double kExactPow10[23];
extern const double kInvPow10[23];

// m / 10^k (m < 2^53, k <= 22) rounded to a double, then to float32: fround(Number()) of the
// decimal. Multiplying by the rounded reciprocal lands within 2 ulps of the correctly rounded
// quotient, so both round to the same float unless a float32 rounding boundary (a midpoint between
// two floats: low 29 mantissa bits 1 followed by zeros) is that close, or the value is a float32
// subnormal; then divide.
inline float quotient_to_float(uint64_t m, int k) {
  const double v = static_cast<double>(m);
  const double d = v * kInvPow10[k];
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  const uint64_t low = bits & ((uint64_t{1} << 29) - 1);
  const bool near_midpoint = ((low - ((uint64_t{1} << 28) - 3)) & ((uint64_t{1} << 29) - 1)) <= 6;
  if (!near_midpoint && d >= 1.1754943508222875e-38) return static_cast<float>(d);
  return static_cast<float>(v / kExactPow10[k]);
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
namespace detail {

inline uint64_t load8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// The value of the first `len` (1..8) digits of t (first digit in the low byte): the other bytes
// are shifted out, then pairs, quads and the two halves are combined by multiplies (fast_float's
// parse_eight_digits_unrolled).
inline uint64_t digits_value(uint64_t t, int len) {
  t <<= 8 * (8 - len);
  t = t * 10 + (t >> 8);
  return (((t & 0x000000ff000000ffull) * 0x000f424000000064ull) +
          (((t >> 16) & 0x000000ff000000ffull) * 0x0000271000000001ull)) >>
         32;
}

// The non-digit bytes of t = 8 bytes ^ '0', as the high bit of each byte.
inline uint64_t nondigits(uint64_t t) {
  return (((t & 0x7f7f7f7f7f7f7f7full) + 0x7676767676767676ull) | t) & 0x8080808080808080ull;
}

// A plain decimal of 1..8 bytes at p (digits and at most one '.', at least one digit) as its digits
// m and the count after the point nf; false for anything else. Without a branch on where the point
// is: the bytes are shifted to the top of the word (the bytes below become zeros, i.e. leading
// '0's), the point's byte is found from the non-digit mask and squeezed out by moving the digits
// before it up one byte, and the 8 bytes are converted at once. Reads 8 bytes from p.
inline bool short_decimal(const char* p, uint64_t len, uint64_t* m, int* nf) {
  const uint64_t t = (load8(p) ^ 0x3030303030303030ull) << (64 - 8 * len);
  const uint64_t nd = nondigits(t);
  const bool point = nd != 0;
  const int q = __builtin_ctzll(nd | (uint64_t{1} << 63)) >> 3;  // the point's byte (7: none)
  const uint64_t below = (uint64_t{1} << (8 * q)) - 1;
  const uint64_t squeezed = ((t & below) << 8) | (t & ~below & ~(uint64_t{0xff} << (8 * q)));
  // one non-digit at most, and when there is one it is the point ('.' ^ '0' == 0x1e) beside a digit
  const bool dot = (len >= 2) & (((t >> (8 * q)) & 0xff) == 0x1e);
  const bool ok = ((nd & (nd - 1)) == 0) & ((nd == 0) | dot);
  // selects by mask rather than ?: so that the compiler keeps them free of branches
  const uint64_t sel = uint64_t{0} - static_cast<uint64_t>(point);
  *m = digits_value((squeezed & sel) | (t & ~sel), 8);
  *nf = (7 - q) & static_cast<int>(sel);
  return ok;
}

// f with the sign bit set when neg (no branch: signs are random in real data).
inline float with_sign(float f, bool neg) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  u ^= static_cast<uint32_t>(neg) << 31;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

}  // namespace detail

// The rest of parse_decimal_field (number.cc): mantissas of 9..15 digits, and exponents on a short
// mantissa; p is after the sign.
bool parse_decimal_rest(const char* p, const char* e, bool neg, float* out);

// A field whose bounds are known, [b, e): a plain decimal of at most 15 digits (sign, digits, at
// most one '.'), converted exactly (m / 10^f with m < 2^53), or a decimal of at most 8 bytes with
// an exponent that keeps it on Clinger's fast path (m * 10^k or m / 10^k with |k| <= 22). False for
// anything else (the caller takes parse_number: long mantissas and exponents, errors). Needs 32
// readable bytes from b.
inline bool parse_decimal_field(const char* b, const char* e, float* out) {
  // the common case inline: a sign, then at most 8 bytes of digits and one '.' (fixed-point values
  // like -0.1104 or 1646.44, integers)
  const bool neg = *b == '-';
  const char* p = b + ((*b == '-') | (*b == '+'));
  const uint64_t len = static_cast<uint64_t>(e - p);
  uint64_t m;
  int nf;
  if (len - 1 < 8 && detail::short_decimal(p, len, &m, &nf)) {
    *out = detail::with_sign(quotient_to_float(m, nf), neg);
    return true;
  }
  return parse_decimal_rest(p, e, neg, out);
}

#else
inline bool parse_decimal_field(const char*, const char*, float*) {
  return false;  // big-endian: parse_number takes every field
}
#endif

}  // namespace nntrain::csv

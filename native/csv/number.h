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

constexpr uint64_t kPow10Int[8] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};
constexpr uint64_t kPow10Int15[16] = {1,
                                      10,
                                      100,
                                      1000,
                                      10000,
                                      100000,
                                      1000000,
                                      10000000,
                                      100000000,
                                      1000000000,
                                      10000000000,
                                      100000000000,
                                      1000000000000,
                                      10000000000000,
                                      100000000000000,
                                      1000000000000000};

// The non-digit bytes of t = 8 bytes ^ '0', as the high bit of each byte.
inline uint64_t nondigits(uint64_t t) {
  return (((t & 0x7f7f7f7f7f7f7f7full) + 0x7676767676767676ull) | t) & 0x8080808080808080ull;
}

// The value of k (0..15) digits at p (16 readable bytes from p).
inline uint64_t digits_at(const char* p, int k) {
  if (k == 0) return 0;
  if (k <= 8) return digits_value(load8(p) ^ 0x3030303030303030ull, k);
  return digits_value(load8(p) ^ 0x3030303030303030ull, 8) * kPow10Int[k - 8] +
         digits_value(load8(p + 8) ^ 0x3030303030303030ull, k - 8);
}

}  // namespace detail

// A field whose bounds are known, [b, e): a plain decimal of at most 15 digits (sign, digits, at
// most one '.'), converted exactly (m / 10^f with m < 2^53). False for anything else (the caller
// takes parse_number: exponents, long mantissas, errors). Needs 32 readable bytes from b.
inline bool parse_decimal_field(const char* b, const char* e, float* out) {
  // the common case first: a sign, then at most 8 bytes of digits and one '.' (fixed-point values
  // like -0.1104 or 1646.44, integers). Without a branch on where the point is: the bytes are
  // shifted to the top of the word (the bytes below become zeros, i.e. leading '0's), the point's
  // byte is found from the non-digit mask and squeezed out by moving the digits before it up one
  // byte, and the 8 bytes are converted at once.
  {
    const bool neg = *b == '-';
    const char* p = b + ((*b == '-') | (*b == '+'));
    const uint64_t len = static_cast<uint64_t>(e - p);
    if (len - 1 < 8) {
      uint64_t t = (detail::load8(p) ^ 0x3030303030303030ull) << (64 - 8 * len);
      const uint64_t nd = detail::nondigits(t);
      int nf = 0;
      bool ok = true;
      if (nd != 0) {
        // exactly one non-digit, the point ('.' ^ '0' == 0x1e), and at least one digit
        const int q = __builtin_ctzll(nd) >> 3;
        ok = (nd & (nd - 1)) == 0 && len >= 2 && ((t >> (8 * q)) & 0xff) == 0x1e;
        const uint64_t below = (uint64_t{1} << (8 * q)) - 1;
        t = ((t & below) << 8) | (t & ~below & ~(uint64_t{0xff} << (8 * q)));
        nf = 7 - q;
      }
      if (ok) {
        const float f = quotient_to_float(detail::digits_value(t, 8), nf);
        *out = neg ? -f : f;
        return true;
      }
    }
  }
  const bool neg = *b == '-';
  b += (*b == '-') | (*b == '+');
  const int64_t len = e - b;
  if (len <= 0 || len > 16) return false;
  const uint64_t t0 = detail::load8(b) ^ 0x3030303030303030ull;
  const uint64_t t1 = detail::load8(b + 8) ^ 0x3030303030303030ull;
  // non-digits within [b, e), low 8 bytes and high 8 bytes
  const uint64_t keep0 = len >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * len)) - 1;
  const uint64_t keep1 = len <= 8    ? 0
                         : len == 16 ? ~uint64_t{0}
                                     : (uint64_t{1} << (8 * (len - 8))) - 1;
  const uint64_t nd0 = detail::nondigits(t0) & keep0, nd1 = detail::nondigits(t1) & keep1;
  int ni, nf;
  if ((nd0 | nd1) == 0) {
    if (len > 15) return false;
    ni = static_cast<int>(len);
    nf = 0;
  } else {
    // exactly one non-digit, and it is the '.' ('.' ^ '0' == 0x1e)
    const int dot = nd0 != 0 ? __builtin_ctzll(nd0) >> 3 : 8 + (__builtin_ctzll(nd1) >> 3);
    if ((nd0 & (nd0 - 1)) != 0 || (nd0 != 0 && nd1 != 0) || (nd1 & (nd1 - 1)) != 0) return false;
    if (b[dot] != '.') return false;
    ni = dot;
    nf = static_cast<int>(len) - dot - 1;
    if (ni + nf == 0 || ni + nf > 15) return false;
  }
  const uint64_t m =
      detail::digits_at(b, ni) * detail::kPow10Int15[nf] + detail::digits_at(b + ni + 1, nf);
  const float f = nf != 0 ? quotient_to_float(m, nf) : static_cast<float>(static_cast<double>(m));
  *out = neg ? -f : f;
  return true;
}

#else
inline bool parse_decimal_field(const char*, const char*, float*) {
  return false;  // big-endian: parse_number takes every field
}
#endif

}  // namespace nntrain::csv

// The general number path (see number.h): fast_float's correctly rounded decimal -> double, limited
// to number.h's grammar, then the float32 rounding and its range check.
#include "number.h"

#include <cmath>
#include <system_error>

#include "../third_party/fast_float/fast_float.h"

namespace nntrain::csv {

const double kExactPow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

const double kInvPow10[23] = {1e0,   1e-1,  1e-2,  1e-3,  1e-4,  1e-5,  1e-6,  1e-7,
                              1e-8,  1e-9,  1e-10, 1e-11, 1e-12, 1e-13, 1e-14, 1e-15,
                              1e-16, 1e-17, 1e-18, 1e-19, 1e-20, 1e-21, 1e-22};

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
namespace {

using detail::digits_value;
using detail::load8;
using detail::nondigits;

constexpr uint64_t kPow10Int[16] = {1,
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

// The value of k (0..15) digits at p (16 readable bytes from p).
inline uint64_t digits_at(const char* p, int k) {
  if (k == 0) return 0;
  if (k <= 8) return digits_value(load8(p) ^ 0x3030303030303030ull, k);
  return digits_value(load8(p) ^ 0x3030303030303030ull, 8) * kPow10Int[k - 8] +
         digits_value(load8(p + 8) ^ 0x3030303030303030ull, k - 8);
}

// [p, p + len): 1..16 bytes of digits with at most one '.', at most 15 digits: m / 10^nf exactly.
bool long_decimal(const char* p, int64_t len, bool neg, float* out) {
  if (len <= 0 || len > 16) return false;
  const uint64_t t0 = load8(p) ^ 0x3030303030303030ull;
  const uint64_t t1 = load8(p + 8) ^ 0x3030303030303030ull;
  // non-digits within [p, p + len), low 8 bytes and high 8 bytes
  const uint64_t keep0 = len >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * len)) - 1;
  const uint64_t keep1 = len <= 8    ? 0
                         : len == 16 ? ~uint64_t{0}
                                     : (uint64_t{1} << (8 * (len - 8))) - 1;
  const uint64_t nd0 = nondigits(t0) & keep0, nd1 = nondigits(t1) & keep1;
  int ni, nf;
  if ((nd0 | nd1) == 0) {
    if (len > 15) return false;
    ni = static_cast<int>(len);
    nf = 0;
  } else {
    // exactly one non-digit, and it is the '.'
    const int dot = nd0 != 0 ? __builtin_ctzll(nd0) >> 3 : 8 + (__builtin_ctzll(nd1) >> 3);
    if ((nd0 & (nd0 - 1)) != 0 || (nd0 != 0 && nd1 != 0) || (nd1 & (nd1 - 1)) != 0) return false;
    if (p[dot] != '.') return false;
    ni = dot;
    nf = static_cast<int>(len) - dot - 1;
    if (ni + nf == 0 || ni + nf > 15) return false;
  }
  const uint64_t m = digits_at(p, ni) * kPow10Int[nf] + digits_at(p + ni + 1, nf);
  const float f = nf != 0 ? quotient_to_float(m, nf) : static_cast<float>(static_cast<double>(m));
  *out = detail::with_sign(f, neg);
  return true;
}

// [p, e): a short decimal (1..8 bytes, detail::short_decimal), 'e' or 'E', an optional sign and
// 1..8 digits, such as -1.234e-04 from a %e format. The value m * 10^(x - nf) is exact on Clinger's
// fast path: for |x - nf| <= 22, m < 10^8 and 10^|x - nf| are exact doubles, so one product or
// quotient_to_float gives the correctly rounded double, then float32 (never infinite: at most
// 10^8 * 10^22).
bool short_exponent(const char* p, const char* e, bool neg, float* out) {
  const int64_t len = e - p;
  // the first 'e' or 'E' among p[1..8] (a byte is 'e' after | 0x20 exactly when zero after ^ 'e')
  const uint64_t x = (load8(p + 1) | 0x2020202020202020ull) ^ 0x6565656565656565ull;
  const uint64_t zero =
      ~(((x & 0x7f7f7f7f7f7f7f7full) + 0x7f7f7f7f7f7f7f7full) | x) & 0x8080808080808080ull;
  if (zero == 0) return false;
  const int64_t ml = 1 + (__builtin_ctzll(zero) >> 3);
  if (ml >= len) return false;
  uint64_t m;
  int nf;
  if (!detail::short_decimal(p, static_cast<uint64_t>(ml), &m, &nf)) return false;
  const char* s = p + ml + 1;  // at most e: the byte after the field is readable
  const bool xneg = *s == '-';
  s += (*s == '-') | (*s == '+');
  const int64_t xl = e - s;
  if (xl < 1 || xl > 8) return false;
  const uint64_t xt = (load8(s) ^ 0x3030303030303030ull) << (64 - 8 * xl);
  if (nondigits(xt) != 0) return false;
  const int64_t xv = static_cast<int64_t>(digits_value(xt, 8));
  const int64_t k = (xneg ? -xv : xv) - nf;
  float f;
  if (k <= 0 && k >= -22) {
    f = quotient_to_float(m, static_cast<int>(-k));
  } else if (k > 0 && k <= 22) {
    f = static_cast<float>(static_cast<double>(m) * kExactPow10[k]);
  } else {
    return false;
  }
  *out = detail::with_sign(f, neg);
  return true;
}

}  // namespace

bool parse_decimal_rest(const char* p, const char* e, bool neg, float* out) {
  return short_exponent(p, e, neg, out) || long_decimal(p, e - p, neg, out);
}
#endif

NumberStatus parse_number(const char* b, const char* e, float* out) {
  if (b == e) return NumberStatus::kInvalid;
  // fast_float's general format is number.h's grammar once '+' is allowed and inf/nan are not
  constexpr fast_float::chars_format kFormat = fast_float::chars_format::general |
                                               fast_float::chars_format::allow_leading_plus |
                                               fast_float::chars_format::no_infnan;
  double v = 0;
  const fast_float::from_chars_result r =
      fast_float::from_chars_advanced(b, e, v, fast_float::parse_options(kFormat));
  if (r.ptr != e) return NumberStatus::kInvalid;
  if (r.ec == std::errc::result_out_of_range) {
    if (std::isinf(v)) return NumberStatus::kOutOfRange;
    v = *b == '-' ? -0.0 : 0.0;  // below the smallest double: Number() gives ±0
  } else if (r.ec != std::errc()) {
    return NumberStatus::kInvalid;
  }
  const float f = static_cast<float>(v);
  if (std::isinf(f)) return NumberStatus::kOutOfRange;
  *out = f;
  return NumberStatus::kOk;
}

}  // namespace nntrain::csv

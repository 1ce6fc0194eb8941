// The reference for the differential tests: the number parser as it was before fast_float, kept
// verbatim (grammar check, Clinger's fast path, else std::from_chars to a double, then the float32
// rounding and its range check). The production parser must give the same status and bits.
#include "number_ref.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <system_error>

namespace nntrain::csv::ref {

const double kRefExactPow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

const double kRefInvPow10[23] = {1e0,   1e-1,  1e-2,  1e-3,  1e-4,  1e-5,  1e-6,  1e-7,
                                 1e-8,  1e-9,  1e-10, 1e-11, 1e-12, 1e-13, 1e-14, 1e-15,
                                 1e-16, 1e-17, 1e-18, 1e-19, 1e-20, 1e-21, 1e-22};

namespace {

float quotient_to_float_ref(uint64_t m, int k) {
  const double v = static_cast<double>(m);
  const double d = v * kRefInvPow10[k];
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  const uint64_t low = bits & ((uint64_t{1} << 29) - 1);
  const bool near_midpoint = ((low - ((uint64_t{1} << 28) - 3)) & ((uint64_t{1} << 29) - 1)) <= 6;
  if (!near_midpoint && d >= 1.1754943508222875e-38) return static_cast<float>(d);
  return static_cast<float>(v / kRefExactPow10[k]);
}

inline bool is_digit(char c) {
  return static_cast<unsigned>(static_cast<unsigned char>(c)) - 48u < 10u;
}

// True when [b, e) matches the grammar of number.h. `magnitude` receives an estimate of the decimal
// exponent of the value's leading nonzero digit (used to tell overflow from underflow when
// from_chars reports out of range), or INT64_MIN when every mantissa digit is zero.
bool check_grammar(const char* b, const char* e, int64_t* magnitude) {
  const char* p = b;
  if (p < e && (*p == '+' || *p == '-')) p++;
  int64_t lead = INT64_MIN;  // position of the first nonzero digit relative to the decimal point
  int64_t int_digits = 0, frac_digits = 0;
  const char* digits = p;
  while (p < e && is_digit(*p)) {
    if (lead == INT64_MIN && *p != '0') lead = -(p - digits);  // fixed up below
    p++;
  }
  int_digits = p - digits;
  if (lead != INT64_MIN) lead += int_digits - 1;  // exponent of the first nonzero integer digit
  if (p < e && *p == '.') {
    const char* f = ++p;
    while (p < e && is_digit(*p)) {
      if (lead == INT64_MIN && *p != '0') lead = -(p - f) - 1;
      p++;
    }
    frac_digits = p - f;
  }
  if (int_digits + frac_digits == 0) return false;
  int64_t exponent = 0;
  if (p < e && (*p == 'e' || *p == 'E')) {
    p++;
    bool neg = false;
    if (p < e && (*p == '+' || *p == '-')) neg = *p++ == '-';
    if (p == e || !is_digit(*p)) return false;
    for (; p < e && is_digit(*p); p++) {
      if (exponent < 1'000'000'000) exponent = exponent * 10 + (*p - '0');  // saturates
    }
    if (neg) exponent = -exponent;
  }
  if (p != e) return false;
  *magnitude = lead == INT64_MIN ? INT64_MIN : lead + exponent;
  return true;
}

}  // namespace

// Clinger's fast path, exponents included: [+-]? digits [. digits] ([eE] [+-]? digits)? with at
// most 19 significant digits whose value m * 10^p is exact arithmetic (m <= 2^53, |p| <= 22): one
// correctly rounded multiplication or division, like Number(). False when the token needs
// std::from_chars (or is not a number at all: the grammar check decides).
bool parse_clinger_ref(const char* b, const char* e, float* out) {
  const char* p = b;
  const bool neg = p < e && *p == '-';
  if (p < e && (*p == '-' || *p == '+')) p++;
  uint64_t m = 0;
  int significant = 0, digits = 0, frac = 0;
  for (; p < e && is_digit(*p); p++, digits++) {
    if (m != 0 || *p != '0') {
      if (++significant > 19) return false;
      m = m * 10 + static_cast<uint64_t>(*p - '0');
    }
  }
  if (p < e && *p == '.') {
    for (p++; p < e && is_digit(*p); p++, digits++, frac++) {
      if (m != 0 || *p != '0') {
        if (++significant > 19) return false;
        m = m * 10 + static_cast<uint64_t>(*p - '0');
      }
    }
  }
  if (digits == 0) return false;
  int exponent = 0;
  if (p < e && (*p == 'e' || *p == 'E')) {
    p++;
    const bool eneg = p < e && *p == '-';
    if (p < e && (*p == '-' || *p == '+')) p++;
    if (p == e) return false;
    for (; p < e && is_digit(*p); p++) {
      if (exponent > 10000) return false;
      exponent = exponent * 10 + (*p - '0');
    }
    if (eneg) exponent = -exponent;
  }
  if (p != e || m > (uint64_t{1} << 53)) return false;
  const int power = exponent - frac;
  float f;
  if (m == 0 || power == 0) {
    f = static_cast<float>(static_cast<double>(m));
  } else if (power > 0 && power <= 22) {
    f = static_cast<float>(static_cast<double>(m) * kRefExactPow10[power]);
  } else if (power < 0 && power >= -22) {
    f = quotient_to_float_ref(m, -power);
  } else {
    return false;
  }
  *out = neg ? -f : f;
  return true;
}

NumberStatus parse_number_ref(const char* b, const char* e, float* out) {
  if (b == e) return NumberStatus::kInvalid;
  float fast;
  if (parse_clinger_ref(b, e, &fast)) {  // |value| < 2^53 * 10^22 < FLT_MAX: never out of range
    *out = fast;
    return NumberStatus::kOk;
  }
  int64_t magnitude = 0;
  if (!check_grammar(b, e, &magnitude)) return NumberStatus::kInvalid;
  const char* p = *b == '+' ? b + 1 : b;
  double v = 0;
  const std::from_chars_result r = std::from_chars(p, e, v, std::chars_format::general);
  if (r.ec == std::errc::result_out_of_range) {
    if (magnitude != INT64_MIN && magnitude > 0) return NumberStatus::kOutOfRange;  // >= 1e308
    v = *b == '-' ? -0.0 : 0.0;  // below the smallest double: Number() gives ±0
  } else if (r.ec != std::errc() || r.ptr != e) {
    return NumberStatus::kInvalid;  // cannot happen after check_grammar; kept as a guard
  }
  const float f = static_cast<float>(v);
  if (std::isinf(f)) return NumberStatus::kOutOfRange;
  *out = f;
  return NumberStatus::kOk;
}

}  // namespace nntrain::csv::ref

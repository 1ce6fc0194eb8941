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

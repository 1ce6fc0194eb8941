// The number parser before fast_float (number_ref.cc), the reference of the differential tests.
#pragma once

#include "csv/number.h"

namespace nntrain::csv::ref {

// Math.fround(Number(token)) on number.h's grammar: Clinger's fast path, else std::from_chars.
NumberStatus parse_number_ref(const char* b, const char* e, float* out);

}  // namespace nntrain::csv::ref

// The bits of a float: tests compare parsed values bit for bit (-0, NaN payloads).
#pragma once

#include <cstdint>
#include <cstring>

namespace nntrain::csv {

inline uint32_t bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

}  // namespace nntrain::csv

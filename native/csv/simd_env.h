// NNTRAIN_CSV_SIMD, read at load by the CSV code that picks vector instructions from the CPU's
// features: "portable" takes the per-field number paths and "avx2" the AVX2 ones of a CPU without
// AVX-512 (both also cap find.cc's windows at AVX2), so tests and timings on an AVX-512 machine
// cover what other CPUs run. Anything else (or unset): the best the CPU has.
#pragma once

#include <cstdlib>
#include <cstring>

namespace nntrain::csv {

enum class SimdCap { kBest, kAvx2, kPortable };

inline SimdCap simd_cap() {
  const char* v = std::getenv("NNTRAIN_CSV_SIMD");
  if (v == nullptr) return SimdCap::kBest;
  if (std::strcmp(v, "portable") == 0) return SimdCap::kPortable;
  if (std::strcmp(v, "avx2") == 0) return SimdCap::kAvx2;
  return SimdCap::kBest;
}

}  // namespace nntrain::csv

// Denormal floats in the training step: flushed to zero (FTZ) and read as zero (DAZ) while a plan
// runs, as TensorFlow's CPU thread pools do. Adam's first moment of a weight whose gradient stays
// zero (an input pixel that is always 0) decays by beta1 every step into the denormal range, and on
// Intel cores every SIMD operation on a denormal takes a microcode assist: the optimizer pass and
// GEMMs over such values slowed a 784-1024-1024-10 step on Fashion-MNIST from 9 to 16 ms within two
// epochs. The pool's workers take the calling thread's mode for each loop (pool.cc), so results
// stay independent of the thread count.
#pragma once

#include <cstdint>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace nntrain {

#if defined(__x86_64__)
constexpr uint32_t kMxcsrFlushDenormals = 0x8040;  // FTZ (bit 15) | DAZ (bit 6)

inline uint32_t fp_mode() {
  return _mm_getcsr();
}
inline void set_fp_mode(uint32_t mode) {
  if (_mm_getcsr() != mode) _mm_setcsr(mode);
}
#else
inline uint32_t fp_mode() {
  return 0;
}
inline void set_fp_mode(uint32_t) {}
#endif

// Flushes denormals on this thread for the guard's lifetime, then restores the previous mode (the
// calling thread may be a libuv worker that other addons share).
class FlushDenormals {
 public:
#if defined(__x86_64__)
  FlushDenormals() : saved_(_mm_getcsr()) {
    set_fp_mode(saved_ | kMxcsrFlushDenormals);
  }
  ~FlushDenormals() {
    set_fp_mode(saved_);
  }
#else
  FlushDenormals() : saved_(0) {}
#endif
  FlushDenormals(const FlushDenormals&) = delete;
  FlushDenormals& operator=(const FlushDenormals&) = delete;

 private:
  uint32_t saved_;
};

}  // namespace nntrain

// xoshiro128** seeded through splitmix32: bit for bit the generator of src/util/rng.ts, so dropout
// masks and noise drawn by the js and native backends for the same (seed, step) are the same
// numbers.
#pragma once

#include <cmath>
#include <cstdint>

namespace nntrain {

// Murmur3's 32-bit finalizer: a bijective mix of a uint32.
inline uint32_t fmix32(uint32_t h) {
  h = (h ^ (h >> 16)) * 0x85ebca6bu;
  h = (h ^ (h >> 13)) * 0xc2b2ae35u;
  return h ^ (h >> 16);
}

// The seed of the generator for training step `step` of a run seeded with `seed`.
inline uint32_t step_seed(uint32_t seed, uint32_t step) {
  return seed ^ fmix32(step);
}

class Rng {
 public:
  explicit Rng(uint32_t seed) { reseed(seed); }

  // The four state words are fmix32(seed + k * 0x9e3779b9) for k = 1..4.
  void reseed(uint32_t seed) {
    uint32_t x = seed;
    x += 0x9e3779b9u;
    s0_ = fmix32(x);
    x += 0x9e3779b9u;
    s1_ = fmix32(x);
    x += 0x9e3779b9u;
    s2_ = fmix32(x);
    x += 0x9e3779b9u;
    s3_ = fmix32(x);
    if ((s0_ | s1_ | s2_ | s3_) == 0) s0_ = 1;  // the all-zero state is a fixed point
  }

  uint32_t next_uint32() {
    const uint32_t result = rotl(s1_ * 5u, 7) * 9u;
    const uint32_t t = s1_ << 9;
    s2_ ^= s0_;
    s3_ ^= s1_;
    s1_ ^= s2_;
    s0_ ^= s3_;
    s2_ ^= t;
    s3_ = rotl(s3_, 11);
    return result;
  }

  // Uniform in [0, 1) with 24 bits: exactly representable in float32.
  double uniform() { return static_cast<double>(next_uint32() >> 8) * kTwoPowM24; }

  // Standard normal by Box-Muller, one output per call, in double precision like the JS twin.
  double normal() {
    const double u1 = (static_cast<double>(next_uint32() >> 8) + 1.0) * kTwoPowM24;  // (0, 1]
    const double u2 = static_cast<double>(next_uint32() >> 8) * kTwoPowM24;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
  }

 private:
  static constexpr double kTwoPowM24 = 1.0 / 16777216.0;
  static constexpr double kPi = 3.141592653589793;  // Math.PI
  static uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

  uint32_t s0_ = 0, s1_ = 0, s2_ = 0, s3_ = 0;
};

// The generator for training step `step` (seed and step taken mod 2^32, like `>>> 0` in JS).
inline Rng step_rng(uint32_t seed, uint32_t step) {
  return Rng(step_seed(seed, step));
}

}  // namespace nntrain

// The SIMD versions of the 64-byte separator and digit windows (native/csv/find.h) against the
// portable references, on random bytes biased to what CSV holds (digits, delimiters, newlines,
// quotes, points, signs) and on bytes with the high bit set.
#include "csv/find.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <random>

namespace nntrain::csv {

TEST_CASE("every window variant gives the reference's separators and digit runs") {
  const auto variants = window_variants();
#if defined(__x86_64__)
  REQUIRE(!variants.empty());  // SSE2 at least, on every x86-64 CPU
#endif
  std::mt19937_64 rng(64);
  const char alphabet[] = "0123456789012345678901234567890123456789,,,;\n\n\".-+e \t\r\x80\xff";
  alignas(64) char buf[4 + 64 + 64];
  for (int i = 0; i < 20000; i++) {
    for (char& c : buf) c = alphabet[rng() % (sizeof alphabet - 1)];
    const char* p = buf + 4 + static_cast<int>(rng() % 60);  // any alignment; p[-3] readable
    const char delimiter = i % 3 == 0 ? ';' : ',';
    DigitWindow want, got;
    const uint64_t want_mask = separator_digits_ref(p, delimiter, &want);
    REQUIRE(separator_mask_ref(p, delimiter) == want_mask);
    for (const WindowVariant& v : variants) {
      INFO("variant ", v.name, ", case ", i);
      std::memset(&got, 0xa5, sizeof got);
      REQUIRE(v.mask(p, delimiter) == want_mask);
      REQUIRE(v.digits(p, delimiter, &got) == want_mask);
      REQUIRE(std::memcmp(got.run, want.run, sizeof want.run) == 0);
      REQUIRE(std::memcmp(got.lo, want.lo, sizeof want.lo) == 0);
      REQUIRE(std::memcmp(got.hi, want.hi, sizeof want.hi) == 0);
    }
  }
  // the dispatched functions are one of the variants
  const char* p = buf + 4;
  DigitWindow a, b;
  CHECK(separator_digits(p, ',', &a) == separator_digits_ref(p, ',', &b));
  CHECK(std::memcmp(a.run, b.run, sizeof a.run) == 0);
}

}  // namespace nntrain::csv

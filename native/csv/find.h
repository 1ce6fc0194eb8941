// Byte searches for the structure scan: the next quote or newline. The row-boundary pass runs at
// memory speed because numeric CSV has one newline per row and no quotes, so nearly every byte is
// skipped 16 or 32 at a time. ISA code is chosen once at load (AVX2 where the CPU has it, SSE2 on
// any x86-64, a portable loop elsewhere), like the GEMM dispatch.
#pragma once

#include <cstdint>
#include <vector>

namespace nntrain::csv {

// The first '"' or '\n' in [p, e), or e.
const char* find_quote_or_newline(const char* p, const char* e);

// The portable reference (tests compare the SIMD versions with it).
const char* find_quote_or_newline_ref(const char* p, const char* e);

// Bit i set when p[i] (i < 64) is the delimiter, '\n' or '"': the field boundaries of 64 bytes in
// one step. Reads p[0..63].
uint64_t separator_mask(const char* p, char delimiter);
uint64_t separator_mask_ref(const char* p, char delimiter);

// The separator mask of 64 bytes at p and, per byte i, what a short integer ending there would be:
// the count of consecutive digits ending at i (capped at 4), and its value as lo[i] + 100 * hi[i]
// (lo: the last two digits, hi: the two before; digits outside the run count as 0). A field [b, e)
// of 1..4 bytes after a separator is a plain integer exactly when run[e - 1 - p] == e - b. Reads
// p[-3..63].
struct DigitWindow {
  uint8_t run[64];
  uint8_t lo[64];
  uint8_t hi[64];
};
uint64_t separator_digits(const char* p, char delimiter, DigitWindow* w);
uint64_t separator_digits_ref(const char* p, char delimiter, DigitWindow* w);

// Which variant find_quote_or_newline uses: "avx2", "sse2" or "scalar".
const char* find_variant();

// Every SIMD version of the two window functions this CPU can run (the tests compare each with the
// _ref functions); separator_mask and separator_digits use the last one. Empty off x86-64.
struct WindowVariant {
  const char* name;
  uint64_t (*mask)(const char* p, char delimiter);
  uint64_t (*digits)(const char* p, char delimiter, DigitWindow* w);
};
std::vector<WindowVariant> window_variants();

}  // namespace nntrain::csv

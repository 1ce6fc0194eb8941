// find_quote_or_newline: scalar reference, SSE2 (baseline x86-64) and AVX2 (target attribute,
// chosen at load from the CPU's features) versions of one search; the 64-byte separator and digit
// windows also in AVX-512BW (one compare per window into a mask register).
#include "find.h"

#include <cstdint>
#include <vector>

#include "simd_env.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define NNTRAIN_CSV_X86 1
#endif

namespace nntrain::csv {

const char* find_quote_or_newline_ref(const char* p, const char* e) {
  for (; p < e; p++) {
    if (*p == '"' || *p == '\n') return p;
  }
  return e;
}

uint64_t separator_mask_ref(const char* p, char delimiter) {
  uint64_t mask = 0;
  for (int i = 0; i < 64; i++) {
    const char c = p[i];
    if (c == delimiter || c == '\n' || c == '"') mask |= uint64_t{1} << i;
  }
  return mask;
}

uint64_t separator_digits_ref(const char* p, char delimiter, DigitWindow* w) {
  for (int i = 0; i < 64; i++) {
    int d[4];
    int run = 0;
    for (int k = 0; k < 4; k++) {
      const int v = static_cast<unsigned char>(p[i - k]) - '0';
      const bool digit = v >= 0 && v <= 9 && run == k;
      d[k] = digit ? v : 0;
      run += digit ? 1 : 0;
    }
    w->run[i] = static_cast<uint8_t>(run);
    w->lo[i] = static_cast<uint8_t>(d[0] + 10 * d[1]);
    w->hi[i] = static_cast<uint8_t>(d[2] + 10 * d[3]);
  }
  return separator_mask_ref(p, delimiter);
}

#if NNTRAIN_CSV_X86
namespace {

uint64_t separator_mask_sse2(const char* p, char delimiter);

// 10x for bytes x <= 9: 8x + 2x by byte adds.
__attribute__((target("avx2"))) inline __m256i times10_avx2(__m256i x) {
  const __m256i x2 = _mm256_add_epi8(x, x);
  const __m256i x4 = _mm256_add_epi8(x2, x2);
  return _mm256_add_epi8(_mm256_add_epi8(x4, x4), x2);
}

inline __m128i times10_sse2(__m128i x) {
  const __m128i x2 = _mm_add_epi8(x, x);
  const __m128i x4 = _mm_add_epi8(x2, x2);
  return _mm_add_epi8(_mm_add_epi8(x4, x4), x2);
}

// One 32-byte half of separator_digits: digits d_k of the bytes k = 0..3 back, masked to the run
// that ends at each byte (c_k: bytes 0..k back are all digits), then run = sum of the c_k and the
// two-digit halves by byte adds (10x = 8x + 2x; every intermediate stays below 256).
__attribute__((target("avx2"))) inline void digits_half_avx2(const char* p, uint8_t* run,
                                                             uint8_t* lo, uint8_t* hi) {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i nine = _mm256_set1_epi8(9);
  const __m256i one = _mm256_set1_epi8(1);
  const __m256i ascii0 = _mm256_set1_epi8('0');
  __m256i d[4], c[4];
  for (int k = 0; k < 4; k++) {
    d[k] = _mm256_sub_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p - k)), ascii0);
    const __m256i digit = _mm256_cmpeq_epi8(_mm256_min_epu8(d[k], nine), d[k]);
    c[k] = k == 0 ? digit : _mm256_and_si256(c[k - 1], digit);
    d[k] = _mm256_and_si256(d[k], c[k]);
  }
  __m256i r = zero;
  for (int k = 0; k < 4; k++) r = _mm256_add_epi8(r, _mm256_and_si256(c[k], one));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(run), r);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(lo), _mm256_add_epi8(d[0], times10_avx2(d[1])));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(hi), _mm256_add_epi8(d[2], times10_avx2(d[3])));
}

__attribute__((target("avx2"))) uint64_t separator_mask_avx2(const char* p, char delimiter);

__attribute__((target("avx2"))) uint64_t separator_digits_avx2(const char* p, char delimiter,
                                                               DigitWindow* w) {
  digits_half_avx2(p, w->run, w->lo, w->hi);
  digits_half_avx2(p + 32, w->run + 32, w->lo + 32, w->hi + 32);
  return separator_mask_avx2(p, delimiter);
}

uint64_t separator_digits_sse2(const char* p, char delimiter, DigitWindow* w) {
  const __m128i nine = _mm_set1_epi8(9);
  const __m128i one = _mm_set1_epi8(1);
  const __m128i ascii0 = _mm_set1_epi8('0');
  for (int q = 0; q < 64; q += 16) {
    __m128i d[4], c[4];
    for (int k = 0; k < 4; k++) {
      d[k] = _mm_sub_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + q - k)), ascii0);
      const __m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(d[k], nine), d[k]);
      c[k] = k == 0 ? digit : _mm_and_si128(c[k - 1], digit);
      d[k] = _mm_and_si128(d[k], c[k]);
    }
    __m128i r = _mm_setzero_si128();
    for (int k = 0; k < 4; k++) r = _mm_add_epi8(r, _mm_and_si128(c[k], one));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w->run + q), r);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w->lo + q), _mm_add_epi8(d[0], times10_sse2(d[1])));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w->hi + q), _mm_add_epi8(d[2], times10_sse2(d[3])));
  }
  return separator_mask_sse2(p, delimiter);
}

uint64_t separator_mask_sse2(const char* p, char delimiter) {
  const __m128i d = _mm_set1_epi8(delimiter);
  const __m128i nl = _mm_set1_epi8('\n');
  const __m128i quote = _mm_set1_epi8('"');
  uint64_t mask = 0;
  for (int i = 0; i < 4; i++) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, nl)),
                                     _mm_cmpeq_epi8(v, quote));
    mask |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(hit))) << (16 * i);
  }
  return mask;
}

__attribute__((target("avx2"))) uint64_t separator_mask_avx2(const char* p, char delimiter) {
  const __m256i d = _mm256_set1_epi8(delimiter);
  const __m256i nl = _mm256_set1_epi8('\n');
  const __m256i quote = _mm256_set1_epi8('"');
  const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
  const __m256i ha =
      _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(a, d), _mm256_cmpeq_epi8(a, nl)),
                      _mm256_cmpeq_epi8(a, quote));
  const __m256i hb =
      _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(b, d), _mm256_cmpeq_epi8(b, nl)),
                      _mm256_cmpeq_epi8(b, quote));
  return static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(ha))) |
         (static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(hb))) << 32);
}

// separator_mask and separator_digits with AVX-512BW: compares straight into 64-bit masks, and the
// digit runs as masked byte adds.
__attribute__((target("avx512f,avx512bw"))) uint64_t separator_mask_avx512(const char* p,
                                                                           char delimiter) {
  const __m512i v = _mm512_loadu_si512(p);
  return _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(delimiter)) |
         _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\n')) |
         _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"'));
}

__attribute__((target("avx512f,avx512bw"))) inline __m512i times10_avx512(__m512i x) {
  const __m512i x2 = _mm512_add_epi8(x, x);
  const __m512i x4 = _mm512_add_epi8(x2, x2);
  return _mm512_add_epi8(_mm512_add_epi8(x4, x4), x2);
}

__attribute__((target("avx512f,avx512bw"))) uint64_t separator_digits_avx512(const char* p,
                                                                             char delimiter,
                                                                             DigitWindow* w) {
  const __m512i nine = _mm512_set1_epi8(9);
  const __m512i one = _mm512_set1_epi8(1);
  const __m512i ascii0 = _mm512_set1_epi8('0');
  __m512i d[4];
  __m512i run = _mm512_setzero_si512();
  __mmask64 c = ~__mmask64{0};  // bytes 0..k back are all digits
  for (int k = 0; k < 4; k++) {
    const __m512i x = _mm512_sub_epi8(_mm512_loadu_si512(p - k), ascii0);
    c &= _mm512_cmple_epu8_mask(x, nine);
    d[k] = _mm512_maskz_mov_epi8(c, x);
    run = _mm512_mask_add_epi8(run, c, run, one);
  }
  _mm512_storeu_si512(w->run, run);
  _mm512_storeu_si512(w->lo, _mm512_add_epi8(d[0], times10_avx512(d[1])));
  _mm512_storeu_si512(w->hi, _mm512_add_epi8(d[2], times10_avx512(d[3])));
  return separator_mask_avx512(p, delimiter);
}

const char* find_sse2(const char* p, const char* e) {
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i nl = _mm_set1_epi8('\n');
  for (; e - p >= 16; p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const int mask =
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, nl)));
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
  }
  return find_quote_or_newline_ref(p, e);
}

__attribute__((target("avx2"))) const char* find_avx2(const char* p, const char* e) {
  const __m256i quote = _mm256_set1_epi8('"');
  const __m256i nl = _mm256_set1_epi8('\n');
  for (; e - p >= 64; p += 64) {  // two vectors per iteration: one branch per 64 bytes
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
    const __m256i ha = _mm256_or_si256(_mm256_cmpeq_epi8(a, quote), _mm256_cmpeq_epi8(a, nl));
    const __m256i hb = _mm256_or_si256(_mm256_cmpeq_epi8(b, quote), _mm256_cmpeq_epi8(b, nl));
    if (!_mm256_testz_si256(_mm256_or_si256(ha, hb), _mm256_or_si256(ha, hb))) {
      const unsigned lo = static_cast<unsigned>(_mm256_movemask_epi8(ha));
      if (lo != 0) return p + __builtin_ctz(lo);
      return p + 32 + __builtin_ctz(static_cast<unsigned>(_mm256_movemask_epi8(hb)));
    }
  }
  return find_sse2(p, e);
}

using FindFn = const char* (*)(const char*, const char*);
using MaskFn = uint64_t (*)(const char*, char);
using DigitsFn = uint64_t (*)(const char*, char, DigitWindow*);

bool init_cpu() {
  __builtin_cpu_init();
  return true;
}

const bool kCpu = init_cpu();
const bool kAvx2 = kCpu && __builtin_cpu_supports("avx2");
const bool kAvx512 =
    kCpu && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
const FindFn kFind = kAvx2 ? find_avx2 : find_sse2;
// NNTRAIN_CSV_SIMD=avx2 or portable: the windows of a CPU without AVX-512
const bool kAvx512Windows = kAvx512 && simd_cap() == SimdCap::kBest;
const MaskFn kMask = kAvx512Windows ? separator_mask_avx512
                     : kAvx2        ? separator_mask_avx2
                                    : separator_mask_sse2;
const DigitsFn kDigits = kAvx512Windows ? separator_digits_avx512
                         : kAvx2        ? separator_digits_avx2
                                        : separator_digits_sse2;

}  // namespace

std::vector<WindowVariant> window_variants() {
  std::vector<WindowVariant> v{{"sse2", separator_mask_sse2, separator_digits_sse2}};
  if (kAvx2) v.push_back({"avx2", separator_mask_avx2, separator_digits_avx2});
  if (kAvx512) v.push_back({"avx512", separator_mask_avx512, separator_digits_avx512});
  return v;
}

const char* find_quote_or_newline(const char* p, const char* e) {
  return kFind(p, e);
}

uint64_t separator_mask(const char* p, char delimiter) {
  return kMask(p, delimiter);
}

uint64_t separator_digits(const char* p, char delimiter, DigitWindow* w) {
  return kDigits(p, delimiter, w);
}

const char* find_variant() {
  return kFind == find_avx2 ? "avx2" : "sse2";
}

#else

const char* find_quote_or_newline(const char* p, const char* e) {
  return find_quote_or_newline_ref(p, e);
}

uint64_t separator_mask(const char* p, char delimiter) {
  return separator_mask_ref(p, delimiter);
}

uint64_t separator_digits(const char* p, char delimiter, DigitWindow* w) {
  return separator_digits_ref(p, delimiter, w);
}

const char* find_variant() {
  return "scalar";
}

std::vector<WindowVariant> window_variants() {
  return {};
}

#endif

}  // namespace nntrain::csv

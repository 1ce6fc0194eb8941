// short_decimals8 (see convert.h): the scalar reference and the AVX-512 version, chosen at load.
#include "convert.h"

#include <cstring>

#include "number.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define NNTRAIN_CONVERT_X86 1
#endif

namespace nntrain::csv {

bool short_ints64_ref(const char* base, uint64_t take, const char* p, char delimiter, float* out) {
  float values[32];  // at most 32 non-empty fields end in 64 bytes
  int n = 0;
  for (uint64_t t = take; t != 0; t &= t - 1) {
    const char* sep = base + __builtin_ctzll(t);
    if (*sep != delimiter || sep - p < 1 || sep - p > 4 || n == 32) return false;
    int v = 0;
    for (const char* q = p; q < sep; q++) {
      if (*q < '0' || *q > '9') return false;
      v = 10 * v + (*q - '0');
    }
    values[n++] = static_cast<float>(v);
    p = sep + 1;
  }
  for (int k = 0; k < n; k++) out[k] = values[k];
  return true;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__

uint32_t short_decimals8_ref(const uint64_t* word, const char* const* start, int n, float* out) {
  uint32_t done = 0;
  for (int k = 0; k < n; k++) {
    uint64_t w = word[k];
    int64_t len = start[k + 1] - start[k] - 1;
    const char c = static_cast<char>(w & 0xff);
    const bool neg = c == '-';
    if (neg || c == '+') {
      w >>= 8;
      len--;
    }
    if (len < 1 || len > 8) continue;
    char bytes[8];  // short_decimal reads 8 bytes
    std::memcpy(bytes, &w, sizeof bytes);
    uint64_t m;
    int nf;
    if (!detail::short_decimal(bytes, static_cast<uint64_t>(len), &m, &nf)) continue;
    out[k] = detail::with_sign(quotient_to_float(m, nf), neg);
    done |= 1u << k;
  }
  return done;
}

#if NNTRAIN_CONVERT_X86
namespace {

// detail::short_decimal on eight 64-bit lanes. The digits are summed with byte and word
// multiply-adds (10, 1), (100, 1) and one 32-bit product, the point's byte found with a
// leading-zero count; m / 10^nf as in quotient_to_float: a product by the rounded reciprocal,
// divided instead where it lands near a float32 midpoint (m >= 1 and nf <= 7 keep the value above
// FLT_MIN). The all-ones zero-masking forms stand in for plain intrinsics whose undefined
// pass-through operand GCC 12 flags as -Wmaybe-uninitialized (a false positive, GCC bug 105593).
__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512cd"))) uint32_t
short_decimals8_avx512(const uint64_t* word, const char* const* start, int n, float* out) {
  const __mmask8 lanes = static_cast<__mmask8>((1u << n) - 1);
  const __m512i one = _mm512_set1_epi64(1);
  __m512i w = _mm512_maskz_loadu_epi64(lanes, word);
  const __m512i s0 = _mm512_maskz_loadu_epi64(lanes, start);
  const __m512i s1 = _mm512_maskz_loadu_epi64(lanes, start + 1);
  __m512i len = _mm512_sub_epi64(_mm512_sub_epi64(s1, s0), one);
  // an optional sign: dropped from the word and the length
  const __m512i first = _mm512_and_si512(w, _mm512_set1_epi64(0xff));
  const __mmask8 neg = _mm512_cmpeq_epi64_mask(first, _mm512_set1_epi64('-'));
  const __mmask8 sgn = neg | _mm512_cmpeq_epi64_mask(first, _mm512_set1_epi64('+'));
  w = _mm512_mask_srli_epi64(w, sgn, w, 8);
  len = _mm512_mask_sub_epi64(len, sgn, len, one);
  const __mmask8 len_ok =
      _mm512_cmple_epu64_mask(_mm512_sub_epi64(len, one), _mm512_set1_epi64(7)) & lanes;
  // the value's bytes at the top of the lane, '0' as 0 (shift counts of 64 or more give 0)
  const __m512i shift =
      _mm512_sub_epi64(_mm512_set1_epi64(64), _mm512_maskz_slli_epi64(0xff, len, 3));
  const __m512i t = _mm512_maskz_sllv_epi64(
      0xff, _mm512_xor_si512(w, _mm512_set1_epi64(0x3030303030303030ll)), shift);
  const __m512i nd = _mm512_and_si512(
      _mm512_or_si512(_mm512_add_epi64(_mm512_and_si512(t, _mm512_set1_epi64(0x7f7f7f7f7f7f7f7fll)),
                                       _mm512_set1_epi64(0x7676767676767676ll)),
                      t),
      _mm512_set1_epi64(static_cast<int64_t>(0x8080808080808080ull)));
  const __mmask8 point = _mm512_test_epi64_mask(nd, nd);
  const __mmask8 single = _mm512_testn_epi64_mask(nd, _mm512_sub_epi64(nd, one));
  // 8q: the point's byte (7 without one)
  const __m512i top = _mm512_set1_epi64(static_cast<int64_t>(uint64_t{1} << 63));
  const __m512i bitpos = _mm512_sub_epi64(
      _mm512_set1_epi64(63), _mm512_maskz_lzcnt_epi64(0xff, _mm512_mask_mov_epi64(top, point, nd)));
  const __m512i q8 = _mm512_maskz_andnot_epi64(0xff, _mm512_set1_epi64(7), bitpos);
  const __m512i at =
      _mm512_and_si512(_mm512_maskz_srlv_epi64(0xff, t, q8), _mm512_set1_epi64(0xff));
  const __mmask8 dot = _mm512_cmpeq_epi64_mask(at, _mm512_set1_epi64(0x1e)) &
                       _mm512_cmpge_epu64_mask(len, _mm512_set1_epi64(2));
  const __mmask8 ok = len_ok & single & static_cast<__mmask8>(~point | dot);
  // the point squeezed out: the digits below it move up one byte
  const __m512i below = _mm512_sub_epi64(_mm512_maskz_sllv_epi64(0xff, one, q8), one);
  const __m512i byte = _mm512_maskz_sllv_epi64(0xff, _mm512_set1_epi64(0xff), q8);
  const __m512i u =
      _mm512_mask_or_epi64(t, point, _mm512_maskz_slli_epi64(0xff, _mm512_and_si512(t, below), 8),
                           _mm512_maskz_andnot_epi64(0xff, _mm512_or_si512(below, byte), t));
  // 8 digits, most significant in the low byte: pairs, quads, then the two halves
  const __m512i pairs = _mm512_maskz_maddubs_epi16(~__mmask32{0}, u, _mm512_set1_epi16(0x010a));
  const __m512i quads = _mm512_maskz_madd_epi16(0xffff, pairs, _mm512_set1_epi32(0x00010064));
  const __m512i m = _mm512_add_epi64(_mm512_maskz_mul_epu32(0xff, quads, _mm512_set1_epi64(10000)),
                                     _mm512_maskz_srli_epi64(0xff, quads, 32));
  const __m512i nf =
      _mm512_maskz_sub_epi64(point, _mm512_set1_epi64(7), _mm512_maskz_srli_epi64(0xff, q8, 3));
  const __m512d d = _mm512_maskz_cvtepi64_pd(0xff, m);
  __m512d r = _mm512_mul_pd(d, _mm512_maskz_permutexvar_pd(0xff, nf, _mm512_loadu_pd(kInvPow10)));
  const __m512i low = _mm512_and_si512(_mm512_castpd_si512(r), _mm512_set1_epi64((1 << 29) - 1));
  const __mmask8 near =
      _mm512_cmple_epu64_mask(
          _mm512_and_si512(_mm512_sub_epi64(low, _mm512_set1_epi64((1 << 28) - 3)),
                           _mm512_set1_epi64((1 << 29) - 1)),
          _mm512_set1_epi64(6)) &
      ok;
  if (near != 0) {
    r = _mm512_mask_div_pd(r, near, d,
                           _mm512_maskz_permutexvar_pd(0xff, nf, _mm512_loadu_pd(kExactPow10)));
  }
  __m256i f = _mm256_castps_si256(_mm512_maskz_cvtpd_ps(0xff, r));
  f = _mm256_mask_xor_epi32(f, neg, f, _mm256_set1_epi32(static_cast<int32_t>(0x80000000u)));
  _mm256_mask_storeu_ps(out, ok, _mm256_castsi256_ps(f));
  return ok;
}

// 10x for bytes x <= 9 (8x + 2x by byte adds).
__attribute__((target("avx512f,avx512bw"))) inline __m512i times10(__m512i x) {
  const __m512i x2 = _mm512_add_epi8(x, x);
  const __m512i x4 = _mm512_add_epi8(x2, x2);
  return _mm512_add_epi8(_mm512_add_epi8(x4, x4), x2);
}

// The first min(n, 16) values lo[i] + 100 hi[i] (bytes 0..15 of each) as floats to out.
__attribute__((target("avx512f,avx512bw"))) inline void store_ints16(__m512i lo, __m512i hi, int n,
                                                                     float* out) {
  const __m512i l = _mm512_maskz_cvtepu8_epi32(0xffff, _mm512_maskz_extracti32x4_epi32(0xf, lo, 0));
  const __m512i h = _mm512_maskz_cvtepu8_epi32(0xffff, _mm512_maskz_extracti32x4_epi32(0xf, hi, 0));
  const __m512 f = _mm512_maskz_cvtepi32_ps(
      0xffff, _mm512_add_epi32(l, _mm512_maskz_mullo_epi32(0xffff, h, _mm512_set1_epi32(100))));
  _mm512_mask_storeu_ps(out, n >= 16 ? 0xffff : static_cast<__mmask16>((1u << n) - 1), f);
}

// short_ints64: one pass over the window's bytes decides whether every taken field is 1..4 digits
// (every byte from p to the last taken separator a digit or a taken separator, each separator after
// a digit, no 5 digits in a row, the first field 1..4 digits from p); the values are the digit runs
// ending before each separator (as find.h's DigitWindow, shifted one byte), compressed in field
// order (vpcompressb) and widened to floats 16 at a time.
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi2,popcnt"))) bool short_ints64_avx512(
    const char* base, uint64_t take, const char* p, char delimiter, float* out) {
  const __m512i ascii0 = _mm512_set1_epi8('0');
  const __m512i nine = _mm512_set1_epi8(9);
  const __m512i v = _mm512_loadu_si512(base);
  const uint64_t digit = _mm512_cmple_epu8_mask(_mm512_sub_epi8(v, ascii0), nine);
  const uint64_t delim = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(delimiter));
  const int first = __builtin_ctzll(take);
  const int last = 63 - __builtin_clzll(take);
  const int64_t len0 = base + first - p;
  if ((take & ~delim) != 0 || len0 < 1 || len0 > 4) return false;
  const int64_t from = p - base;  // -3..63
  const uint64_t range = (from > 0 ? ~uint64_t{0} << from : ~uint64_t{0}) &
                         (last == 63 ? ~uint64_t{0} : (uint64_t{1} << (last + 1)) - 1);
  const uint64_t after_digit = digit << 1 | (static_cast<unsigned char>(base[-1] - '0') <= 9);
  const uint64_t d = digit & range;
  if ((range & ~(digit | take)) != 0 || (take & ~after_digit) != 0 ||
      (d & d << 1 & d << 2 & d << 3 & d << 4) != 0) {
    return false;
  }
  // digits 1..4 bytes before each position: lo = the last two, hi = the two before; run[k]: the
  // k + 1 bytes before are digits
  __m512i dk[4];
  __mmask64 run[4];
  __mmask64 c = ~__mmask64{0};
  for (int k = 0; k < 4; k++) {
    const __m512i x = _mm512_sub_epi8(_mm512_loadu_si512(base - 1 - k), ascii0);
    c &= _mm512_cmple_epu8_mask(x, nine);
    run[k] = c;
    dk[k] = _mm512_maskz_mov_epi8(c, x);
  }
  // the first field may begin in the window before: all of its bytes digits
  if ((run[len0 - 1] >> first & 1) == 0) return false;
  const __m512i lo = _mm512_add_epi8(dk[0], times10(dk[1]));
  const __m512i hi = _mm512_add_epi8(dk[2], times10(dk[3]));
  const __m512i lo_c = _mm512_maskz_compress_epi8(take, lo);
  const __m512i hi_c = _mm512_maskz_compress_epi8(take, hi);
  const int n = __builtin_popcountll(take);
  store_ints16(lo_c, hi_c, n, out);
  if (n > 16) {
    store_ints16(_mm512_maskz_shuffle_i32x4(0xffff, lo_c, lo_c, 1),
                 _mm512_maskz_shuffle_i32x4(0xffff, hi_c, hi_c, 1), n - 16, out + 16);
  }
  return true;
}

bool init_cpu() {
  __builtin_cpu_init();
  return true;
}

const bool kAvx512 = init_cpu() && __builtin_cpu_supports("avx512f") &&
                     __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
                     __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512cd");

const bool kVbmi2 =
    kAvx512 && __builtin_cpu_supports("avx512vbmi2") && __builtin_cpu_supports("popcnt");

}  // namespace

ConvertFn short_decimals8() {
  return kAvx512 ? short_decimals8_avx512 : nullptr;
}

ShortIntsFn short_ints64() {
  return kVbmi2 ? short_ints64_avx512 : nullptr;
}

std::vector<ShortIntsVariant> short_ints_variants() {
  std::vector<ShortIntsVariant> v{{"ref", short_ints64_ref}};
  if (kVbmi2) v.push_back({"avx512vbmi2", short_ints64_avx512});
  return v;
}

std::vector<ConvertVariant> convert_variants() {
  std::vector<ConvertVariant> v{{"ref", short_decimals8_ref}};
  if (kAvx512) v.push_back({"avx512", short_decimals8_avx512});
  return v;
}

#else

ConvertFn short_decimals8() {
  return nullptr;
}

std::vector<ConvertVariant> convert_variants() {
  return {{"ref", short_decimals8_ref}};
}

ShortIntsFn short_ints64() {
  return nullptr;
}

std::vector<ShortIntsVariant> short_ints_variants() {
  return {{"ref", short_ints64_ref}};
}

#endif

#else  // big-endian: no short decimals here (parse_decimal_field has none either)

uint32_t short_decimals8_ref(const uint64_t*, const char* const*, int, float*) {
  return 0;
}

ConvertFn short_decimals8() {
  return nullptr;
}

std::vector<ConvertVariant> convert_variants() {
  return {{"ref", short_decimals8_ref}};
}

ShortIntsFn short_ints64() {
  return nullptr;
}

std::vector<ShortIntsVariant> short_ints_variants() {
  return {{"ref", short_ints64_ref}};
}

#endif

}  // namespace nntrain::csv

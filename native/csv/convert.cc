// short_decimals8 (see convert.h): the scalar reference and the AVX-512 version, chosen at load.
#include "convert.h"

#include <cstring>

#include "number.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define NNTRAIN_CONVERT_X86 1
#endif

namespace nntrain::csv {

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

bool init_cpu() {
  __builtin_cpu_init();
  return true;
}

const bool kAvx512 = init_cpu() && __builtin_cpu_supports("avx512f") &&
                     __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
                     __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512cd");

}  // namespace

ConvertFn short_decimals8() {
  return kAvx512 ? short_decimals8_avx512 : nullptr;
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

#endif

}  // namespace nntrain::csv

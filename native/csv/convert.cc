// short_decimals8 and short_ints64 (see convert.h): the scalar references and the AVX-512 and AVX2
// versions, chosen at load.
#include "convert.h"

#include <cstdlib>
#include <cstring>

#include "number.h"
#include "simd_env.h"

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

uint32_t short_decimals8_ref(const uint64_t* word, const uint8_t* ninth, const char* const* start,
                             int n, float* out) {
  uint32_t done = 0;
  for (int k = 0; k < n; k++) {
    uint64_t w = word[k];
    int64_t len = start[k + 1] - start[k] - 1;
    const char c = static_cast<char>(w & 0xff);
    const bool neg = c == '-';
    if (neg || c == '+') {
      w = w >> 8 | static_cast<uint64_t>(ninth[k]) << 56;
      len--;
    }
    if (len < 1 || len > 8) continue;
    char bytes[8];  // short_decimal reads 8 bytes
    std::memcpy(bytes, &w, sizeof bytes);
    int64_t ml = 0;  // the mantissa: up to the first 'e' or 'E'
    while (ml < len && bytes[ml] != 'e' && bytes[ml] != 'E') ml++;
    uint64_t m;
    int nf;
    if (ml == 0 || !detail::short_decimal(bytes, static_cast<uint64_t>(ml), &m, &nf)) continue;
    int64_t x = 0;
    if (ml < len) {
      int64_t i = ml + 1;
      const bool xneg = i < len && bytes[i] == '-';
      if (i < len && (bytes[i] == '-' || bytes[i] == '+')) i++;
      if (len - i < 1 || len - i > 3) continue;
      bool digits = true;
      for (; i < len; i++) {
        digits &= bytes[i] >= '0' && bytes[i] <= '9';
        x = 10 * x + (bytes[i] - '0');
      }
      if (!digits) continue;
      if (xneg) x = -x;
    }
    const int64_t e = x - nf;
    if (e < -15 || e > 15) continue;
    const float f = e <= 0 ? quotient_to_float(m, static_cast<int>(-e))
                           : static_cast<float>(static_cast<double>(m) * kExactPow10[e]);
    out[k] = detail::with_sign(f, neg);
    done |= 1u << k;
  }
  return done;
}

#if NNTRAIN_CONVERT_X86
namespace {

// The checks both short_ints64 variants make on the window's digit and delimiter bit masks: every
// taken separator is the delimiter, the first field is 1..4 bytes long, every byte from p to the
// last taken separator is a digit or a taken separator, each separator follows a digit, and no run
// of digits is longer than 4. *first: the first taken separator; *len0: the first field's length.
inline bool window_is_short_ints(const char* base, uint64_t take, const char* p, uint64_t digit,
                                 uint64_t delim, int* first, int64_t* len0) {
  *first = __builtin_ctzll(take);
  const int last = 63 - __builtin_clzll(take);
  *len0 = base + *first - p;
  if ((take & ~delim) != 0 || *len0 < 1 || *len0 > 4) return false;
  const int64_t from = p - base;  // -3..63
  const uint64_t range = (from > 0 ? ~uint64_t{0} << from : ~uint64_t{0}) &
                         (last == 63 ? ~uint64_t{0} : (uint64_t{1} << (last + 1)) - 1);
  const uint64_t after_digit = digit << 1 | (static_cast<unsigned char>(base[-1] - '0') <= 9);
  const uint64_t d = digit & range;
  return (range & ~(digit | take)) == 0 && (take & ~after_digit) == 0 &&
         (d & d << 1 & d << 2 & d << 3 & d << 4) == 0;
}

#define NNTRAIN_AVX512_DECIMALS \
  __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512cd")))

// The non-digit bytes of t = 8 bytes ^ '0' per lane, as the high bit of each byte.
NNTRAIN_AVX512_DECIMALS inline __m512i nondigits8(__m512i t) {
  return _mm512_and_si512(
      _mm512_or_si512(_mm512_add_epi64(_mm512_and_si512(t, _mm512_set1_epi64(0x7f7f7f7f7f7f7f7fll)),
                                       _mm512_set1_epi64(0x7676767676767676ll)),
                      t),
      _mm512_set1_epi64(static_cast<int64_t>(0x8080808080808080ull)));
}

// 8 digits per lane, most significant in the low byte: pairs, quads, then the two halves.
NNTRAIN_AVX512_DECIMALS inline __m512i digits8(__m512i u) {
  const __m512i pairs = _mm512_maskz_maddubs_epi16(~__mmask32{0}, u, _mm512_set1_epi16(0x010a));
  const __m512i quads = _mm512_maskz_madd_epi16(0xffff, pairs, _mm512_set1_epi32(0x00010064));
  return _mm512_add_epi64(_mm512_maskz_mul_epu32(0xff, quads, _mm512_set1_epi64(10000)),
                          _mm512_maskz_srli_epi64(0xff, quads, 32));
}

// detail::short_decimal on eight 64-bit lanes, and a short exponent after it: [eE] [+-]? 1..3
// digits with |exponent - fraction digits| <= 15 (-1.234e-4; parse_decimal_field's exponent path
// takes the rest of its range). The point's byte is found with a leading-zero count and squeezed
// out by shifts; the digits are summed with multiply-adds; m / 10^k as in quotient_to_float (a
// product by the rounded reciprocal, divided instead where it lands near a float32 midpoint; m >= 1
// and k <= 15 keep the value above FLT_MIN), m * 10^k as one product (Clinger: both exact, m <
// 10^8). The all-ones zero-masking forms stand in for plain intrinsics whose undefined
// pass-through operand GCC 12 flags as -Wmaybe-uninitialized (a false positive, GCC bug 105593).
NNTRAIN_AVX512_DECIMALS uint32_t short_decimals8_avx512(const uint64_t* word, const uint8_t* ninth,
                                                        const char* const* start, int n,
                                                        float* out) {
  const __mmask8 lanes = static_cast<__mmask8>((1u << n) - 1);
  const __m512i zero = _mm512_setzero_si512();
  const __m512i one = _mm512_set1_epi64(1);
  const __m512i ascii0 = _mm512_set1_epi64(0x3030303030303030ll);
  __m512i w = _mm512_maskz_loadu_epi64(lanes, word);
  const __m512i s0 = _mm512_maskz_loadu_epi64(lanes, start);
  const __m512i s1 = _mm512_maskz_loadu_epi64(lanes, start + 1);
  __m512i len = _mm512_sub_epi64(_mm512_sub_epi64(s1, s0), one);
  // an optional sign: dropped from the word and the length
  const __m512i first = _mm512_and_si512(w, _mm512_set1_epi64(0xff));
  const __mmask8 neg = _mm512_cmpeq_epi64_mask(first, _mm512_set1_epi64('-'));
  const __mmask8 sgn = neg | _mm512_cmpeq_epi64_mask(first, _mm512_set1_epi64('+'));
  // the sign's lanes shift down one byte and take the field's ninth byte on top
  const __m512i top9 = _mm512_maskz_slli_epi64(
      0xff,
      _mm512_maskz_cvtepu8_epi64(0xff, _mm_loadl_epi64(reinterpret_cast<const __m128i*>(ninth))),
      56);
  w = _mm512_mask_or_epi64(w, sgn, _mm512_maskz_srli_epi64(0xff, w, 8), top9);
  len = _mm512_mask_sub_epi64(len, sgn, len, one);
  // an exponent: the first 'e' or 'E' byte qe < len; the mantissa is then the qe bytes before it
  const __m512i es = _mm512_movm_epi8(
      _mm512_cmpeq_epi8_mask(_mm512_or_si512(w, _mm512_set1_epi8(0x20)), _mm512_set1_epi8('e')));
  const __m512i qe = _mm512_maskz_srli_epi64(
      0xff,
      _mm512_sub_epi64(
          _mm512_set1_epi64(63),
          _mm512_maskz_lzcnt_epi64(0xff, _mm512_and_si512(es, _mm512_sub_epi64(zero, es)))),
      3);
  const __mmask8 has_e = _mm512_test_epi64_mask(es, es) & _mm512_cmplt_epu64_mask(qe, len);
  const __m512i mlen = _mm512_mask_mov_epi64(len, has_e, qe);
  // the exponent's sign and 1..3 digits, at the top of the lane
  const __m512i e8 = _mm512_maskz_slli_epi64(0xff, _mm512_add_epi64(qe, one), 3);
  const __m512i esign =
      _mm512_and_si512(_mm512_maskz_srlv_epi64(0xff, w, e8), _mm512_set1_epi64(0xff));
  const __mmask8 xneg = _mm512_cmpeq_epi64_mask(esign, _mm512_set1_epi64('-'));
  const __mmask8 xsgn = xneg | _mm512_cmpeq_epi64_mask(esign, _mm512_set1_epi64('+'));
  const __m512i ds =
      _mm512_mask_add_epi64(_mm512_add_epi64(qe, one), xsgn, _mm512_add_epi64(qe, one), one);
  const __m512i dl = _mm512_sub_epi64(len, ds);
  const __m512i xt = _mm512_maskz_sllv_epi64(
      0xff,
      _mm512_maskz_srlv_epi64(0xff, _mm512_xor_si512(w, ascii0),
                              _mm512_maskz_slli_epi64(0xff, ds, 3)),
      _mm512_sub_epi64(_mm512_set1_epi64(64), _mm512_maskz_slli_epi64(0xff, dl, 3)));
  const __m512i xnd = nondigits8(xt);
  const __mmask8 exp_ok =
      static_cast<__mmask8>(~has_e) |
      (_mm512_cmple_epu64_mask(_mm512_sub_epi64(dl, one), _mm512_set1_epi64(2)) &
       _mm512_testn_epi64_mask(xnd, xnd));
  const __m512i xv = _mm512_maskz_mov_epi64(has_e, digits8(xt));
  const __m512i x = _mm512_mask_sub_epi64(xv, xneg, zero, xv);
  // the mantissa's bytes at the top of the lane, '0' as 0 (shift counts of 64 or more give 0)
  // the whole value and its mantissa 1..8 bytes
  const __mmask8 len_ok =
      _mm512_cmple_epu64_mask(_mm512_sub_epi64(len, one), _mm512_set1_epi64(7)) &
      _mm512_cmple_epu64_mask(_mm512_sub_epi64(mlen, one), _mm512_set1_epi64(7)) & lanes;
  const __m512i shift =
      _mm512_sub_epi64(_mm512_set1_epi64(64), _mm512_maskz_slli_epi64(0xff, mlen, 3));
  const __m512i t = _mm512_maskz_sllv_epi64(0xff, _mm512_xor_si512(w, ascii0), shift);
  const __m512i nd = nondigits8(t);
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
                       _mm512_cmpge_epu64_mask(mlen, _mm512_set1_epi64(2));
  // the point squeezed out: the digits below it move up one byte
  const __m512i below = _mm512_sub_epi64(_mm512_maskz_sllv_epi64(0xff, one, q8), one);
  const __m512i byte = _mm512_maskz_sllv_epi64(0xff, _mm512_set1_epi64(0xff), q8);
  const __m512i u =
      _mm512_mask_or_epi64(t, point, _mm512_maskz_slli_epi64(0xff, _mm512_and_si512(t, below), 8),
                           _mm512_maskz_andnot_epi64(0xff, _mm512_or_si512(below, byte), t));
  const __m512i m = digits8(u);
  const __m512i nf =
      _mm512_maskz_sub_epi64(point, _mm512_set1_epi64(7), _mm512_maskz_srli_epi64(0xff, q8, 3));
  const __m512i k = _mm512_sub_epi64(x, nf);
  const __mmask8 ok =
      len_ok & single & static_cast<__mmask8>(~point | dot) & exp_ok &
      _mm512_cmple_epu64_mask(_mm512_add_epi64(k, _mm512_set1_epi64(15)), _mm512_set1_epi64(30));
  // 10^|k| and its rounded reciprocal from 16-entry tables
  const __m512i ak = _mm512_maskz_abs_epi64(0xff, k);
  const __m512d exact = _mm512_maskz_permutex2var_pd(0xff, _mm512_loadu_pd(kExactPow10), ak,
                                                     _mm512_loadu_pd(kExactPow10 + 8));
  const __m512d inv = _mm512_maskz_permutex2var_pd(0xff, _mm512_loadu_pd(kInvPow10), ak,
                                                   _mm512_loadu_pd(kInvPow10 + 8));
  const __mmask8 up = _mm512_cmpgt_epi64_mask(k, zero);
  const __m512d d = _mm512_maskz_cvtepi64_pd(0xff, m);
  __m512d r = _mm512_mul_pd(d, _mm512_mask_blend_pd(up, inv, exact));
  const __m512i low = _mm512_and_si512(_mm512_castpd_si512(r), _mm512_set1_epi64((1 << 29) - 1));
  const __mmask8 near =
      _mm512_cmple_epu64_mask(
          _mm512_and_si512(_mm512_sub_epi64(low, _mm512_set1_epi64((1 << 28) - 3)),
                           _mm512_set1_epi64((1 << 29) - 1)),
          _mm512_set1_epi64(6)) &
      ok & static_cast<__mmask8>(~up);
  if (near != 0) r = _mm512_mask_div_pd(r, near, d, exact);
  __m256i f = _mm256_castps_si256(_mm512_maskz_cvtpd_ps(0xff, r));
  f = _mm256_mask_xor_epi32(f, neg, f, _mm256_set1_epi32(static_cast<int32_t>(0x80000000u)));
  _mm256_mask_storeu_ps(out, ok, _mm256_castsi256_ps(f));
  return ok;
}

#define NNTRAIN_AVX2 __attribute__((target("avx2")))

// nondigits8 and digits8 on four lanes.
NNTRAIN_AVX2 inline __m256i nondigits4(__m256i t) {
  return _mm256_and_si256(
      _mm256_or_si256(
          _mm256_add_epi64(_mm256_and_si256(t, _mm256_set1_epi64x(0x7f7f7f7f7f7f7f7fll)),
                           _mm256_set1_epi64x(0x7676767676767676ll)),
          t),
      _mm256_set1_epi64x(static_cast<int64_t>(0x8080808080808080ull)));
}

NNTRAIN_AVX2 inline __m256i digits4(__m256i u) {
  const __m256i pairs = _mm256_maddubs_epi16(u, _mm256_set1_epi16(0x010a));
  const __m256i quads = _mm256_madd_epi16(pairs, _mm256_set1_epi32(0x00010064));
  return _mm256_add_epi64(_mm256_mul_epu32(quads, _mm256_set1_epi64x(10000)),
                          _mm256_srli_epi64(quads, 32));
}

// The bytes of each lane below its lowest byte with bit `bit` set in x (all 8 when none), times
// 8: the lowest set bit minus one has all bits below it, and a byte sum counts the whole bytes.
NNTRAIN_AVX2 inline __m256i bits_below_lowest(__m256i x, int64_t bit) {
  const __m256i below = _mm256_sub_epi64(
      _mm256_and_si256(x, _mm256_sub_epi64(_mm256_setzero_si256(), x)), _mm256_set1_epi64x(1));
  const __m256i marks = _mm256_and_si256(below, _mm256_set1_epi64x(0x0101010101010101ll << bit));
  return _mm256_slli_epi64(_mm256_srli_epi64(_mm256_sad_epu8(marks, _mm256_setzero_si256()), bit),
                           3);
}

// x <= 7 and x >= 0 as 64-bit integers.
NNTRAIN_AVX2 inline __m256i in0to7(__m256i x) {
  return _mm256_cmpeq_epi64(_mm256_srli_epi64(x, 3), _mm256_setzero_si256());
}

// short_decimals8_avx512 on four lanes (fields 0..n-1, n <= 4) with AVX2: the bytes of the point
// and the 'e' found by byte sums instead of leading-zero counts, the comparisons signed (every
// value is small), m made a double through the 2^52 bit pattern (m < 2^52), 10^|k| built from its
// bits, and the sign applied to the double (rounding to float is symmetric). The bit mask of the
// fields converted.
NNTRAIN_AVX2 __attribute__((always_inline)) inline uint32_t short_decimals4_avx2(
    const uint64_t* word, const uint8_t* ninth, const char* const* start, int n, float* out) {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i one = _mm256_set1_epi64x(1);
  const __m256i ascii0 = _mm256_set1_epi64x(0x3030303030303030ll);
  const __m256i lanes = _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), _mm256_set_epi64x(3, 2, 1, 0));
  __m256i w = _mm256_maskload_epi64(reinterpret_cast<const long long*>(word), lanes);
  const __m256i s0 = _mm256_maskload_epi64(reinterpret_cast<const long long*>(start), lanes);
  const __m256i s1 = _mm256_maskload_epi64(reinterpret_cast<const long long*>(start + 1), lanes);
  __m256i len = _mm256_sub_epi64(_mm256_sub_epi64(s1, s0), one);
  // an optional sign: dropped from the word and the length
  const __m256i first = _mm256_and_si256(w, _mm256_set1_epi64x(0xff));
  const __m256i neg = _mm256_cmpeq_epi64(first, _mm256_set1_epi64x('-'));
  const __m256i sgn = _mm256_or_si256(neg, _mm256_cmpeq_epi64(first, _mm256_set1_epi64x('+')));
  int32_t n9;
  std::memcpy(&n9, ninth, sizeof n9);
  const __m256i top9 = _mm256_slli_epi64(_mm256_cvtepu8_epi64(_mm_cvtsi32_si128(n9)), 56);
  w = _mm256_blendv_epi8(w, _mm256_or_si256(_mm256_srli_epi64(w, 8), top9), sgn);
  len = _mm256_add_epi64(len, sgn);  // sgn is -1 where set
  // an exponent: the first 'e' or 'E' byte qe < len; the mantissa is then the qe bytes before it
  const __m256i es =
      _mm256_cmpeq_epi8(_mm256_or_si256(w, _mm256_set1_epi8(0x20)), _mm256_set1_epi8('e'));
  const __m256i qe = _mm256_srli_epi64(bits_below_lowest(es, 0), 3);
  const __m256i has_e =
      _mm256_andnot_si256(_mm256_cmpeq_epi64(es, zero), _mm256_cmpgt_epi64(len, qe));
  const __m256i mlen = _mm256_blendv_epi8(len, qe, has_e);
  // the exponent's sign and 1..3 digits, at the top of the lane
  const __m256i qe1 = _mm256_add_epi64(qe, one);
  const __m256i esign =
      _mm256_and_si256(_mm256_srlv_epi64(w, _mm256_slli_epi64(qe1, 3)), _mm256_set1_epi64x(0xff));
  const __m256i xneg = _mm256_cmpeq_epi64(esign, _mm256_set1_epi64x('-'));
  const __m256i xsgn = _mm256_or_si256(xneg, _mm256_cmpeq_epi64(esign, _mm256_set1_epi64x('+')));
  const __m256i ds = _mm256_sub_epi64(qe1, xsgn);
  const __m256i dl = _mm256_sub_epi64(len, ds);
  const __m256i xt =
      _mm256_sllv_epi64(_mm256_srlv_epi64(_mm256_xor_si256(w, ascii0), _mm256_slli_epi64(ds, 3)),
                        _mm256_sub_epi64(_mm256_set1_epi64x(64), _mm256_slli_epi64(dl, 3)));
  const __m256i xnd = nondigits4(xt);
  const __m256i exp_ok = _mm256_or_si256(
      _mm256_cmpeq_epi64(has_e, zero),
      _mm256_and_si256(_mm256_and_si256(_mm256_cmpgt_epi64(dl, zero),
                                        _mm256_cmpgt_epi64(_mm256_set1_epi64x(4), dl)),
                       _mm256_cmpeq_epi64(xnd, zero)));
  const __m256i xv = _mm256_and_si256(has_e, digits4(xt));
  const __m256i x = _mm256_sub_epi64(_mm256_xor_si256(xv, xneg), xneg);
  // the whole value and its mantissa 1..8 bytes; the mantissa's bytes at the top of the lane
  const __m256i len_ok = _mm256_and_si256(
      _mm256_and_si256(in0to7(_mm256_sub_epi64(len, one)), in0to7(_mm256_sub_epi64(mlen, one))),
      lanes);
  const __m256i shift = _mm256_sub_epi64(_mm256_set1_epi64x(64), _mm256_slli_epi64(mlen, 3));
  const __m256i t = _mm256_sllv_epi64(_mm256_xor_si256(w, ascii0), shift);
  const __m256i nd = nondigits4(t);
  const __m256i point = _mm256_xor_si256(_mm256_cmpeq_epi64(nd, zero), _mm256_set1_epi64x(-1));
  const __m256i single = _mm256_cmpeq_epi64(_mm256_and_si256(nd, _mm256_sub_epi64(nd, one)), zero);
  // 8q: the point's byte (its only non-digit byte when `single`)
  const __m256i q8 = bits_below_lowest(nd, 7);
  const __m256i at = _mm256_and_si256(_mm256_srlv_epi64(t, q8), _mm256_set1_epi64x(0xff));
  const __m256i dot = _mm256_and_si256(_mm256_cmpeq_epi64(at, _mm256_set1_epi64x(0x1e)),
                                       _mm256_cmpgt_epi64(mlen, one));
  // the point squeezed out: the digits below it move up one byte
  const __m256i below = _mm256_sub_epi64(_mm256_sllv_epi64(one, q8), one);
  const __m256i byte = _mm256_sllv_epi64(_mm256_set1_epi64x(0xff), q8);
  const __m256i u =
      _mm256_blendv_epi8(t,
                         _mm256_or_si256(_mm256_slli_epi64(_mm256_and_si256(t, below), 8),
                                         _mm256_andnot_si256(_mm256_or_si256(below, byte), t)),
                         point);
  const __m256i m = digits4(u);
  const __m256i nf =
      _mm256_and_si256(point, _mm256_sub_epi64(_mm256_set1_epi64x(7), _mm256_srli_epi64(q8, 3)));
  const __m256i k = _mm256_sub_epi64(x, nf);
  const __m256i k_ok = _mm256_and_si256(_mm256_cmpgt_epi64(k, _mm256_set1_epi64x(-16)),
                                        _mm256_cmpgt_epi64(_mm256_set1_epi64x(16), k));
  const __m256i ok =
      _mm256_and_si256(_mm256_and_si256(_mm256_and_si256(len_ok, single),
                                        _mm256_or_si256(_mm256_cmpeq_epi64(point, zero), dot)),
                       _mm256_and_si256(exp_ok, k_ok));
  // 10^|k| as the product of 10, 100, 10^4 and 10^8 picked by its bits (exact: every product is an
  // integer below 2^53); m * 10^k as one product (k > 0) or one correctly rounded quotient, which
  // is the double Number() gives, so no reciprocal or near-midpoint check is needed
  const __m256i kneg = _mm256_cmpgt_epi64(zero, k);
  const __m256i ak = _mm256_sub_epi64(_mm256_xor_si256(k, kneg), kneg);
  const __m256d p1 = _mm256_permutevar_pd(_mm256_set_pd(10, 1, 10, 1), _mm256_slli_epi64(ak, 1));
  const __m256d p2 = _mm256_permutevar_pd(_mm256_set_pd(100, 1, 100, 1), ak);
  const __m256d p4 = _mm256_permutevar_pd(_mm256_set_pd(1e4, 1, 1e4, 1), _mm256_srli_epi64(ak, 1));
  const __m256d p8 = _mm256_permutevar_pd(_mm256_set_pd(1e8, 1, 1e8, 1), _mm256_srli_epi64(ak, 2));
  const __m256d exact = _mm256_mul_pd(_mm256_mul_pd(p1, p2), _mm256_mul_pd(p4, p8));
  const __m256i up = _mm256_cmpgt_epi64(k, zero);
  const __m256d two52 = _mm256_set1_pd(4503599627370496.0);
  const __m256d d =
      _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(m, _mm256_castpd_si256(two52))), two52);
  __m256d r =
      _mm256_blendv_pd(_mm256_div_pd(d, exact), _mm256_mul_pd(d, exact), _mm256_castsi256_pd(up));
  r = _mm256_xor_pd(r, _mm256_castsi256_pd(_mm256_and_si256(
                           neg, _mm256_set1_epi64x(static_cast<int64_t>(uint64_t{1} << 63)))));
  const __m128i ok32 = _mm256_castsi256_si128(
      _mm256_permutevar8x32_epi32(ok, _mm256_set_epi32(7, 5, 3, 1, 6, 4, 2, 0)));
  _mm_maskstore_ps(out, ok32, _mm256_cvtpd_ps(r));
  return static_cast<uint32_t>(_mm256_movemask_pd(_mm256_castsi256_pd(ok)));
}

NNTRAIN_AVX2 uint32_t short_decimals8_avx2(const uint64_t* word, const uint8_t* ninth,
                                           const char* const* start, int n, float* out) {
  uint32_t done = short_decimals4_avx2(word, ninth, start, n < 4 ? n : 4, out);
  if (n > 4) done |= short_decimals4_avx2(word + 4, ninth + 4, start + 4, n - 4, out + 4) << 4;
  return done;
}

// 10x for bytes x <= 9 (8x + 2x by byte adds).
NNTRAIN_AVX2 inline __m256i times10_avx2(__m256i x) {
  const __m256i x2 = _mm256_add_epi8(x, x);
  const __m256i x4 = _mm256_add_epi8(x2, x2);
  return _mm256_add_epi8(_mm256_add_epi8(x4, x4), x2);
}

// pshufb controls that gather the bytes of an 8-bit mask's set bits to the front (the rest 0x80:
// zero), for short_ints64_avx2's compress of 8 bytes at a time.
struct CompressTable {
  uint64_t idx[256];
};
constexpr CompressTable make_compress_table() {
  CompressTable t{};
  for (int m = 0; m < 256; m++) {
    uint64_t v = 0;
    int n = 0;
    for (int b = 0; b < 8; b++) {
      if ((m >> b & 1) != 0) v |= static_cast<uint64_t>(b) << (8 * n++);
    }
    for (; n < 8; n++) v |= uint64_t{0x80} << (8 * n);
    t.idx[m] = v;
  }
  return t;
}
constexpr CompressTable kCompress = make_compress_table();

// Bit i set when q[i] (i < 64) is a digit.
NNTRAIN_AVX2 inline uint64_t digit_bits(const char* q) {
  uint64_t bits = 0;
  for (int h = 0; h < 2; h++) {
    const __m256i x = _mm256_sub_epi8(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 32 * h)), _mm256_set1_epi8('0'));
    const __m256i is = _mm256_cmpeq_epi8(_mm256_min_epu8(x, _mm256_set1_epi8(9)), x);
    bits |= static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(is))) << (32 * h);
  }
  return bits;
}

NNTRAIN_AVX2 inline uint64_t byte_bits(const char* q, char c) {
  const __m256i cc = _mm256_set1_epi8(c);
  const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
  const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 32));
  return static_cast<uint64_t>(
             static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, cc)))) |
         static_cast<uint64_t>(
             static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, cc))))
             << 32;
}

// short_ints64_avx512 without AVX-512: the same checks on 64-bit masks from byte compares, the
// digit runs ending before each byte as two-digit halves (find.h DigitWindow's lo and hi, shifted
// one byte), compressed to field order 8 bytes at a time by pshufb with a table indexed by the 8
// bits of `take` there, then widened to floats 8 at a time.
NNTRAIN_AVX2 bool short_ints64_avx2(const char* base, uint64_t take, const char* p, char delimiter,
                                    float* out) {
  const uint64_t digit = digit_bits(base);
  const uint64_t delim = byte_bits(base, delimiter);
  int first = 0;
  int64_t len0 = 0;
  if (!window_is_short_ints(base, take, p, digit, delim, &first, &len0)) return false;
  // the first field may begin in the window before: its bytes there digits too
  for (const char* q = p; q < base; q++) {
    if (static_cast<unsigned char>(*q - '0') > 9) return false;
  }
  const __m256i ascii0 = _mm256_set1_epi8('0');
  const __m256i nine = _mm256_set1_epi8(9);
  alignas(32) uint8_t lo_s[64], hi_s[64];
  for (int h = 0; h < 2; h++) {
    const char* q = base + 32 * h;
    __m256i dk[4];
    __m256i c = _mm256_set1_epi8(-1);
    for (int k = 0; k < 4; k++) {
      const __m256i x =
          _mm256_sub_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q - 1 - k)), ascii0);
      c = _mm256_and_si256(c, _mm256_cmpeq_epi8(_mm256_min_epu8(x, nine), x));
      dk[k] = _mm256_and_si256(x, c);
    }
    const uint64_t t = take >> (32 * h);
    const __m256i ctl =
        _mm256_add_epi8(_mm256_set_epi64x(static_cast<int64_t>(kCompress.idx[t >> 24 & 0xff]),
                                          static_cast<int64_t>(kCompress.idx[t >> 16 & 0xff]),
                                          static_cast<int64_t>(kCompress.idx[t >> 8 & 0xff]),
                                          static_cast<int64_t>(kCompress.idx[t & 0xff])),
                        _mm256_set_epi64x(0x0808080808080808ll, 0, 0x0808080808080808ll, 0));
    _mm256_store_si256(reinterpret_cast<__m256i*>(lo_s + 32 * h),
                       _mm256_shuffle_epi8(_mm256_add_epi8(dk[0], times10_avx2(dk[1])), ctl));
    _mm256_store_si256(reinterpret_cast<__m256i*>(hi_s + 32 * h),
                       _mm256_shuffle_epi8(_mm256_add_epi8(dk[2], times10_avx2(dk[3])), ctl));
  }
  // the chunks one after another: each 8 bytes long, its first popcount bytes kept
  uint8_t lo_c[40], hi_c[40];
  int n = 0;
  for (int j = 0; j < 8; j++) {
    std::memcpy(lo_c + n, lo_s + 8 * j, 8);
    std::memcpy(hi_c + n, hi_s + 8 * j, 8);
    n += __builtin_popcount(static_cast<unsigned>(take >> (8 * j) & 0xff));
  }
  const __m256i lane = _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0);
  for (int i = 0; i < n; i += 8) {
    const __m128i l = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(lo_c + i));
    const __m128i h = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(hi_c + i));
    const __m256i v = _mm256_madd_epi16(_mm256_cvtepu8_epi16(_mm_unpacklo_epi8(l, h)),
                                        _mm256_set1_epi32(0x00640001));
    _mm256_maskstore_ps(out + i, _mm256_cmpgt_epi32(_mm256_set1_epi32(n - i), lane),
                        _mm256_cvtepi32_ps(v));
  }
  return true;
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
  int first = 0;
  int64_t len0 = 0;
  if (!window_is_short_ints(base, take, p, digit, delim, &first, &len0)) return false;
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

// What the CPU can run (every variant is tested), then what NNTRAIN_CSV_SIMD lets the dispatch use.
const bool kAvx2 = init_cpu() && __builtin_cpu_supports("avx2");
const bool kAvx512 = kAvx2 && __builtin_cpu_supports("avx512f") &&
                     __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
                     __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512cd");
const bool kVbmi2 =
    kAvx512 && __builtin_cpu_supports("avx512vbmi2") && __builtin_cpu_supports("popcnt");
const SimdCap kCap = simd_cap();

}  // namespace

ConvertFn short_decimals8() {
  if (kCap == SimdCap::kPortable) return nullptr;
  if (kAvx512 && kCap == SimdCap::kBest) return short_decimals8_avx512;
  return kAvx2 ? short_decimals8_avx2 : nullptr;
}

ShortIntsFn short_ints64() {
  if (kCap == SimdCap::kPortable) return nullptr;
  if (kVbmi2 && kCap == SimdCap::kBest) return short_ints64_avx512;
  return kAvx2 ? short_ints64_avx2 : nullptr;
}

std::vector<ShortIntsVariant> short_ints_variants() {
  std::vector<ShortIntsVariant> v{{"ref", short_ints64_ref}};
  if (kAvx2) v.push_back({"avx2", short_ints64_avx2});
  if (kVbmi2) v.push_back({"avx512vbmi2", short_ints64_avx512});
  return v;
}

std::vector<ConvertVariant> convert_variants() {
  std::vector<ConvertVariant> v{{"ref", short_decimals8_ref}};
  if (kAvx2) v.push_back({"avx2", short_decimals8_avx2});
  if (kAvx512) v.push_back({"avx512", short_decimals8_avx512});
  return v;
}

#endif  // NNTRAIN_CONVERT_X86

#else  // big-endian: no short decimals here (parse_decimal_field has none either)

uint32_t short_decimals8_ref(const uint64_t*, const uint8_t*, const char* const*, int, float*) {
  return 0;
}

#endif

#if !(defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) || !NNTRAIN_CONVERT_X86

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

// Differential test of the number parser against the one it replaced (number_ref.cc: Clinger's fast
// path, else std::from_chars): for random, mutated and hand-picked hard tokens, parse_number
// (fast_float) must give the reference's status and bits, and the decimal field fast path, wherever
// it accepts a token, the same bits.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>

#include "csv/number.h"
#include "float_bits.h"
#include "number_ref.h"

namespace nntrain::csv {
namespace {

// Returns whether the field fast path took the token (for the coverage checks).
bool same_as_reference(const std::string& s) {
  INFO("token '", s, "'");
  float want = 123.0f, got = 123.0f;
  const NumberStatus ws = ref::parse_number_ref(s.data(), s.data() + s.size(), &want);
  const NumberStatus gs = parse_number(s.data(), s.data() + s.size(), &got);
  REQUIRE(static_cast<int>(gs) == static_cast<int>(ws));
  if (ws == NumberStatus::kOk) REQUIRE(bits(got) == bits(want));
  if (s.size() > 16) return false;
  char padded[32];                          // parse_decimal_field reads 32 bytes from the start
  std::memset(padded, 'x', sizeof padded);  // bytes after the field are not part of it
  std::memcpy(padded, s.data(), s.size());
  float fast = 123.0f;
  if (!parse_decimal_field(padded, padded + s.size(), &fast)) return false;
  REQUIRE(ws == NumberStatus::kOk);
  REQUIRE(bits(fast) == bits(want));
  return true;
}

// A token of the grammar's parts, each present or not at random, digits biased to '0' and '9'.
std::string grammar_token(std::mt19937_64& rng) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  auto digits = [&](int n) {
    std::string d;
    for (int i = 0; i < n; i++) {
      const int r = pick(14);
      d += static_cast<char>(r < 10 ? '0' + r : (r < 12 ? '0' : '9'));
    }
    return d;
  };
  std::string s;
  const int sign = pick(4);
  if (sign == 1) s += '-';
  if (sign == 2) s += '+';
  s += digits(pick(3) == 0 ? pick(25) : pick(9));
  if (pick(2) == 0) s += '.' + digits(pick(3) == 0 ? pick(25) : pick(9));
  if (pick(3) == 0) {
    s += pick(2) == 0 ? 'e' : 'E';
    const int es = pick(3);
    if (es == 1) s += '-';
    if (es == 2) s += '+';
    s += digits(pick(6) == 0 ? pick(24) : 1 + pick(3));
  }
  return s;
}

}  // namespace

TEST_CASE("hard cases agree with the reference parser") {
  const char* tokens[] = {
      // float32 ties and their neighbours (round half to even), and the double-rounding case: the
      // decimal just above the float32 tie 1 + 2^-24 rounds to that tie as a double first, so the
      // result is 1 (a direct decimal -> float32 rounding would give 1 + 2^-23)
      "16777217", "16777219", "16777217.0000000001", "0.50000002980232238769531250",
      "1.00000005960464477539062500",
      "1.000000059604644776257986737988403547205962240695953369140625", "1.0000000596046447",
      "1.0000000596046448", "33554434", "33554435", "2.000000119209289550781250",
      // long mantissas
      "3.14159265358979323846264338327950288419716939937510582097494459",
      "0.1000000000000000055511151231257827021181583404541015625", "9007199254740993",
      "9007199254740992", "9007199254740991", "18014398509481985", "123456789012345678901234567890",
      "0.000000000000000000000000000000000000011754943508222875",
      // subnormals and underflow
      "1e-45", "1.4e-45", "7e-46", "7.000001e-46", "7.006492321624085e-46", "1.401298464324817e-45",
      "2.1019476964872256e-45", "1.1754942e-38", "1.17549435e-38", "5.877472e-39", "1e-46",
      "-1e-46", "4.9e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "1e-400",
      "-1e-999999999999999999999",
      // overflow at and around FLT_MAX and beyond double
      "3.4028235e38", "3.4028234e38", "3.40282356779733661637539395458142568447e38",
      "340282356779733661637539395458142568448", "340282356779733661637539395458142568447",
      "3.4028236e38", "-3.4028236e38", "1e39", "1.7976931348623157e308", "1.7976931348623159e308",
      "1e309", "1e99999999999999999999",
      // signs, zeros and short forms
      "-0", "+0", "0", "-0.0", "+.0", "-0e9999", "0e-9999", ".5", "5.", "+.5", "-5.", "+5.e1",
      "-.5E-1", "00000000000000000000000000012", "0000000000000000", "0.000000000000000000000001",
      // exponents with many digits, and exponents that cancel the point
      "1e0000000000000000000000001", "1e-0000000000000000000000001", "1.5e+000", "123e-3",
      "0.00123e3", "12345678901234567e-17", "1e22", "1e23", "1e-22", "1e-23",
      "9007199254740993e-22", "9007199254740992e22", "4e22", "5e-23",
      // short exponent forms (a mantissa of at most 8 bytes, |exponent - fraction digits| <= 22 is
      // the field fast path; the rest go to fast_float) and their edges
      "1.234e-04", "-1.234E+04", "+1.234e4", "9.999999e22", "1.5e-21", "1.5e-22", "12345678e14",
      "99999999e22", "99999999e23", "0.0000001e-15", "0.0000001e-16", "1e+0", "1E-00", "-0e-5",
      "1e-00000004", "1e-000000004", "1e000000022", "5.e-3", ".5e3", "+.5E+2", "-.5e-0",
      "1.6777217e7", "3.3554435e7", "1.6777219e7", "8.388609e6", "1.7014118e38", "3.4028235e38",
      "3.4028236e38", "1.401298e-45", "1.5e", "1.5e-", "1.5e+-3", "1.5ee3", "1.5e3.5", "1.5e3e",
      "1.5E", "e5", "-e5", ".e5", "1.2.3e4", "12345678e", "123456789e1", "1234567.8e-3",
      // not numbers: inf/nan spellings, partial tokens, stray characters
      "inf", "-inf", "+inf", "Infinity", "-Infinity", "nan", "NaN", "-nan", "nan(1)", "infinity",
      "", "+", "-", ".", "+.", "-.", "e1", ".e1", "1e", "1e+", "1e-", "1.2.3", "--1", "+-1", "-+1",
      "1e5.0", "1e2e3", "0x10", "1_0", "1,5", " 1", "1 ", "1f", "1d", "١", "1e1-", "1-", "1+",
      "1..", "..1", "1e.5", "e", "E", "1e++1", "1ee1", "+e1"};
  for (const char* t : tokens) same_as_reference(t);
}

TEST_CASE("random grammar tokens and mutations agree with the reference parser") {
  std::mt19937_64 rng(20261206);
  const char alphabet[] = "0123456789.eE+-x \t19";
  int fast = 0, total = 0, exponent_fast = 0;
  for (int i = 0; i < 200000; i++) {
    std::string s = grammar_token(rng);
    if (i % 4 == 3 && !s.empty()) {  // one byte replaced, inserted or removed
      const size_t at = rng() % s.size();
      const char c = alphabet[rng() % (sizeof alphabet - 1)];
      const int op = static_cast<int>(rng() % 3);
      if (op == 0) s[at] = c;
      if (op == 1) s.insert(at, 1, c);
      if (op == 2) s.erase(at, 1);
    }
    const bool took = same_as_reference(s);
    fast += took ? 1 : 0;
    exponent_fast += took && s.find_first_of("eE") != std::string::npos ? 1 : 0;
    total++;
  }
  // ...and so must its exponent forms
  CHECK(exponent_fast > total / 50);
  // the fast path must take a real share of these tokens, else it was not tested
  CHECK(fast > total / 10);
}

TEST_CASE("the plain decimals of the bench files take the field fast path") {
  for (const char* t : {"0", "255", "-0.1104", "0.9329", "20", "-122", "-877.97", "1646.44",
                        "1.2345678901234", "-1.234e-4", "1.234e-04", "5.678E+3", "-9.876e-10"}) {
    CHECK(same_as_reference(t));
  }
}

}  // namespace nntrain::csv

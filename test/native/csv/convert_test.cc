// The eight-at-a-time converters (native/csv/convert.h): every variant converts the same fields
// as the reference, with the bits of parse_number (Math.fround(Number(token))), and leaves the
// others untouched; tokens random over the short-decimal grammar and its near misses.
#include "csv/convert.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "csv/number.h"
#include "float_bits.h"

namespace nntrain::csv {
namespace {

// Up to 9 bytes from an alphabet biased to digits, with a sign and a point often.
std::string token(std::mt19937_64& rng) {
  const char alphabet[] = "0123456789012345678900999..-+eE x";
  std::string s;
  const int sign = static_cast<int>(rng() % 4);
  if (sign == 1) s += '-';
  if (sign == 2) s += '+';
  const int n = static_cast<int>(rng() % 10);
  for (int i = 0; i < n; i++) {
    const bool plain = rng() % 8 != 0;
    s += plain ? static_cast<char>('0' + rng() % 10) : alphabet[rng() % (sizeof alphabet - 1)];
  }
  if (rng() % 3 == 0 && s.size() > 1) s.insert(1 + rng() % (s.size() - 1), 1, '.');
  return s;
}

// A short mantissa with an exponent of 0..4 digits, sometimes a byte off the grammar.
std::string exponent_token(std::mt19937_64& rng) {
  std::string s = rng() % 2 == 0 ? "-" : "";
  const int digits = 1 + static_cast<int>(rng() % 5);
  for (int i = 0; i < digits; i++) s += static_cast<char>('0' + rng() % 10);
  if (rng() % 2 == 0) s.insert(rng() % s.size() + (s[0] == '-' ? 1 : 0), 1, '.');
  s += rng() % 4 == 0 ? 'E' : 'e';
  const int sign = static_cast<int>(rng() % 3);
  if (sign == 1) s += '-';
  if (sign == 2) s += '+';
  const int xd = static_cast<int>(rng() % 5);
  for (int i = 0; i < xd; i++) s += static_cast<char>('0' + (i == 0 ? rng() % 3 : rng() % 10));
  if (rng() % 16 == 0) s[rng() % s.size()] = "x.e+-"[rng() % 5];
  return s;
}

// One record of 1..8 tokens joined by ',' (64 readable bytes after it), through each variant;
// returns how many of them the reference converted.
int check_record(const std::vector<std::string>& tokens) {
  std::string rec;
  std::vector<size_t> at;
  for (const std::string& t : tokens) {
    at.push_back(rec.size());
    rec += t + ',';
  }
  at.push_back(rec.size());
  rec.append(64, 'x');
  const int n = static_cast<int>(tokens.size());
  const char* start[9];
  uint64_t word[8];
  uint8_t ninth[8] = {};
  for (int k = 0; k <= n; k++) start[k] = rec.data() + at[static_cast<size_t>(k)];
  for (int k = 0; k < n; k++) {
    std::memcpy(&word[k], start[k], 8);
    ninth[k] = static_cast<uint8_t>(start[k][8]);
  }
  float want[8];
  const uint32_t want_mask = short_decimals8_ref(word, ninth, start, n, want);
  for (int k = 0; k < n; k++) {
    if ((want_mask >> k & 1) == 0) continue;
    INFO("token '", tokens[static_cast<size_t>(k)], "'");
    float parsed = 0;
    const std::string& t = tokens[static_cast<size_t>(k)];
    REQUIRE(parse_number(t.data(), t.data() + t.size(), &parsed) == NumberStatus::kOk);
    REQUIRE(bits(want[k]) == bits(parsed));
  }
  for (const ConvertVariant& v : convert_variants()) {
    INFO("variant ", std::string(v.name));
    float got[8];
    for (float& g : got) g = 123.0f;
    const uint32_t mask = v.fn(word, ninth, start, n, got);
    REQUIRE(mask == want_mask);
    for (int k = 0; k < 8; k++) {
      INFO("field ", k, " '", k < n ? tokens[static_cast<size_t>(k)] : "", "'");
      if (k < n && (mask >> k & 1) != 0) {
        REQUIRE(bits(got[k]) == bits(want[k]));
      } else {
        REQUIRE(got[k] == 123.0f);  // not converted: not written
      }
    }
  }
  return __builtin_popcount(want_mask);
}

}  // namespace

TEST_CASE("hand-picked short decimals and near misses") {
  check_record({"0", "-0", "+0", "255", "-0.1104", "1646.44", "12345678", "-1234567"});
  check_record({"-12345678", "+1234.567", "1.", "-.5", ".", "-", "+", ""});
  check_record({"0.0000001", "9999999.9", "99999999", "1.2.3", "1e5", " 1", "1 ", "--1"});
  // float32 ties and their neighbours among 8-digit decimals (the divide fallback)
  check_record({"16777217", "16777219", "33554434", "33554435", "0.5000001", "16777216"});
  check_record({"-2"});
  // exponents: the +-15 edges, 1..3 digits, signs, and what the lanes leave to the scalar path
  check_record({"1.234e-4", "-1.234E+4", "1e15", "1e16", "1e-15", "1e-16", "5.e-3", ".5e3"});
  check_record({"1e", "1e-", "1e+1", "1e001", "1e0001", "e5", "1.2e3.4", "-9.999e-9"});
  check_record({"9999999e8", "99999999e1", "1.5e-14", "0.000001e-9", "0.0000001e-9", "-0e5"});
}

TEST_CASE("every lane position: signs, 8-byte mantissas, exponent limits, 1..8 fields") {
  // the AVX2 variant converts lanes 0..3 and 4..7 in two halves: each token in every position
  const std::vector<std::string> edge = {
      "-12345678", "+87654321", "-9999999.9", "+.1234567", "-1234567.", "99999999", "-0.0000001",
      "1e-15",     "-9e+15",    "1.5e-14",    "1e16",      "-1e-16",    "9.999e-9", "1234e-19",
      "1234e-18",  "-1e-0",     "+1E+000",    "7e999",     "7e-999",    "1.2.3",    "-",
      "0",         "16777217",  "-.5e3",      "5e3.",      "5e+",       "+-1",      "12345678e1"};
  for (size_t i = 0; i < edge.size(); i++) {
    for (int n = 1; n <= 8; n++) {
      std::vector<std::string> tokens;
      for (int k = 0; k < n; k++)
        tokens.push_back(edge[(i + static_cast<size_t>(k) * 5) % edge.size()]);
      check_record(tokens);
    }
  }
}

TEST_CASE("random short tokens give the reference's fields and bits in every variant") {
  std::mt19937_64 rng(8);
  int converted = 0, total = 0;
  for (int i = 0; i < 50000; i++) {
    std::vector<std::string> tokens(1 + rng() % 8);
    for (std::string& t : tokens) t = rng() % 3 == 0 ? exponent_token(rng) : token(rng);
    converted += check_record(tokens);
    total += static_cast<int>(tokens.size());
  }
  // most tokens must take the fast path, else it was not tested
  CHECK(converted > total / 3);
}

TEST_CASE(
    "short integers a window at a time: every variant takes and writes what the reference does") {
  std::mt19937_64 rng(64);
  const auto variants = short_ints_variants();
  // mostly fields of 1..4 digits, some of 5, some with a point, a sign, a quote or a newline
  auto field = [&]() {
    std::string f;
    const int r = static_cast<int>(rng() % 100);
    const int len = r < 94 ? 1 + r % 4 : (r < 96 ? 0 : (r == 96 ? 5 : 1 + r % 4));
    for (int i = 0; i < len; i++) f += static_cast<char>('0' + rng() % 10);
    if (r > 96) f[rng() % f.size()] = ".-\"\n"[rng() % 4];
    return f;
  };
  int taken = 0, cases = 0;
  for (int i = 0; i < 30000; i++) {
    std::string text(16, ' ');  // bytes before the first window (base[-4..-1] are read)
    std::vector<size_t> starts;
    while (text.size() < 16 + 200) {
      starts.push_back(text.size());
      text += field();
      text += rng() % 50 == 0 ? ';' : ',';
    }
    text.append(64, '\0');
    // a window at any offset, and a first field starting in it or up to 4 bytes before it
    const size_t at = 16 + rng() % 100;
    const char* base = text.data() + at;
    size_t s = 0;
    while (s + 1 < starts.size() && starts[s + 1] <= at) s++;
    if (rng() % 2 == 0 && s + 1 < starts.size()) s++;
    const char* p = text.data() + starts[s];
    // the separators from p on within the window, the first k of them taken
    uint64_t mask = 0;
    for (int j = static_cast<int>(p > base ? p - base : 0); j < 64; j++) {
      if (base[j] == ',' || base[j] == ';' || base[j] == '\n' || base[j] == '"')
        mask |= uint64_t{1} << j;
    }
    if (mask == 0) continue;
    uint64_t take = mask;
    for (int drop = static_cast<int>(rng() % 4); drop > 0 && (take & (take - 1)) != 0; drop--) {
      take &= ~(uint64_t{1} << (63 - __builtin_clzll(take)));
    }
    float want[64], got[64];
    for (float& w : want) w = -1.0f;
    const bool ok = short_ints64_ref(base, take, p, ',', want);
    cases++;
    taken += ok ? 1 : 0;
    for (const ShortIntsVariant& v : variants) {
      INFO("variant ", std::string(v.name), ", case ", i);
      for (float& g : got) g = -1.0f;
      REQUIRE(v.fn(base, take, p, ',', got) == ok);
      REQUIRE(std::memcmp(got, want, sizeof got) == 0);
    }
  }
  // both outcomes must be common, else one side was not tested
  CHECK(taken > cases / 10);
  CHECK(taken < cases * 9 / 10);
}

TEST_CASE("the dispatched converter is a listed variant") {
  const ConvertFn f = short_decimals8();
  if (f == nullptr) return;
  bool listed = false;
  for (const ConvertVariant& v : convert_variants()) listed |= v.fn == f;
  CHECK(listed);
  const ShortIntsFn g = short_ints64();
  if (g == nullptr) return;
  listed = false;
  for (const ShortIntsVariant& v : short_ints_variants()) listed |= v.fn == g;
  CHECK(listed);
}

}  // namespace nntrain::csv

// Edge cases of the CSV number parser (native/csv/number.h): its result must be
// Math.fround(Number(token)) on the documented grammar, i.e. the double nearest the decimal
// (strtod in the C locale) rounded to float32, and anything else must be rejected, not guessed.
#include "csv/number.h"

#include <doctest/doctest.h>

#include <cerrno>
#include <clocale>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include "float_bits.h"

namespace nntrain::csv {
namespace {

NumberStatus parse(const std::string& s, float* out) {
  return parse_number(s.data(), s.data() + s.size(), out);
}

// The oracle: strtod in the C locale (correctly rounded to a double), then to float32; a float32
// rounding to infinity is out of range.
void check_like_strtod(const std::string& s) {
  INFO("token '", s, "'");
  const double d = std::strtod(s.c_str(), nullptr);
  const float expected = static_cast<float>(d);
  float got = 123.0f;
  const NumberStatus st = parse(s, &got);
  if (std::isinf(expected)) {
    REQUIRE(st == NumberStatus::kOutOfRange);
    return;
  }
  REQUIRE(st == NumberStatus::kOk);
  REQUIRE(bits(got) == bits(expected));
  // the field fast path, where it accepts the token, agrees with it
  float fast = 0.0f;
  char padded[64] = {};  // parse_decimal_field reads 32 bytes from the start
  if (s.size() < 32) {
    std::memcpy(padded, s.data(), s.size());
    if (parse_decimal_field(padded, padded + s.size(), &fast)) {
      REQUIRE(bits(fast) == bits(expected));
    }
  }
}

void check_status(const std::string& s, NumberStatus want) {
  INFO("token '", s, "'");
  float out = 0.0f;
  CHECK(parse(s, &out) == want);
}

void check_value(const std::string& s, float want) {
  INFO("token '", s, "'");
  float out = 123.0f;
  REQUIRE(parse(s, &out) == NumberStatus::kOk);
  CHECK(bits(out) == bits(want));
}

}  // namespace

TEST_CASE("signs, points and exponents") {
  check_value("0", 0.0f);
  check_value("-0", -0.0f);
  check_value("+0", 0.0f);
  check_value("-0.0e5", -0.0f);
  check_value("+1", 1.0f);
  check_value("-1", -1.0f);
  check_value("1.", 1.0f);
  check_value(".5", 0.5f);
  check_value("-.5", -0.5f);
  check_value("+.5e1", 5.0f);
  check_value("1e3", 1000.0f);
  check_value("1E+3", 1000.0f);
  check_value("1e-3", 0.001f);
  check_value("2.5E-0", 2.5f);
  check_value("00000000000000000000000012", 12.0f);
  check_value("0.1", 0.1f);
  check_value("16777217", 16777216.0f);  // ties to even in float32
  for (const char* s : {"0.1", "0.2", "0.3", "123.456", "-9.87654321e-7", "3.4028234e38"}) {
    check_like_strtod(s);
  }
}

TEST_CASE("malformed tokens are invalid") {
  for (const char* s :
       {"",    "+",     "-",   ".",   "+.",    "-.e1",  "e5",   "E5",    "1e",    "1e+",
        "1e-", "1.2.3", "--1", "+-1", "1e5.0", "1e2e3", "0x10", "0X1p3", "1_000", "1,5",
        "1f",  "1d",    "1..", "..1", "1 2",   "abc",   "1e 5", "\xff",  "١"}) {
    check_status(s, NumberStatus::kInvalid);
  }
}

TEST_CASE("inf and nan spellings are not numbers") {
  for (const char* s : {"inf", "-inf", "+inf", "INF", "Inf", "infinity", "Infinity", "-Infinity",
                        "nan", "NaN", "-nan", "NAN", "nan(0x1)", "1e", "infe1"}) {
    check_status(s, NumberStatus::kInvalid);
  }
}

TEST_CASE("surrounding spaces are the caller's: they make a token invalid") {
  for (const char* s : {" 1", "1 ", "\t1", "1\t", " 1 ", "\n1", "1\r", "1\n", " ", "\t", "\v1"}) {
    check_status(s, NumberStatus::kInvalid);
  }
  const std::string with_nul("1\0", 2);
  check_status(with_nul, NumberStatus::kInvalid);
}

TEST_CASE("overflow is out of range, for float32 and beyond double") {
  check_value("3.4028235e38", 3.4028235e38f);  // FLT_MAX
  check_like_strtod("3.40282356e38");          // just under the rounding boundary
  for (const char* s :
       {"3.4028236e38", "1e39", "-1e39", "340282366920938463463374607431768211456", "1e308",
        "1.8e308", "1e400", "-1e400", "1e999999999999999999", "123456789e999999999"}) {
    check_status(s, NumberStatus::kOutOfRange);
  }
  // a zero mantissa is zero whatever the exponent
  check_value("0e999999999999", 0.0f);
  check_value("-0.000e5000", -0.0f);
}

TEST_CASE("underflow gives signed zero, not an error") {
  check_value("1e-46", 0.0f);
  check_value("-1e-46", -0.0f);
  check_value("1e-400", 0.0f);
  check_value("-1e-400", -0.0f);
  check_value("1e-999999999999999999", 0.0f);
  check_value("-4.9e-324", -0.0f);  // the smallest double, far below float32
}

TEST_CASE("float32 subnormals round like the double path") {
  check_value("1.401298464324817e-45", std::ldexp(1.0f, -149));  // the smallest subnormal
  check_value("1e-45", std::ldexp(1.0f, -149));
  check_value("1.1754942e-38", std::nextafter(1.17549435e-38f, 0.0f));  // the largest subnormal
  check_value("1.17549435e-38", 1.17549435e-38f);                       // FLT_MIN
  for (const char* s : {"7e-46", "7.1e-46", "2.1e-45", "2.8e-45", "1.0e-40", "5.877472e-39",
                        "1.1754943e-38", "1.17549430e-38", "-3.5e-42"}) {
    check_like_strtod(s);
  }
}

TEST_CASE("very long digit strings round correctly") {
  std::string ones(1000, '1');
  check_status(ones, NumberStatus::kOutOfRange);
  check_like_strtod("0." + ones);
  check_like_strtod(ones + "e-990");
  check_like_strtod("0." + std::string(500, '0') + "1");                // 1e-501
  check_like_strtod("1" + std::string(30, '0'));                        // 1e30
  check_like_strtod("1" + std::string(38, '0'));                        // 1e38
  check_status("1" + std::string(39, '0'), NumberStatus::kOutOfRange);  // 1e39
  check_like_strtod("16777217" + std::string(300, '0') + "1e-300");     // just above a tie
  check_like_strtod("3.14159265358979323846264338327950288419716939937510582097494459");
  // a float32 tie decided by a digit far beyond double precision
  check_like_strtod("0.50000002980232238769531250000000000000000000000001");
  check_like_strtod("0.50000002980232238769531249999999999999999999999999");
  check_like_strtod("9007199254740993");  // 2^53 + 1: the double rounding is part of the contract
}

TEST_CASE("round trip against strtod for many random values") {
  std::mt19937_64 rng(20240611);
  char buf[96];
  const char* formats[] = {"%.9g", "%.17g", "%.6e", "%.3f", "%.12g", "%a"};
  for (int i = 0; i < 60000; i++) {
    // random bit patterns cover every exponent, subnormals included
    const uint32_t b = static_cast<uint32_t>(rng());
    float f;
    std::memcpy(&f, &b, sizeof f);
    if (!std::isfinite(f)) continue;
    const char* fmt = formats[i % 5];  // %a (hex) is not in the grammar
    std::snprintf(buf, sizeof buf, fmt, static_cast<double>(f));
    check_like_strtod(buf);
    if (fmt[2] == '9') {  // 9 significant digits round-trip a float32 exactly
      float back = 0.0f;
      REQUIRE(parse(buf, &back) == NumberStatus::kOk);
      REQUIRE(bits(back) == bits(f));
    }
  }
  // random decimal strings: up to 25 digits, a point anywhere, exponents -60..60 (the range where
  // the fast paths, the quotient and from_chars all take part)
  std::uniform_int_distribution<int> digit(0, 9), len(1, 25), exp10(-60, 60), coin(0, 3);
  for (int i = 0; i < 60000; i++) {
    std::string s;
    if (coin(rng) == 0) s += '-';
    const int n = len(rng);
    const int point = std::uniform_int_distribution<int>(0, n)(rng);
    for (int j = 0; j < n; j++) {
      if (j == point) s += '.';
      s += static_cast<char>('0' + digit(rng));
    }
    if (coin(rng) != 0) s += 'e' + std::to_string(exp10(rng) - (point - n));
    check_like_strtod(s);
  }
  std::snprintf(buf, sizeof buf, formats[5], 1.5);
  check_status(buf, NumberStatus::kInvalid);
}

TEST_CASE("float32 ties and near-ties of short decimals (the quotient path) round exactly") {
  // In [2^(24-j), 2^(25-j)) float32 steps by 2^-j, so the midpoints between neighbours end in
  // j+1 fractional digits: short decimals that m / 10^k must round as ties, to even.
  std::mt19937_64 rng(7);
  char buf[64];
  for (int j = 0; j <= 4; j++) {
    const double step = std::ldexp(1.0, -j), lo = std::ldexp(1.0, 24 - j);
    for (int i = 0; i < 4000; i++) {
      const double f = lo + step * static_cast<double>(rng() % (1u << 24));
      const double mid = f + step / 2;
      for (const double v : {mid, -mid}) {
        std::snprintf(buf, sizeof buf, "%.*f", j + 1, v);
        check_like_strtod(buf);
        // just beside the tie: the last digit moved by one, one place further out
        std::snprintf(buf, sizeof buf, "%.*f1", j + 1, v);
        check_like_strtod(buf);
        std::snprintf(buf, sizeof buf, "%.*f", j + 2, v - std::ldexp(1.0, -j - 8));
        check_like_strtod(buf);
      }
    }
  }
}

TEST_CASE("locale independence: '.' is the decimal point whatever LC_NUMERIC says") {
  int tried = 0;
  for (const char* name :
       {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "ru_RU.UTF-8", "C.UTF-8", "C.utf8"}) {
    if (std::setlocale(LC_ALL, name) == nullptr) continue;
    tried++;
    INFO("locale ", name);
    check_value("1.5", 1.5f);
    check_value("-2.25e1", -22.5f);
    check_status("1,5", NumberStatus::kInvalid);
    check_status("1 000", NumberStatus::kInvalid);
  }
  std::setlocale(LC_ALL, "C");
  CHECK(tried >= 1);
}

}  // namespace nntrain::csv

// Tests of bachprop/core/number_text.hpp: parse_decimal reads text exactly as std::from_chars
// does, and its fallback for standard libraries without a floating-point from_chars (libc++
// before LLVM 20, emscripten's) gives the same doubles bit for bit and refuses the same texts;
// shortest() and its fallback write the fewest digits that read back exactly.

#include <bachprop/core/number_text.hpp>

#include <catch2/catch.hpp>

#include <bit>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

using bachprop::number_text::parse_decimal;
using bachprop::number_text::fixed;
using bachprop::number_text::parse_decimal_portable;
using bachprop::number_text::shortest;
using bachprop::number_text::shortest_portable;

namespace {

// Both readers agree on `text`: both refuse it, or both read the same bits.
void same(const std::string& text) {
  INFO("text '" << text << "'");
  double a = -7.0;
  double b = -7.0;
  const bool read_a = parse_decimal(text, a);
  const bool read_b = parse_decimal_portable(text, b);
  REQUIRE(read_a == read_b);
  if (read_a) {
    CHECK(std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b));
  } else {
    CHECK(a == -7.0);  // a refused text leaves the value alone
    CHECK(b == -7.0);
  }
}

}  // namespace

TEST_CASE("decimal text: what is read and what is refused", "[number_text]") {
  double v = 0;
  CHECK(parse_decimal("1.5", v));
  CHECK(v == 1.5);
  CHECK(parse_decimal("-0.25", v));
  CHECK(v == -0.25);
  CHECK(parse_decimal("3e2", v));
  CHECK(v == 300.0);
  CHECK(parse_decimal("2.", v));
  CHECK(v == 2.0);
  CHECK(parse_decimal(".5", v));
  CHECK(v == 0.5);
  for (const char* bad : {"", "-", ".", "+1", " 1", "1 ", "1e", "1e+", "0x10", "inf", "-inf",
                          "nan", "1.5.2", "1,5", "1e999", "--1", "e5"}) {
    INFO("text '" << bad << "'");
    double untouched = -7.0;
    CHECK_FALSE(parse_decimal(bad, untouched));
    CHECK(untouched == -7.0);
  }
}

TEST_CASE("decimal text: the fallback reads every number as from_chars does, bit for bit",
          "[number_text]") {
  for (const char* text : {"0", "-0", "1", "1.", ".5", "0.1", "1e5", "1E5", "1e+5", "1e-5",
                           "123456789012345678901234567890", "0.000000000000000000001",
                           "1.7976931348623157e308", "2.2250738585072014e-308", "1e", "1e+",
                           "+1", " 1", "1 ", "0x10", "inf", "nan", "1.5.2", "", "-", ".", "1e999",
                           "00012.50", "9007199254740993", "0.30000000000000004"}) {
    same(text);
  }
  std::mt19937_64 random(5);
  std::uniform_int_distribution<int> exponent(-300, 300);
  std::uniform_real_distribution<double> mantissa(1.0, 10.0);
  char buffer[64];
  for (int i = 0; i < 20000; ++i) {
    const double x = mantissa(random) * std::pow(10.0, exponent(random));
    for (const char* format : {"%.17g", "%.3f", "%.6e", "%.1g", "%.25g"}) {
      if (std::string(format) == "%.3f" && std::fabs(x) > 1e30) {
        continue;  // hundreds of digits: fine, but slow to repeat 20,000 times
      }
      std::snprintf(buffer, sizeof buffer, format, i % 2 == 0 ? x : -x);
      same(buffer);
    }
  }
}

TEST_CASE("shortest text: the fallback writes what to_chars writes, and both read back exactly",
          "[number_text]") {
  std::mt19937_64 random(7);
  std::uniform_int_distribution<int> exponent(-40, 40);
  std::uniform_real_distribution<double> mantissa(1.0, 10.0);
  for (int i = 0; i < 20000; ++i) {
    const double x = mantissa(random) * std::pow(10.0, exponent(random)) * (i % 2 ? -1 : 1);
    const auto f = static_cast<float>(x);  // infinite beyond 3.4e38: written "inf" by both
    INFO("x = " << shortest(x) << ", float " << shortest(f));
    CHECK(std::strtod(shortest(x).c_str(), nullptr) == x);
    CHECK((std::strtof(shortest(f).c_str(), nullptr) == f || std::isinf(f)));
    CHECK(shortest_portable(x) == shortest(x));
    CHECK(shortest_portable(f) == shortest(f));
    const double whole = std::round(x);  // whole numbers, written in full where that is shorter
    CHECK(shortest_portable(whole) == shortest(whole));
  }
  for (const double x : {0.0, -0.0, 1.0, 1e-5, 0.001, 1e16, 1e22, 123456.0, 0.1 + 0.2,
                         5e-324, 1.7976931348623157e308}) {
    CHECK(shortest_portable(x) == shortest(x));
  }
  CHECK(shortest(80.0) == "80");
  CHECK(shortest_portable(80.0) == "80");
  CHECK(shortest(72.5) == "72.5");
  CHECK(shortest_portable(0.1f) == "0.1");
  CHECK(fixed(70.0, 2) == "70.00");
  CHECK(fixed(100 / 0.9, 2) == "111.11");
  CHECK(fixed(0.125, 2) == "0.12");  // a tie, to even, as printf and to_chars both round
}

#pragma once
/// @file
/// Reading a decimal number from text exactly as std::from_chars reads it, and writing the
/// shortest text that reads back as the same number as std::to_chars writes it, also where the
/// standard library has no floating-point from_chars or to_chars (libc++ before LLVM 20, which
/// emscripten uses). Which one is compiled is chosen by the feature macro `__cpp_lib_to_chars`; the
/// fallback checks the same grammar (an optional '-', digits with an optional '.', an optional
/// exponent; no '+', space, hexadecimal, "inf" or "nan") and converts with the C locale's
/// strtod, which rounds correctly as from_chars does, so both give the same double bit for bit
/// for every number in the normal range (a test compares them on many); at the edges of the
/// range (subnormal results) the two may disagree on whether the number is out of range.

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <string>
#include <string_view>
#include <system_error>

namespace bachprop::number_text {

/// `text` read whole as a finite double by the fallback (see the file comment); false when it
/// is not one, or is out of the double's range.
inline bool parse_decimal_portable(std::string_view text, double& value) {
  std::size_t i = text.starts_with('-') ? 1 : 0;
  std::size_t digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    ++i;
    ++digits;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      ++i;
      ++digits;
    }
  }
  if (digits == 0) {
    return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    std::size_t j = i + 1;
    j += j < text.size() && (text[j] == '+' || text[j] == '-') ? 1 : 0;
    const std::size_t exponent_start = j;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') {
      ++j;
    }
    i = j > exponent_start ? j : i;  // "1e": the number ends before the 'e', as in from_chars
  }
  if (i != text.size()) {
    return false;
  }
  const std::string copy(text);  // strtod needs the terminating NUL
  char* end = nullptr;
  errno = 0;
  const double parsed = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || errno == ERANGE) {
    return false;
  }
  value = parsed;
  return true;
}

/// `text` read whole as a double, as std::from_chars reads it in its general format (no
/// infinity or NaN); false when it is not one, or is out of the double's range.
inline bool parse_decimal(std::string_view text, double& value) {
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
  double parsed = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (error != std::errc() || end != text.data() + text.size() || parsed - parsed != 0.0) {
    return false;
  }
  value = parsed;
  return true;
#else
  return parse_decimal_portable(text, value);
#endif
}

/// The shortest text that reads back as exactly `value` (a float or a double, finite), written
/// as std::to_chars writes it, by printf: the fewest significant digits that round-trip, in
/// plain form ("80", "0.001", "3314422618875973120") unless scientific ("1e-05") is shorter.
/// The fallback of shortest(); a test compares the two on many numbers.
template <class S>
std::string shortest_portable(S value) {
  static_assert(std::is_floating_point_v<S>);
  if (!std::isfinite(value)) {
    return std::isnan(value) ? "nan" : value < 0 ? "-inf" : "inf";  // as to_chars writes them
  }
  constexpr int most = std::is_same_v<S, float> ? 9 : 17;  // digits that always round-trip
  const auto reads_back = [value](const char* text) {
    return std::is_same_v<S, float> ? static_cast<S>(std::strtof(text, nullptr)) == value
                                    : static_cast<S>(std::strtod(text, nullptr)) == value;
  };
  char scientific[48];
  int digits = 1;
  for (;; ++digits) {
    std::snprintf(scientific, sizeof scientific, "%.*e", digits - 1, static_cast<double>(value));
    if (reads_back(scientific) || digits >= most) {
      break;
    }
  }
  const int exponent = std::atoi(std::strchr(scientific, 'e') + 1);
  // Plain form: as many decimals as the digits need (none for a whole number, whose digits
  // printf writes exactly, as to_chars does).
  char plain[400];
  std::snprintf(plain, sizeof plain, "%.*f", std::max(0, digits - 1 - exponent),
                static_cast<double>(value));
  return std::string(std::strlen(plain) <= std::strlen(scientific) ? plain : scientific);
}

/// The shortest decimal text that reads back as exactly `value` (a float or a double):
/// std::to_chars's where the library has it, else shortest_portable's.
template <class S>
std::string shortest(S value) {
  static_assert(std::is_floating_point_v<S>);
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
  char text[40];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
#else
  return shortest_portable(value);
#endif
}

/// `value` with `decimals` digits after the point ("70.56"), correctly rounded: std::to_chars's
/// fixed format where the library has it, else printf's "%.*f" (also correctly rounded, in the C
/// locale the library runs in).
inline std::string fixed(double value, int decimals) {
  char text[64];
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
  const auto result = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed,
                                    decimals);
  return std::string(text, result.ptr);
#else
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
#endif
}

}  // namespace bachprop::number_text

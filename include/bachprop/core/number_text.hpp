#pragma once
/// @file
/// Reading a decimal number from text exactly as std::from_chars reads it, also where the
/// standard library has no floating-point from_chars (libc++ before LLVM 20, which emscripten
/// uses). Which one is compiled is chosen by the feature macro `__cpp_lib_to_chars`; the
/// fallback checks the same grammar (an optional '-', digits with an optional '.', an optional
/// exponent; no '+', space, hexadecimal, "inf" or "nan") and converts with the C locale's
/// strtod, which rounds correctly as from_chars does, so both give the same double bit for bit
/// for every number in the normal range (a test compares them on many); at the edges of the
/// range (subnormal results) the two may disagree on whether the number is out of range.

#include <cerrno>
#include <charconv>
#include <cstdlib>
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

}  // namespace bachprop::number_text

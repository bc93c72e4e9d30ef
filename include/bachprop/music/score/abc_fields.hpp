#pragma once
/// @file
/// The pieces the ABC reader (music/score/abc.hpp) is built from: exact note lengths and the
/// length written after a note, positions for error messages, the lines of a file, and the
/// values of the fields M: (meter), L: (unit note length) and Q: (tempo), each read from one
/// line (K:, V: and P: are in music/score/abc_key.hpp). Internal (namespace detail::abc).
///
/// Lengths are fractions of a whole note held exactly in 64-bit integers. Every sum and product
/// is checked: a tune whose tuplets make the denominators outgrow 64 bits is refused with an
/// error instead of wrapping round. Every number the text gives (lengths, tuplet sizes, counts)
/// is bounded where it is read, so ordinary tunes never come near that limit.

#include <bachprop/core/error.hpp>

#include <cstdint>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop::music::detail::abc {

/// A non-negative fraction num/den in lowest terms (den > 0): a length in whole notes.
struct Rational {
  std::int64_t num = 0;
  std::int64_t den = 1;
  friend bool operator==(const Rational&, const Rational&) = default;
};

/// num/den in lowest terms; num ≥ 0 and den > 0 (the callers' values always are).
inline Rational reduced(std::int64_t num, std::int64_t den) {
  const std::int64_t g = std::gcd(num, den);
  return {num / g, den / g};
}

/// a·b, or false when it does not fit in 64 bits (each factor is reduced first, so a product
/// fails only when the exact result does not fit).
inline bool multiply(Rational a, Rational b, Rational& out) {
  const std::int64_t g1 = std::gcd(a.num, b.den);
  const std::int64_t g2 = std::gcd(b.num, a.den);
  std::int64_t num = 0;
  std::int64_t den = 0;
  if (__builtin_mul_overflow(a.num / g1, b.num / g2, &num) ||
      __builtin_mul_overflow(a.den / g2, b.den / g1, &den)) {
    return false;
  }
  out = reduced(num, den);
  return true;
}

/// a + b, or false when it does not fit in 64 bits.
inline bool add(Rational a, Rational b, Rational& out) {
  const std::int64_t g = std::gcd(a.den, b.den);
  std::int64_t den = 0;
  std::int64_t left = 0;
  std::int64_t right = 0;
  std::int64_t num = 0;
  if (__builtin_mul_overflow(a.den / g, b.den, &den) ||
      __builtin_mul_overflow(a.num, b.den / g, &left) ||
      __builtin_mul_overflow(b.num, a.den / g, &right) ||
      __builtin_add_overflow(left, right, &num)) {
    return false;
  }
  out = reduced(num, den);
  return true;
}

/// The length in quarter notes (the score's unit).
inline double quarters(Rational r) {
  return 4.0 * static_cast<double>(r.num) / static_cast<double>(r.den);
}

/// `text` quoted for an error message: control and non-ASCII bytes as \xNN, cut after 40.
inline std::string quoted(std::string_view text) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < 40; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20U || c >= 0x7FU) {
      out += "\\x";
      out += digits[c >> 4U];
      out += digits[c & 0x0FU];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + (text.size() > 40 ? "...'" : "'");
}

/// A piece of one line of the file: the text, where it starts, and the file's name, so that
/// any mistake in it is reported as "NAME: line L, column C: expected ...".
struct Span {
  std::string_view text;    ///< the piece being read
  std::string_view source;  ///< the file's name, or "<text>"
  int line = 1;             ///< 1-based line number
  int column = 1;           ///< 1-based column of text[0] in its line

  [[noreturn]] void fail(std::size_t at, const std::string& expected) const {
    throw FormatError(std::string(source) + ": line " + std::to_string(line) + ", column " +
                      std::to_string(column + static_cast<int>(at)) + ": expected " + expected);
  }
  /// ", found 'X'" for the character at `at` (or ", found the end of the line").
  std::string found(std::size_t at) const {
    return at < text.size() ? ", found " + quoted(text.substr(at, 1))
                            : ", found the end of the line";
  }
  /// The part from `at` on, keeping its position.
  Span from(std::size_t at, std::size_t count = std::string_view::npos) const {
    return {text.substr(at, count), source, line, column + static_cast<int>(at)};
  }
};

inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}
inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/// Skips spaces and tabs from `at`.
inline void skip_spaces(std::string_view text, std::size_t& at) {
  while (at < text.size() && is_space(text[at])) {
    ++at;
  }
}

/// A whole number 0..`limit` at `at` (advanced past it); nullopt when no digit is there. More
/// digits than the limit allows is an error naming `what`.
inline std::optional<int> number(const Span& span, std::size_t& at, int limit, const char* what) {
  const std::size_t start = at;
  long long value = 0;
  while (at < span.text.size() && is_digit(span.text[at])) {
    value = value * 10 + (span.text[at] - '0');
    if (value > limit) {
      span.fail(start, std::string(what) + " of at most " + std::to_string(limit));
    }
    ++at;
  }
  if (at == start) {
    return std::nullopt;
  }
  return static_cast<int>(value);
}

/// A signed whole number -limit..limit making up all of `text` (for name=value parameters).
inline std::optional<int> signed_number(std::string_view text, int limit) {
  std::size_t at = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
  if (at == text.size() || text.size() > 6) {
    return std::nullopt;
  }
  int value = 0;
  for (; at < text.size(); ++at) {
    if (!is_digit(text[at])) {
      return std::nullopt;
    }
    value = value * 10 + (text[at] - '0');
  }
  value = text[0] == '-' ? -value : value;
  return value < -limit || value > limit ? std::nullopt : std::optional<int>(value);
}

/// The meter of an M: field. `free` for M:none (and before any M:).
struct Meter {
  bool free = true;     ///< no meter: bars can be anywhere
  int numerator = 4;    ///< beats per bar (the sum of a complex meter such as (2+3+2)/8)
  int denominator = 4;  ///< a power of two 1..128
  /// A bar's length in whole notes.
  Rational bar() const { return reduced(numerator, denominator); }
  /// 6/8, 9/8, 12/8, 6/4...: the beat divides in three (tuplets' default q is then 3).
  bool compound() const { return !free && numerator % 3 == 0 && numerator > 3; }
};

/// M: C, C|, none, N/D or (A+B+...)/D.
inline Meter parse_meter(const Span& span) {
  const std::string_view t = span.text;
  if (t.empty() || t == "none") {
    return {};
  }
  if (t == "C" || t == "C|") {
    return {false, t == "C" ? 4 : 2, t == "C" ? 4 : 2};
  }
  const char* expected = "a meter such as 6/8, C, C|, none or (2+3+2)/8";
  std::size_t at = 0;
  const bool open = t[0] == '(';
  at += open ? 1 : 0;
  int sum = 0;
  do {
    skip_spaces(t, at);
    const auto part = number(span, at, 255, "a beat count");
    if (!part) {
      span.fail(at, expected + span.found(at));
    }
    sum += *part;
    skip_spaces(t, at);
  } while (at < t.size() && t[at] == '+' && ++at);
  if (open) {
    if (at >= t.size() || t[at] != ')') {
      span.fail(at, "')' closing the meter's numerator" + span.found(at));
    }
    ++at;
  }
  if (at >= t.size() || t[at] != '/') {
    span.fail(at, expected + span.found(at));
  }
  ++at;
  const std::size_t denominator_at = at;
  const auto denominator = number(span, at, 128, "a meter denominator");
  if (!denominator || at != t.size()) {
    span.fail(at, expected + span.found(at));
  }
  if (sum < 1 || sum > 255 || *denominator < 1 || (*denominator & (*denominator - 1)) != 0) {
    span.fail(denominator_at, "a meter with 1..255 beats of a power-of-two note value 1..128");
  }
  return {false, sum, *denominator};
}

/// A length written as N/D (or N) with 1 ≤ N, D ≤ 4096, as L: and Q: write them.
inline Rational parse_fraction(const Span& span, std::size_t& at, const char* expected) {
  const std::size_t start = at;
  const auto num = number(span, at, 4096, "a note length");
  std::optional<int> den = 1;
  if (num && at < span.text.size() && span.text[at] == '/') {
    ++at;
    den = number(span, at, 4096, "a note length");
  }
  if (!num || !den) {
    span.fail(at, expected + span.found(at));
  }
  if (*num < 1 || *den < 1) {
    span.fail(start,
              std::string(expected) + ", found " + quoted(span.text.substr(start, at - start)));
  }
  return reduced(*num, *den);
}

/// L: 1/8, 1/16, 1 ...
inline Rational parse_unit_length(const Span& span) {
  std::size_t at = 0;
  const Rational unit = parse_fraction(span, at, "a unit note length such as 1/8");
  if (at != span.text.size()) {
    span.fail(at, "the end of the unit note length" + span.found(at));
  }
  return unit;
}

/// A Q: field: `beat` (in whole notes) `per_minute` times a minute; `units` when the beat is
/// the unit note length (Q:120 and Q:C=120, the older forms), `given` false for a text alone.
struct Tempo {
  bool given = false;
  bool units = false;
  Rational beat{1, 4};
  int per_minute = 120;
};

/// Q: 1/4=120, 1/4 3/8=40, "Allegro" 1/4=120, "Andante", C=120 or 120.
inline Tempo parse_tempo(const Span& span) {
  const std::string_view t = span.text;
  const char* expected = "a tempo such as 1/4=120";
  Tempo tempo;
  Rational beats{0, 1};
  int fractions = 0;
  bool whole_number = false;  // the one number given had no '/': Q:120
  std::size_t at = 0;
  while (skip_spaces(t, at), at < t.size()) {
    if (t[at] == '"') {  // a text such as "Allegro": skipped
      const std::size_t close = t.find('"', at + 1);
      if (close == std::string_view::npos) {
        span.fail(at, "a '\"' closing the tempo's text");
      }
      at = close + 1;
    } else if (t[at] == '=' && !tempo.given) {
      ++at;
      skip_spaces(t, at);
      const auto count = number(span, at, 10000, "a tempo");
      if (!count || *count < 1 || (fractions == 0 && !tempo.units)) {
        span.fail(at, expected + span.found(at));
      }
      tempo = {true, tempo.units, tempo.units ? Rational{1, 4} : beats, *count};
    } else if ((t[at] == 'C' || t[at] == 'L') && !tempo.given) {  // C=120: unit note lengths
      tempo.units = true;
      ++at;
    } else if (is_digit(t[at]) && !tempo.given) {
      const auto num = number(span, at, 10000, "a tempo");
      whole_number = at >= t.size() || t[at] != '/';
      int den = 1;
      if (!whole_number) {
        ++at;
        const auto d = number(span, at, 4096, "a beat's note value");
        if (!d || *d < 1 || *num < 1 || *num > 4096) {
          span.fail(at, expected + span.found(at));
        }
        den = *d;
      }
      if (!add(beats, reduced(*num, den), beats)) {
        span.fail(at, expected);
      }
      ++fractions;
    } else {
      span.fail(at, expected + span.found(at));
    }
  }
  if (!tempo.given && fractions == 1 && whole_number && !tempo.units) {
    // Q:120, the older form: unit note lengths a minute.
    if (beats.num < 1) {
      span.fail(0, expected);
    }
    return {true, true, {1, 4}, static_cast<int>(beats.num)};
  }
  if (!tempo.given && (fractions > 0 || tempo.units)) {
    span.fail(t.size(), "'=' and a number of beats a minute after the beat, as in 1/4=120");
  }
  return tempo;  // given, or a text alone (no tempo)
}

/// The whole of `span` without spaces at either end.
inline Span trimmed(Span span) {
  std::size_t first = 0;
  skip_spaces(span.text, first);
  std::size_t last = span.text.size();
  while (last > first && is_space(span.text[last - 1])) {
    --last;
  }
  return span.from(first, last - first);
}

/// The lines of `text`, ended by \n, \r\n or \r (line i + 1 of the file is element i).
inline std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') {
      lines.push_back(text.substr(start, i - start));
      i += text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n' ? 1 : 0;
      start = i + 1;
    }
  }
  if (start < text.size()) {
    lines.push_back(text.substr(start));
  }
  return lines;
}

/// True for a line of spaces and tabs only (it ends a tune).
inline bool blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

/// The number of an X: line (-1 when it holds none).
inline int tune_number(std::string_view line) {
  std::size_t at = 2;
  skip_spaces(line, at);
  long long n = -1;
  for (; at < line.size() && is_digit(line[at]) && n < 1000000000; ++at) {
    n = (n < 0 ? 0 : n * 10) + (line[at] - '0');
  }
  return static_cast<int>(n);
}

/// The shortest note a tune may hold: 1/262144 of a whole note (1/65536 of a quarter, finer
/// than a MIDI file's finest tick). Finer lengths are refused because a score keeps its times
/// as doubles: a note of 2⁻⁶⁰ quarters twenty bars in would end where it starts.
inline constexpr std::int64_t shortest_note_denominator = 262144;

/// a·b (a note's length, in whole notes), or an error at `at` when it does not fit in 64-bit
/// fractions or is shorter than the shortest note.
inline Rational times(const Span& line, std::size_t at, Rational a, Rational b) {
  Rational out;
  if (!multiply(a, b, out)) {
    line.fail(at,
              "a note length that fits in 64-bit fractions (the lengths and tuplets "
              "before it make it too fine)");
  }
  std::int64_t scaled = 0;  // num · 262144 < den: shorter than the shortest (no overflow: longer)
  if (!__builtin_mul_overflow(out.num, shortest_note_denominator, &scaled) && scaled < out.den) {
    line.fail(at, "a note length of at least 1/262144 of a whole note (the lengths and tuplets "
                  "before it make it too fine)");
  }
  return out;
}

/// A length multiplier after a note: 2, /2, /, //, 3/2, 3/ ... (each number at most 9999).
inline Rational multiplier(const Span& line, std::size_t& at) {
  const std::size_t start = at;
  Rational factor{number(line, at, 9999, "a note length").value_or(1), 1};
  while (at < line.text.size() && line.text[at] == '/') {
    ++at;
    const int divisor = number(line, at, 9999, "a note length's divisor").value_or(2);
    if (divisor == 0) {
      line.fail(at - 1, "a positive note length (/0 divides by nothing)");
    }
    if (!multiply(factor, {1, divisor}, factor)) {
      line.fail(start, "a note length that fits in 64-bit fractions");
    }
  }
  if (factor.num == 0) {
    line.fail(start, "a positive note length (A0 is none)");
  }
  return factor;
}

/// A tie after a note or chord: '-' (or '.-', a dotted tie).
inline bool tie(std::string_view t, std::size_t& at) {
  const std::size_t dotted = at < t.size() && t[at] == '.' ? 1 : 0;
  if (at + dotted < t.size() && t[at + dotted] == '-') {
    at += dotted + 1;
    return true;
  }
  return false;
}

}  // namespace bachprop::music::detail::abc

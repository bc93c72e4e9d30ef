#pragma once
/// @file
/// Pitches: MIDI numbers, note names in scientific pitch notation, frequencies in equal
/// temperament, pitch classes, and a small text notation for melodies ("C4 D4 E4/8 R G4/2").
///
/// Conventions. MIDI 60 is C4 (middle C) and 69 is A4 = 440 Hz. An octave number changes between
/// B and C, so B#3 is MIDI 60 (the same key as C4) and Cb4 is MIDI 59 (the same key as B3).
/// Names are read with one sharp (#) or flat (b) at most and written with sharps.
///
/// Note-string syntax (parse_notes). Tokens are separated by white space; each token is
///   - a pitch name such as `C4`, `F#3`, `Bb5`, `E#4`, or a chord of names joined by dots,
///     `C4.E4.G4` (the token vocabulary's spelling, see encoding.hpp), or `R` for a rest;
///   - then optionally a duration: `/N` is a note value as a fraction of a whole note (`/1`
///     whole, `/2` half, `/4` quarter, `/8` eighth, `/16`, `/32`, `/64`) followed by up to two
///     dots for dotted values (`/4.` is 1.5 quarters), or `:Q` is a length in quarter notes
///     written as a decimal number (`:1.5`, `:0.25`, `:3`).
/// A token without a duration takes the default (one quarter unless the caller says otherwise).
/// A token `|` is a bar line, there for the reader: it is skipped.
/// A bad token is reported with its position (character offset) in the text.

#include <bachprop/core/error.hpp>
#include <bachprop/core/number_text.hpp>

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop::music {

/// Lowest MIDI note number (C-1).
inline constexpr int lowest_midi_pitch = 0;
/// Highest MIDI note number (G9).
inline constexpr int highest_midi_pitch = 127;

/// True when `pitch` is a MIDI note number (0..127).
constexpr bool is_midi_pitch(int pitch) {
  return pitch >= lowest_midi_pitch && pitch <= highest_midi_pitch;
}

/// Throws ArgumentError unless `pitch` is a MIDI note number; `what` names the caller.
inline void require_midi_pitch(int pitch, std::string_view what) {
  if (!is_midi_pitch(pitch)) {
    throw ArgumentError(std::string(what) + ": pitch " + std::to_string(pitch) +
                        " is outside the MIDI range 0..127");
  }
}

/// The pitch class 0..11 (C = 0, C# = 1, ..., B = 11) of any integer pitch, negative included.
constexpr int pitch_class(int pitch) { return ((pitch % 12) + 12) % 12; }

/// The octave number in scientific pitch notation: 4 for MIDI 60..71, -1 for MIDI 0..11.
constexpr int octave_of(int pitch) { return (pitch - pitch_class(pitch)) / 12 - 1; }

/// Name of a pitch class with a sharp where needed: "C", "C#", ..., "B".
inline std::string_view pitch_class_name(int pc) {
  static constexpr std::array<std::string_view, 12> names{"C",  "C#", "D",  "D#", "E",  "F",
                                                          "F#", "G",  "G#", "A",  "A#", "B"};
  return names[static_cast<std::size_t>(pitch_class(pc))];
}

/// "C4" for 60, "A#4" for 70, "C-1" for 0. Throws ArgumentError outside 0..127.
inline std::string pitch_name(int pitch) {
  require_midi_pitch(pitch, "pitch_name");
  return std::string(pitch_class_name(pitch)) + std::to_string(octave_of(pitch));
}

namespace detail {

/// `text` as an error message quotes it: a control character (a NUL would end the message where
/// it is printed) as a backslash, x and two hex digits, and anything past 40 characters cut.
inline std::string quoted_text(std::string_view text) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < 40; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20U || c == 0x7FU) {
      out += "\\x";
      out += digits[c >> 4U];
      out += digits[c & 0x0FU];
    } else {
      out += static_cast<char>(c);
    }
  }
  return text.size() > 40 ? out + "..." : out;
}

/// Parses a pitch name; on failure returns false and sets `why`.
inline bool parse_pitch_name(std::string_view text, int& pitch, std::string& why) {
  if (text.empty()) {
    why = "a pitch name, found none";
    return false;
  }
  static constexpr std::array<int, 7> letter_pc{9, 11, 0, 2, 4, 5, 7};  // A B C D E F G
  const char letter = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  if (letter < 'A' || letter > 'G') {
    why = "a pitch letter A-G";
    return false;
  }
  int pc = letter_pc[static_cast<std::size_t>(letter - 'A')];
  std::size_t i = 1;
  int alteration = 0;
  if (i < text.size() && (text[i] == '#' || text[i] == 'b')) {
    alteration = text[i] == '#' ? 1 : -1;
    ++i;
  }
  const std::string_view digits = text.substr(i);
  if (digits.empty()) {
    why = "an octave number after the letter (as in C4)";
    return false;
  }
  int octave = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), octave);
  if (error != std::errc() || end != digits.data() + digits.size()) {
    why = "an octave number after the letter (as in C4)";
    return false;
  }
  if (octave < -1 || octave > 9) {
    why = "an octave number -1..9";
    return false;
  }
  // The octave belongs to the letter: B#3 is one semitone above B3, which is C4.
  const int value = (octave + 1) * 12 + pc + alteration;
  if (!is_midi_pitch(value)) {
    why = "a pitch inside the MIDI range C-1..G9";
    return false;
  }
  pitch = value;
  return true;
}

}  // namespace detail

/// The MIDI number of a name such as "C4" (60), "C#4"/"Db4" (61), "A4" (69), "B#3" (60),
/// "Cb4" (59). Throws FormatError quoting the text and saying what was expected.
inline int parse_pitch(std::string_view name) {
  int pitch = 0;
  std::string why;
  if (!detail::parse_pitch_name(name, pitch, why)) {
    throw FormatError("pitch name '" + detail::quoted_text(name) + "': expected " + why);
  }
  return pitch;
}

/// Reference tuning: A4 (MIDI 69) = 440 Hz.
inline constexpr double a4_frequency = 440.0;

/// Frequency in Hz of a (possibly fractional) MIDI pitch in 12-tone equal temperament:
/// f = 440 · 2^((p − 69) / 12).
inline double frequency(double pitch) { return a4_frequency * std::exp2((pitch - 69.0) / 12.0); }

/// The nearest MIDI pitch of a frequency and how far the frequency is from it in cents
/// (hundredths of a semitone, in [-50, 50]).
struct NearestPitch {
  int pitch = 0;       ///< the nearest MIDI pitch
  double cents = 0.0;  ///< the frequency's distance above it (negative: below), in cents
};

/// The equal-tempered pitch nearest to `hz`. Throws ArgumentError when `hz` is not a positive
/// finite number or lies outside the MIDI range by more than half a semitone.
inline NearestPitch nearest_pitch(double hz) {
  if (!(hz > 0.0) || !std::isfinite(hz)) {
    throw ArgumentError("nearest_pitch: frequency must be a positive number of Hz, got " +
                        std::to_string(hz));
  }
  const double exact = 69.0 + 12.0 * std::log2(hz / a4_frequency);
  const double rounded = std::round(exact);
  if (rounded < lowest_midi_pitch || rounded > highest_midi_pitch) {
    throw ArgumentError("nearest_pitch: " + std::to_string(hz) +
                        " Hz is outside the MIDI range (8.18 Hz .. 12543.9 Hz)");
  }
  return {static_cast<int>(rounded), 100.0 * (exact - rounded)};
}

/// One event of a note string: the pitches sounding together (empty for a rest) and the length
/// in quarter notes; `position` is the character offset of the token in the text.
struct ParsedEvent {
  std::vector<int> pitches{};   ///< MIDI pitches sounding together (empty: a rest)
  double quarter_length = 1.0;  ///< length in quarter notes
  std::size_t position = 0;     ///< offset of the token in the text, in characters
  /// True for a rest (no pitches).
  bool is_rest() const { return pitches.empty(); }
};

namespace detail {

inline double parse_duration_suffix(std::string_view suffix, std::string& why) {
  if (suffix.empty()) {
    why = "a duration after '/' or ':'";
    return -1.0;
  }
  if (suffix[0] == '/') {
    std::size_t dots = 0;
    std::string_view number = suffix.substr(1);
    while (!number.empty() && number.back() == '.') {
      number.remove_suffix(1);
      ++dots;
    }
    int value = 0;
    const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (number.empty() || error != std::errc() || end != number.data() + number.size() ||
        (value != 1 && value != 2 && value != 4 && value != 8 && value != 16 && value != 32 &&
         value != 64) ||
        dots > 2) {
      why = "a note value /1, /2, /4, /8, /16, /32 or /64 with at most two dots";
      return -1.0;
    }
    const double base = 4.0 / value;
    return dots == 0 ? base : dots == 1 ? base * 1.5 : base * 1.75;
  }
  // ':Q', a length in quarter notes.
  const std::string_view number = suffix.substr(1);
  double value = 0.0;
  if (!bachprop::number_text::parse_decimal(number, value) || !(value > 0.0) ||
      !std::isfinite(value) || value > 1.0e6) {
    why = "a positive length in quarter notes after ':' (as in :1.5)";
    return -1.0;
  }
  return value;
}

}  // namespace detail

/// Parses a note string (syntax in the file comment) into events, one per token. Throws
/// FormatError naming the bad token and its character position; `default_quarter_length`
/// (positive) is the length of a token that gives none.
inline std::vector<ParsedEvent> parse_notes(std::string_view text,
                                            double default_quarter_length = 1.0) {
  if (!(default_quarter_length > 0.0) || !std::isfinite(default_quarter_length)) {
    throw ArgumentError("parse_notes: the default length must be a positive number of quarters");
  }
  std::vector<ParsedEvent> events;
  std::size_t i = 0;
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i])) != 0) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) == 0) {
      ++i;
    }
    const std::string_view token = text.substr(start, i - start);
    if (token == "|") {
      continue;
    }
    auto fail = [&](const std::string& why) {
      throw FormatError("note string, position " + std::to_string(start) + ": token '" +
                        detail::quoted_text(token) + "': expected " + why);
    };
    ParsedEvent event;
    event.position = start;
    event.quarter_length = default_quarter_length;
    const std::size_t split = token.find_first_of("/:");
    const std::string_view head = token.substr(0, split);
    std::string why;
    if (split != std::string_view::npos) {
      event.quarter_length = detail::parse_duration_suffix(token.substr(split), why);
      if (event.quarter_length < 0.0) {
        fail(why);
      }
    }
    if (head == "R" || head == "r") {
      events.push_back(std::move(event));
      continue;
    }
    std::size_t from = 0;
    while (true) {
      const std::size_t dot = head.find('.', from);
      const std::string_view name = head.substr(from, dot == std::string_view::npos
                                                          ? std::string_view::npos
                                                          : dot - from);
      int pitch = 0;
      if (!detail::parse_pitch_name(name, pitch, why)) {
        fail(why + (name.empty() ? std::string() : " in '" + detail::quoted_text(name) + "'") +
             " (a pitch such as C4, F#3 or Bb5, a chord such as C4.E4.G4, or R)");
      }
      event.pitches.push_back(pitch);
      if (dot == std::string_view::npos) {
        break;
      }
      from = dot + 1;
    }
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace bachprop::music

#pragma once
/// @file
/// Keys and scales: key signatures (sharps or flats and a mode, as MIDI stores them), the pitch
/// classes of major and minor scales, and key estimation for a melody with the
/// Krumhansl-Schmuckler algorithm (the duration-weighted pitch-class histogram correlated with
/// the 24 rotated Krumhansl-Kessler key profiles; the best Pearson correlation wins).

#include <bachprop/core/error.hpp>
#include <bachprop/music/theory/pitch.hpp>

#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bachprop::music {

/// Major (Ionian) or minor (Aeolian, the natural minor).
enum class Mode : std::uint8_t { major = 0, minor = 1 };

/// "major" or "minor".
inline std::string_view mode_name(Mode mode) { return mode == Mode::major ? "major" : "minor"; }

/// A key: its tonic pitch class (0 = C .. 11 = B) and mode.
struct Key {
  int tonic = 0;            ///< pitch class of the tonic, 0 = C .. 11 = B
  Mode mode = Mode::major;  ///< major or (natural) minor
  /// Equal when tonic and mode are.
  friend bool operator==(const Key&, const Key&) = default;
};

/// A key signature as a MIDI file stores it: -7..7 (negative = flats, positive = sharps) and the
/// mode. G major is {1, major}, D minor {-1, minor}.
struct KeySignature {
  int sharps = 0;           ///< -7..7: flats when negative, sharps when positive
  Mode mode = Mode::major;  ///< major or minor, as the MIDI meta event stores it
  /// Equal when sharps and mode are.
  friend bool operator==(const KeySignature&, const KeySignature&) = default;
};

/// Throws ArgumentError unless the signature has -7..7 sharps.
inline void require_valid(const KeySignature& signature) {
  if (signature.sharps < -7 || signature.sharps > 7) {
    throw ArgumentError("key signature: " + std::to_string(signature.sharps) +
                        " sharps is outside -7..7 (negative numbers are flats)");
  }
}

/// The key a signature names: each sharp moves the major tonic a fifth up (7 semitones); the
/// minor tonic is three semitones below its relative major.
inline Key key_of(const KeySignature& signature) {
  require_valid(signature);
  const int major_tonic = pitch_class(7 * signature.sharps);
  return {signature.mode == Mode::major ? major_tonic : pitch_class(major_tonic - 3),
          signature.mode};
}

/// The signature of a key, spelled with the fewest accidentals (F# major, 6 sharps, rather than
/// Gb major, 6 flats: ties go to sharps).
inline KeySignature signature_of(const Key& key) {
  const int major_tonic = key.mode == Mode::major ? pitch_class(key.tonic)
                                                  : pitch_class(key.tonic + 3);
  // 7 is its own inverse modulo 12: the number of fifths from C to the tonic.
  int sharps = pitch_class(7 * major_tonic);
  if (sharps > 6) {
    sharps -= 12;
  }
  return {sharps, key.mode};
}

namespace detail {

/// A pitch class written as a letter (0 = C .. 6 = B) and an alteration (+1 sharp, -1 flat).
struct Spelling {
  std::size_t letter = 0;
  int alteration = 0;
};

inline constexpr std::array<int, 7> natural_pitch_classes{0, 2, 4, 5, 7, 9, 11};  // C..B

/// How `key`, written with a signature of `sharps` sharps (negative: flats; Gb major is -6 where
/// signature_of says F# major, 6), spells pitch class `pc`: its own notes with its signature's
/// letters, the raised seventh of a minor key as a sharpened letter (unless that takes a double
/// sharp), other naturals plain, other black keys with flats where the signature has flats, else
/// sharps.
inline Spelling spelling_in(int pc, const Key& key, int sharps) {
  // Sharps are added in the order F C G D A E B, flats in the reverse order.
  auto signature_alteration = [&](std::size_t letter) {
    static constexpr std::array<int, 7> position_among_sharps{1, 3, 5, 0, 2, 4, 6};  // C..B
    const int position = position_among_sharps[letter];
    return position < sharps ? 1 : 6 - position < -sharps ? -1 : 0;
  };
  auto own_note = [&](int wanted) -> std::optional<Spelling> {
    for (std::size_t letter = 0; letter < 7; ++letter) {
      const int alteration = signature_alteration(letter);
      if (pitch_class(natural_pitch_classes[letter] + alteration) == pitch_class(wanted)) {
        return Spelling{letter, alteration};
      }
    }
    return std::nullopt;
  };
  if (const auto own = own_note(pc)) {
    return *own;
  }
  const auto tonic = own_note(key.tonic);  // none only for a signature not of this key
  if (key.mode == Mode::minor && tonic && pitch_class(pc) == pitch_class(key.tonic - 1)) {
    const std::size_t seventh = (tonic->letter + 6) % 7;
    const int alteration = signature_alteration(seventh) + 1;
    if (alteration <= 1) {  // D# minor's would be C double sharp: spelled D below
      return {seventh, alteration};
    }
  }
  const int alteration = sharps < 0 ? -1 : 1;
  for (std::size_t letter = 0; letter < 7; ++letter) {
    if (natural_pitch_classes[letter] == pitch_class(pc)) {
      return {letter, 0};
    }
  }
  for (std::size_t letter = 0; letter < 7; ++letter) {  // a black key
    if (natural_pitch_classes[letter] == pitch_class(pc - alteration)) {
      return {letter, alteration};
    }
  }
  return {};  // not reached: every black key has a natural on either side
}

/// How `key` spells pitch class `pc` with the signature signature_of gives it.
inline Spelling spelling_in(int pc, const Key& key) {
  return spelling_in(pc, key, signature_of(key).sharps);
}

/// "C", "Bb", "F#": a spelling without its octave.
inline std::string spelled_name(const Spelling& spelling) {
  static constexpr std::string_view letters = "CDEFGAB";
  return std::string(1, letters[spelling.letter]) +
         (spelling.alteration > 0 ? "#" : spelling.alteration < 0 ? "b" : "");
}

}  // namespace detail

/// A pitch's name as `key` spells it: the key's own notes with its signature's letters ("Bb4"
/// in D minor, "E#4" in F# major), the raised seventh of a minor key as a sharpened letter (C#
/// in D minor, B natural in C minor), other naturals plain, and other black keys with flats in
/// a key whose signature has flats and with sharps otherwise. The octave number belongs to the
/// letter, as parse_pitch reads it (Cb5 is 71); at the ends of the MIDI range, where such a
/// letter's octave has no number, the plain name. Throws ArgumentError outside 0..127.
inline std::string pitch_name_in(int pitch, const Key& key) {
  require_midi_pitch(pitch, "pitch_name_in");
  const detail::Spelling spelling = detail::spelling_in(pitch, key);
  const int octave = octave_of(pitch - spelling.alteration);
  if (octave < -1 || octave > 9) {  // B# below C-1 or Cb above G9: no such name
    return pitch_name(pitch);
  }
  return detail::spelled_name(spelling) + std::to_string(octave);
}

/// The key's name, "G major" or "F# minor" (its tonic spelled as its signature spells it:
/// "Bb major", "C minor", "D# minor").
inline std::string key_name(const Key& key) {
  return detail::spelled_name(detail::spelling_in(key.tonic, key)) + " " +
         std::string(mode_name(key.mode));
}

/// A key from its name: a tonic letter with an optional # or b, then "major" or "minor"
/// ("G major", "F# minor", "Bb major"; letters and words in any case; "m" alone means minor).
/// Throws FormatError quoting the text.
inline Key parse_key(std::string_view text) {
  auto fail = [&] {
    throw FormatError("key '" + std::string(text) +
                      "': expected a tonic and a mode, such as 'G major', 'F# minor' or 'Bb "
                      "major'");
  };
  const std::size_t space = text.find(' ');
  if (text.empty() || space == std::string_view::npos) {
    fail();
  }
  const std::string_view tonic = text.substr(0, space);
  std::string mode(text.substr(space + 1));
  for (auto& c : mode) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  static constexpr std::array<int, 7> letter_pc{9, 11, 0, 2, 4, 5, 7};  // A B C D E F G
  const char letter = static_cast<char>(std::toupper(static_cast<unsigned char>(tonic[0])));
  if (letter < 'A' || letter > 'G' || tonic.size() > 2 ||
      (tonic.size() == 2 && tonic[1] != '#' && tonic[1] != 'b')) {
    fail();
  }
  int pc = letter_pc[static_cast<std::size_t>(letter - 'A')];
  if (tonic.size() == 2) {
    pc += tonic[1] == '#' ? 1 : -1;
  }
  if (mode == "major") {
    return {pitch_class(pc), Mode::major};
  }
  if (mode == "minor" || mode == "m") {
    return {pitch_class(pc), Mode::minor};
  }
  fail();
  return {};
}

/// The seven pitch classes of the scale, tonic first. Minor is the natural minor.
inline std::array<int, 7> scale_pitch_classes(const Key& key) {
  static constexpr std::array<int, 7> major_steps{0, 2, 4, 5, 7, 9, 11};
  static constexpr std::array<int, 7> minor_steps{0, 2, 3, 5, 7, 8, 10};
  const auto& steps = key.mode == Mode::major ? major_steps : minor_steps;
  std::array<int, 7> pcs{};
  for (std::size_t i = 0; i < 7; ++i) {
    pcs[i] = pitch_class(key.tonic + steps[i]);
  }
  return pcs;
}

/// A set of pitch classes as twelve flags, index = pitch class.
using PitchClassSet = std::array<bool, 12>;

/// The key's scale as a set. With `harmonic_minor`, a minor key also admits its raised seventh
/// (the leading tone Bach's minor chorales use at cadences).
inline PitchClassSet scale_set(const Key& key, bool harmonic_minor = false) {
  PitchClassSet set{};
  for (const int pc : scale_pitch_classes(key)) {
    set[static_cast<std::size_t>(pc)] = true;
  }
  if (harmonic_minor && key.mode == Mode::minor) {
    set[static_cast<std::size_t>(pitch_class(key.tonic + 11))] = true;
  }
  return set;
}

/// True when `pitch`'s class is in the key's scale.
inline bool in_scale(int pitch, const Key& key, bool harmonic_minor = false) {
  return scale_set(key, harmonic_minor)[static_cast<std::size_t>(pitch_class(pitch))];
}

/// Krumhansl & Kessler's (1982) probe-tone ratings of the twelve pitch classes above a major
/// tonic (index 0: the tonic).
inline constexpr std::array<double, 12> krumhansl_major{6.35, 2.23, 3.48, 2.33, 4.38, 4.09,
                                                        2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
/// The same ratings above a minor tonic.
inline constexpr std::array<double, 12> krumhansl_minor{6.33, 2.68, 3.52, 5.38, 2.60, 3.53,
                                                        2.54, 4.75, 3.98, 2.69, 3.34, 3.17};

/// The estimated key and its correlation with the winning profile (-1..1).
struct KeyEstimate {
  Key key;                   ///< the key whose profile correlates best
  double correlation = 0.0;  ///< Pearson correlation with that profile, -1..1
};

/// Pearson correlation (-1..1) of a pitch-class weight histogram with the Krumhansl-Kessler
/// profile of `key` (0 when the histogram is flat).
inline double key_correlation(const std::array<double, 12>& histogram, const Key& key) {
  const auto& profile = key.mode == Mode::major ? krumhansl_major : krumhansl_minor;
  double mean_h = 0.0;
  double mean_p = 0.0;
  for (std::size_t i = 0; i < 12; ++i) {
    mean_h += histogram[i] / 12.0;
    mean_p += profile[i] / 12.0;
  }
  double sxy = 0.0;
  double sxx = 0.0;
  double syy = 0.0;
  for (int pc = 0; pc < 12; ++pc) {
    const double x = histogram[static_cast<std::size_t>(pc)] - mean_h;
    const double y = profile[static_cast<std::size_t>(pitch_class(pc - key.tonic))] - mean_p;
    sxy += x * y;
    sxx += x * x;
    syy += y * y;
  }
  return sxx > 0.0 ? sxy / std::sqrt(sxx * syy) : 0.0;
}

/// The best of the 24 keys for a pitch-class weight histogram (Krumhansl-Schmuckler): the key
/// whose profile correlates best (ties: the first in the order C major, C minor, C# major, ...).
/// Throws ArgumentError when the histogram is all zeros (no notes: no key) or has a negative or
/// non-finite weight.
inline KeyEstimate estimate_key(const std::array<double, 12>& histogram) {
  double total = 0.0;
  for (const double w : histogram) {
    if (!(w >= 0.0) || !std::isfinite(w)) {
      throw ArgumentError("estimate_key: histogram weights must be finite and non-negative");
    }
    total += w;
  }
  if (total <= 0.0) {
    throw ArgumentError("estimate_key: no notes to estimate a key from");
  }
  KeyEstimate best{{0, Mode::major}, -2.0};
  for (int tonic = 0; tonic < 12; ++tonic) {
    for (const Mode mode : {Mode::major, Mode::minor}) {
      const double r = key_correlation(histogram, {tonic, mode});
      if (r > best.correlation) {
        best = {{tonic, mode}, r};
      }
    }
  }
  return best;
}

/// The histogram of pitch classes weighted by duration. `pitches` and `durations` have equal
/// lengths; negative pitches (rests) are skipped.
inline std::array<double, 12> pitch_class_histogram(std::span<const int> pitches,
                                                    std::span<const double> durations) {
  if (pitches.size() != durations.size()) {
    throw ArgumentError("pitch_class_histogram: " + std::to_string(pitches.size()) +
                        " pitches but " + std::to_string(durations.size()) + " durations");
  }
  std::array<double, 12> histogram{};
  for (std::size_t i = 0; i < pitches.size(); ++i) {
    if (pitches[i] >= 0) {
      histogram[static_cast<std::size_t>(pitch_class(pitches[i]))] += durations[i];
    }
  }
  return histogram;
}

}  // namespace bachprop::music

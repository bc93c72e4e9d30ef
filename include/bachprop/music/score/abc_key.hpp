#pragma once
/// @file
/// The K: (key), V: (voice) and P: (parts) fields of ABC notation, and what makes a line a
/// field, for the ABC reader (music/score/abc.hpp): the accidentals a key signature gives each
/// letter (modes, K:none, the pipes' HP and Hp, explicit accidentals such as K:D exp ^f _b),
/// what a clef, transpose= and octave= do to the sounding pitch, and the order of the parts.
/// Internal (namespace detail::abc).

#include <bachprop/music/score/abc_fields.hpp>
#include <bachprop/music/theory/key.hpp>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bachprop::music::detail::abc {

/// The words of a field's value split at spaces, a "quoted text" kept as one word.
inline std::vector<std::pair<std::size_t, std::string_view>> words(const Span& span) {
  std::vector<std::pair<std::size_t, std::string_view>> out;
  const std::string_view t = span.text;
  std::size_t at = 0;
  while (skip_spaces(t, at), at < t.size()) {
    const std::size_t start = at;
    while (at < t.size() && !is_space(t[at])) {
      if (t[at] == '"') {
        const std::size_t close = t.find('"', at + 1);
        if (close == std::string_view::npos) {
          span.fail(at, "a '\"' closing the text");
        }
        at = close;
      }
      ++at;
    }
    out.emplace_back(start, t.substr(start, at - start));
  }
  return out;
}

/// What K: and V: say about playback pitch: transpose=N semitones, octave=N, and a clef's +8/-8.
struct Shift {
  std::optional<int> transpose;  ///< semitones
  std::optional<int> octave;     ///< octaves of the music code
  std::optional<int> clef;       ///< octaves of a clef such as treble-8
  /// The semitones a written pitch sounds away.
  int semitones() const {
    return transpose.value_or(0) + 12 * (octave.value_or(0) + clef.value_or(0));
  }
  /// Takes the values `other` sets.
  void update(const Shift& other) {
    transpose = other.transpose ? other.transpose : transpose;
    octave = other.octave ? other.octave : octave;
    clef = other.clef ? other.clef : clef;
  }
};

/// The octaves a clef name moves playback (treble-8: -1, bass: 0), nullopt for another word.
inline std::optional<int> clef_octaves(std::string_view word) {
  static constexpr std::array<std::string_view, 9> clefs{
      "treble", "bass", "alto", "tenor", "perc", "none", "baritone", "soprano", "mezzosoprano"};
  for (const std::string_view clef : clefs) {
    if (word.starts_with(clef)) {
      std::string_view rest = word.substr(clef.size());
      if (!rest.empty() && is_digit(rest[0])) {
        rest.remove_prefix(1);  // the clef's staff line: bass3
      }
      if (rest.empty() || rest == "+8" || rest == "-8") {
        return rest.empty() ? 0 : rest[0] == '+' ? 1 : -1;
      }
    }
  }
  return std::nullopt;
}

/// Reads one clef or parameter word of K: or V: into `shift` (and `name` for name=). False
/// when it is neither.
inline bool parameter(const Span& span, std::size_t at, std::string_view word, Shift& shift,
                      std::string* name = nullptr) {
  const std::size_t equals = word.find('=');
  if (equals == std::string_view::npos) {
    const auto octaves = clef_octaves(word);
    shift.clef = octaves ? octaves : shift.clef;
    return octaves.has_value();
  }
  const std::string_view key = word.substr(0, equals);
  std::string_view value = word.substr(equals + 1);
  if (key == "transpose" || key == "t" || key == "octave") {
    const auto n = signed_number(value, key == "octave" ? 4 : 48);
    if (!n) {
      span.fail(at + equals + 1,
                std::string(key == "octave" ? "an octave -4..4" : "semitones -48..48") + " after " +
                    std::string(key) + "=");
    }
    (key == "octave" ? shift.octave : shift.transpose) = *n;
  } else if (key == "clef") {
    shift.clef = clef_octaves(value).value_or(0);  // unknown clef names are treble, says 4.6
  } else if ((key == "name" || key == "nm") && name != nullptr) {
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    *name = std::string(value);
  }
  return true;  // middle=, stafflines=, stem= ...: layout, no pitch changes
}

/// A K: field: the accidentals of each letter C..B (`has_key` false when the field gives only
/// a clef or parameters), the key signature a MIDI file would store, and the pitch shift.
struct KeyField {
  bool has_key = false;
  std::array<int, 7> accidentals{};  ///< C D E F G A B: -2..2
  KeySignature signature;
  Shift shift;
};

/// The letter index C=0 .. B=6 of a note letter in either case, or -1.
inline int letter_index(char c) {
  static constexpr std::string_view letters = "CDEFGAB";
  const char upper = (c >= 'a' && c <= 'g') ? static_cast<char>(c - 'a' + 'A') : c;
  const std::size_t i = letters.find(upper);
  return c != '\0' && i != std::string_view::npos ? static_cast<int>(i) : -1;
}

/// The accidentals of a signature of `sharps` sharps (negative: flats).
inline std::array<int, 7> signature_accidentals(int sharps) {
  static constexpr std::array<int, 7> order{3, 0, 4, 1, 5, 2, 6};  // F C G D A E B
  std::array<int, 7> accidentals{};
  for (int i = 0; i < 7; ++i) {
    if (i < sharps) {
      accidentals[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] = 1;
    }
    if (i < -sharps) {
      accidentals[static_cast<std::size_t>(order[static_cast<std::size_t>(6 - i)])] = -1;
    }
  }
  return accidentals;
}

/// K: G, Dm, Ador, F#mix, Bb major, none, HP, Hp, D exp ^f _b, G clef=bass transpose=-2 ...
inline KeyField parse_key(const Span& span) {
  KeyField key;
  const auto list = words(span);
  std::size_t i = 0;
  int sharps = 0;
  bool minor = false;
  if (!list.empty()) {
    const auto [at, word] = list[0];
    if (word == "none" || word == "HP" || word == "Hp") {
      key.has_key = true;
      sharps = word == "Hp" ? 2 : 0;  // Hp: F# and C#, the pipes' scale; HP: no signature
      i = 1;
    } else if (word[0] >= 'A' && word[0] <= 'G') {
      static constexpr std::array<int, 7> fifths{0, 2, 4, -1, 1, 3, 5};  // C D E F G A B
      key.has_key = true;
      sharps = fifths[static_cast<std::size_t>(letter_index(word[0]))];
      std::size_t k = 1;
      if (k < word.size() && (word[k] == '#' || word[k] == 'b')) {
        sharps += word[k] == '#' ? 7 : -7;
        ++k;
      }
      // The mode: glued to the tonic (Dm, F#mix) or a word of its own (Bb major).
      const std::string_view glued = word.substr(k);
      const bool separate = glued.empty() && list.size() > 1;
      const std::string_view mode = separate ? list[1].second : glued;
      std::string lower(mode.substr(0, 3));
      for (char& c : lower) {
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      }
      static constexpr std::array<std::pair<std::string_view, int>, 9> modes{{{"maj", 0},
                                                                              {"ion", 0},
                                                                              {"min", -3},
                                                                              {"aeo", -3},
                                                                              {"mix", -1},
                                                                              {"dor", -2},
                                                                              {"phr", -4},
                                                                              {"lyd", 1},
                                                                              {"loc", -5}}};
      std::optional<int> offset;
      if (lower == "m" && mode.size() == 1) {
        offset = -3;
      }
      for (const auto& [prefix, value] : modes) {
        offset = mode.size() >= 3 && lower == prefix ? std::optional<int>(value) : offset;
      }
      if (!offset && !glued.empty()) {
        span.fail(at + k,
                  "a mode after the key's tonic (major, minor, m, ionian, dorian, "
                  "phrygian, lydian, mixolydian, aeolian or locrian)" +
                      span.found(at + k));
      }
      i = offset && separate ? 2 : 1;
      minor = offset == -3;
      sharps += offset.value_or(0);
      if (sharps < -7 || sharps > 7) {
        span.fail(at, "a key with at most 7 sharps or flats, found " + quoted(word));
      }
    }
  }
  key.accidentals = signature_accidentals(sharps);
  key.signature = {sharps, minor ? Mode::minor : Mode::major};
  for (; i < list.size(); ++i) {
    const auto [at, word] = list[i];
    if (word == "exp") {
      key.accidentals = {};
      continue;
    }
    if (word[0] == '^' || word[0] == '_' || word[0] == '=') {
      const std::size_t marks = word.size() >= 2 && word[1] == word[0] && word[0] != '=' ? 2 : 1;
      const int letter = marks < word.size() ? letter_index(word[marks]) : -1;
      if (letter < 0 || word.size() != marks + 1) {
        span.fail(at, "an accidental and a note letter, such as ^f or _B, found " + quoted(word));
      }
      const int alteration =
          word[0] == '=' ? 0 : (word[0] == '^' ? 1 : -1) * static_cast<int>(marks);
      key.accidentals[static_cast<std::size_t>(letter)] = alteration;
      key.has_key = true;
      continue;
    }
    if (!parameter(span, at, word, key.shift)) {
      span.fail(at,
                "a key (such as G, Dm, Ador or F#mix), accidentals such as ^f, exp, a clef "
                "or a parameter name=value, found " +
                    quoted(word));
    }
  }
  return key;
}

/// A V: field: the voice's id, its name= and its pitch shift.
struct VoiceField {
  std::string id;
  std::string name;
  Shift shift;
};

/// V: ID [name="..."] [clef] [transpose=N] [octave=N] ...
inline VoiceField parse_voice(const Span& span) {
  const auto list = words(span);
  if (list.empty()) {
    span.fail(0, "a voice id after V:");
  }
  VoiceField voice{std::string(list[0].second), {}, {}};
  for (std::size_t i = 1; i < list.size(); ++i) {
    parameter(span, list[i].first, list[i].second, voice.shift, &voice.name);  // others: layout
  }
  return voice;
}

/// P:ABAB, P:A3B, P:((AB)2C)2, dots and spaces ignored: the labels in playing order.
inline void part_order(const Span& span, std::size_t& at, int depth, std::string& out) {
  const std::string_view t = span.text;
  while (at < t.size() && t[at] != ')') {
    std::string piece;
    if (t[at] == '.' || is_space(t[at])) {
      ++at;
      continue;
    }
    if (t[at] == '(' && depth < 8) {
      ++at;
      part_order(span, at, depth + 1, piece);
      if (at >= t.size()) {
        span.fail(at, "a ')' closing the group of parts");
      }
      ++at;
    } else if (t[at] >= 'A' && t[at] <= 'Z') {
      piece = t.substr(at++, 1);
    } else {
      span.fail(at, "a part order such as ABAB, A2B or (AB)3C" + span.found(at));
    }
    const int times = number(span, at, 99, "a part's repeat count").value_or(1);
    for (int i = 0; i < times; ++i) {
      out += piece;
      if (out.size() > 1000) {
        span.fail(0, "a part order of at most 1000 parts");
      }
    }
  }
  if (depth == 0 && at < t.size()) {
    span.fail(at, "a part order such as ABAB, A2B or (AB)3C" + span.found(at));
  }
}

/// A field line: a letter (or +) and ':'. In the body, A-G, a-g, x and z start music instead
/// ("A:|" is a note and a repeat).
inline bool field_line(std::string_view text, bool in_body) {
  if (text.size() < 2 || text[1] != ':') {
    return false;
  }
  const char c = text[0];
  const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '+';
  return letter && !(in_body && (letter_index(c) >= 0 || c == 'x' || c == 'z'));
}

/// A field's value without its trailing comment (a % not after a backslash) and spaces.
inline Span field_value(const Span& line) {
  Span value = line.from(2);
  for (std::size_t i = 0; i < value.text.size(); ++i) {
    if (value.text[i] == '%' && (i == 0 || value.text[i - 1] != '\\')) {
      value.text = value.text.substr(0, i);
    }
  }
  return trimmed(value);
}

}  // namespace bachprop::music::detail::abc

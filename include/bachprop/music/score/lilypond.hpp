#pragma once
/// @file
/// Writing a Score as a LilyPond file (.ly), which the `lilypond` program engraves as a PDF or
/// PNG page (`lilypond --png -o out file.ly`) and, with the `\midi` block, plays back as MIDI.
///
/// The layout is notate's (music/score/notation.hpp). The document is `\version "2.24.0"`, a header
/// with the title, and a score of one staff per part, named after the part, opening with its clef,
/// `\key` and `\time` (the first staff also `\tempo 4 = N`, the tempo rounded to a whole number of
/// beats per minute as LilyPond requires). Pitches are LilyPond's absolute Dutch names, spelled in
/// the key (c' is middle C; is for sharp, es for flat: bes' is B flat above middle C), durations
/// its numbers with dots (`4.` a dotted quarter, `\breve` and `\longa` for two and four whole
/// notes), ties `~`, chords `< >`, rests `r`, whole-measure rests `R1*3/4`, and runs of triplet
/// values inside `\tuplet 3/2 { }` (each run kept within its measure); a fermata is `\fermata`
/// after its note, a pickup `\partial 1*1/4` (its length in whole notes) before the first measure.
/// Each measure ends with a bar check `|`, so lilypond itself warns if a measure were too long or
/// short. A part with more than one voice is written as simultaneous voices (`\voiceOne`,
/// `\voiceTwo`, ...), a voice that is silent in a measure holding a spacer `s1*3/4` there. LilyPond
/// places the accidentals itself, from the pitches and the key. No MIDI instrument is named:
/// lilypond's MIDI plays every staff on its default piano. Names and the title have control
/// characters and invalid UTF-8 replaced by '?'. Files are written through write_file_atomically.

#include <bachprop/core/error.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/music/score/notation.hpp>
#include <bachprop/music/score/score.hpp>
#include <bachprop/music/theory/key.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <string>
#include <string_view>

namespace bachprop::music {

/// How encode_lilypond writes a score.
struct LilyPondOptions {
  /// Note starts and ends are rounded to 1/grid of a quarter note (see NotationOptions).
  int grid = 96;
  /// Add a `\midi` block, so that lilypond writes a MIDI file beside the page.
  bool midi = true;
};

namespace detail::lily {

/// `text` as a LilyPond string body: `"` and `\` escaped, control characters and invalid UTF-8
/// replaced by '?'.
inline std::string lily_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : detail::notation::printable(text)) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "\"";
}

/// A letter and alteration in LilyPond's Dutch names: c, cis, bes, ees, aes.
inline std::string pitch_letter(int letter, int alteration) {
  std::string name(1, "cdefgab"[letter]);
  for (int i = 0; i < alteration; ++i) {
    name += "is";
  }
  for (int i = 0; i > alteration; --i) {
    name += "es";
  }
  return name;
}

/// A written pitch in absolute octave marks: c' is C4, c is C3, c, is C2.
inline std::string pitch(const NotatedPitch& p) {
  std::string name = pitch_letter(p.letter, p.alteration);
  for (int o = 3; o < p.octave; ++o) {
    name += '\'';
  }
  for (int o = 3; o > p.octave; --o) {
    name += ',';
  }
  return name;
}

/// A note value's duration: "4.", "8", `\breve` (triplets written inside `\tuplet`).
inline std::string duration(const NoteValue& value) {
  std::string text = value.log2 == 4   ? "\\longa"
                     : value.log2 == 3 ? "\\breve"
                                       : std::to_string(1 << (2 - value.log2));
  return value.dots == 1 ? text + "." : text;
}

/// "1*3/4": a whole measure of the time signature, for R and s.
inline std::string measure_duration(const TimeSignature& ts) {
  return "1*" + std::to_string(ts.numerator) + "/" + std::to_string(ts.denominator);
}

/// "1*1/4": the pickup's length as a fraction of a whole note, for \\partial and s.
inline std::string pickup_duration(const NotatedScore& layout) {
  const std::int64_t whole = 4 * std::int64_t{layout.divisions};
  const std::int64_t common = std::gcd(layout.pickup_length, whole);
  return "1*" + std::to_string(layout.pickup_length / common) + "/" +
         std::to_string(whole / common);
}

/// One voice's measure as LilyPond notes (no bar check).
inline std::string measure_text(const std::vector<NotatedEvent>& events, const TimeSignature& ts) {
  std::string out;
  bool in_tuplet = false;
  for (const NotatedEvent& event : events) {
    if (event.value.triplet != in_tuplet || event.measure_rest) {
      if (in_tuplet) {
        out += "} ";
      }
      in_tuplet = event.value.triplet && !event.measure_rest;
      if (in_tuplet) {
        out += "\\tuplet 3/2 { ";
      }
    }
    if (event.measure_rest) {
      out += "R" + measure_duration(ts) + " ";
      continue;
    }
    if (event.is_rest()) {
      out += "r";
    } else if (event.pitches.size() == 1) {
      out += pitch(event.pitches[0]);
    } else {
      out += "<";
      for (std::size_t i = 0; i < event.pitches.size(); ++i) {
        out += (i > 0 ? " " : "") + pitch(event.pitches[i]);
      }
      out += ">";
    }
    out += duration(event.value) + (event.fermata ? "\\fermata" : "") +
           (event.tie_to_next ? "~ " : " ");
  }
  if (in_tuplet) {
    out += "} ";
  }
  return out;
}

}  // namespace detail::lily

/// The text of a LilyPond file holding `score` (the layout in the file comment and in
/// music/score/notation.hpp). Throws ArgumentError for what cannot be written (no parts, an
/// invalid note such as one with a negative start, an invalid time or key signature, tempo,
/// channel or program, a grid that does not divide 384), naming the problem.
inline std::string encode_lilypond(const Score& score, const LilyPondOptions& options = {}) {
  using namespace detail::lily;
  NotatedScore layout;
  try {
    layout = notate(score, NotationOptions{options.grid});
  } catch (const ArgumentError& error) {
    throw ArgumentError(std::string("encode_lilypond: ") + error.what());
  }
  const auto tonic = detail::spelling_in(layout.key.tonic, layout.key, layout.key_signature.sharps);
  const std::string attributes = "\\key " +
                                 pitch_letter(static_cast<int>(tonic.letter), tonic.alteration) +
                                 " \\" + std::string(mode_name(layout.key.mode)) + " \\time " +
                                 std::to_string(layout.time_signature.numerator) + "/" +
                                 std::to_string(layout.time_signature.denominator);
  std::string out = "\\version \"2.24.0\"\n\n\\header {\n";
  if (!layout.title.empty()) {
    out += "  title = " + lily_string(layout.title) + "\n";
  }
  out += "  tagline = ##f\n}\n\n\\score {\n  <<\n";
  for (std::size_t p = 0; p < layout.parts.size(); ++p) {
    const NotatedPart& part = layout.parts[p];
    out += "    \\new Staff \\with { instrumentName = " + lily_string(part.name) + " } {\n";
    out += std::string("      \\clef ") + (part.clef == Clef::bass ? "bass " : "treble ") +
           attributes + "\n";
    if (p == 0) {
      out += "      \\tempo 4 = " +
             std::to_string(std::max<long long>(1, std::llround(layout.tempo_bpm))) + "\n";
    }
    if (layout.pickup_length > 0) {
      out += "      \\partial " + pickup_duration(layout) + "\n";
    }
    const std::size_t voices = part.voice_count();
    static constexpr std::array<std::string_view, 4> voice_commands{"\\voiceOne", "\\voiceTwo",
                                                                    "\\voiceThree", "\\voiceFour"};
    if (voices > 1) {
      out += "      <<\n";
    }
    for (std::size_t v = 0; v < voices; ++v) {
      const std::string indent = voices > 1 ? "        " : "      ";
      if (voices > 1) {
        out += indent + "\\new Voice { " +
               std::string(v < voice_commands.size() ? voice_commands[v] : "\\oneVoice") + "\n";
      }
      for (std::size_t m = 0; m < part.measures.size(); ++m) {
        const auto& events = part.measures[m].voices[v];
        const std::string spacer = m == 0 && layout.pickup_length > 0
                                       ? "s" + pickup_duration(layout) + " "
                                       : "s" + measure_duration(layout.time_signature) + " ";
        out += indent + (voices > 1 ? "  " : "") +
               (events.empty() ? spacer : measure_text(events, layout.time_signature)) + "| % " +
               std::to_string(layout.number_of_measure(m)) + "\n";
      }
      if (voices > 1) {
        out += indent + "}\n";
      }
    }
    if (voices > 1) {
      out += "      >>\n";
    }
    out += "    }\n";
  }
  out += "  >>\n  \\layout { }\n";
  if (options.midi) {
    out += "  \\midi { }\n";
  }
  out += "}\n";
  return out;
}

/// Writes `score` to `path` as a LilyPond file (encode_lilypond), atomically.
inline void write_lilypond(const std::filesystem::path& path, const Score& score,
                           const LilyPondOptions& options = {}) {
  write_file_atomically(path, encode_lilypond(score, options));
}

}  // namespace bachprop::music

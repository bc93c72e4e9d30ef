#pragma once
/// @file
/// A score laid out as sheet music: measures, voices, note values, ties, rests and spellings,
/// the form that music/score/musicxml.hpp and music/score/lilypond.hpp both write.
///
/// The rules notate follows:
/// - **Time.** Every note start and end is rounded to the nearest 1/grid of a quarter note
///   (NotationOptions::grid, 96 by default: 128th notes and 256th-note triplets), each
///   separately, as write_midi rounds to ticks; a note that rounds to nothing keeps one grid
///   step. The written divisions per quarter are the fewest that hold every start, end and the
///   bar exactly (4 for a score on sixteenths, 12 with eighth triplets). The grid must divide 384:
///   its note values are the power-of-two ones, dotted once or not, and triplets (three in the
///   time of two); quintuplets and other tuplets are not written, so such notes are rounded.
/// - **Measures** run from time 0 in the score's time signature, as many as the last note
///   needs, at least one. A score with a pickup (Score::pickup, rounded to the grid) opens with
///   an incomplete measure of that length, numbered 0 as notation programs number it; the bar
///   lines fall after it.
/// - **Chords and voices.** Notes of a part that start and end together are a chord (a note
///   repeated exactly, same pitch, start and end, is written once). Chords go to the first voice
///   whose previous chord has ended (in order of start, the highest first), so a part whose notes
///   overlap with different lengths gets a second voice, and so on: the fewest voices that keep
///   each voice one chord at a time. Voice 1 fills every measure (a measure without notes is one
///   whole-measure rest); a further voice appears only in the measures where it sounds, its gaps
///   there filled with rests.
/// - **Note values.** A note is cut at every barline, and each piece is written as the largest
///   note values that fit, tied (5/16 of a whole note: a quarter tied to a sixteenth). A length
///   that is not a whole number of the smallest binary values takes one triplet value: first
///   when the piece starts off the binary grid, else last.
/// - **Spelling.** Pitches are spelled in the key signature's key and with its letters
///   (spelling_in in music/theory/key.hpp: Bb in F major, A# in E major, Cb in Gb major), with
///   the octave of the letter (B#3 is MIDI 60). An accidental is marked where a note's
///   alteration differs from what the key signature or an earlier note of the same letter and
///   octave in the measure set (tied-over notes mark none).
/// - **Clef**: bass for a part whose mean pitch is below middle C, treble otherwise.
/// - **Fermatas** (Note::fermata) are written over the first written piece of the note (of the
///   chord, when any of its notes has one). The score model keeps no dynamics markings or
///   articulations, so none are written.

#include <bachprop/core/error.hpp>
#include <bachprop/music/score/note_values.hpp>
#include <bachprop/music/score/score.hpp>
#include <bachprop/music/theory/key.hpp>
#include <bachprop/music/theory/pitch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <numeric>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bachprop::music {

/// How notate lays out a score.
struct NotationOptions {
  /// Note starts and ends are rounded to 1/grid of a quarter note; must divide 384 (e.g. 4 for
  /// sixteenths, 12 for sixteenths and eighth triplets, 96, 384).
  int grid = 96;
};

/// The clef of a staff.
enum class Clef : std::uint8_t { treble, bass };

/// A pitch as written: its letter, alteration and octave in the key, and whether an accidental
/// is printed.
struct NotatedPitch {
  int pitch = 60;           ///< the MIDI pitch
  int letter = 0;           ///< 0 = C, 1 = D, ... 6 = B
  int alteration = 0;       ///< -1 flat, 0 natural, +1 sharp
  int octave = 4;           ///< the letter's octave (B#3 is MIDI 60, Cb5 is 71)
  bool accidental = false;  ///< printed: the alteration differs from what is in force
  int velocity = 80;        ///< the note's velocity
};

/// A note, chord or rest of one voice in one measure.
struct NotatedEvent {
  std::int64_t start = 0;               ///< in divisions from the start of the measure
  std::int64_t duration = 0;            ///< in divisions
  NoteValue value;                      ///< its written value (unused for a whole-measure rest)
  std::vector<NotatedPitch> pitches{};  ///< low to high; empty for a rest
  bool measure_rest = false;            ///< a whole-measure rest (written without a value)
  bool tie_from_previous = false;       ///< continues the previous event (a tie ends here)
  bool tie_to_next = false;             ///< tied to the next event of its voice
  bool fermata = false;                 ///< a fermata over it
  /// True for a rest.
  bool is_rest() const { return pitches.empty(); }
};

/// One measure of one part: voices[0] always fills the measure; voices[v] for v ≥ 1 is empty
/// in the measures where voice v + 1 has no note, else fills the measure too.
struct NotatedMeasure {
  std::vector<std::vector<NotatedEvent>> voices{};  ///< one list of events per voice
};

/// One part as a staff of measures.
struct NotatedPart {
  std::string name{};                      ///< the part's name
  int program = 0;                         ///< General MIDI program 0..127
  int channel = 0;                         ///< MIDI channel 0..15
  Clef clef = Clef::treble;                ///< chosen from the mean pitch
  std::vector<NotatedMeasure> measures{};  ///< as many as the score has
  /// Number of voices (1 unless notes overlap with different lengths).
  std::size_t voice_count() const { return measures.empty() ? 1 : measures[0].voices.size(); }
};

/// A score laid out in measures: what the MusicXML and LilyPond writers print.
struct NotatedScore {
  std::string title{};               ///< the score's title
  double tempo_bpm = 120.0;          ///< quarter notes per minute
  TimeSignature time_signature;      ///< for the whole piece
  KeySignature key_signature;        ///< for the whole piece
  Key key;                           ///< the signature's key, which spells the pitches
  int divisions = 1;                 ///< divisions per quarter note
  std::int64_t measure_length = 4;   ///< divisions per measure
  std::int64_t pickup_length = 0;    ///< divisions of the opening incomplete measure (0: none)
  std::vector<NotatedPart> parts{};  ///< in the score's order
  /// Number of measures (the same in every part).
  std::size_t measure_count() const { return parts.empty() ? 0 : parts[0].measures.size(); }
  /// Divisions of measure `m` (the pickup's for measure 0 of a score with one).
  std::int64_t length_of_measure(std::size_t m) const {
    return m == 0 && pickup_length > 0 ? pickup_length : measure_length;
  }
  /// The number notation programs give measure `m`: from 0 with a pickup, else from 1.
  std::size_t number_of_measure(std::size_t m) const { return pickup_length > 0 ? m : m + 1; }
};

namespace detail::notation {

/// Most measures notate writes (a score longer than this is refused).
inline constexpr std::int64_t max_measures = 100000;

/// `text` with control characters and bytes that are not UTF-8 replaced by '?' (names read
/// from MIDI files may be Latin-1).
inline std::string printable(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80U) {
      out += c < 0x20U || c == 0x7FU ? '?' : static_cast<char>(c);
      ++i;
      continue;
    }
    // A UTF-8 sequence: a lead byte 0xC2..0xF4 and its continuation bytes, no overlong forms,
    // no surrogates, nothing above U+10FFFF.
    const std::size_t length = c >= 0xC2U && c <= 0xDFU   ? 2
                               : c >= 0xE0U && c <= 0xEFU ? 3
                               : c >= 0xF0U && c <= 0xF4U ? 4
                                                          : 0;
    bool valid = length > 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0U) == 0x80U;
    }
    if (valid && length >= 3) {
      const auto second = static_cast<unsigned char>(text[i + 1]);
      valid = !(c == 0xE0U && second < 0xA0U) && !(c == 0xEDU && second >= 0xA0U) &&
              !(c == 0xF0U && second < 0x90U) && !(c == 0xF4U && second >= 0x90U);
    }
    if (valid) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += '?';
      ++i;
    }
  }
  return out;
}

/// The alteration the key signature gives a letter (0 = C .. 6 = B).
inline int signature_alteration(int letter, const KeySignature& signature) {
  static constexpr std::array<int, 7> position_among_sharps{1, 3, 5, 0, 2, 4, 6};  // C..B
  const int position = position_among_sharps[static_cast<std::size_t>(letter)];
  return position < signature.sharps ? 1 : 6 - position < -signature.sharps ? -1 : 0;
}

/// A chord (or a single note, or a rest when `pitches` is empty) in divisions.
struct Span {
  std::int64_t start = 0;
  std::int64_t end = 0;
  std::vector<std::pair<int, int>> pitches{};  // (pitch, velocity), ascending
  bool fermata = false;
};

/// Marks accidentals in one measure (see the file comment).
inline void mark_accidentals(NotatedMeasure& measure, const KeySignature& signature) {
  std::vector<std::pair<std::int64_t, NotatedPitch*>> heads;
  for (auto& voice : measure.voices) {
    for (auto& event : voice) {
      for (auto& p : event.pitches) {
        if (!event.tie_from_previous) {
          heads.emplace_back(event.start, &p);
        }
      }
    }
  }
  std::stable_sort(heads.begin(), heads.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::map<std::pair<int, int>, int> in_force;  // (letter, octave) -> alteration
  for (auto& [start, head] : heads) {
    const auto place = std::make_pair(head->letter, head->octave);
    const auto found = in_force.find(place);
    const int current =
        found != in_force.end() ? found->second : signature_alteration(head->letter, signature);
    head->accidental = head->alteration != current;
    in_force[place] = head->alteration;
  }
}

/// One voice of chords written into the measures of `part` as voice number `v`. The chords'
/// times count from the start of a whole first measure; with a pickup, its first
/// `bar − pickup_length` divisions are not written.
inline void write_voice(NotatedPart& part, std::size_t v, const std::vector<Span>& chords,
                        const NotatedScore& layout) {
  const std::int64_t bar = layout.measure_length;
  const std::int64_t skipped = layout.pickup_length > 0 ? bar - layout.pickup_length : 0;
  std::vector<Span> spans;  // the chords with rests between them, covering every measure
  std::int64_t now = skipped;
  for (const auto& chord : chords) {
    if (chord.start > now) {
      spans.push_back({now, chord.start, {}});
    }
    spans.push_back(chord);
    now = chord.end;
  }
  const auto total = static_cast<std::int64_t>(part.measures.size()) * bar;
  if (now < total) {
    spans.push_back({now, total, {}});
  }
  for (const auto& span : spans) {
    std::vector<NotatedEvent> events;
    for (std::int64_t t = span.start; t < span.end;) {
      const std::int64_t piece_end = std::min(span.end, (t / bar + 1) * bar);
      for (const NoteValue& value : note_values(t, piece_end - t, layout.divisions)) {
        NotatedEvent event;
        event.value = value;
        event.duration = value_length(value, layout.divisions);
        event.start = t;  // absolute until placed in its measure
        for (const auto& [pitch, velocity] : span.pitches) {
          const auto spelling = detail::spelling_in(pitch, layout.key, layout.key_signature.sharps);
          event.pitches.push_back({pitch, static_cast<int>(spelling.letter), spelling.alteration,
                                   octave_of(pitch - spelling.alteration), false, velocity});
        }
        events.push_back(std::move(event));
        t += events.back().duration;
      }
    }
    for (std::size_t i = 0; i < events.size() && !span.pitches.empty(); ++i) {
      events[i].tie_from_previous = i > 0;
      events[i].tie_to_next = i + 1 < events.size();
    }
    if (!events.empty() && !span.pitches.empty()) {
      events.front().fermata = span.fermata;
    }
    for (auto& event : events) {
      auto& measure = part.measures[static_cast<std::size_t>(event.start / bar)];
      event.start %= bar;
      measure.voices[v].push_back(std::move(event));
    }
  }
  for (std::size_t m = 0; m < part.measures.size(); ++m) {
    auto& voice = part.measures[m].voices[v];
    const bool pickup = m == 0 && skipped > 0;
    for (auto& event : voice) {
      event.start -= pickup ? skipped : 0;
    }
    if (std::all_of(voice.begin(), voice.end(), [](const auto& e) { return e.is_rest(); })) {
      if (pickup) {
        // The pickup keeps its rests (a whole-measure rest would be a full bar long).
        if (v > 0) {
          voice.clear();
        }
        continue;
      }
      voice.clear();
      if (v == 0) {
        voice.push_back({0, bar, {}, {}, true, false, false, false});
      }
    }
  }
}

}  // namespace detail::notation

/// `score` laid out as sheet music (the rules in the file comment). Throws ArgumentError for what
/// cannot be written: no parts, an invalid note (a negative or non-finite start, a pitch outside
/// 0..127), time signature, key signature, tempo, channel or program, a pickup outside
/// [0, a bar), a grid that does not divide 384, a bar that is not a whole number of grid steps,
/// or more than 100000 measures.
inline NotatedScore notate(const Score& score, const NotationOptions& options = {}) {
  using namespace detail::notation;
  const int grid = options.grid;
  if (grid < 1 || 384 % grid != 0) {
    throw ArgumentError("notate: the grid must divide 384 (1, 2, 3, 4, 6, 8, 12, ... 384), got " +
                        std::to_string(grid));
  }
  if (score.parts.empty()) {
    throw ArgumentError("notate: the score has no parts (sheet music needs a staff)");
  }
  require_valid(score.time_signature);
  require_valid(score.key_signature);
  if (!(score.tempo_bpm > 0.0) || !std::isfinite(score.tempo_bpm)) {
    throw ArgumentError("notate: tempo " + std::to_string(score.tempo_bpm) +
                        " bpm must be positive and finite");
  }
  const auto& ts = score.time_signature;
  if ((std::int64_t{4} * ts.numerator * grid) % ts.denominator != 0) {
    throw ArgumentError("notate: a bar of " + std::to_string(ts.numerator) + "/" +
                        std::to_string(ts.denominator) + " is not a whole number of 1/" +
                        std::to_string(grid) + " quarter notes: choose a finer grid");
  }
  std::int64_t bar = std::int64_t{4} * ts.numerator * grid / ts.denominator;
  if (!(score.pickup >= 0.0) || !(score.pickup < ts.bar_quarters())) {
    throw ArgumentError("notate: a pickup of " + std::to_string(score.pickup) +
                        " quarter notes must be at least 0 and shorter than a bar (" +
                        std::to_string(ts.bar_quarters()) + ")");
  }
  const std::int64_t pickup = to_ticks(score.pickup, grid) % bar;
  // With a pickup, the notes are placed as if a whole first measure came before the bar line.
  const std::int64_t shift = pickup > 0 ? bar - pickup : 0;
  std::int64_t common = std::gcd(std::gcd(std::int64_t{grid}, bar), shift);
  std::int64_t end = 0;
  std::vector<std::vector<Span>> notes(score.parts.size());  // one span per note, in grid steps
  for (std::size_t p = 0; p < score.parts.size(); ++p) {
    const Part& part = score.parts[p];
    if (part.channel < 0 || part.channel > 15 || part.program < 0 || part.program > 127) {
      throw ArgumentError("notate: part '" + part.name + "' has channel " +
                          std::to_string(part.channel) + " and program " +
                          std::to_string(part.program) + " (must be 0..15 and 0..127)");
    }
    for (const Note& note : part.notes) {
      require_valid(note);
      const std::int64_t start = to_ticks(note.start, grid) + shift;
      const std::int64_t stop = std::max(to_ticks(note.end(), grid) + shift, start + 1);
      notes[p].push_back({start, stop, {{note.pitch, note.velocity}}, note.fermata});
      common = std::gcd(common, std::gcd(start, stop));
      end = std::max(end, stop);
    }
  }
  const std::int64_t last = std::max(end, shift + 1);  // a pickup is a measure even when silent
  const std::int64_t measures = std::max<std::int64_t>(1, (last + bar - 1) / bar);
  if (measures > max_measures) {
    throw ArgumentError("notate: the score needs " + std::to_string(measures) +
                        " measures, more than " + std::to_string(max_measures));
  }
  bar /= common;
  NotatedScore layout{score.title,
                      score.tempo_bpm,
                      score.time_signature,
                      score.key_signature,
                      key_of(score.key_signature),
                      static_cast<int>(grid / common),
                      bar,
                      pickup / common,
                      {}};
  for (std::size_t p = 0; p < score.parts.size(); ++p) {
    const Part& part = score.parts[p];
    // Chords: notes with the same start and end, each pitch once.
    std::map<std::pair<std::int64_t, std::int64_t>, std::map<int, int>> chords;
    std::map<std::pair<std::int64_t, std::int64_t>, bool> fermatas;
    double pitch_sum = 0.0;
    for (const Span& n : notes[p]) {
      chords[{n.start / common, n.end / common}].emplace(n.pitches[0]);
      fermatas[{n.start / common, n.end / common}] |= n.fermata;
      pitch_sum += n.pitches[0].first;
    }
    std::vector<Span> sorted;
    for (const auto& [times, pitches] : chords) {
      sorted.push_back(
          {times.first, times.second, {pitches.begin(), pitches.end()}, fermatas[times]});
    }
    std::stable_sort(sorted.begin(), sorted.end(), [](const Span& x, const Span& y) {
      return x.start != y.start ? x.start < y.start
                                : x.pitches.back().first > y.pitches.back().first;
    });
    std::vector<std::vector<Span>> voices;
    for (const Span& chord : sorted) {
      auto free = std::find_if(voices.begin(), voices.end(),
                               [&](const auto& voice) { return voice.back().end <= chord.start; });
      if (free == voices.end()) {
        voices.emplace_back();
        free = voices.end() - 1;
      }
      free->push_back(chord);
    }
    NotatedPart out{part.name,
                    part.program,
                    part.channel,
                    !part.notes.empty() && pitch_sum / static_cast<double>(part.notes.size()) < 60
                        ? Clef::bass
                        : Clef::treble,
                    {}};
    out.measures.resize(static_cast<std::size_t>(measures));
    for (auto& measure : out.measures) {
      measure.voices.resize(std::max<std::size_t>(1, voices.size()));
    }
    for (std::size_t v = 0; v < out.measures[0].voices.size(); ++v) {
      write_voice(out, v, v < voices.size() ? voices[v] : std::vector<Span>{}, layout);
    }
    for (auto& measure : out.measures) {
      mark_accidentals(measure, score.key_signature);
    }
    layout.parts.push_back(std::move(out));
  }
  return layout;
}

}  // namespace bachprop::music

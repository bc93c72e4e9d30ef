#pragma once
/// @file
/// A stream builder: notes, chords and rests appended one after another, each starting where the
/// previous one ended, as in the first music lesson (music21's Stream). The result is a Part or a
/// one-part Score ready for MIDI export.
///
///     bachprop::music::Stream melody("melody");
///     melody.note("C4").note("E4", 0.5).rest(0.5).chord({"C4", "E4", "G4"}, 2.0);
///     melody.append("D4/8 E4/8 F4/4. R/8");  // the note-string syntax of pitch.hpp
///     bachprop::write_midi("lesson.mid", melody.score(90.0));

#include <bachprop/core/error.hpp>
#include <bachprop/music/theory/pitch.hpp>
#include <bachprop/music/score/score.hpp>

#include <cmath>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop::music {

/// Builds a part event by event; `offset()` is where the next event starts.
class Stream {
 public:
  /// An empty part named `name` on General MIDI `program` and MIDI `channel`, starting at offset 0.
  explicit Stream(std::string name = "", int program = 0, int channel = 0) {
    part_.name = std::move(name);
    part_.program = program;
    part_.channel = channel;
  }

  /// Appends a note of `pitch` (MIDI number) lasting `quarter_length`.
  Stream& note(int pitch, double quarter_length = 1.0, int velocity = 80) {
    check_length(quarter_length);
    Note n{pitch, offset_, quarter_length, velocity};
    require_valid(n);
    part_.notes.push_back(n);
    offset_ += quarter_length;
    return *this;
  }
  /// Appends a note by name ("C#4").
  Stream& note(std::string_view name, double quarter_length = 1.0, int velocity = 80) {
    return note(parse_pitch(name), quarter_length, velocity);
  }
  /// Appends a chord: every pitch starts now and lasts `quarter_length`.
  Stream& chord(const std::vector<int>& pitches, double quarter_length = 1.0,
                int velocity = 80) {
    check_length(quarter_length);
    if (pitches.empty()) {
      throw ArgumentError("Stream::chord: a chord needs at least one pitch (use rest())");
    }
    for (const int p : pitches) {
      Note n{p, offset_, quarter_length, velocity};
      require_valid(n);
      part_.notes.push_back(n);
    }
    offset_ += quarter_length;
    return *this;
  }
  /// Appends a chord by names ({"C4", "E4", "G4"}).
  Stream& chord(std::initializer_list<std::string_view> names, double quarter_length = 1.0,
                int velocity = 80) {
    std::vector<int> pitches;
    for (const auto name : names) {
      pitches.push_back(parse_pitch(name));
    }
    return chord(pitches, quarter_length, velocity);
  }
  /// Appends a rest: moves the offset on without a note.
  Stream& rest(double quarter_length = 1.0) {
    check_length(quarter_length);
    offset_ += quarter_length;
    return *this;
  }
  /// Appends every event of a note string (syntax in pitch.hpp).
  Stream& append(std::string_view text, double default_quarter_length = 1.0,
                 int velocity = 80) {
    for (const auto& event : parse_notes(text, default_quarter_length)) {
      if (event.is_rest()) {
        rest(event.quarter_length);
      } else {
        chord(event.pitches, event.quarter_length, velocity);
      }
    }
    return *this;
  }

  /// Where the next event will start, in quarter notes.
  double offset() const { return offset_; }
  /// The part built so far.
  const Part& part() const { return part_; }
  /// A score holding just this part.
  Score score(double tempo_bpm = 120.0, TimeSignature time_signature = {},
              KeySignature key_signature = {}) const {
    Score s;
    s.title = part_.name;
    s.parts.push_back(part_);
    s.tempo_bpm = tempo_bpm;
    s.time_signature = time_signature;
    s.key_signature = key_signature;
    return s;
  }

 private:
  static void check_length(double quarter_length) {
    if (!(quarter_length > 0.0) || !std::isfinite(quarter_length)) {
      throw ArgumentError("Stream: a length must be a positive number of quarter notes, got " +
                          std::to_string(quarter_length));
    }
  }

  Part part_;
  double offset_ = 0.0;
};

}  // namespace bachprop::music

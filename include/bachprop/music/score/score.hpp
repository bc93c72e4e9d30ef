#pragma once
/// @file
/// The score model: notes with a start and a duration in quarter notes, parts (an instrument on a
/// MIDI channel), and a score (parts plus tempo, time signature and key signature). Chords are
/// notes that start together; rests are the time between notes (a part stores only sounding
/// notes, as a MIDI file does). music/score/stream.hpp builds parts one event after another.
///
/// Time is kept in quarter lengths (1.0 = a quarter note, 0.5 = an eighth), as music21 does,
/// and turned into MIDI ticks only when a file is written: see to_ticks for the rounding rule.

#include <bachprop/core/error.hpp>
#include <bachprop/music/theory/key.hpp>
#include <bachprop/music/theory/pitch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace bachprop::music {

/// One sounding note: MIDI pitch, start and duration in quarter notes, velocity 1..127.
struct Note {
  int pitch = 60;         ///< MIDI pitch 0..127 (60: middle C)
  double start = 0.0;     ///< onset in quarter notes from the start of the piece
  double duration = 1.0;  ///< length in quarter notes, > 0
  int velocity = 80;      ///< loudness 1..127
  /// Held at the player's discretion (a fermata: the chorales' phrase ends). Sheet music shows
  /// it; MIDI has no way to say it, so a MIDI file neither keeps nor gives it.
  bool fermata = false;

  /// Where the note stops, in quarter notes.
  double end() const { return start + duration; }
  /// Equal when all fields are (exactly).
  friend bool operator==(const Note&, const Note&) = default;
};

/// Orders notes by start, then pitch, then duration, then velocity: the canonical order in
/// which parts are compared and written.
inline bool note_order(const Note& a, const Note& b) {
  if (a.start != b.start) {
    return a.start < b.start;
  }
  if (a.pitch != b.pitch) {
    return a.pitch < b.pitch;
  }
  if (a.duration != b.duration) {
    return a.duration < b.duration;
  }
  return a.velocity < b.velocity;
}

/// Throws ArgumentError unless the note can be written to MIDI: pitch 0..127, velocity 1..127,
/// start ≥ 0 and duration > 0, both finite.
inline void require_valid(const Note& note) {
  require_midi_pitch(note.pitch, "note");
  if (note.velocity < 1 || note.velocity > 127) {
    throw ArgumentError("note " + pitch_name(note.pitch) + ": velocity " +
                        std::to_string(note.velocity) + " is outside 1..127");
  }
  if (!(note.start >= 0.0) || !std::isfinite(note.start) || !(note.duration > 0.0) ||
      !std::isfinite(note.duration)) {
    throw ArgumentError("note " + pitch_name(note.pitch) + ": start " +
                        std::to_string(note.start) + " and duration " +
                        std::to_string(note.duration) +
                        " must be finite, the start non-negative and the duration positive");
  }
}

/// A time signature: `numerator` beats of 1/`denominator` notes per bar (3/4, 4/4, 6/8).
struct TimeSignature {
  int numerator = 4;    ///< beats per bar, 1..255
  int denominator = 4;  ///< the beat's note value: 4 = quarter, 8 = eighth (a power of two)
  /// Length of a bar in quarter notes.
  double bar_quarters() const { return numerator * 4.0 / denominator; }
  /// Equal when numerator and denominator are (3/4 is not 6/8).
  friend bool operator==(const TimeSignature&, const TimeSignature&) = default;
};

/// Throws ArgumentError unless numerator is 1..255 and denominator a power of two 1..128.
inline void require_valid(const TimeSignature& ts) {
  const bool power_of_two = ts.denominator > 0 && (ts.denominator & (ts.denominator - 1)) == 0;
  if (ts.numerator < 1 || ts.numerator > 255 || !power_of_two || ts.denominator > 128) {
    throw ArgumentError("time signature " + std::to_string(ts.numerator) + "/" +
                        std::to_string(ts.denominator) +
                        ": expected a numerator 1..255 and a denominator 1, 2, 4, ... 128");
  }
}

/// One instrument: a name, a General MIDI program (0 = acoustic grand piano, 52 = choir aahs),
/// a MIDI channel 0..15 (9 is percussion in General MIDI) and its notes.
struct Part {
  std::string name{};        ///< track name, e.g. "Soprano"
  int program = 0;           ///< General MIDI program 0..127
  int channel = 0;           ///< MIDI channel 0..15
  std::vector<Note> notes{};  ///< in any order; sort() puts them in note_order

  /// Adds a note and returns it (for chaining in tests and examples).
  Part& add(int pitch, double start, double duration, int velocity = 80) {
    notes.push_back({pitch, start, duration, velocity});
    return *this;
  }
  /// Adds the notes of a chord, all starting at `start`.
  Part& add_chord(const std::vector<int>& pitches, double start, double duration,
                  int velocity = 80) {
    for (const int p : pitches) {
      add(p, start, duration, velocity);
    }
    return *this;
  }
  /// Where the last note ends (0 for no notes).
  double end() const {
    double last = 0.0;
    for (const auto& n : notes) {
      last = std::max(last, n.end());
    }
    return last;
  }
  /// Sorts the notes into note_order.
  void sort() { std::sort(notes.begin(), notes.end(), note_order); }
  /// Equal when name, program, channel and the notes in their current order are.
  friend bool operator==(const Part&, const Part&) = default;
};

/// A piece: parts that sound together, with one tempo, time signature and key signature for the
/// whole piece (a file's later changes are not kept: see music/score/midi_read.hpp).
struct Score {
  std::string title{};           ///< the piece's name (a MIDI file's first track name)
  std::vector<Part> parts{};     ///< the instruments (one track each in a format-1 MIDI file)
  double tempo_bpm = 120.0;  ///< quarter notes per minute
  TimeSignature time_signature;  ///< for the whole piece
  KeySignature key_signature;    ///< for the whole piece
  /// Resolution used when the score is written to MIDI (ticks per quarter note, 1..32767).
  int ticks_per_quarter = 480;
  /// Quarter notes before the first bar line (an upbeat: 1 for a chorale that starts on the
  /// fourth beat of 4/4), 0 ≤ pickup < a bar. Sheet music writes it as an incomplete first
  /// measure; MIDI files keep no bar lines, so they neither keep nor give it.
  double pickup = 0.0;

  /// Where the last note of any part ends.
  double end() const {
    double last = 0.0;
    for (const auto& p : parts) {
      last = std::max(last, p.end());
    }
    return last;
  }
  /// Seconds the score lasts at its tempo.
  double seconds() const { return end() * 60.0 / tempo_bpm; }
  /// Number of notes in all parts.
  std::size_t note_count() const {
    std::size_t n = 0;
    for (const auto& p : parts) {
      n += p.notes.size();
    }
    return n;
  }
  /// Equal when every field and part is (notes compared in their stored order).
  friend bool operator==(const Score&, const Score&) = default;
};

/// Ticks of a time in quarter notes at `ticks_per_quarter`: round(quarters · tpq), halves
/// rounded away from zero (std::llround). Note starts and ends are each rounded this way (the
/// duration in ticks is end − start, so notes that touch in quarter notes touch in ticks too).
/// Throws ArgumentError for a negative, non-finite or too large time (above 2^28 − 1 ticks, the
/// largest a MIDI delta time can hold).
inline std::int64_t to_ticks(double quarters, int ticks_per_quarter) {
  if (ticks_per_quarter < 1 || ticks_per_quarter > 32767) {
    throw ArgumentError("ticks per quarter " + std::to_string(ticks_per_quarter) +
                        " is outside 1..32767");
  }
  const double ticks = quarters * ticks_per_quarter;
  if (!(ticks >= 0.0) || !std::isfinite(ticks) || ticks > 268435455.0) {
    throw ArgumentError("time " + std::to_string(quarters) +
                        " quarter notes cannot be written as MIDI ticks (must be 0 ≤ t and at "
                        "most 2^28 − 1 ticks)");
  }
  return std::llround(ticks);
}

/// Quarter notes of a tick count: ticks / tpq exactly as a double (exact whenever the result is
/// representable; to_ticks of it gives the ticks back for every count below 2^28).
inline double to_quarters(std::int64_t ticks, int ticks_per_quarter) {
  if (ticks_per_quarter < 1) {
    throw ArgumentError("ticks per quarter must be positive, got " +
                        std::to_string(ticks_per_quarter));
  }
  return static_cast<double>(ticks) / static_cast<double>(ticks_per_quarter);
}

/// The notes of `part` grouped by start time: each group is a chord (or a single note), in time
/// order, pitches ascending.
inline std::vector<std::vector<Note>> chords_of(const Part& part) {
  std::vector<Note> notes = part.notes;
  std::sort(notes.begin(), notes.end(), note_order);
  std::vector<std::vector<Note>> groups;
  for (const auto& n : notes) {
    if (groups.empty() || groups.back().front().start != n.start) {
      groups.emplace_back();
    }
    groups.back().push_back(n);
  }
  return groups;
}

/// The same score with every pitch moved by `semitones`. Throws ArgumentError naming the first
/// note that would leave the MIDI range.
inline Score transposed(const Score& score, int semitones) {
  Score out = score;
  for (auto& part : out.parts) {
    for (auto& n : part.notes) {
      if (!is_midi_pitch(n.pitch + semitones)) {
        throw ArgumentError("transposing " + pitch_name(n.pitch) + " by " +
                            std::to_string(semitones) + " semitones leaves the MIDI range");
      }
      n.pitch += semitones;
    }
  }
  return out;
}

}  // namespace bachprop::music

#pragma once
/// @file
/// A melody as a plain sequence of events — a pitch (or a rest) and a duration — the shape that
/// n-gram models, encodings and sequence networks consume. Converts to and from a Part (rests
/// become gaps and gaps become rests), to and from a fixed grid, and transposes with a range check.

#include <bachprop/core/error.hpp>
#include <bachprop/music/score/score.hpp>
#include <bachprop/music/theory/pitch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop::music {

/// The pitch value that marks a rest in a MelodyEvent.
inline constexpr int rest_pitch = -1;

/// One melody event: a MIDI pitch (or rest_pitch) lasting `duration` quarter notes.
struct MelodyEvent {
  int pitch = 60;         ///< MIDI pitch 0..127, or rest_pitch
  double duration = 1.0;  ///< length in quarter notes
  /// True for a rest.
  bool is_rest() const { return pitch == rest_pitch; }
  /// Equal when pitch and duration are (exactly).
  friend bool operator==(const MelodyEvent&, const MelodyEvent&) = default;
};

/// A monophonic line, events one after another.
using Melody = std::vector<MelodyEvent>;

/// Total length in quarter notes.
inline double melody_length(const Melody& melody) {
  double total = 0.0;
  for (const auto& e : melody) {
    total += e.duration;
  }
  return total;
}

/// The pitches of the sounding events, rests left out.
inline std::vector<int> melody_pitches(const Melody& melody) {
  std::vector<int> pitches;
  for (const auto& e : melody) {
    if (!e.is_rest()) {
      pitches.push_back(e.pitch);
    }
  }
  return pitches;
}

/// The melody as a part starting at `start`: one note per sounding event, rests as gaps.
inline Part melody_to_part(const Melody& melody, std::string name = "melody", int program = 0,
                           int channel = 0, double start = 0.0, int velocity = 80) {
  Part part;
  part.name = std::move(name);
  part.program = program;
  part.channel = channel;
  double t = start;
  for (const auto& e : melody) {
    if (!(e.duration > 0.0) || !std::isfinite(e.duration)) {
      throw ArgumentError("melody_to_part: an event lasts " + std::to_string(e.duration) +
                          " quarter notes; durations must be positive");
    }
    if (!e.is_rest()) {
      Note n{e.pitch, t, e.duration, velocity};
      require_valid(n);
      part.notes.push_back(n);
    }
    t += e.duration;
  }
  return part;
}

/// The top line of a part as a melody: where notes start together the highest is kept (the
/// "skyline"), a note is cut where the next one starts, gaps become rests, and a gap before the
/// first note becomes a leading rest when `keep_leading_rest`.
inline Melody melody_from_part(const Part& part, bool keep_leading_rest = false) {
  std::vector<Note> notes = part.notes;
  std::sort(notes.begin(), notes.end(), note_order);
  // Keep the highest note of each onset.
  std::vector<Note> top;
  for (const auto& n : notes) {
    if (!top.empty() && top.back().start == n.start) {
      top.back() = n;  // sorted by pitch within an onset: the last is the highest
    } else {
      top.push_back(n);
    }
  }
  Melody melody;
  double t = 0.0;
  for (std::size_t i = 0; i < top.size(); ++i) {
    const Note& n = top[i];
    if (n.start > t && (keep_leading_rest || i > 0)) {
      melody.push_back({rest_pitch, n.start - t});
    }
    double end = n.end();
    if (i + 1 < top.size()) {
      end = std::min(end, top[i + 1].start);
    }
    melody.push_back({n.pitch, end - n.start});
    t = end;
  }
  return melody;
}

/// True when every sounding event stays within [low, high] after moving by `semitones`.
inline bool can_transpose(const Melody& melody, int semitones, int low = lowest_midi_pitch,
                          int high = highest_midi_pitch) {
  return std::all_of(melody.begin(), melody.end(), [&](const MelodyEvent& e) {
    return e.is_rest() || (e.pitch + semitones >= low && e.pitch + semitones <= high);
  });
}

/// The melody moved by `semitones` (rests stay rests). Throws ArgumentError naming the first
/// pitch that would leave [low, high] (default: the MIDI range).
inline Melody transpose(const Melody& melody, int semitones, int low = lowest_midi_pitch,
                        int high = highest_midi_pitch) {
  Melody out = melody;
  for (auto& e : out) {
    if (e.is_rest()) {
      continue;
    }
    const int moved = e.pitch + semitones;
    if (moved < low || moved > high) {
      throw ArgumentError("transpose: pitch " + std::to_string(e.pitch) + " moved by " +
                          std::to_string(semitones) + " semitones is " + std::to_string(moved) +
                          ", outside " + std::to_string(low) + ".." + std::to_string(high));
    }
    e.pitch = moved;
  }
  return out;
}

/// Joins equal consecutive grid values into events (`value` per step: a pitch or rest_pitch).
inline Melody join_grid(const std::vector<int>& values, int steps_per_quarter) {
  Melody melody;
  const double step = 1.0 / steps_per_quarter;
  for (std::size_t i = 0; i < values.size();) {
    std::size_t j = i;
    while (j < values.size() && values[j] == values[i]) {
      ++j;
    }
    melody.push_back({values[i] < 0 ? rest_pitch : values[i], static_cast<double>(j - i) * step});
    i = j;
  }
  return melody;
}

/// Every transposition of `melody` by lowest..highest semitones that stays in [low, high]
/// (the usual augmentation: the same tune in other keys), the untransposed one included.
inline std::vector<Melody> transpositions(const Melody& melody, int lowest, int highest,
                                          int low = 0, int high = 127) {
  if (lowest > highest) {
    throw ArgumentError("transpositions: lowest shift " + std::to_string(lowest) +
                        " is above highest " + std::to_string(highest));
  }
  std::vector<Melody> out;
  for (int shift = lowest; shift <= highest; ++shift) {
    if (can_transpose(melody, shift, low, high)) {
      out.push_back(transpose(melody, shift, low, high));
    }
  }
  return out;
}

/// A melody from a note string ("C4 D4 E4/8 R": the syntax of parse_notes), one note at a time.
/// Throws FormatError for a bad string, or a chord (naming its position).
inline Melody melody_from_note_text(std::string_view text) {
  Melody melody;
  for (const ParsedEvent& event : parse_notes(text)) {
    if (event.pitches.size() > 1) {
      throw FormatError("a melody has one note at a time; the chord at character " +
                        std::to_string(event.position) + " has " +
                        std::to_string(event.pitches.size()));
    }
    melody.push_back({event.is_rest() ? rest_pitch : event.pitches.front(), event.quarter_length});
  }
  return melody;
}

}  // namespace bachprop::music

#pragma once
/// @file
/// A piano roll: pitches × time steps, 1 where a pitch sounds; from a score, and back to notes by
/// joining consecutive cells.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/music/score/score.hpp>

#include <algorithm>
#include <cmath>
#include <string>

namespace bachprop::music {

/// Pitches × time steps: cell (p, t) is 1 when MIDI pitch lowest_pitch + p sounds during step t
/// (the step [t·step, (t+1)·step) in quarter notes).
struct PianoRoll {
  Matrix<float> cells{};  ///< pitches × steps, 1 where the pitch sounds, else 0
  int lowest_pitch = 36;  ///< MIDI pitch of row 0
  double step = 0.25;     ///< length of a column in quarter notes (0.25: a sixteenth)

  /// MIDI pitch of the last row.
  int highest_pitch() const { return lowest_pitch + static_cast<int>(cells.rows()) - 1; }
  /// Number of time steps (columns).
  Index steps() const { return cells.cols(); }
};

/// Settings of a piano roll: the pitch range (inclusive) and the step in quarter notes.
struct PianoRollOptions {
  int lowest_pitch = 36;   ///< lowest MIDI pitch, the roll's row 0
  int highest_pitch = 81;  ///< highest MIDI pitch, inclusive
  double step = 0.25;      ///< quarter notes per column
};

/// The piano roll of the notes of every part of `score`. A note covers the steps from
/// round(start / step) to round(end / step) − 1 (at least one step). Throws ArgumentError for a
/// pitch outside the range.
inline PianoRoll piano_roll(const Score& score, const PianoRollOptions& options = {}) {
  if (options.lowest_pitch < 0 || options.highest_pitch > 127 ||
      options.lowest_pitch > options.highest_pitch || !(options.step > 0.0) ||
      !std::isfinite(options.step)) {
    throw ArgumentError("piano_roll: expected 0 ≤ lowest ≤ highest ≤ 127 and a positive step");
  }
  const double total_steps = std::round(score.end() / options.step);
  if (!(total_steps <= 1.0e7)) {
    throw ArgumentError("piano_roll: " + std::to_string(total_steps) +
                        " steps is too many (coarser step?)");
  }
  PianoRoll roll;
  roll.lowest_pitch = options.lowest_pitch;
  roll.step = options.step;
  roll.cells = Matrix<float>::Zero(options.highest_pitch - options.lowest_pitch + 1,
                                   static_cast<Index>(total_steps));
  for (const auto& part : score.parts) {
    for (const auto& n : part.notes) {
      if (!(n.start >= 0.0) || !(n.duration > 0.0) || !std::isfinite(n.end())) {
        throw ArgumentError("piano_roll: a note at " + std::to_string(n.start) + " lasting " +
                            std::to_string(n.duration) +
                            " quarter notes: expected a start ≥ 0 and a positive length");
      }
      if (n.pitch < options.lowest_pitch || n.pitch > options.highest_pitch) {
        throw ArgumentError("piano_roll: " + pitch_name(n.pitch) + " is outside " +
                            pitch_name(options.lowest_pitch) + ".." +
                            pitch_name(options.highest_pitch));
      }
      const auto first = static_cast<Index>(std::round(n.start / options.step));
      const auto last = std::max(first + 1, static_cast<Index>(std::round(n.end() / options.step)));
      for (Index t = first; t < std::min(last, roll.cells.cols()); ++t) {
        roll.cells(n.pitch - options.lowest_pitch, t) = 1.0F;
      }
    }
  }
  return roll;
}

/// The notes of a piano roll: each run of consecutive cells above `threshold` in a row is one
/// note (so repeated notes on adjacent steps merge into one, as in the JSB data).
inline Part piano_roll_to_part(const PianoRoll& roll, std::string name = "piano roll",
                               float threshold = 0.5F, int velocity = 80) {
  Part part;
  part.name = std::move(name);
  for (Index p = 0; p < roll.cells.rows(); ++p) {
    Index t = 0;
    while (t < roll.cells.cols()) {
      if (roll.cells(p, t) <= threshold) {
        ++t;
        continue;
      }
      Index end = t;
      while (end < roll.cells.cols() && roll.cells(p, end) > threshold) {
        ++end;
      }
      part.notes.push_back({roll.lowest_pitch + static_cast<int>(p),
                            static_cast<double>(t) * roll.step,
                            static_cast<double>(end - t) * roll.step, velocity});
      t = end;
    }
  }
  part.sort();
  return part;
}

}  // namespace bachprop::music

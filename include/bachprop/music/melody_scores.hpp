#pragma once
/// @file
/// How well a next-note model predicts held-out melodies, in the figures the literature uses:
/// next-pitch accuracy and bits per pitch (the mean of −log2 of the probability given to the
/// pitch that came), and, for models that also predict durations, bits per note.

#include <cstddef>
#include <limits>

namespace bachprop::music {

/// Scores over every note after the first of each melody, each predicted from those before.
struct MelodyScores {
  std::size_t notes = 0;         ///< notes predicted
  double pitch_accuracy = 0;     ///< share whose most probable pitch was the right one
  double bits_per_pitch = 0;     ///< mean −log2 P(right pitch)
  /// Share whose most probable duration was right; NaN for models that predict pitches only.
  double duration_accuracy = std::numeric_limits<double>::quiet_NaN();
  /// Mean −log2 P(right duration); NaN for models that predict pitches only.
  double bits_per_duration = std::numeric_limits<double>::quiet_NaN();
  /// Pitch and duration together, −log2 P(pitch) P(duration) (the models here predict them
  /// independently given the past); NaN for pitch-only models.
  double bits_per_note() const { return bits_per_pitch + bits_per_duration; }
};

}  // namespace bachprop::music

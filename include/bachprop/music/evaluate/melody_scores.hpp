#pragma once
/// @file
/// How well a next-note model predicts held-out melodies, in the figures the literature uses:
/// next-pitch accuracy and bits per pitch (the mean of −log2 of the probability given to the
/// pitch that came), and, for models that also predict durations, bits per note. One sum adds
/// them up for every model, network or baseline, so that all are scored alike.

#include <bachprop/core/types.hpp>

#include <algorithm>
#include <cmath>
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

/// Adds up MelodyScores prediction by prediction, then averages them.
class MelodyScoreSum {
 public:
  /// An empty sum, of pitches only or (`durations`) of pitches and durations.
  explicit MelodyScoreSum(bool durations = false) : has_durations_(durations) {}

  /// One predicted pitch: `distribution` (an Eigen vector or a std::span/vector of
  /// probabilities over the vocabulary's pitches) and the index of the pitch that came. The most
  /// probable index counts as the prediction (ties: the lowest).
  template <class Distribution>
  void add_pitch(const Distribution& distribution, Index truth) {
    ++notes_;
    pitch_right_ += is_argmax(distribution, truth) ? 1.0 : 0.0;
    pitch_bits_ += bits(distribution, truth);
  }

  /// The duration of the same note: its distribution over the vocabulary's durations and the
  /// index of the one that came.
  template <class Distribution>
  void add_duration(const Distribution& distribution, Index truth) {
    duration_right_ += is_argmax(distribution, truth) ? 1.0 : 0.0;
    duration_bits_ += bits(distribution, truth);
  }

  /// The means so far (durations NaN for a sum of pitches only, 0 before the first note).
  MelodyScores scores() const {
    MelodyScores scores;
    scores.notes = notes_;
    if (has_durations_) {
      scores.duration_accuracy = 0;
      scores.bits_per_duration = 0;
    }
    if (notes_ > 0) {
      const auto n = static_cast<double>(notes_);
      scores.pitch_accuracy = pitch_right_ / n;
      scores.bits_per_pitch = pitch_bits_ / n;
      if (has_durations_) {
        scores.duration_accuracy = duration_right_ / n;
        scores.bits_per_duration = duration_bits_ / n;
      }
    }
    return scores;
  }

 private:
  template <class Distribution>
  static auto at(const Distribution& distribution, Index i) {
    return distribution[static_cast<std::size_t>(i)];
  }

  template <class Distribution>
  static bool is_argmax(const Distribution& distribution, Index truth) {
    const auto size = static_cast<Index>(std::size(distribution));
    Index best = 0;
    for (Index i = 1; i < size; ++i) {
      if (at(distribution, i) > at(distribution, best)) {
        best = i;
      }
    }
    return best == truth;
  }

  // −log2 P(truth), with P floored at 1e-12 (about 40 bits) so that one impossible note cannot
  // make the mean infinite.
  template <class Distribution>
  static double bits(const Distribution& distribution, Index truth) {
    return -std::log2(std::max(1e-12, static_cast<double>(at(distribution, truth))));
  }

  std::size_t notes_ = 0;
  double pitch_right_ = 0;
  double pitch_bits_ = 0;
  bool has_durations_ = false;
  double duration_right_ = 0;
  double duration_bits_ = 0;
};

}  // namespace bachprop::music

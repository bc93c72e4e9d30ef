#pragma once
/// @file
/// Numbers beside "it sounds like Bach": statistics of a set of melodies — the pitch-class and
/// interval histograms, the share of notes in each melody's key, the longest run of one
/// repeated pitch, the range — and distances between two sets' histograms, so that generated
/// melodies can be compared with held-out chorales.

#include <bachprop/core/error.hpp>
#include <bachprop/music/theory/key.hpp>
#include <bachprop/music/score/note_sequence.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <vector>

namespace bachprop::music {

/// What a set of melodies looks like.
struct StyleStatistics {
  std::size_t melodies = 0;  ///< melodies measured
  std::size_t notes = 0;     ///< notes in all of them
  std::array<double, 12> pitch_classes{};  ///< share of notes per pitch class, relative to each
                                           ///< melody's tonic (0 = the tonic), summing to 1
  std::map<int, double> intervals;         ///< share of melodic steps per interval (semitones)
  double in_key = 0;               ///< share of notes in the melody's key (harmonic minor)
  std::size_t longest_repeat = 0;  ///< the longest run of one pitch, in notes
  double mean_range = 0;           ///< mean over melodies of highest − lowest pitch
  double mean_abs_interval = 0;    ///< mean size of a melodic step, in semitones
};

/// The statistics of `melodies`; each melody's key is estimated from its own notes (or given
/// in `keys`, one per melody), and pitch classes are counted relative to its tonic, so that
/// melodies in different keys can be pooled.
inline StyleStatistics style_statistics(const std::vector<NoteSequence>& melodies,
                                        const std::vector<Key>& keys = {}) {
  if (!keys.empty() && keys.size() != melodies.size()) {
    throw ArgumentError("style_statistics: " + std::to_string(keys.size()) + " keys for " +
                        std::to_string(melodies.size()) + " melodies");
  }
  StyleStatistics s;
  double steps = 0;
  double in_key = 0;
  double step_sizes = 0;
  for (std::size_t m = 0; m < melodies.size(); ++m) {
    const NoteSequence& melody = melodies[m];
    if (melody.empty()) {
      continue;
    }
    const Key key = keys.empty()
                        ? estimate_key(pitch_class_histogram(melody.pitches, melody.durations)).key
                        : keys[m];
    ++s.melodies;
    std::size_t run = 1;
    for (std::size_t i = 0; i < melody.size(); ++i) {
      const int p = melody.pitches[i];
      s.pitch_classes[static_cast<std::size_t>(pitch_class(p - key.tonic))] += 1;
      in_key += in_scale(p, key, true) ? 1 : 0;
      ++s.notes;
      if (i > 0) {
        const int step = p - melody.pitches[i - 1];
        s.intervals[step] += 1;
        step_sizes += std::abs(step);
        steps += 1;
        run = step == 0 ? run + 1 : 1;
      }
      s.longest_repeat = std::max(s.longest_repeat, run);
    }
    const auto [low, high] = std::minmax_element(melody.pitches.begin(), melody.pitches.end());
    s.mean_range += *high - *low;
  }
  if (s.notes > 0) {
    for (double& share : s.pitch_classes) {
      share /= static_cast<double>(s.notes);
    }
    s.in_key = in_key / static_cast<double>(s.notes);
    s.mean_range /= static_cast<double>(s.melodies);
  }
  if (steps > 0) {
    for (auto& [interval, share] : s.intervals) {
      share /= steps;
    }
    s.mean_abs_interval = step_sizes / steps;
  }
  return s;
}

/// Total-variation distance between two histograms: half the sum of absolute differences, 0
/// when they are equal and 1 when they share nothing.
inline double histogram_distance(const std::array<double, 12>& a, const std::array<double, 12>& b) {
  double sum = 0;
  for (std::size_t i = 0; i < 12; ++i) {
    sum += std::abs(a[i] - b[i]);
  }
  return sum / 2;
}

/// The same distance for sparse histograms (e.g. of intervals): a key missing from one counts as 0.
inline double histogram_distance(const std::map<int, double>& a, const std::map<int, double>& b) {
  double sum = 0;
  for (const auto& [key, value] : a) {
    const auto other = b.find(key);
    sum += std::abs(value - (other == b.end() ? 0.0 : other->second));
  }
  for (const auto& [key, value] : b) {
    if (a.find(key) == a.end()) {
      sum += value;
    }
  }
  return sum / 2;
}

}  // namespace bachprop::music

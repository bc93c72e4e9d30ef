#pragma once
// bach_eval's bookkeeping of scores: the next-note scores of a feedforward window model, and
// the two tables (JSB test split, UCI folds) in which every note weighs the same.

#include "common/melody_models.hpp"

#include <bachprop/music/evaluate/melody_scores.hpp>
#include <bachprop/music/models/window_model.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace bach_eval {

using namespace bachprop;
using namespace bachprop::music;

/// The next-note scores of a window model: bits per pitch from its position-1 pitch outputs;
/// the duration half is on the eighth-note grid of the paper's embedding.
inline MelodyScores window_scores(WindowModel& model, const std::vector<NoteSequence>& test) {
  MelodyScores s;
  s.duration_accuracy = 0;
  s.bits_per_duration = 0;
  for (const auto& original : test) {
    const NoteSequence notes = on_eighth_grid(original);
    const Matrix<float> pitches = model.next_pitch_distributions(notes);
    const Matrix<float> durations = model.next_duration_distributions(notes);
    for (Index t = 1; t < static_cast<Index>(notes.size()); ++t) {
      const auto i = static_cast<std::size_t>(t);
      const Index pitch = model.embedding().pitch_row(notes.pitches[i]);
      const Index duration = model.embedding().duration_row(notes.durations[i]);
      Index best = 0;
      pitches.col(t - 1).maxCoeff(&best);
      s.pitch_accuracy += best == pitch ? 1 : 0;
      s.bits_per_pitch -= std::log2(std::max(1e-12, double(pitches(pitch, t - 1))));
      s.bits_per_duration -= std::log2(std::max(1e-12, double(durations(duration, t - 1))));
      ++s.notes;
    }
  }
  const auto n = static_cast<double>(std::max<std::size_t>(s.notes, 1));
  s.pitch_accuracy /= n;
  s.bits_per_pitch /= n;
  s.bits_per_duration /= n;
  return s;
}

/// Sums of per-note figures, so folds can be pooled (every note weighs the same).
struct Pooled {
  double notes = 0;
  double right = 0;
  double pitch_bits = 0;
  double note_bits = 0;
  bool has_durations = false;

  void add(const MelodyScores& s) {
    const auto n = static_cast<double>(s.notes);
    notes += n;
    right += s.pitch_accuracy * n;
    pitch_bits += s.bits_per_pitch * n;
    if (!std::isnan(s.bits_per_duration)) {
      note_bits += s.bits_per_note() * n;
      has_durations = true;
    }
  }
  double accuracy() const { return right / notes; }
  double bits_per_pitch() const { return pitch_bits / notes; }
  double bits_per_note() const {
    return has_durations ? note_bits / notes : std::numeric_limits<double>::quiet_NaN();
  }
};

/// A table: each model's pooled scores by name.
using Table = std::map<std::string, Pooled>;

/// The two tables, with the models in the order they were first scored.
struct Tables {
  Table jsb;  // the JSB test split
  Table uci;  // the UCI melodies, the ten folds pooled
  std::vector<std::string> order;

  /// Adds each model's scores on one split to its row of `table`.
  void add(Table& table, const std::vector<examples::NamedScores>& rows) {
    for (const auto& [name, scores] : rows) {
      if (std::find(order.begin(), order.end(), name) == order.end()) {
        order.push_back(name);
      }
      table[name].add(scores);
    }
  }
};

}  // namespace bach_eval

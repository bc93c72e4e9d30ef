#pragma once
/// @file
/// Decoding a voice from per-step class probabilities when every change of note costs something:
/// the most probable path (Viterbi), which keeps a voice from flickering between two notes.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace bachprop::music {

/// The most probable path of classes through `log_p` (classes × steps, log-probabilities per
/// step) when every change of class between consecutive steps costs `change_penalty` nats: the
/// Viterbi algorithm with a two-state-kind transition (stay: 0, move anywhere: −penalty), in
/// O(classes × steps). A voice that flickers between two notes for a 16th at a time pays for
/// every flicker, so it holds its note unless the network is confident enough of a change. A
/// penalty of 0 gives each step's most probable class (ties: the lowest class).
inline std::vector<Index> smoothed_classes(const Matrix<float>& log_p, double change_penalty) {
  if (!(change_penalty >= 0) || !std::isfinite(change_penalty)) {
    throw ArgumentError("smoothed_classes: the change penalty must be a finite number ≥ 0, got " +
                        std::to_string(change_penalty));
  }
  const Index classes = log_p.rows();
  const Index steps = log_p.cols();
  std::vector<Index> path(static_cast<std::size_t>(steps), 0);
  if (steps == 0 || classes == 0) {
    return path;
  }
  auto best_of = [&](const auto& column) {
    Index best = 0;
    for (Index c = 1; c < classes; ++c) {
      if (column(c) > column(best)) {
        best = c;
      }
    }
    return best;
  };
  if (change_penalty == 0) {
    for (Index t = 0; t < steps; ++t) {
      path[static_cast<std::size_t>(t)] = best_of(log_p.col(t));
    }
    return path;
  }
  // score(c): the best path to class c at step t; from(c, t): the class at t−1 on that path.
  Matrix<double> score = log_p.col(0).cast<double>();
  Matrix<double> next(classes, 1);
  Eigen::Matrix<Index, Eigen::Dynamic, Eigen::Dynamic> from(classes, steps);
  // doc:begin harmony-viterbi
  // score_t(c) = log p_t(c) + max(score_{t-1}(c), max_c' score_{t-1}(c') - penalty): a voice
  // either holds its note or jumps, at a price, from the best path so far.
  for (Index t = 1; t < steps; ++t) {
    const Index leader = best_of(score.col(0));
    const double jump = score(leader, 0) - change_penalty;
    for (Index c = 0; c < classes; ++c) {
      const bool stay = score(c, 0) >= jump;
      next(c, 0) = static_cast<double>(log_p(c, t)) + (stay ? score(c, 0) : jump);
      from(c, t) = stay ? c : leader;
    }
    score.swap(next);
  }
  // doc:end harmony-viterbi
  Index c = best_of(score.col(0));
  for (Index t = steps - 1; t >= 0; --t) {
    path[static_cast<std::size_t>(t)] = c;
    if (t > 0) {
      c = from(c, t);
    }
  }
  return path;
}

}  // namespace bachprop::music

#pragma once
/// @file
/// Judging a harmonisation as a classifier, against Bach's own lower voices (the lecture's
/// evaluation): per-voice accuracy over grid steps, a confusion matrix of pitch classes (twelve
/// plus silence) per voice, and from it precision and recall per pitch class.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/music/score/four_voice_grid.hpp>
#include <bachprop/music/theory/pitch.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace bachprop::music {

/// Counts of (true class, predicted class) pairs.
class ConfusionMatrix {
 public:
  /// A classes × classes matrix of zero counts. Throws ArgumentError unless classes is positive.
  explicit ConfusionMatrix(Index classes = 1) : counts_(classes, classes) {
    if (classes <= 0) {
      throw ArgumentError("ConfusionMatrix: needs at least one class");
    }
    counts_.setZero();
  }

  /// Number of classes (rows and columns).
  Index classes() const { return counts_.rows(); }

  /// Counts one (or `count`) case of class `truth` predicted as `predicted`.
  void add(Index truth, Index predicted, double count = 1) {
    if (truth < 0 || truth >= classes() || predicted < 0 || predicted >= classes()) {
      throw ArgumentError("ConfusionMatrix::add: classes must be 0.." +
                          std::to_string(classes() - 1) + ", got " + std::to_string(truth) +
                          " and " + std::to_string(predicted));
    }
    counts_(truth, predicted) += count;
  }

  /// Cases of class `truth` predicted as `predicted` (rows: truth, columns: prediction).
  double count(Index truth, Index predicted) const { return counts_(truth, predicted); }
  /// All counts: rows are the true class, columns the prediction.
  const Matrix<double>& counts() const { return counts_; }
  /// Number of cases counted.
  double total() const { return counts_.sum(); }
  /// Cases whose true class is c.
  double support(Index c) const { return counts_.row(c).sum(); }
  /// Cases predicted as c.
  double predicted(Index c) const { return counts_.col(c).sum(); }

  /// Share of cases on the diagonal (NaN without cases).
  double accuracy() const {
    const double n = total();
    return n > 0 ? counts_.trace() / n : std::numeric_limits<double>::quiet_NaN();
  }
  /// Of the cases predicted as c, the share that are c: TP / (TP + FP) (NaN if never predicted).
  double precision(Index c) const {
    const double p = predicted(c);
    return p > 0 ? counts_(c, c) / p : std::numeric_limits<double>::quiet_NaN();
  }
  /// Of the cases that are c, the share predicted as c: TP / (TP + FN) (NaN if c never occurs).
  double recall(Index c) const {
    const double s = support(c);
    return s > 0 ? counts_(c, c) / s : std::numeric_limits<double>::quiet_NaN();
  }

  /// Adds other's counts (e.g. another piece's). Throws ShapeError for a different class count.
  ConfusionMatrix& operator+=(const ConfusionMatrix& other) {
    if (other.classes() != classes()) {
      throw ShapeError("ConfusionMatrix: cannot add a " + std::to_string(other.classes()) +
                       "-class matrix to a " + std::to_string(classes()) + "-class one");
    }
    counts_ += other.counts_;
    return *this;
  }

 private:
  Matrix<double> counts_;
};

/// The labels of the pitch-class confusion matrices: 0..11 (C..B), then silence.
inline constexpr Index pitch_class_label_count = 13;

/// The label of a grid value: its pitch class, or 12 for silence.
inline Index pitch_class_label(int value) {
  return value == silent_voice ? 12 : static_cast<Index>(pitch_class(value));
}

/// "C", "C#", ..., "B", "-" (silence).
inline std::string pitch_class_label_name(Index label) {
  return label == 12 ? std::string("-") : std::string(pitch_class_name(static_cast<int>(label)));
}

/// How well predicted lower voices match Bach's, step by step.
struct HarmonyAccuracy {
  std::array<double, voice_count> correct{};     ///< steps where the voice has Bach's exact value
  std::array<double, voice_count> same_class{};  ///< ... Bach's pitch class (or silence)
  double steps = 0;  ///< grid steps compared (the same for every voice)
  /// Per voice, pitch classes (and silence) of Bach (rows) against the prediction (columns).
  std::array<ConfusionMatrix, voice_count> confusion{
      ConfusionMatrix(pitch_class_label_count), ConfusionMatrix(pitch_class_label_count),
      ConfusionMatrix(pitch_class_label_count), ConfusionMatrix(pitch_class_label_count)};

  /// Adds a piece: `predicted` and `truth` must have the same number of steps.
  void add(const FourVoiceGrid& predicted, const FourVoiceGrid& truth) {
    if (predicted.steps() != truth.steps()) {
      throw ShapeError("HarmonyAccuracy: the prediction has " + std::to_string(predicted.steps()) +
                       " steps, the reference " + std::to_string(truth.steps()));
    }
    for (Index t = 0; t < truth.steps(); ++t) {
      for (int v = 0; v < voice_count; ++v) {
        const int p = predicted.at(v, t);
        const int y = truth.at(v, t);
        const auto i = static_cast<std::size_t>(v);
        correct[i] += p == y ? 1 : 0;
        same_class[i] += pitch_class_label(p) == pitch_class_label(y) ? 1 : 0;
        confusion[i].add(pitch_class_label(y), pitch_class_label(p));
      }
    }
    steps += static_cast<double>(truth.steps());
  }

  /// Share of steps where voice v is exactly Bach's (NaN without steps).
  double accuracy(int v) const {
    return steps > 0 ? correct.at(static_cast<std::size_t>(v)) / steps
                     : std::numeric_limits<double>::quiet_NaN();
  }
  /// Share of steps where voice v has Bach's pitch class (octave errors forgiven).
  double pitch_class_accuracy(int v) const {
    return steps > 0 ? same_class.at(static_cast<std::size_t>(v)) / steps
                     : std::numeric_limits<double>::quiet_NaN();
  }
  /// Mean exact accuracy of the three generated voices (alto, tenor, bass).
  double mean_accuracy() const { return (accuracy(alto) + accuracy(tenor) + accuracy(bass)) / 3; }

  /// The figures as JSON: per voice accuracy, pitch-class accuracy, and precision and recall per
  /// pitch class (null where undefined).
  nlohmann::json to_json() const {
    nlohmann::json out = {{"steps", steps}, {"mean_accuracy", mean_accuracy()}};
    for (int v = alto; v <= bass; ++v) {
      const auto& m = confusion[static_cast<std::size_t>(v)];
      nlohmann::json precision = nlohmann::json::object();
      nlohmann::json recall = nlohmann::json::object();
      for (Index c = 0; c < m.classes(); ++c) {
        const double p = m.precision(c);
        const double r = m.recall(c);
        precision[pitch_class_label_name(c)] = std::isnan(p) ? nlohmann::json() : nlohmann::json(p);
        recall[pitch_class_label_name(c)] = std::isnan(r) ? nlohmann::json() : nlohmann::json(r);
      }
      out[std::string(voice_names[static_cast<std::size_t>(v)])] = {
          {"accuracy", accuracy(v)},
          {"pitch_class_accuracy", pitch_class_accuracy(v)},
          {"precision", precision},
          {"recall", recall}};
    }
    return out;
  }
};

/// The accuracy of predicted harmonisations against Bach's (same order, same lengths).
inline HarmonyAccuracy evaluate_accuracy(const std::vector<FourVoiceGrid>& predicted,
                                         const std::vector<FourVoiceGrid>& truth) {
  if (predicted.size() != truth.size()) {
    throw ArgumentError("evaluate_accuracy: " + std::to_string(predicted.size()) +
                        " predictions for " + std::to_string(truth.size()) + " pieces");
  }
  HarmonyAccuracy accuracy;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    accuracy.add(predicted[i], truth[i]);
  }
  return accuracy;
}

}  // namespace bachprop::music

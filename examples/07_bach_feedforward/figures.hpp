#pragma once
// bach_feedforward's measurements: the test windows (32 notes heard, the next 32 to predict),
// the figures of any predictor over them (the share of right pitches at every output position,
// the mean distance in semitones), the baselines any model must beat, and the two ways of
// reading a network's outputs (its likeliest pitch, and sampling as the paper did).

#include <bachprop/music/generate/sampling.hpp>
#include <bachprop/music/models/window_model.hpp>
#include <bachprop/music/theory/pitch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace bach_feedforward {

using namespace bachprop;
using namespace bachprop::music;

/// Per-position figures of a predictor over the test windows.
struct WindowFigures {
  std::string name;
  double exact = 0;                 // share of the 32 positions whose pitch is right
  double mean_abs_diff = 0;         // mean |predicted − true| in semitones
  std::vector<double> by_position;  // exact match at each output position
  double bits_per_pitch = std::numeric_limits<double>::quiet_NaN();  // next note only
};

/// A network's figures read both ways.
struct NetworkFigures {
  WindowFigures argmax;   // its likeliest pitch at every position
  WindowFigures sampled;  // a pitch drawn from each position's normalised outputs
};

/// The test windows: contexts in, the next 32 notes' pitches (as embedding rows) out.
struct TestWindows {
  Matrix<float> contexts;
  std::vector<std::vector<Index>> targets;  // per window, 32 pitch rows
  std::vector<Index> last_input;            // pitch row of the last note heard
};

/// Every window of `melodies` that `model` makes examples of.
inline TestWindows test_windows(const WindowModel& model,
                                const std::vector<NoteSequence>& melodies) {
  Matrix<float> inputs;
  Matrix<float> targets;
  model.make_examples(melodies, inputs, targets);
  const Index rows = model.embedding().rows();
  const Index pitch_rows = model.embedding().pitch_rows();
  const Index horizon = model.settings().horizon;
  TestWindows w;
  w.contexts = inputs;
  for (Index j = 0; j < inputs.cols(); ++j) {
    std::vector<Index> rows_of_window;
    for (Index k = 0; k < horizon; ++k) {
      Index row = 0;
      targets.col(j).segment(k * rows, pitch_rows).maxCoeff(&row);
      rows_of_window.push_back(row);
    }
    w.targets.push_back(rows_of_window);
    Index last = 0;
    inputs.col(j).segment((model.settings().context - 1) * rows, pitch_rows).maxCoeff(&last);
    w.last_input.push_back(last);
  }
  return w;
}

/// Scores a predictor `predict(window, position) -> pitch row` over the test windows.
template <class Predict>
WindowFigures score(const std::string& name, const TestWindows& w, Index horizon,
                    Predict&& predict) {
  WindowFigures f;
  f.name = name;
  f.by_position.assign(static_cast<std::size_t>(horizon), 0.0);
  double count = 0;
  for (std::size_t j = 0; j < w.targets.size(); ++j) {
    for (Index k = 0; k < horizon; ++k) {
      const Index truth = w.targets[j][static_cast<std::size_t>(k)];
      const Index guess = predict(j, k);
      const double right = guess == truth ? 1.0 : 0.0;
      f.exact += right;
      f.by_position[static_cast<std::size_t>(k)] += right;
      f.mean_abs_diff += std::abs(static_cast<double>(guess - truth));
      count += 1;
    }
  }
  f.exact /= count;
  f.mean_abs_diff /= count;
  for (double& p : f.by_position) {
    p /= static_cast<double>(w.targets.size());
  }
  return f;
}

/// The baselines, which need no network: uniform guessing over the embedding's pitches and over
/// the pitches the soprano sings in `train`, always its commonest pitch, and repeating the last
/// pitch heard. The guesses are drawn from `seed`.
inline std::vector<WindowFigures> baselines(const std::vector<NoteSequence>& train,
                                            const NoteEmbedding& embedding, const TestWindows& w,
                                            Index horizon, std::uint64_t seed) {
  std::map<Index, double> counts;
  for (const auto& m : train) {
    for (const int p : m.pitches) {
      counts[embedding.pitch_row(p)] += 1;
    }
  }
  Index most_common = counts.begin()->first;
  for (const auto& [row, count] : counts) {
    if (count > counts[most_common]) {
      most_common = row;
    }
  }
  std::vector<WindowFigures> rows;
  Rng rng(seed);
  rows.push_back(score("uniform over the 46 pitches", w, horizon, [&](std::size_t, Index) {
    return static_cast<Index>(rng.below(static_cast<std::uint64_t>(embedding.pitch_rows())));
  }));
  std::vector<Index> seen;
  for (const auto& [row, count] : counts) {
    seen.push_back(row);
  }
  rows.push_back(score(
      "uniform over the " + std::to_string(seen.size()) + " soprano pitches", w, horizon,
      [&](std::size_t, Index) { return seen[static_cast<std::size_t>(rng.below(seen.size()))]; }));
  rows.push_back(
      score("always " + pitch_name(embedding.pitch_of_row(most_common)) + " (most common)", w,
            horizon, [&](std::size_t, Index) { return most_common; }));
  rows.push_back(score("repeat the last input pitch", w, horizon,
                       [&](std::size_t j, Index) { return w.last_input[j]; }));
  return rows;
}

/// The model's predictions over the test windows: the argmax and the paper's way (section 6.2:
/// normalise the outputs of each note's pitch block to sum to 1 and sample).
inline NetworkFigures model_figures(const std::string& name, WindowModel& model,
                                    const TestWindows& w, std::uint64_t seed) {
  const Matrix<float> out = model.forward(w.contexts);
  const Index rows = model.embedding().rows();
  const Index pitch_rows = model.embedding().pitch_rows();
  const Index horizon = model.settings().horizon;
  Rng rng(seed);
  Sampler sampler(static_cast<std::size_t>(pitch_rows));
  auto arg = score(name + ", argmax", w, horizon, [&](std::size_t j, Index k) {
    Index row = 0;
    out.col(static_cast<Index>(j)).segment(k * rows, pitch_rows).maxCoeff(&row);
    return row;
  });
  auto sampled = score(name + ", sampled (as the paper)", w, horizon, [&](std::size_t j, Index k) {
    const float* block = out.col(static_cast<Index>(j)).data() + k * rows;
    return static_cast<Index>(
        sampler.sample(std::span<const float>(block, static_cast<std::size_t>(pitch_rows)), rng));
  });
  return {arg, sampled};
}

/// model_figures() of a trained model, with its bits per pitch of the next note of every note
/// of the `test` melodies.
inline NetworkFigures trained_figures(const std::string& name, WindowModel& model,
                                      const TestWindows& w, const std::vector<NoteSequence>& test,
                                      std::uint64_t seed) {
  NetworkFigures f = model_figures(name, model, w, seed);
  f.argmax.bits_per_pitch = model.next_note_bits(test).first;
  f.sampled.bits_per_pitch = f.argmax.bits_per_pitch;
  return f;
}

/// Each melody on the paper's eighth-note grid.
inline std::vector<NoteSequence> each_on_eighth_grid(const std::vector<NoteSequence>& melodies) {
  std::vector<NoteSequence> out;
  for (const auto& m : melodies) {
    out.push_back(on_eighth_grid(m));
  }
  return out;
}

/// What the lesson measured.
struct Results {
  std::size_t test_windows = 0;
  Index horizon = 32;
  std::vector<WindowFigures> rows;  // every predictor, in the table's order: the baselines first
  NetworkFigures untrained;         // the paper's network before training
  NetworkFigures paper;             // and after
  NetworkFigures fixed;             // the fixed network
  std::size_t paper_epochs = 0;
  std::size_t fixed_epochs = 0;
};

}  // namespace bach_feedforward

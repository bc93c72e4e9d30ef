#pragma once
/// @file
/// MiniBach (Hadjeres & Briot, 2017; the lecture slides' "Ex 2"): a feedforward network that
/// reads a soprano line and writes the alto, tenor and bass under it.
///
/// Input: a window of `window` grid steps of the soprano (4 bars of 16ths = 64 steps by
/// default), one-hot per step over the soprano's pitches plus silence, stacked into one column.
/// Output: the alto, tenor and bass over the same window, one softmax per voice per step ("multi
/// multiclass single label"): the GroupedSoftmax has window × 3 groups, alto's steps first, then
/// tenor's, then bass's. One hidden ReLU layer in between. Trained with cross-entropy (summed
/// over the groups) and Adam, on windows in random transpositions, keeping the epoch that
/// harmonises the validation chorales best.
///
/// A melody is harmonised window by window: windows side by side from the start, the last one
/// ending at the melody's end (a melody shorter than a window is padded with silence, as some
/// training windows are). Each output is the most probable class of its group (where windows
/// overlap, of the groups' averaged log-probabilities), or with a change_penalty the best path
/// of smoothed_classes (music/generate/smoothing.hpp). Overlapping windows (`hop` below the
/// window) give every step context on both sides.

#include <bachprop/core/network.hpp>
#include <bachprop/layers/dense.hpp>
#include <bachprop/layers/grouped_softmax.hpp>
#include <bachprop/layers/relu.hpp>
#include <bachprop/music/encoding/grid_windows.hpp>
#include <bachprop/music/encoding/voice_classes.hpp>
#include <bachprop/music/evaluate/harmonisers.hpp>
#include <bachprop/music/evaluate/harmony_accuracy.hpp>
#include <bachprop/music/generate/smoothing.hpp>
#include <bachprop/music/models/harmony_training.hpp>
#include <bachprop/music/models/model_file.hpp>
#include <bachprop/music/models/network_harmoniser.hpp>
#include <bachprop/music/score/four_voice_grid.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <numeric>
#include <span>
#include <string>
#include <vector>

namespace bachprop::music {

/// How MiniBach is built and trained.
struct MiniBachSettings {
  Index window = 64;   ///< grid steps in and out (4 bars of 4/4 in 16ths)
  Index hidden = 200;  ///< ReLU units
  Index stride = 8;    ///< steps between the starts of training windows
  Index overrun = 32;  ///< training windows may run this many steps past a chorale's end
  /// Steps between the windows a melody is harmonised with: `window` (the default, 0) lays them
  /// side by side as the slides do; less overlaps them, and each step takes the class with the
  /// largest summed log-probability over the windows that cover it.
  Index hop = 0;
  /// Nats each change of a voice's note costs when decoding (smoothed_classes); 0: every step's
  /// most probable class, as the slides decode.
  double change_penalty = 0;
  HarmonyTrainingOptions training{};  ///< epochs, batch size, optimiser and seed

  /// The settings as JSON, the document from_json reads (saved in a model's metadata).
  nlohmann::json to_json() const {
    return {{"window", window},
            {"hidden", hidden},
            {"stride", stride},
            {"overrun", overrun},
            {"hop", hop},
            {"change_penalty", change_penalty},
            {"training", training.to_json()}};
  }

  /// Settings from to_json's document; `source` names it in errors.
  static MiniBachSettings from_json(const nlohmann::json& j, const std::string& source) {
    MiniBachSettings s;
    s.window = HarmonyTrainingOptions::json_integer(j, "window", 1, 4096, source);
    s.hidden = HarmonyTrainingOptions::json_integer(j, "hidden", 1, 100000, source);
    s.stride = HarmonyTrainingOptions::json_integer(j, "stride", 1, 1'000'000, source);
    s.overrun = HarmonyTrainingOptions::json_integer(j, "overrun", 0, 1'000'000, source);
    s.hop = HarmonyTrainingOptions::json_integer(j, "hop", 0, s.window, source);
    s.change_penalty = HarmonyTrainingOptions::json_number(j, "change_penalty", 0, 1e6, source);
    s.training = HarmonyTrainingOptions::from_json(j.value("training", nlohmann::json()), source);
    return s;
  }
};

/// The network of MiniBach: Dense, ReLU, Dense, then one softmax per output voice and step.
template <Scalar S>
using MiniBachNet = Network<Dense<S>, ReLU<S>, Dense<S>, GroupedSoftmax<S>>;

/// The feedforward harmoniser of the slides.
template <Scalar S = float>
class BasicMiniBach : public NetworkHarmoniser<MiniBachNet<S>, MiniBachSettings>,
                      public ModelFile<BasicMiniBach<S>> {
  using Base = NetworkHarmoniser<MiniBachNet<S>, MiniBachSettings>;
  using Base::encoding_;
  using Base::network_;
  using Base::require_accepted;
  using Base::settings_;

 public:
  /// The network type (MiniBachNet).
  using Net = MiniBachNet<S>;

  /// A fresh model for the voice classes of `encoding`, weights drawn from settings.training.seed.
  /// Throws ArgumentError for settings out of range.
  BasicMiniBach(const HarmonyEncoding& encoding, const MiniBachSettings& settings)
      : Base("MiniBach", encoding, settings, build(encoding, settings)) {}

  /// Rows of the input column: window × soprano classes.
  Index input_size() const { return settings_.window * encoding_.voice(soprano).size(); }
  /// Rows of the output column: window × (alto + tenor + bass classes).
  Index output_size() const {
    return settings_.window * encoding_.lower_voice_classes();
  }

  /// First output row of voice v's (alto, tenor or bass) block for step k of the window.
  Index output_row(int v, Index k) const {
    Index row = 0;
    for (int u = alto; u < v; ++u) {
      row += settings_.window * encoding_.voice(u).size();
    }
    return row + k * encoding_.voice(v).size();
  }

  /// The soprano of `grid` at steps start..start+window−1, moved by `shift`, one-hot per step
  /// into `column` (silence beyond the end).
  template <class Column>
  void encode_input(const FourVoiceGrid& grid, Index start, int shift, Column&& column) const {
    const VoiceClasses& s = encoding_.voice(soprano);
    for (Index k = 0; k < settings_.window; ++k) {
      const int value = value_or_silence(grid.voices[soprano], start + k);
      encode_value(s, value == silent_voice ? value : value + shift,
                   column.segment(k * s.size(), s.size()));
    }
  }

  /// The alto, tenor and bass of `grid` over the window, moved by `shift`, one-hot per voice per
  /// step, into `column` (silence beyond the end).
  template <class Column>
  void encode_target(const FourVoiceGrid& grid, Index start, int shift, Column&& column) const {
    for (int v = alto; v <= bass; ++v) {
      const VoiceClasses& classes = encoding_.voice(v);
      for (Index k = 0; k < settings_.window; ++k) {
        const int value = value_or_silence(grid.voices[static_cast<std::size_t>(v)], start + k);
        encode_value(classes, value == silent_voice ? value : value + shift,
                     column.segment(output_row(v, k), classes.size()));
      }
    }
  }

  /// Inputs and targets of a set of windows (one column each).
  void make_examples(const std::vector<FourVoiceGrid>& grids, std::span<const GridWindow> windows,
                     Matrix<S>& inputs, Matrix<S>& targets) const {
    const auto n = static_cast<Index>(windows.size());
    inputs.resize(input_size(), n);
    targets.resize(output_size(), n);
    for (Index i = 0; i < n; ++i) {
      const GridWindow& w = windows[static_cast<std::size_t>(i)];
      encode_input(grids.at(w.chorale), w.start, w.shift, inputs.col(i));
      encode_target(grids.at(w.chorale), w.start, w.shift, targets.col(i));
    }
  }

  /// Trains on `training` (every window in random transpositions: every `stride` steps,
  /// overrunning a chorale's end by at most `overrun` steps, and one ending at each chorale's
  /// end), keeping the epoch whose harmonisations of `validation` are closest to Bach's (mean
  /// exact accuracy of the three voices). Without validation chorales the last epoch is kept.
  std::vector<ValidatedEpoch> train(
      const std::vector<FourVoiceGrid>& training, const std::vector<FourVoiceGrid>& validation,
      const std::function<void(const ValidatedEpoch&)>& on_epoch = {}) {
    return this->train_windows(
        *this, training, validation,
        grid_windows(training, settings_.window, settings_.stride, settings_.overrun),
        settings_.training,
        [&](std::span<const GridWindow> windows, Matrix<S>& inputs, Matrix<S>& targets) {
          make_examples(training, windows, inputs, targets);
        },
        on_epoch);
  }

  /// The four voices for a soprano line (one value per grid step: a pitch or silent_voice).
  /// Throws ArgumentError when a soprano pitch is outside the model's range (move the melody by
  /// octaves first: see octave_shift_into).
  FourVoiceGrid harmonise(const std::vector<int>& soprano_line) {
    FourVoiceGrid grid = soprano_only(soprano_line);
    require_accepted(soprano_line);
    const Index n = grid.steps();
    if (n == 0) {
      return grid;
    }
    const Index length = settings_.window;
    const Index hop = settings_.hop > 0 ? std::min(settings_.hop, length) : length;
    std::vector<Index> starts;
    for (Index s = 0; s < n; s += hop) {
      starts.push_back(s + length <= n || n < length ? s : n - length);
      if (s + length >= n) {
        break;
      }
    }
    Matrix<S> inputs(input_size(), static_cast<Index>(starts.size()));
    for (std::size_t i = 0; i < starts.size(); ++i) {
      encode_input(grid, starts[i], 0, inputs.col(static_cast<Index>(i)));
    }
    network_.forward(inputs);
    const Matrix<S>& log_p = network_.template layer<3>().log_probabilities();
    // The log-probabilities of every window covering a step, averaged, per voice.
    std::vector<S> covering(static_cast<std::size_t>(n), S(0));
    for (const Index start : starts) {
      for (Index k = 0; k < length && start + k < n; ++k) {
        covering[static_cast<std::size_t>(start + k)] += S(1);
      }
    }
    for (int v = alto; v <= bass; ++v) {
      const VoiceClasses& classes = encoding_.voice(v);
      Matrix<S> evidence = Matrix<S>::Zero(classes.size(), n);
      for (std::size_t i = 0; i < starts.size(); ++i) {
        for (Index k = 0; k < length && starts[i] + k < n; ++k) {
          evidence.col(starts[i] + k) +=
              log_p.col(static_cast<Index>(i)).segment(output_row(v, k), classes.size()) /
              covering[static_cast<std::size_t>(starts[i] + k)];
        }
      }
      const std::vector<Index> path = smoothed_classes(evidence, settings_.change_penalty);
      for (Index t = 0; t < n; ++t) {
        grid.voices[static_cast<std::size_t>(v)][static_cast<std::size_t>(t)] =
            classes.value_of(path[static_cast<std::size_t>(t)]);
      }
    }
    return grid;
  }

  /// The model as JSON: the network, and in its metadata the encoding, the settings and `extra`.
  nlohmann::json to_json(const nlohmann::json& extra = nlohmann::json::object()) const {
    return this->document("minibach", extra);
  }

  /// A model from a document written by to_json; `source` names it in errors.
  static BasicMiniBach from_json(const nlohmann::json& document, const std::string& source) {
    return Base::template read<BasicMiniBach>(document, "minibach", "MiniBach", source);
  }

 private:
  static Net build(const HarmonyEncoding& encoding, const MiniBachSettings& settings) {
    if (settings.window <= 0 || settings.hidden <= 0 || settings.stride <= 0 ||
        settings.overrun < 0 || settings.hop < 0) {
      throw ArgumentError(
          "MiniBach: window, hidden and stride must be positive, overrun and hop "
          "not negative");
    }
    std::vector<Index> groups;
    for (int v = alto; v <= bass; ++v) {
      groups.insert(groups.end(), static_cast<std::size_t>(settings.window),
                    encoding.voice(v).size());
    }
    const Index in = settings.window * encoding.voice(soprano).size();
    const Index out = static_cast<Index>(std::accumulate(groups.begin(), groups.end(), Index{0}));
    return Net(Dense<S>(in, settings.hidden, Init::he), ReLU<S>(),
               Dense<S>(settings.hidden, out, Init::xavier), GroupedSoftmax<S>(groups));
  }

};

/// MiniBach in single precision, as the programs train and save it.
using MiniBach = BasicMiniBach<float>;

}  // namespace bachprop::music

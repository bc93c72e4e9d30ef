#pragma once
/// @file
/// A recurrent harmoniser that reads the soprano with look-ahead: the better harmoniser of the
/// harmonisation lesson.
///
/// What MiniBach lacks. MiniBach sees the soprano only inside its fixed 4-bar window, so a step
/// near a window's edge is harmonised knowing almost nothing on one side of it, and one hidden
/// layer must produce all 64 × 3 answers of a window at once. Harmony depends on where the tune
/// has been (the key, the phrase) and on where it is going (a cadence ahead decides the chord
/// now).
///
/// This model walks through the piece one grid step at a time with the simple RNN of equation
/// (25). At step t its input is the soprano at steps t, t+1, ..., t+lookahead (one-hot each,
/// silence past the end) and the step's place in the beat (t mod 4 on the 16th grid: chords
/// change on beats far more often than between them); its hidden state carries everything heard
/// before. Its output at step t is the alto, tenor and bass at t, one softmax each
/// (GroupedSoftmax with three groups). So every step sees the whole past and a fixed stretch of
/// the future, wherever it lies in the piece.
///
/// Training: windows of `steps` steps (every `stride` steps, and one ending at each chorale's
/// end) in random transpositions, backpropagation through time over the window, Adam with
/// clipped gradients; the epoch that harmonises the validation chorales best is kept. A melody
/// is harmonised as one sequence from its first step; each voice is decoded as every step's most
/// probable class or, with a change_penalty, as the best path of smoothed_classes
/// (music/generate/smoothing.hpp); with rule penalties, or notes the caller fixes, the three
/// voices are decoded together over the whole piece (decode_harmony,
/// music/models/harmony_decoding.hpp).

#include <bachprop/core/network.hpp>
#include <bachprop/layers/dense.hpp>
#include <bachprop/layers/grouped_softmax.hpp>
#include <bachprop/layers/rnn.hpp>
#include <bachprop/music/encoding/grid_windows.hpp>
#include <bachprop/music/encoding/voice_classes.hpp>
#include <bachprop/music/evaluate/harmonisers.hpp>
#include <bachprop/music/evaluate/harmony_accuracy.hpp>
#include <bachprop/music/generate/smoothing.hpp>
#include <bachprop/music/models/harmony_decoding.hpp>
#include <bachprop/music/models/harmony_training.hpp>
#include <bachprop/music/models/model_file.hpp>
#include <bachprop/music/models/network_harmoniser.hpp>
#include <bachprop/music/score/four_voice_grid.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace bachprop::music {

/// How a HarmonyRnn is built and trained.
struct HarmonyRnnSettings {
  Index hidden = 512;    ///< recurrent units
  Index lookahead = 16;  ///< soprano steps after t the input at t also holds (16 = a bar)
  Index period = 4;      ///< the beat in grid steps (t mod period is an input); 0: none
  /// Also feed the alto, tenor and bass of step t−1 (Bach's in training, the model's own when
  /// harmonising, one step at a time).
  bool previous_chord = false;
  /// Nats each change of a voice's note costs when decoding (smoothed_classes; not with
  /// previous_chord, which decodes greedily step by step); 0: every step's most probable class.
  double change_penalty = 0;
  /// Nats each broken rule costs when decoding: with any, the three voices are decoded together
  /// over the whole piece (decode_harmony; not with previous_chord).
  RulePenalties rules;
  /// Nats a change costs on top of change_penalty between the eighths, in the whole-piece
  /// decoding (HarmonyDecoding::offbeat_change_penalty; with any, the voices are decoded together).
  double offbeat_change_penalty = 0;
  Index steps = 64;   ///< grid steps per training window (the BPTT length)
  Index stride = 32;  ///< steps between the starts of training windows
  /// Epochs, batch size, optimiser and seed; Adam at 2e-3 with the gradient norm clipped at 5.
  HarmonyTrainingOptions training{.learning_rate = 2e-3, .clip_norm = 5.0};

  /// The settings as JSON, the document from_json reads (saved in a model's metadata).
  nlohmann::json to_json() const {
    nlohmann::json j = {{"hidden", hidden},
                        {"lookahead", lookahead},
                        {"period", period},
                        {"previous_chord", previous_chord},
                        {"change_penalty", change_penalty},
                        {"steps", steps},
                        {"stride", stride},
                        {"training", training.to_json()}};
    write_decoding_prices(j, rules, offbeat_change_penalty);
    return j;
  }

  /// Settings from to_json's document; `source` names it in errors.
  static HarmonyRnnSettings from_json(const nlohmann::json& j, const std::string& source) {
    HarmonyRnnSettings s;
    s.hidden = HarmonyTrainingOptions::json_integer(j, "hidden", 1, 100000, source);
    s.lookahead = HarmonyTrainingOptions::json_integer(j, "lookahead", 0, 4096, source);
    s.period = HarmonyTrainingOptions::json_integer(j, "period", 0, 4096, source);
    s.steps = HarmonyTrainingOptions::json_integer(j, "steps", 1, 1'000'000, source);
    s.stride = HarmonyTrainingOptions::json_integer(j, "stride", 1, 1'000'000, source);
    const auto previous = j.find("previous_chord");
    if (previous == j.end() || !previous->is_boolean()) {
      throw FormatError(source + ": settings: \"previous_chord\" must be true or false");
    }
    s.previous_chord = previous->get<bool>();
    s.change_penalty = HarmonyTrainingOptions::json_number(j, "change_penalty", 0, 1e6, source);
    read_decoding_prices(j, source, s.rules, s.offbeat_change_penalty);
    s.training = HarmonyTrainingOptions::from_json(j.value("training", nlohmann::json()), source);
    return s;
  }
};

/// The network of HarmonyRnn: Rnn over the steps, Dense per step, one softmax per lower
/// voice.
template <Scalar S>
using HarmonyRnnNet = Network<Rnn<S>, Dense<S>, GroupedSoftmax<S>>;

/// The recurrent harmoniser with soprano look-ahead.
template <Scalar S = float>
class BasicHarmonyRnn : public NetworkHarmoniser<HarmonyRnnNet<S>, HarmonyRnnSettings>,
                        public ModelFile<BasicHarmonyRnn<S>> {
  using Base = NetworkHarmoniser<HarmonyRnnNet<S>, HarmonyRnnSettings>;
  using Base::encoding_;
  using Base::network_;
  using Base::require_accepted;
  using Base::settings_;

 public:
  /// The network type (HarmonyRnnNet).
  using Net = HarmonyRnnNet<S>;

  /// A fresh model for the voice classes of `encoding`, weights drawn from settings.training.seed.
  /// Throws ArgumentError for settings out of range.
  BasicHarmonyRnn(const HarmonyEncoding& encoding, const HarmonyRnnSettings& settings)
      : Base("HarmonyRnn", encoding, settings, build(encoding, settings)) {}

  /// Rows of one step's input: (lookahead + 1) soprano one-hots, the beat position, and with
  /// previous_chord the alto, tenor and bass one-hots of the step before.
  Index input_size() const { return input_rows(encoding_, settings_); }
  /// Rows of one step's output: alto, tenor and bass classes.
  Index output_size() const { return encoding_.lower_voice_classes(); }

  /// The input of step t: the soprano line moved by `shift` from t on, the beat position, and
  /// (with previous_chord) `previous`, the alto, tenor and bass of step t−1 (already moved).
  template <class Column>
  void encode_input(const std::vector<int>& soprano_line, Index t, int shift,
                    const std::array<int, voice_count>& previous, Column&& column) const {
    const VoiceClasses& s = encoding_.voice(soprano);
    column.setZero();
    // doc:begin harmony-lookahead-input
    // x_t of (25): one-hot soprano at t, t+1, ..., t+lookahead (silence past the end), then
    // which 16th of the beat t is. The past is the RNN's state h_{t-1}.
    for (Index k = 0; k <= settings_.lookahead; ++k) {
      const int value = value_or_silence(soprano_line, t + k);
      column(k * s.size() + s.class_of(value == silent_voice ? value : value + shift)) = S(1);
    }
    Index row = (settings_.lookahead + 1) * s.size();
    if (settings_.period > 0) {
      column(row + t % settings_.period) = S(1);
      row += settings_.period;
    }
    // doc:end harmony-lookahead-input
    if (settings_.previous_chord) {
      for (int v = alto; v <= bass; ++v) {
        const VoiceClasses& classes = encoding_.voice(v);
        column(row + classes.class_of(previous[static_cast<std::size_t>(v)])) = S(1);
        row += classes.size();
      }
    }
  }

  /// Inputs and targets of a set of windows, sequence after sequence (column n·steps + k), as the
  /// trainer expects for sequences.
  void make_examples(const std::vector<FourVoiceGrid>& grids, std::span<const GridWindow> windows,
                     Matrix<S>& inputs, Matrix<S>& targets) const {
    const auto n = static_cast<Index>(windows.size());
    const Index steps = settings_.steps;
    inputs.resize(input_size(), n * steps);
    targets.resize(output_size(), n * steps);
    for (Index i = 0; i < n; ++i) {
      const GridWindow& w = windows[static_cast<std::size_t>(i)];
      const FourVoiceGrid& grid = grids.at(w.chorale);
      for (Index k = 0; k < steps; ++k) {
        std::array<int, voice_count> previous{silent_voice, silent_voice, silent_voice,
                                              silent_voice};
        for (int v = alto; v <= bass && w.start + k > 0; ++v) {
          const int p = grid.at(v, w.start + k - 1);
          previous[static_cast<std::size_t>(v)] = p == silent_voice ? p : p + w.shift;
        }
        encode_input(grid.voices[soprano], w.start + k, w.shift, previous,
                     inputs.col(i * steps + k));
        this->encode_lower_voices(grid, w.start + k, w.shift, targets.col(i * steps + k));
      }
    }
  }

  /// Trains on `training` (windows of `steps` steps every `stride` steps inside each chorale,
  /// and one ending at its end, in random transpositions; chorales shorter than a window give
  /// none), keeping the epoch whose harmonisations of `validation` are closest to Bach's (mean
  /// exact accuracy of the three voices); without validation the last epoch is kept.
  std::vector<ValidatedEpoch> train(
      const std::vector<FourVoiceGrid>& training, const std::vector<FourVoiceGrid>& validation,
      const std::function<void(const ValidatedEpoch&)>& on_epoch = {}) {
    return this->train_sequences(*this, training, validation, on_epoch);
  }

  /// The network's log-probabilities for a soprano line read as one sequence: the alto classes,
  /// then the tenor's and the bass's (encoding().lower_voice_classes() rows), a column per step.
  /// ArgumentError with previous_chord (whose inputs depend on the decoding) or for a soprano
  /// pitch outside the model's range.
  Matrix<float> voice_log_probabilities(const std::vector<int>& soprano_line) {
    require_accepted(soprano_line);
    if (settings_.previous_chord) {
      throw ArgumentError("HarmonyRnn: with previous_chord each step depends on the decoding");
    }
    const auto n = static_cast<Index>(soprano_line.size());
    if (n == 0) {
      return Matrix<float>(output_size(), 0);
    }
    const std::array<int, voice_count> none{silent_voice, silent_voice, silent_voice, silent_voice};
    inputs_.resize(input_size(), n);
    for (Index t = 0; t < n; ++t) {
      encode_input(soprano_line, t, 0, none, inputs_.col(t));
    }
    network_.set_steps(n);
    network_.forward(inputs_);
    return network_.template layer<2>().log_probabilities().template cast<float>();
  }

  /// The four voices around `fixed` (notes to keep, FixedNotes), the three lower voices decoded
  /// together over the whole piece with the settings' change and rule penalties.
  FourVoiceGrid harmonise(const std::vector<int>& soprano_line, const FixedNotes& fixed) {
    return decode_whole_piece(*this, soprano_line, &fixed);
  }

  /// The four voices for a soprano line (one value per grid step: a pitch or silent_voice), read
  /// as one sequence. Throws ArgumentError for a soprano pitch outside the model's range.
  FourVoiceGrid harmonise(const std::vector<int>& soprano_line) {
    if (this->decodes_whole_piece() && !settings_.previous_chord) {
      return decode_whole_piece(*this, soprano_line);
    }
    FourVoiceGrid grid = soprano_only(soprano_line);
    require_accepted(soprano_line);
    const Index n = grid.steps();
    if (n == 0) {
      return grid;
    }
    std::array<int, voice_count> previous{silent_voice, silent_voice, silent_voice, silent_voice};
    auto decode = [&](const auto& output, Index t) {
      Index row = 0;
      for (int v = alto; v <= bass; ++v) {
        const VoiceClasses& classes = encoding_.voice(v);
        const int value = decode_value(classes, output.segment(row, classes.size()));
        grid.voices[static_cast<std::size_t>(v)][static_cast<std::size_t>(t)] = value;
        previous[static_cast<std::size_t>(v)] = value;
        row += classes.size();
      }
    };
    if (settings_.previous_chord) {
      // Each step needs the chord just chosen: one step at a time.
      network_.reset_state(1);
      inputs_.resize(input_size(), 1);
      for (Index t = 0; t < n; ++t) {
        encode_input(soprano_line, t, 0, previous, inputs_.col(0));
        decode(network_.step(inputs_).col(0), t);
      }
      return grid;
    }
    inputs_.resize(input_size(), n);
    for (Index t = 0; t < n; ++t) {
      encode_input(soprano_line, t, 0, previous, inputs_.col(t));
    }
    network_.set_steps(n);
    network_.forward(inputs_);
    const Matrix<S>& log_p = network_.template layer<2>().log_probabilities();
    Index row = 0;
    for (int v = alto; v <= bass; ++v) {
      const VoiceClasses& classes = encoding_.voice(v);
      const std::vector<Index> path =
          smoothed_classes(log_p.middleRows(row, classes.size()), settings_.change_penalty);
      for (Index t = 0; t < n; ++t) {
        grid.voices[static_cast<std::size_t>(v)][static_cast<std::size_t>(t)] =
            classes.value_of(path[static_cast<std::size_t>(t)]);
      }
      row += classes.size();
    }
    return grid;
  }

  /// The model as JSON: the network, and in its metadata the encoding, the settings and `extra`.
  nlohmann::json to_json(const nlohmann::json& extra = nlohmann::json::object()) const {
    return this->document("harmony_rnn", extra);
  }

  /// A model from a document written by to_json; `source` names it in errors.
  static BasicHarmonyRnn from_json(const nlohmann::json& document, const std::string& source) {
    return Base::template read<BasicHarmonyRnn>(document, "harmony_rnn", "harmony RNN", source);
  }

 private:
  static Net build(const HarmonyEncoding& encoding, const HarmonyRnnSettings& settings) {
    if (settings.hidden <= 0 || settings.lookahead < 0 || settings.period < 0 ||
        settings.steps <= 0 || settings.stride <= 0) {
      throw ArgumentError(
          "HarmonyRnn: hidden, steps and stride must be positive, lookahead and "
          "period not negative");
    }
    const Index in = input_rows(encoding, settings);
    const Index a = encoding.voice(alto).size();
    const Index t = encoding.voice(tenor).size();
    const Index b = encoding.voice(bass).size();
    return Net(Rnn<S>(in, settings.hidden), Dense<S>(settings.hidden, a + t + b, Init::xavier),
               GroupedSoftmax<S>({a, t, b}));
  }

  static Index input_rows(const HarmonyEncoding& encoding, const HarmonyRnnSettings& settings) {
    Index rows = (settings.lookahead + 1) * encoding.voice(soprano).size() + settings.period;
    if (settings.previous_chord) {
      rows += encoding.lower_voice_classes();
    }
    return rows;
  }

  Matrix<S> inputs_;
};

/// The look-ahead harmony RNN in single precision, as the programs train and save it.
using HarmonyRnn = BasicHarmonyRnn<float>;

}  // namespace bachprop::music

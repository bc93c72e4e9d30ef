#pragma once
/// @file
/// A harmoniser that reads the whole melody in both directions: bidirectional LSTM layers over
/// the soprano.
///
/// What the look-ahead RNN lacks. HarmonyRnn (harmony_rnn.hpp) hears all of the past through its
/// state but only a fixed stretch of the future (`lookahead` steps, one-hot each in its input):
/// a cadence two bars ahead, or the key the phrase ends in, lies beyond it. A bidirectional
/// layer (46)-(47) runs one LSTM (26)-(28) forwards through the piece and a second backwards,
/// and stacks their states, so the output at step t knows the whole tune on both sides of t.
///
/// Input at step t: the soprano at t (one-hot over its classes, silence included) and the
/// step's place in the beat (t mod period, period 4 on the 16th grid). Then two bidirectional
/// LSTM layers, the second reading the first's [h→; h←], each followed by dropout while
/// training (40), a Dense layer per step (3)-(4), and one softmax per lower voice
/// (GroupedSoftmax with the alto, tenor and bass groups), trained with cross-entropy (δ = a − y
/// on the logits), as HarmonyRnn. Two layers, not one: on the JSB chorales one layer of 128 (or
/// 256) units a direction harmonised the test chorales 38.6% (40.9%) right, two of 128 43.3%
/// (the look-ahead RNN: 41.4%).
///
/// Training: windows of `steps` steps (every `stride` steps, and one ending at each chorale's
/// end) in random transpositions, Adam with clipped gradients; the epoch that harmonises the
/// validation chorales best is kept. The backward direction starts at the window's last step,
/// so a network holding one has no step(): a melody is harmonised as one whole sequence.
/// voice_log_probabilities gives every step's log-probabilities; harmonise decodes each voice
/// from them as its most probable class per step or, with a change_penalty, as the best path
/// of smoothed_classes (music/generate/smoothing.hpp).

#include <bachprop/core/network.hpp>
#include <bachprop/layers/bidirectional.hpp>
#include <bachprop/layers/dense.hpp>
#include <bachprop/layers/dropout.hpp>
#include <bachprop/layers/grouped_softmax.hpp>
#include <bachprop/layers/lstm.hpp>
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

#include <functional>
#include <span>
#include <string>
#include <vector>

namespace bachprop::music {

/// How a HarmonyLstm is built and trained.
struct HarmonyLstmSettings {
  Index hidden = 128;    ///< LSTM units in each direction of each layer (2·hidden out per step)
  double dropout = 0.3;  ///< rate at which each layer's outputs are dropped while training
  Index period = 4;      ///< the beat in grid steps (t mod period is an input); 0: none
  /// Nats each change of a voice's note costs when decoding (smoothed_classes); 0: every step's
  /// most probable class.
  double change_penalty = 0;
  /// Nats each broken rule costs when decoding: with any, the three voices are decoded together
  /// over the whole piece (decode_harmony, music/models/harmony_decoding.hpp).
  RulePenalties rules;
  /// Nats a change between the eighths costs on top of change_penalty in the whole-piece
  /// decoding (HarmonyDecoding::offbeat_change_penalty).
  double offbeat_change_penalty = 0;
  Index steps = 128;  ///< grid steps per training window (both directions read it whole)
  Index stride = 32;  ///< steps between the starts of training windows
  /// Epochs, batch size, optimiser and seed: Adam at 3e-3, × 0.93 an epoch, the gradient norm
  /// clipped at 5; 26 epochs (the best on the JSB validation chorales of a run of 30, about 6
  /// minutes on one core).
  HarmonyTrainingOptions training{.epochs = 26,
                                  .batch_size = 16,
                                  .learning_rate = 3e-3,
                                  .learning_rate_decay = 0.93,
                                  .clip_norm = 5.0,
                                  .patience = 8};

  /// The settings as JSON, the document from_json reads (saved in a model's metadata).
  nlohmann::json to_json() const {
    nlohmann::json j = {{"hidden", hidden},
                        {"dropout", dropout},
                        {"period", period},
                        {"change_penalty", change_penalty},
                        {"steps", steps},
                        {"stride", stride},
                        {"training", training.to_json()}};
    write_decoding_prices(j, rules, offbeat_change_penalty);
    return j;
  }

  /// Settings from to_json's document; `source` names it in errors (FormatError for a missing
  /// or out-of-range field).
  static HarmonyLstmSettings from_json(const nlohmann::json& j, const std::string& source) {
    if (!j.is_object()) {
      throw FormatError(source + ": settings must be an object");
    }
    HarmonyLstmSettings s;
    s.hidden = HarmonyTrainingOptions::json_integer(j, "hidden", 1, 100000, source);
    s.dropout = HarmonyTrainingOptions::json_number(j, "dropout", 0, 0.99, source);
    s.period = HarmonyTrainingOptions::json_integer(j, "period", 0, 4096, source);
    s.change_penalty = HarmonyTrainingOptions::json_number(j, "change_penalty", 0, 1e6, source);
    read_decoding_prices(j, source, s.rules, s.offbeat_change_penalty);
    s.steps = HarmonyTrainingOptions::json_integer(j, "steps", 1, 1'000'000, source);
    s.stride = HarmonyTrainingOptions::json_integer(j, "stride", 1, 1'000'000, source);
    s.training = HarmonyTrainingOptions::from_json(j.value("training", nlohmann::json()), source);
    return s;
  }
};

/// The network of HarmonyLstm: two bidirectional LSTM layers over the steps, each followed by
/// dropout, then Dense per step and one softmax per lower voice.
template <Scalar S>
using HarmonyLstmNet = Network<Bidirectional<Lstm<S>>, Dropout<S>, Bidirectional<Lstm<S>>,
                               Dropout<S>, Dense<S>, GroupedSoftmax<S>>;

/// The harmoniser that reads the whole soprano both ways.
template <Scalar S = float>
class BasicHarmonyLstm : public NetworkHarmoniser<HarmonyLstmNet<S>, HarmonyLstmSettings>,
                         public ModelFile<BasicHarmonyLstm<S>> {
  using Base = NetworkHarmoniser<HarmonyLstmNet<S>, HarmonyLstmSettings>;
  using Base::encoding_;
  using Base::network_;
  using Base::require_accepted;
  using Base::settings_;

 public:
  /// The network type (HarmonyLstmNet).
  using Net = HarmonyLstmNet<S>;

  /// A fresh model for the voice classes of `encoding`, weights drawn from settings.training.seed
  /// (dropout masks from it too). Throws ArgumentError for settings out of range.
  BasicHarmonyLstm(const HarmonyEncoding& encoding, const HarmonyLstmSettings& settings)
      : Base("HarmonyLstm", encoding, settings, build(encoding, settings)) {}

  /// Rows of one step's input: the soprano one-hot, then the beat position.
  Index input_size() const { return input_rows(encoding_, settings_); }
  /// Rows of one step's output: alto, tenor and bass classes.
  Index output_size() const { return encoding_.lower_voice_classes(); }

  /// The input of step t: the soprano at t moved by `shift` (one-hot; silence past the end),
  /// then which step of the beat t is. Nothing of other steps: the two directions bring those.
  template <class Column>
  void encode_input(const std::vector<int>& soprano_line, Index t, int shift,
                    Column&& column) const {
    const VoiceClasses& s = encoding_.voice(soprano);
    column.setZero();
    const int value = value_or_silence(soprano_line, t);
    column(s.class_of(value == silent_voice ? value : value + shift)) = S(1);
    if (settings_.period > 0) {
      column(s.size() + t % settings_.period) = S(1);
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
        encode_input(grid.voices[soprano], w.start + k, w.shift, inputs.col(i * steps + k));
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
    // Whole windows: the gradient goes back through both directions of each layer (47) and
    // through every step of each LSTM (29)-(32), no truncation.
    return this->train_sequences(*this, training, validation, on_epoch);
  }

  /// The network's log-probabilities for a soprano line read as one whole sequence: rows the
  /// alto classes, then the tenor's, then the bass's (encoding().lower_voice_classes() rows, as
  /// GroupedSoftmax::log_probabilities), one column per grid step; each voice's column block
  /// sums to 1 in probability. Throws ArgumentError for a soprano pitch outside the model's
  /// range.
  Matrix<float> voice_log_probabilities(const std::vector<int>& soprano_line) {
    require_accepted(soprano_line);
    const auto n = static_cast<Index>(soprano_line.size());
    if (n == 0) {
      return Matrix<float>(output_size(), 0);
    }
    inputs_.resize(input_size(), n);
    for (Index t = 0; t < n; ++t) {
      encode_input(soprano_line, t, 0, inputs_.col(t));
    }
    // (46) in both layers: one sequence of n steps, h→ from step 0 on and h← from step n−1
    // back; dropout is the identity here (evaluation mode), then (3)-(4) and each voice's
    // softmax.
    network_.set_steps(n);
    network_.forward(inputs_);
    return network_.template layer<5>().log_probabilities().template cast<float>();
  }

  /// The four voices around `fixed` (notes to keep, FixedNotes), the three lower voices decoded
  /// together over the whole piece with the settings' prices (decode_harmony).
  FourVoiceGrid harmonise(const std::vector<int>& soprano_line, const FixedNotes& fixed) {
    return decode_whole_piece(*this, soprano_line, &fixed);
  }

  /// The four voices for a soprano line (one value per grid step: a pitch or silent_voice): each
  /// lower voice decoded from voice_log_probabilities by smoothed_classes with the settings'
  /// change_penalty, or, with rule or offbeat prices, all three together over the whole piece
  /// (decode_harmony). Throws ArgumentError for a soprano pitch outside the model's range.
  FourVoiceGrid harmonise(const std::vector<int>& soprano_line) {
    if (this->decodes_whole_piece()) {
      return decode_whole_piece(*this, soprano_line);
    }
    FourVoiceGrid grid = soprano_only(soprano_line);
    const Matrix<float> log_p = voice_log_probabilities(soprano_line);
    const Index n = grid.steps();
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
    return this->document("harmony_lstm", extra);
  }

  /// A model from a document written by to_json; `source` names it in errors.
  static BasicHarmonyLstm from_json(const nlohmann::json& document, const std::string& source) {
    return Base::template read<BasicHarmonyLstm>(document, "harmony_lstm", "harmony LSTM", source);
  }

 private:
  static Net build(const HarmonyEncoding& encoding, const HarmonyLstmSettings& settings) {
    if (settings.hidden <= 0 || settings.period < 0 || settings.steps <= 0 ||
        settings.stride <= 0 || !(settings.dropout >= 0 && settings.dropout < 1)) {
      throw ArgumentError(
          "HarmonyLstm: hidden, steps and stride must be positive, period not negative and "
          "dropout in [0, 1)");
    }
    const Index a = encoding.voice(alto).size();
    const Index t = encoding.voice(tenor).size();
    const Index b = encoding.voice(bass).size();
    // Each direction is an Lstm of (26)-(28); each wrapper stacks [h→_t; h←_t] (46), which the
    // second layer reads (through dropout (40)) as its x_t.
    const Index h = settings.hidden;
    return Net(Bidirectional<Lstm<S>>(input_rows(encoding, settings), h),
               Dropout<S>(settings.dropout, settings.training.seed),
               Bidirectional<Lstm<S>>(2 * h, h),
               Dropout<S>(settings.dropout, settings.training.seed + 1),
               Dense<S>(2 * h, a + t + b, Init::xavier), GroupedSoftmax<S>({a, t, b}));
  }

  static Index input_rows(const HarmonyEncoding& encoding, const HarmonyLstmSettings& settings) {
    return encoding.voice(soprano).size() + settings.period;
  }

  Matrix<S> inputs_;
};

/// The bidirectional harmony LSTM in single precision, as programs train and save it.
using HarmonyLstm = BasicHarmonyLstm<float>;

}  // namespace bachprop::music

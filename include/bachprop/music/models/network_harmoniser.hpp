#pragma once
/// @file
/// What the network harmonisers (MiniBach, the look-ahead HarmonyRnn) share: a network, the
/// voice classes it reads and writes (HarmonyEncoding), the settings it was built with (whose
/// change_penalty steers the decoding), the soprano range it accepts, and a model file that
/// keeps all three. Each harmoniser derives from it and adds its own network and decoding.

#include <bachprop/core/error.hpp>
#include <bachprop/io/model_json.hpp>
#include <bachprop/music/encoding/grid_windows.hpp>
#include <bachprop/music/encoding/voice_classes.hpp>
#include <bachprop/music/evaluate/harmonisers.hpp>
#include <bachprop/music/models/harmony_decoding.hpp>
#include <bachprop/music/models/harmony_training.hpp>
#include <bachprop/music/models/model_file.hpp>
#include <bachprop/music/score/four_voice_grid.hpp>
#include <bachprop/music/theory/pitch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bachprop::music {

/// The state and file format of a network harmoniser with network type `Net` and settings
/// `Settings` (which have `change_penalty`, `to_json()` and a static `from_json(json, source)`).
template <class Net, class Settings>
class NetworkHarmoniser {
 public:
  /// The classes of each voice the model reads and writes.
  const HarmonyEncoding& encoding() const { return encoding_; }
  /// The settings the model was built with.
  const Settings& settings() const { return settings_; }
  /// The network, to train or inspect.
  Net& network() { return network_; }
  /// The network, read-only.
  const Net& network() const { return network_; }

  /// Sets the decoding's change penalty (Settings::change_penalty): nats each change of a
  /// voice's note costs. Throws ArgumentError unless it is a finite number ≥ 0.
  void set_change_penalty(double penalty) {
    if (!(penalty >= 0) || !std::isfinite(penalty)) {
      throw ArgumentError(name_ + ": the change penalty must be a finite number ≥ 0");
    }
    settings_.change_penalty = penalty;
  }

  /// Sets the nats each broken rule costs the whole-piece decoding (Settings::rules, which only
  /// the harmonisers decoded by decode_harmony have). ArgumentError for a negative or infinite
  /// penalty.
  void set_rule_penalties(const RulePenalties& rules) {
    for (const double w : {rules.parallel, rules.contrary, rules.hidden, rules.crossing,
                           rules.spacing, rules.out_of_range}) {
      if (!(w >= 0) || !std::isfinite(w)) {
        throw ArgumentError(name_ + ": rule penalties must be finite numbers ≥ 0");
      }
    }
    settings_.rules = rules;
  }

  /// Sets the nats a change costs on top of the change penalty between the eighths, in the
  /// whole-piece decoding (Settings::offbeat_change_penalty). ArgumentError unless it is a
  /// finite number ≥ 0.
  void set_offbeat_change_penalty(double penalty) {
    if (!(penalty >= 0) || !std::isfinite(penalty)) {
      throw ArgumentError(name_ + ": the offbeat change penalty must be a finite number ≥ 0");
    }
    settings_.offbeat_change_penalty = penalty;
  }

  /// True when the settings ask for the whole-piece decoding (rule or offbeat prices).
  bool decodes_whole_piece() const {
    return settings_.rules.any() || settings_.offbeat_change_penalty > 0;
  }

  /// The whole-piece decoding of the settings: their change and rule penalties.
  HarmonyDecoding decoding() const {
    HarmonyDecoding d;
    d.change_penalty = settings_.change_penalty;
    d.offbeat_change_penalty = settings_.offbeat_change_penalty;
    d.rules = settings_.rules;
    return d;
  }

  /// True when every soprano value has a class (silence always has one).
  bool accepts(const std::vector<int>& soprano_line) const {
    return std::all_of(soprano_line.begin(), soprano_line.end(),
                       [&](int p) { return encoding_.voice(soprano).has(p); });
  }

 protected:
  /// `name` leads the error messages ("MiniBach"); the network's weights are drawn from
  /// settings.training.seed.
  NetworkHarmoniser(std::string name, const HarmonyEncoding& encoding, const Settings& settings,
                    Net network)
      : name_(std::move(name)),
        encoding_(encoding),
        settings_(settings),
        network_(std::move(network)) {
    network_.initialise(settings.training.seed);
  }

  /// Throws ArgumentError naming the first soprano step outside the model's soprano range (move
  /// the melody by octaves first: harmonise_in_range does).
  void require_accepted(const std::vector<int>& soprano_line) const {
    const VoiceClasses& s = encoding_.voice(soprano);
    for (std::size_t t = 0; t < soprano_line.size(); ++t) {
      if (!s.has(soprano_line[t])) {
        throw ArgumentError(name_ + ": soprano step " + std::to_string(t) + " is " +
                            std::to_string(soprano_line[t]) +
                            ", outside the model's soprano range " + pitch_name(s.lowest) + ".." +
                            pitch_name(s.highest));
      }
    }
  }

  /// Trains the network on `windows` of `training` (encoded by `fill(windows, inputs,
  /// targets)`) with the settings' training options, keeping the epoch whose harmonisations of
  /// `validation` by `self` (the derived model) match Bach's best (mean exact accuracy of the
  /// three voices); without validation chorales, the last epoch. music/models/harmony_training.hpp
  /// draws the transpositions.
  template <class Model, class Fill>
  std::vector<ValidatedEpoch> train_windows(
      Model& self, const std::vector<FourVoiceGrid>& training,
      const std::vector<FourVoiceGrid>& validation, std::vector<GridWindow> windows,
      HarmonyTrainingOptions options, Fill&& fill,
      const std::function<void(const ValidatedEpoch&)>& on_epoch) {
    std::function<double()> error;
    if (validation.empty()) {
      options.patience = 0;
    } else {
      error = [&] { return 1.0 - accuracy_on(self, validation).mean_accuracy(); };
    }
    return train_on_windows(network_, training, encoding_, std::move(windows), options,
                            std::forward<Fill>(fill), error, on_epoch);
  }

  /// The alto, tenor and bass of `grid` at step t moved by `shift`, one-hot each, into `column`:
  /// the targets of a harmoniser that answers one step at a time.
  template <class Column>
  void encode_lower_voices(const FourVoiceGrid& grid, Index t, int shift, Column&& column) const {
    Index row = 0;
    for (int v = alto; v <= bass; ++v) {
      const VoiceClasses& classes = encoding_.voice(v);
      const int value = grid.at(v, t);
      encode_value(classes, value == silent_voice ? value : value + shift,
                   column.segment(row, classes.size()));
      row += classes.size();
    }
  }

  /// Trains a harmoniser that reads sequences (`self`, whose make_examples encodes windows of
  /// Settings::steps steps as sequences) on windows of `steps` steps every `stride` steps inside
  /// each training chorale, and one ending at its end, in random transpositions (chorales
  /// shorter than a window give none), as train_windows does. ArgumentError when no chorale is
  /// long enough for a window.
  template <class Model>
  std::vector<ValidatedEpoch> train_sequences(
      Model& self, const std::vector<FourVoiceGrid>& training,
      const std::vector<FourVoiceGrid>& validation,
      const std::function<void(const ValidatedEpoch&)>& on_epoch) {
    auto windows = grid_windows(training, settings_.steps, settings_.stride, 0, true);
    if (windows.empty()) {
      throw ArgumentError(name_ + "::train: no chorale has the " + std::to_string(settings_.steps) +
                          " steps a training window needs");
    }
    HarmonyTrainingOptions options = settings_.training;
    options.sequence_steps = settings_.steps;
    return train_windows(
        self, training, validation, std::move(windows), options,
        [&](std::span<const GridWindow> chunk, auto& inputs, auto& targets) {
          self.make_examples(training, chunk, inputs, targets);
        },
        on_epoch);
  }

  /// The model's document: the network, and in its metadata the encoding, the settings and
  /// `extra`, under the kind `kind`.
  nlohmann::json document(std::string_view kind, nlohmann::json extra) const {
    extra["encoding"] = encoding_.to_json();
    extra["settings"] = settings_.to_json();
    return model_document(network_, kind, std::move(extra));
  }

  /// The model of kind `kind` (`what` in words) that `document` holds: `Model` built from the
  /// stored encoding and settings, then given the stored weights. FormatError naming `source`.
  template <class Model>
  static Model read(const nlohmann::json& document, std::string_view kind, std::string_view what,
                    const std::string& source) {
    const nlohmann::json& metadata = model_metadata(document, kind, what, source);
    const HarmonyEncoding encoding =
        HarmonyEncoding::from_json(metadata.value("encoding", nlohmann::json()), source);
    const Settings settings =
        Settings::from_json(metadata.value("settings", nlohmann::json()), source);
    Model model(encoding, settings);
    model_from_json(model.network(), document, source);
    return model;
  }

  std::string name_;          ///< the model's name in messages
  HarmonyEncoding encoding_;  ///< the classes of each voice
  Settings settings_;         ///< as built (the change penalty may change)
  Net network_;               ///< the network
};

}  // namespace bachprop::music

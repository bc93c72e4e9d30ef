#pragma once
/// @file
/// Training a harmoniser on windows of chorales, each window in a fresh random transposition
/// every epoch, keeping the weights that did best on held-out chorales.
///
/// Why not train_keeping_best directly: the training matrices of every window in every
/// transposition would not fit in memory (MiniBach's targets alone are 7,000 rows a window). So
/// an epoch draws one transposition per window, and feeds the windows to the library's train()
/// a chunk at a time (one pass over each chunk, the optimiser's moments carried across chunks).
/// Over the epochs every window is seen in many keys, which is the augmentation.

#include <bachprop/core/error.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/loss/cross_entropy.hpp>
#include <bachprop/music/encoding/grid_windows.hpp>
#include <bachprop/music/encoding/voice_classes.hpp>
#include <bachprop/music/evaluate/harmonisers.hpp>
#include <bachprop/optim/adam.hpp>
#include <bachprop/train/early_stopping.hpp>
#include <bachprop/train/trainer.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace bachprop::music {

/// How a harmoniser's network is trained (the parts every harmoniser shares).
struct HarmonyTrainingOptions {
  Index epochs = 40;                 ///< passes over the training windows, at most
  Index batch_size = 32;             ///< windows per gradient step
  double learning_rate = 1e-3;       ///< Adam's step size in the first epoch
  double learning_rate_decay = 0.9;  ///< the step size is multiplied by this after every epoch
  double clip_norm = 0;              ///< > 0: clip the gradient norm (recurrent networks)
  Index patience = 6;                ///< stop after this many epochs without a better validation
  Index chunk = 512;                 ///< windows encoded at a time (bounds the memory)
  Index sequence_steps = 0;          ///< > 0: every window is a sequence of this many steps
  int transpose_down = 6;            ///< augmentation: transpositions −down..+up that fit the
  int transpose_up = 5;              ///< encoding's ranges
  std::uint64_t seed = 1;            ///< weights, shuffling and augmentation all follow it

  /// The options as JSON, the document from_json reads (saved in a model's metadata).
  nlohmann::json to_json() const {
    return {{"epochs", epochs},
            {"batch_size", batch_size},
            {"learning_rate", learning_rate},
            {"learning_rate_decay", learning_rate_decay},
            {"clip_norm", clip_norm},
            {"patience", patience},
            {"chunk", chunk},
            {"transpose_down", transpose_down},
            {"transpose_up", transpose_up},
            {"seed", seed}};
  }

  /// Options from to_json's document; `source` names it in errors (FormatError for a missing
  /// or out-of-range field).
  static HarmonyTrainingOptions from_json(const nlohmann::json& j, const std::string& source) {
    HarmonyTrainingOptions o;
    o.epochs = json_integer(j, "epochs", 0, 1'000'000, source);
    o.batch_size = json_integer(j, "batch_size", 1, 1'000'000, source);
    o.learning_rate = json_number(j, "learning_rate", 0, 1e6, source);
    o.learning_rate_decay = json_number(j, "learning_rate_decay", 1e-9, 1, source);
    o.clip_norm = json_number(j, "clip_norm", 0, 1e12, source);
    o.patience = json_integer(j, "patience", 0, 1'000'000, source);
    o.chunk = json_integer(j, "chunk", 1, 1'000'000'000, source);
    o.transpose_down = static_cast<int>(json_integer(j, "transpose_down", 0, 127, source));
    o.transpose_up = static_cast<int>(json_integer(j, "transpose_up", 0, 127, source));
    const auto seed = j.find("seed");
    if (seed == j.end() || !seed->is_number_unsigned()) {
      throw FormatError(source + ": training settings: \"seed\" must be a non-negative integer");
    }
    o.seed = seed->get<std::uint64_t>();
    return o;
  }

  /// The integer `key` of object `j`, checked to lie in [lowest, highest].
  static Index json_integer(const nlohmann::json& j, const char* key, Index lowest, Index highest,
                            const std::string& source) {
    const auto found = j.is_object() ? j.find(key) : j.end();
    const auto value = found == j.end() ? std::nullopt
                                        : bachprop::detail::whole_number<Index>(*found, lowest,
                                                                                highest);
    if (!value) {
      throw FormatError(source + ": settings: \"" + key + "\" must be an integer " +
                        std::to_string(lowest) + ".." + std::to_string(highest));
    }
    return *value;
  }

  /// The number `key` of object `j`, checked to lie in [lowest, highest].
  static double json_number(const nlohmann::json& j, const char* key, double lowest, double highest,
                            const std::string& source) {
    const auto found = j.is_object() ? j.find(key) : j.end();
    if (found == j.end() || !found->is_number() || !(found->get<double>() >= lowest) ||
        !(found->get<double>() <= highest)) {
      throw FormatError(source + ": settings: \"" + key + "\" must be a number in [" +
                        std::to_string(lowest) + ", " + std::to_string(highest) + "]");
    }
    return found->get<double>();
  }
};

/// Trains `network` on `windows` of `grids` (their `shift` is ignored: every epoch draws each
/// window's transposition anew from the shifts that fit its chorale). `fill(windows, inputs,
/// targets)` encodes a chunk of windows. After every epoch `validation_error()` (lower is
/// better) is called; the network ends with the weights of the best epoch.
template <class Net, class Fill>
std::vector<ValidatedEpoch> train_on_windows(
    Net& network, const std::vector<FourVoiceGrid>& grids, const HarmonyEncoding& encoding,
    std::vector<GridWindow> windows, const HarmonyTrainingOptions& options, Fill&& fill,
    const std::function<double()>& validation_error,
    const std::function<void(const ValidatedEpoch&)>& on_epoch = {}) {
  if (options.epochs < 0 || options.batch_size <= 0 || options.chunk <= 0 || options.patience < 0 ||
      !(options.learning_rate_decay > 0 && options.learning_rate_decay <= 1)) {
    throw ArgumentError(
        "train_on_windows: epochs and patience must not be negative, batch_size "
        "and chunk must be positive, and the learning-rate decay in (0, 1]");
  }
  // The transpositions each chorale allows; chorales that fit in no key give no windows.
  std::vector<std::vector<int>> shifts(grids.size());
  for (std::size_t c = 0; c < grids.size(); ++c) {
    shifts[c] = encoding.shifts_that_fit(grids[c], options.transpose_down, options.transpose_up);
  }
  std::erase_if(windows, [&](const GridWindow& w) {
    if (w.chorale >= grids.size()) {
      throw ArgumentError("train_on_windows: a window names chorale " + std::to_string(w.chorale) +
                          " of " + std::to_string(grids.size()));
    }
    return shifts[w.chorale].empty();
  });
  if (windows.empty()) {
    throw ArgumentError("train_on_windows: no training window fits the encoding in any key");
  }
  Adam<float> adam(options.learning_rate);
  Rng rng(options.seed);
  BestEpoch<Net> best(network);
  std::vector<ValidatedEpoch> results;
  Matrix<float> inputs;
  Matrix<float> targets;
  for (Index epoch = 1; epoch <= options.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    rng.shuffle(std::span<GridWindow>(windows));
    for (auto& w : windows) {
      const auto& allowed = shifts[w.chorale];
      w.shift = allowed[static_cast<std::size_t>(rng.below(allowed.size()))];
    }
    double loss_sum = 0;
    const auto total = static_cast<Index>(windows.size());
    for (Index first = 0; first < total; first += options.chunk) {
      const Index count = std::min(options.chunk, total - first);
      fill(std::span<const GridWindow>(windows).subspan(static_cast<std::size_t>(first),
                                                        static_cast<std::size_t>(count)),
           inputs, targets);
      const TrainOptions pass{.epochs = 1,
                              .batch_size = options.batch_size,
                              .seed = rng.bits(),
                              .sequence_steps = options.sequence_steps,
                              .clip_norm = options.clip_norm};
      const auto reports =
          bachprop::train(network, CrossEntropy<float>(), adam, inputs, targets, pass);
      loss_sum += reports.front().mean_loss * static_cast<double>(count);
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    const EpochReport report{epoch, loss_sum / static_cast<double>(total), elapsed.count()};
    // Without validation chorales there is nothing to compare: every epoch is the latest kept.
    results.push_back(validation_error ? best.record(network, report, validation_error())
                                       : ValidatedEpoch{report, 0.0, true});
    if (on_epoch) {
      on_epoch(results.back());
    }
    if (best.out_of_patience(options.patience)) {
      break;
    }
    adam.set_learning_rate(adam.learning_rate() * options.learning_rate_decay);
  }
  best.restore(network);
  return results;
}

/// One candidate of tune_change_penalty: the penalty and the validation accuracy it gave.
struct PenaltyTrial {
  double penalty = 0;   ///< nats per change of a voice's note
  double accuracy = 0;  ///< mean exact accuracy of the lower voices on the validation chorales
};

/// Chooses the decoding's change penalty on held-out chorales: harmonises `validation` with each
/// candidate, keeps the one with the best mean accuracy of the three voices (the first on ties),
/// and returns every trial. `model` is a Harmoniser with set_change_penalty.
template <class Model>
std::vector<PenaltyTrial> tune_change_penalty(Model& model,
                                              const std::vector<FourVoiceGrid>& validation,
                                              const std::vector<double>& candidates) {
  if (candidates.empty() || validation.empty()) {
    throw ArgumentError("tune_change_penalty: needs candidates and validation chorales");
  }
  std::vector<PenaltyTrial> trials;
  PenaltyTrial best{0, -1};
  for (const double penalty : candidates) {
    model.set_change_penalty(penalty);
    trials.push_back({penalty, accuracy_on(model, validation).mean_accuracy()});
    if (trials.back().accuracy > best.accuracy) {
      best = trials.back();
    }
  }
  model.set_change_penalty(best.penalty);
  return trials;
}

}  // namespace bachprop::music

#pragma once
/// @file
/// Training the biaxial model: windows of frames cut from the pieces (the last window of a
/// piece padded past its end, so no frame is left out), shuffled each epoch, Adadelta on batches
/// of windows, the validation NLL after every epoch, the best weights kept, a time budget that
/// stops before an epoch would overrun it, and a checkpoint after every epoch from which a killed
/// run continues to the same weights.

#include <bachprop/io/file.hpp>
#include <bachprop/music/models/biaxial.hpp>
#include <bachprop/optim/adadelta.hpp>
#include <bachprop/optim/clip.hpp>
#include <bachprop/train/checkpoint.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace bachprop::music {

/// How a biaxial model is trained.
struct BiaxialTrainingSettings {
  Index segment_frames = 64;  ///< frames per window (the BPTT length along time)
  Index stride = 32;          ///< frames between the starts of a piece's windows
  Index batch_size = 8;       ///< windows per Adadelta step
  Index epochs = 100;         ///< passes over the windows, at most
  double learning_rate = 1.0;  ///< Adadelta's η
  double clip_norm = 5.0;     ///< gradient-norm clipping (0: none)
  Index patience = 8;         ///< stop after this many epochs without a better validation NLL
  double max_seconds = 0;     ///< stop before an epoch that would end past this (0: no budget)
  std::uint64_t seed = 1;     ///< window shuffling

  /// The settings as JSON (for summaries, and to refuse a checkpoint of another run).
  nlohmann::json to_json() const {
    return {{"segment_frames", segment_frames}, {"stride", stride},
            {"batch_size", batch_size},         {"epochs", epochs},
            {"learning_rate", learning_rate},   {"clip_norm", clip_norm},
            {"patience", patience},             {"max_seconds", max_seconds},
            {"seed", seed}};
  }
};

/// One epoch of biaxial training.
struct BiaxialEpoch {
  Index epoch = 0;                  ///< 1-based
  double train_nats = 0;            ///< training loss, nats per frame (play + articulate)
  double validation_play_nats = 0;  ///< validation NLL of the play outputs, nats per frame
  double seconds = 0;               ///< since the run started (resumed runs: their own time)
  double seconds_left = 0;          ///< estimated, for the remaining epochs or the budget
  bool best = false;                ///< the best validation NLL so far (these weights kept)

  /// The epoch as JSON.
  nlohmann::json to_json() const {
    return {{"epoch", epoch},     {"train_nats_per_frame", train_nats},
            {"validation_play_nats_per_frame", validation_play_nats},
            {"seconds", seconds}, {"best", best}};
  }
};

/// The play and articulate NLL of `pieces`, counting every frame from `first_frame` on (1, the
/// default: every frame after the first, as the benchmark's next-frame models count; 0: the
/// first frame too, predicted from silence).
template <Scalar S, BiaxialRoll R>
BiaxialNats biaxial_nats(BasicBiaxialModel<S>& model, const std::vector<R>& pieces,
                         Index first_frame = 1) {
  BiaxialNats total;
  for (const auto& piece : pieces) {
    total += model.piece_nats(piece, first_frame);
  }
  return total;
}

/// The windows of `pieces`: starts 0, stride, 2·stride, … until a window reaches the end.
template <BiaxialRoll R>
std::vector<BiaxialSegment<R>> biaxial_windows(const std::vector<R>& pieces,
                                               const BiaxialTrainingSettings& settings) {
  std::vector<BiaxialSegment<R>> windows;
  for (const auto& piece : pieces) {
    for (Index start = 0; start < piece.play.cols(); start += settings.stride) {
      windows.push_back({&piece, start});
      if (start + settings.segment_frames >= piece.play.cols()) {
        break;
      }
    }
  }
  return windows;
}

/// Trains `model` on `train`, keeping the weights with the best play NLL on `validation`.
/// With a `checkpoint` path, the run's state is written there after every epoch; with `resume`
/// too, the run continues from the checkpoint there (written by a run with the same settings
/// and pieces), to the same weights, bit for bit, as a run never stopped. Returns every epoch,
/// resumed ones included.
template <Scalar S, BiaxialRoll R>
std::vector<BiaxialEpoch> train_biaxial(
    BasicBiaxialModel<S>& model, const std::vector<R>& train, const std::vector<R>& validation,
    const BiaxialTrainingSettings& settings, const std::filesystem::path& checkpoint = {},
    bool resume = false, const std::function<void(const BiaxialEpoch&)>& on_epoch = {}) {
  if (settings.segment_frames < 1 || settings.stride < 1 || settings.batch_size < 1 ||
      settings.epochs < 1 || settings.patience < 1 || !(settings.max_seconds >= 0.0)) {
    throw ArgumentError("train_biaxial: window, stride, batch, epochs and patience must be "
                        "positive, the time budget not negative");
  }
  if (resume && checkpoint.empty()) {
    throw ArgumentError("train_biaxial: resuming needs the checkpoint's path");
  }
  if (validation.empty()) {
    throw ArgumentError("train_biaxial: the validation pieces are empty");
  }
  std::vector<BiaxialSegment<R>> windows = biaxial_windows(train, settings);
  if (windows.empty()) {
    throw ArgumentError("train_biaxial: no training piece has a frame");
  }
  Adadelta<S> optimiser(AdadeltaOptions{.learning_rate = settings.learning_rate});
  TrainingPosition position;
  std::vector<Index> order(windows.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = static_cast<Index>(i);
  }
  Rng rng(settings.seed);
  std::vector<BiaxialEpoch> history;
  nlohmann::json best = model.to_json();
  double best_nats = 0;
  Index since_best = 0;
  double seconds_before = 0;  // of the runs before a resume
  nlohmann::json run = settings.to_json();
  run["windows"] = static_cast<Index>(windows.size());
  if (resume) {
    position = load_checkpoint(checkpoint, model.networks(), optimiser);
    if (position.run != run) {
      throw ArgumentError(checkpoint.string() + ": a checkpoint of another run (" +
                          position.run.dump() + "), not of " + run.dump());
    }
    rng.set_state(position.rng);
    order = position.order;
    best = position.extra.at("best");
    best_nats = position.extra.at("best_nats").get<double>();
    since_best = position.extra.at("since_best").get<Index>();
    seconds_before = position.extra.at("seconds").get<double>();
    for (const auto& epoch : position.extra.at("history")) {
      history.push_back({.epoch = epoch.at("epoch").get<Index>(),
                         .train_nats = epoch.at("train_nats_per_frame").get<double>(),
                         .validation_play_nats =
                             epoch.at("validation_play_nats_per_frame").get<double>(),
                         .seconds = epoch.at("seconds").get<double>(),
                         .best = epoch.at("best").get<bool>()});
    }
  }
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return seconds_before +
           std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  std::vector<BiaxialSegment<R>> batch;
  batch.reserve(static_cast<std::size_t>(settings.batch_size));
  while (!position.finished && position.epoch <= settings.epochs) {
    const double epoch_started = elapsed();
    rng.shuffle(std::span(order));
    model.set_training(true);
    BiaxialNats epoch_nats;
    for (std::size_t first = 0; first < order.size();
         first += static_cast<std::size_t>(settings.batch_size)) {
      batch.clear();
      for (std::size_t i = first;
           i < std::min(order.size(), first + static_cast<std::size_t>(settings.batch_size)); ++i) {
        batch.push_back(windows[static_cast<std::size_t>(order[i])]);
      }
      epoch_nats += model.compute_gradients(batch, settings.segment_frames);
      clip_gradient_norm(model.networks(), settings.clip_norm);
      optimiser.step(model.networks());
    }
    model.set_training(false);
    BiaxialEpoch epoch{.epoch = position.epoch,
                       .train_nats = epoch_nats.per_frame(),
                       .validation_play_nats = biaxial_nats(model, validation).play_per_frame()};
    epoch.best = history.empty() || epoch.validation_play_nats < best_nats;
    if (epoch.best) {
      best = model.to_json();
      best_nats = epoch.validation_play_nats;
      since_best = 0;
    } else {
      ++since_best;
    }
    epoch.seconds = elapsed();
    const double epoch_seconds = epoch.seconds - epoch_started;
    const double by_epochs = static_cast<double>(settings.epochs - position.epoch) * epoch_seconds;
    epoch.seconds_left = settings.max_seconds > 0
                             ? std::min(by_epochs, settings.max_seconds - epoch.seconds)
                             : by_epochs;
    history.push_back(epoch);
    position.finished = since_best >= settings.patience ||
                        (settings.max_seconds > 0 &&
                         epoch.seconds + epoch_seconds > settings.max_seconds);
    ++position.epoch;
    if (on_epoch) {
      on_epoch(epoch);
    }
    if (!checkpoint.empty()) {
      position.rng = rng.state();
      position.order = order;
      position.run = run;
      nlohmann::json epochs = nlohmann::json::array();
      for (const auto& e : history) {
        epochs.push_back(e.to_json());
      }
      position.extra = {{"best", best},        {"best_nats", best_nats},
                        {"since_best", since_best}, {"seconds", epoch.seconds},
                        {"history", epochs}};
      save_checkpoint(checkpoint, model.networks(), optimiser, position);
    }
  }
  model = BasicBiaxialModel<S>::from_json(best, "the best epoch's weights");
  return history;
}

}  // namespace bachprop::music

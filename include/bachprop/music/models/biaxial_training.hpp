#pragma once
/// @file
/// Training the biaxial model: windows of frames cut from the pieces (the last window of a
/// piece padded past its end, so no frame is left out), shuffled each epoch, Adadelta on batches
/// of windows, the validation NLL after every epoch, the best weights kept, a time budget that
/// stops before an epoch would overrun it, and a checkpoint after every epoch from which a killed
/// run continues to the same weights.

#include <bachprop/io/file.hpp>
#include <bachprop/music/models/biaxial.hpp>
#include <bachprop/music/models/biaxial_shards.hpp>
#include <bachprop/optim/adadelta.hpp>
#include <bachprop/optim/clip.hpp>
#include <bachprop/train/checkpoint.hpp>
#include <bachprop/train/shard_exchange.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
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
  double clip_norm = 5.0;      ///< gradient-norm clipping (0: none)
  Index patience = 8;          ///< stop after this many epochs without a better validation NLL
  double max_seconds = 0;      ///< stop before an epoch that would end past this (0: no budget)
  std::uint64_t seed = 1;      ///< window shuffling
  /// With an exchange: shards per batch of windows (0: one a window), whatever the process
  /// count (biaxial_shards.hpp). Part of the run: a checkpoint resumes with the same shards.
  Index shards = 0;
  /// The other processes of a job training the same model (mpi/exchange.hpp), or none. Not in
  /// the JSON: where a model was trained.
  ShardExchange* exchange = nullptr;

  /// The settings as JSON (for summaries, and to refuse a checkpoint of another run); with an
  /// exchange, the shards too.
  nlohmann::json to_json() const {
    nlohmann::json json = {{"segment_frames", segment_frames},
                           {"stride", stride},
                           {"batch_size", batch_size},
                           {"epochs", epochs},
                           {"learning_rate", learning_rate},
                           {"clip_norm", clip_norm},
                           {"patience", patience},
                           {"max_seconds", max_seconds},
                           {"seed", seed}};
    if (exchange != nullptr) {
      json["shards"] = resolved_shards();
    }
    return json;
  }

  /// The shards per batch with an exchange: `shards`, or one a window.
  Index resolved_shards() const { return shards > 0 ? shards : batch_size; }
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

/// Throws ArgumentError, on every process alike, unless every process of `exchange` trains the
/// same model (its weights) on the same windows and validation pieces with the same settings:
/// one that differed would train apart from the others, or wait on them forever. Collective.
template <Scalar S, BiaxialRoll R>
void require_same_biaxial_run(ShardExchange& exchange, const BasicBiaxialModel<S>& model,
                              const std::vector<BiaxialSegment<R>>& windows,
                              const std::vector<R>& validation,
                              const BiaxialTrainingSettings& settings) {
  std::uint64_t weights = 0xCBF29CE484222325ULL;
  model.networks().for_each_parameter([&weights](const Parameter<S>& p) {
    weights = checksum(p.value.data(), p.value.size(), weights);
  });
  std::uint64_t pieces = 0xCBF29CE484222325ULL;
  for (const auto& window : windows) {
    pieces = checksum(window.piece->play.data(), window.piece->play.size(), pieces);
    pieces = checksum(&window.start, 1, pieces);
  }
  for (const auto& piece : validation) {
    pieces = checksum(piece.play.data(), piece.play.size(), pieces);
  }
  const std::string run = settings.to_json().dump();
  const std::array<std::uint64_t, 4> values{weights, static_cast<std::uint64_t>(windows.size()),
                                            pieces,
                                            checksum(run.data(), static_cast<Index>(run.size()))};
  static constexpr std::array<const char*, 4> names{
      "the model's weights", "the number of training windows", "the training and validation pieces",
      "the training settings"};
  if (const Index i = exchange.first_difference(values); i >= 0) {
    throw ArgumentError("train_biaxial: the processes of the job differ in " +
                        std::string(names[static_cast<std::size_t>(i)]) +
                        "; every process must load the same data and model");
  }
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
      settings.epochs < 1 || settings.patience < 1 || !(settings.max_seconds >= 0.0) ||
      settings.shards < 0) {
    throw ArgumentError(
        "train_biaxial: window, stride, batch, epochs and patience must be "
        "positive, the time budget and the shards not negative");
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
  // Across processes: every batch in shards, the same ones whatever the process count; the
  // processes must start alike, and process 0 alone writes the checkpoints.
  std::optional<BiaxialShards<S, R>> shards;
  if (settings.exchange != nullptr) {
    require_same_biaxial_run(*settings.exchange, model, windows, validation, settings);
    shards.emplace(model, settings.resolved_shards(), *settings.exchange);
  }
  const bool writes_checkpoints =
      !checkpoint.empty() && (settings.exchange == nullptr || settings.exchange->process() == 0);
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
  // Across processes, process 0's clock: the time budget's stop is one decision for the job.
  auto elapsed = [&] {
    const double seconds =
        seconds_before +
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return settings.exchange != nullptr ? process_0_value(*settings.exchange, seconds) : seconds;
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
      epoch_nats += shards ? shards->compute_gradients(batch, settings.segment_frames)
                           : model.compute_gradients(batch, settings.segment_frames);
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
    if (writes_checkpoints) {
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

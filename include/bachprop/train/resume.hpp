#pragma once
/// @file
/// Checkpoints inside train(): when to write one (after every N epochs, after the last, and
/// mid-epoch by the clock), what it holds of the run (train/checkpoint.hpp: the network, the
/// optimiser, the sample order, the shuffling generator, the position and the callbacks' state),
/// and resuming from one, after checking that it belongs to this run (same data and settings).
/// Kept out of the loop so that train() reads like section 5 of the paper.

#include <bachprop/core/error.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/io/model_json.hpp>
#include <bachprop/train/checkpoint.hpp>
#include <bachprop/train/divergence.hpp>
#include <bachprop/train/shard_exchange.hpp>
#include <bachprop/train/train_options.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace bachprop {

namespace detail {

// The settings that decide which samples form each batch: a checkpoint continues a run only
// when they are the same.
inline nlohmann::json run_settings(const TrainOptions& options, Index samples) {
  return {{"samples", samples},
          {"batch_size", options.batch_size},
          {"seed", options.seed},
          {"shuffle", options.shuffle},
          {"sequence_steps", options.sequence_steps},
          {"clip_norm", options.clip_norm}};
}

inline void require_same_run(const nlohmann::json& saved, const nlohmann::json& current,
                             const std::string& where) {
  for (const auto& [key, value] : current.items()) {
    const auto found = saved.is_object() ? saved.find(key) : saved.end();
    if (found == saved.end() || *found != value) {
      throw FormatError(where + ": the checkpoint was written by a run with " + key + " = " +
                        (found == saved.end() ? std::string("(missing)") : found->dump()) +
                        " but this run has " + value.dump() +
                        "; resume with the same data and settings, or start afresh");
    }
  }
}

// Where a checkpoint stands, in words.
inline std::string position_text(const TrainingPosition& position) {
  if (position.batch == 0) {
    return "after epoch " + std::to_string(position.epoch - 1);
  }
  return "after batch " + std::to_string(position.batch) + " of epoch " +
         std::to_string(position.epoch);
}

}  // namespace detail

/// The checkpoints of one train() call over `samples` samples in `batches` batches an epoch.
template <class Net, class Optimiser>
class TrainingCheckpoints {
 public:
  /// Checks the options; throws ArgumentError when checkpoints are asked of an optimiser that
  /// cannot keep its state, or for a negative interval.
  TrainingCheckpoints(const TrainOptions& options, Index samples, Index batches)
      : options_(options),
        batches_(batches),
        interval_(60.0 * options.checkpoint_every_minutes),
        last_save_(std::chrono::steady_clock::now()) {
    if ((!options.checkpoint_path.empty() || resuming()) &&
        !CheckpointableOptimiser<Optimiser>) {
      throw ArgumentError("train: checkpoints need an optimiser that can save its state (Sgd, "
                          "Adam, Adadelta)");
    }
    if (options.checkpoint_every_epochs < 0 || !(options.checkpoint_every_minutes >= 0)) {
      throw ArgumentError("train: checkpoint_every_epochs and checkpoint_every_minutes must "
                          "not be negative");
    }
    if (writing() || resuming()) {
      run_ = detail::run_settings(options, samples);
    }
  }

  /// Where the last good checkpoint stands, in words ("after epoch 2"; empty before the first):
  /// for the divergence message.
  const std::string& last() const { return last_; }

  /// Without TrainOptions::resume_from: the start of a fresh run (epoch 1, batch 0). With it:
  /// restores the network, the optimiser, `rng`, `order` and the callbacks' state from the
  /// checkpoint, after checking that it was written by this run, and returns its position.
  /// Throws FormatError naming the file, changing nothing, when it does not fit.
  TrainingPosition resume(Net& network, Optimiser& optimiser, Rng& rng, std::vector<Index>& order,
                          const TrainCallbacks& callbacks) {
    TrainingPosition position;
    if (!resuming()) {
      return position;
    }
    if constexpr (CheckpointableOptimiser<Optimiser>) {
      const std::string where = options_.resume_from.string();
      const nlohmann::json document = parse_model_text(read_file(options_.resume_from), where);
      // The run's settings first: nothing is restored into a run it does not belong to.
      detail::require_checkpoint_format(document, where);
      detail::require_same_run(detail::require_member(document, "run", where), run_, where);
      // The position is checked on a copy of the document's before the network changes.
      const TrainingPosition stored = detail::position_from_json(
          detail::require_member(document, "position", where), where + ": position");
      if (stored.order.size() != order.size() || stored.batch >= batches_) {
        throw FormatError(where + ": the position (" + detail::position_text(stored) +
                          ", an order of " + std::to_string(stored.order.size()) +
                          " samples) does not fit " + std::to_string(order.size()) +
                          " samples in " + std::to_string(batches_) + " batches");
      }
      Rng restored_rng;
      try {
        restored_rng.set_state(stored.rng);
      } catch (const ArgumentError& error) {
        throw FormatError(where + ": position: " + error.what());
      }
      position = checkpoint_from_json(network, optimiser, document, where);
      rng = restored_rng;
      order = std::move(position.order);
      if (callbacks.restore_state) {
        callbacks.restore_state(position.extra);
      }
      last_ = detail::position_text(position);
    }
    return position;
  }

  /// Whether the clock asks for a checkpoint after `done` batches of an epoch (the epoch's end
  /// has its own); reads the clock only when checkpoints are due by time.
  bool due_mid_epoch(Index done) const {
    return writing() && interval_.count() > 0 && done < batches_ &&
           std::chrono::steady_clock::now() - last_save_ >= interval_;
  }

  /// Whether a checkpoint is due after `epoch`: the last one, a stop, every N epochs, or the
  /// clock.
  bool due_after_epoch(Index epoch, bool stop) const {
    return writing() &&
           (stop || epoch == options_.epochs ||
            (options_.checkpoint_every_epochs > 0 &&
             epoch % options_.checkpoint_every_epochs == 0) ||
            (interval_.count() > 0 && std::chrono::steady_clock::now() - last_save_ >= interval_));
  }

  /// Writes the checkpoint after `batch` batches of `epoch` were run (batch = batches: the epoch
  /// is over; `finished`: nothing is left to run), refusing with TrainingDiverged to save weights
  /// that are no longer finite.
  void save(const Net& network, const Optimiser& optimiser, const Rng& rng,
            std::span<const Index> order, Index epoch, Index batch, double loss_sum,
            bool finished, const TrainCallbacks& callbacks) {
    DivergenceCheck(options_, optimiser, batches_, last_).check_weights(network, epoch, batch);
    if constexpr (CheckpointableOptimiser<Optimiser>) {
      const bool epoch_over = batch == batches_;
      const TrainingPosition position{
          .epoch = epoch_over ? epoch + 1 : epoch,
          .batch = epoch_over ? 0 : batch,
          .loss_sum = epoch_over ? 0.0 : loss_sum,
          .finished = finished,
          .rng = rng.state(),
          .order = std::vector<Index>(order.begin(), order.end()),
          .run = run_,
          .extra = callbacks.save_state ? callbacks.save_state() : nlohmann::json(nullptr)};
      save_checkpoint(options_.checkpoint_path, network, optimiser, position);
      last_ = detail::position_text(position);
    }
    last_save_ = std::chrono::steady_clock::now();
  }

 private:
  // Across processes only process 0 writes: one file, the same on every process.
  bool writing() const {
    return !options_.checkpoint_path.empty() &&
           (options_.exchange == nullptr || options_.exchange->process() == 0);
  }
  bool resuming() const { return !options_.resume_from.empty(); }

  const TrainOptions& options_;
  Index batches_;
  std::chrono::duration<double> interval_;
  std::chrono::steady_clock::time_point last_save_;
  nlohmann::json run_;  // the settings a resumed run must share
  std::string last_;
};

}  // namespace bachprop

#pragma once
/// @file
/// Mini-batch gradient descent: the training algorithm of section 5, with the mini-batch average
/// of section 4.3; with checkpoints to resume a killed run exactly (train/checkpoint.hpp), and
/// a clear stop when the loss or the gradient stops being a finite number.

#include <bachprop/core/error.hpp>
#include <bachprop/core/loss.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/optim/clip.hpp>
#include <bachprop/train/checkpoint.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <limits>
#include <numeric>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace bachprop {

/// How train() walks through the data.
struct TrainOptions {
  Index epochs = 1;         ///< passes over the training set
  Index batch_size = 10;    ///< samples per gradient step (the last batch may be smaller)
  std::uint64_t seed = 0;   ///< the shuffling order: same seed, same order
  bool shuffle = true;      ///< reshuffle before every epoch (false: data order)
  /// 0: every column is a sample. T > 0: every sample is a sequence of T steps, stored one
  /// sequence after another (column n·T + t of the inputs); batches are whole sequences laid
  /// out time-major (column t·B + b), as recurrent layers expect, and the network is told T.
  /// Targets then hold either T columns per sequence (many-to-many) or one (many-to-one).
  Index sequence_steps = 0;
  /// > 0: clip the gradients' joint norm to this before every update (optim/clip.hpp).
  double clip_norm = 0;
  /// Non-empty: write a checkpoint here (train/checkpoint.hpp, atomically) after every
  /// `checkpoint_every_epochs` epochs, after the last epoch, and mid-epoch every
  /// `checkpoint_every_minutes`, so that `resume_from` can continue the run.
  std::filesystem::path checkpoint_path{};
  Index checkpoint_every_epochs = 1;    ///< 0: only after the last epoch (and by the clock)
  double checkpoint_every_minutes = 0;  ///< > 0: also mid-epoch, this long after the last one
  /// Non-empty: first restore the network, the optimiser, the sample order, the shuffling
  /// generator and the position from this checkpoint (and the callbacks' state through
  /// TrainCallbacks::restore_state), then continue. The run then ends with the same weights,
  /// bit for bit, as one never interrupted, given the same data and settings (checked: seed,
  /// batch size, samples, shuffle, sequence steps, clipping). `epochs` may be raised to train
  /// on; the learning rate continues from the checkpoint.
  std::filesystem::path resume_from{};
};

/// Training stopped because the loss or the gradient became NaN or infinite (a learning rate
/// too large, exploding gradients, badly scaled inputs). The message names the epoch, the batch
/// and the learning rate and says what to try; the weights that went bad were not saved.
class TrainingDiverged : public Error {
 public:
  /// The message, and where training stopped: 1-based epoch and batch, the learning rate then
  /// in use (NaN when the optimiser has none).
  TrainingDiverged(const std::string& message, Index epoch, Index batch, double learning_rate)
      : Error(message), epoch_(epoch), batch_(batch), learning_rate_(learning_rate) {}

  /// The epoch (1-based) in which training diverged.
  Index epoch() const { return epoch_; }
  /// The batch (1-based within the epoch) whose loss or gradient was not finite.
  Index batch() const { return batch_; }
  /// The optimiser's learning rate at that point.
  double learning_rate() const { return learning_rate_; }

 private:
  Index epoch_;
  Index batch_;
  double learning_rate_;
};

/// What train() reports after each mini-batch.
struct BatchReport {
  Index epoch = 0;    ///< 1-based
  Index batch = 0;    ///< 1-based within the epoch
  Index batches = 0;  ///< per epoch
  double loss = 0;    ///< this batch's mean loss, before its update
};

/// What train() reports after each epoch.
struct EpochReport {
  Index epoch = 0;         ///< 1-based
  double mean_loss = 0;    ///< mean over the epoch's samples of the loss before each update
  double seconds = 0;      ///< wall time of the epoch
};

/// Optional observers. on_epoch returns false to stop training early.
struct TrainCallbacks {
  std::function<void(const BatchReport&)> on_batch{};  ///< after every mini-batch's update
  std::function<bool(const EpochReport&)> on_epoch{};  ///< after every epoch; false stops
  /// With checkpoints: what the callbacks keep that the next epochs depend on (early stopping's
  /// best weights, a log), saved as the checkpoint's "extra" after on_epoch.
  std::function<nlohmann::json()> save_state{};
  /// On resume: receives what save_state returned (null when the checkpoint has nothing).
  std::function<void(const nlohmann::json&)> restore_state{};
};

namespace detail {

// Asks the processor to start loading a column that will be copied soon: the columns of a
// shuffled batch lie at random places in a data set larger than the caches, and the copy of
// one column can overlap with the fetch of the next ones.
template <class S>
void prefetch_column(const Matrix<S>& source, Index column) {
#if defined(__GNUC__)
  const char* start = reinterpret_cast<const char*>(source.data() + column * source.rows());
  const Index bytes = source.rows() * static_cast<Index>(sizeof(S));
  for (Index offset = 0; offset < bytes; offset += 64) {  // one cache line at a time
    __builtin_prefetch(start + offset);
  }
#else
  (void)source;
  (void)column;
#endif
}

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

inline std::string number_text(double value) {
  if (std::isnan(value)) {
    return "NaN";  // printf's "-nan" or "nan" depends on the sign bit, which means nothing here
  }
  if (std::isinf(value)) {
    return value > 0 ? "infinite" : "-infinite";
  }
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

// Where a checkpoint stands, in words.
inline std::string position_text(const TrainingPosition& position) {
  if (position.batch == 0) {
    return "after epoch " + std::to_string(position.epoch - 1);
  }
  return "after batch " + std::to_string(position.batch) + " of epoch " +
         std::to_string(position.epoch);
}

// The divergence message: where, what, the learning rate, the checkpoint kept, what to try.
[[noreturn]] inline void throw_diverged(Index epoch, Index batch, Index batches,
                                        const std::string& what, double learning_rate,
                                        const TrainOptions& options,
                                        const std::string& last_checkpoint) {
  std::string message = "training diverged in epoch " + std::to_string(epoch) + ", batch " +
                        std::to_string(batch) + " of " + std::to_string(batches) + ": " + what;
  if (!std::isnan(learning_rate)) {
    message += " (learning rate " + number_text(learning_rate) + ")";
  }
  message += ". The diverged weights were not saved";
  if (!options.checkpoint_path.empty()) {
    message += last_checkpoint.empty()
                   ? "; no checkpoint was written in this run"
                   : "; the last good checkpoint, " + options.checkpoint_path.string() + " (" +
                         last_checkpoint + "), is kept";
  }
  message += ". Try ";
  if (!std::isnan(learning_rate) && learning_rate > 0) {
    message += "a smaller learning rate (a tenth: " + number_text(learning_rate / 10) + "), ";
  } else {
    message += "a smaller learning rate, ";
  }
  message += options.clip_norm > 0
                 ? "clipping the gradients harder (clip_norm " + number_text(options.clip_norm) +
                       " now)"
                 : "clipping the gradients' norm (clip_norm, e.g. 5)";
  message += ", or inputs scaled to about [0, 1] or to mean 0 and variance 1.";
  throw TrainingDiverged(message, epoch, batch, learning_rate);
}

// The first parameter of `network` whose value (or, with `gradients`, whose gradient) holds a
// NaN or an infinity, as "parameter i ('name')"; empty when all are finite. Allocates only to
// name a bad one.
template <class Net>
std::string non_finite_parameter(const Net& network, bool gradients = false) {
  std::string found;
  std::size_t index = 0;
  network.for_each_parameter([&](const auto& p) {
    if (found.empty() && !(gradients ? p.gradient : p.value).allFinite()) {
      found = "parameter " + std::to_string(index) + " ('" + p.name + "')";
    }
    ++index;
  });
  return found;
}

}  // namespace detail

/// Copies the columns `order[first, first + count)` of `source` into `batch` (allocates only when
/// the batch shape changes).
template <class S>
void gather_columns(const Matrix<S>& source, std::span<const Index> order, Index first,
                    Index count, Matrix<S>& batch) {
  constexpr Index ahead = 2;  // columns fetched ahead of the copy
  batch.resize(source.rows(), count);
  for (Index j = 0; j < count; ++j) {
    if (j + ahead < count) {
      detail::prefetch_column(source, order[static_cast<std::size_t>(first + j + ahead)]);
    }
    batch.col(j) = source.col(order[static_cast<std::size_t>(first + j)]);
  }
}

/// Copies whole sequences into a time-major batch: `source` stores sequences of `steps`
/// columns one after another; batch column t·count + b receives step t of sequence
/// order[first + b].
template <class S>
void gather_sequences(const Matrix<S>& source, Index steps, std::span<const Index> order,
                      Index first, Index count, Matrix<S>& batch) {
  batch.resize(source.rows(), steps * count);
  for (Index b = 0; b < count; ++b) {
    const Index sequence = order[static_cast<std::size_t>(first + b)];
    for (Index t = 0; t < steps; ++t) {
      batch.col(t * count + b) = source.col(sequence * steps + t);
    }
  }
}

/// Trains `network` on the columns of `inputs` (features × samples) against `targets`
/// (outputs × samples) by mini-batch gradient descent; returns one report per epoch run.
template <class Net, Loss L, class Optimiser>
std::vector<EpochReport> train(Net& network, const L& loss, Optimiser& optimiser,
                               const Matrix<typename Net::Scalar>& inputs,
                               const Matrix<typename Net::Scalar>& targets,
                               const TrainOptions& options, const TrainCallbacks& callbacks = {}) {
  using S = typename Net::Scalar;
  if (options.batch_size <= 0 || options.epochs < 0 || options.sequence_steps < 0) {
    throw ArgumentError("train: batch_size must be positive, epochs and sequence_steps "
                        "non-negative; got " + std::to_string(options.batch_size) + ", " +
                        std::to_string(options.epochs) + " and " +
                        std::to_string(options.sequence_steps));
  }
  const Index steps = options.sequence_steps;
  const bool sequences = steps > 0;
  if (sequences && inputs.cols() % steps != 0) {
    throw ShapeError("train: " + std::to_string(inputs.cols()) +
                     " input columns are not a whole number of " + std::to_string(steps) +
                     "-step sequences");
  }
  const Index samples = sequences ? inputs.cols() / steps : inputs.cols();
  // Per-step targets (many-to-many) or one target per sample.
  const bool per_step_targets = sequences && targets.cols() == inputs.cols();
  if (targets.cols() != samples && !per_step_targets) {
    throw ShapeError("train: " + std::to_string(samples) + (sequences ? " input sequences" :
                     " input samples") + " but " + std::to_string(targets.cols()) +
                     " target columns (samples are columns)");
  }
  if (samples == 0) {
    throw ArgumentError("train: no training samples");
  }

  const Index batches = (samples + options.batch_size - 1) / options.batch_size;
  std::vector<Index> order(static_cast<std::size_t>(samples));
  std::iota(order.begin(), order.end(), Index{0});
  Rng rng(options.seed);
  Matrix<S> batch_inputs;
  Matrix<S> batch_targets;
  std::vector<EpochReport> reports;
  // Room for the reports up front, so that the epoch loop allocates nothing once the first
  // batch has sized every buffer (capped: early stopping may end a huge `epochs` long before).
  reports.reserve(static_cast<std::size_t>(std::min<Index>(options.epochs, 4096)));

  // The samples order[first, first + count) into batch_inputs and batch_targets.
  auto load_batch = [&](Index first, Index count) {
    if (sequences) {
      network.set_steps(steps);  // again each batch: a callback may have evaluated other lengths
      gather_sequences(inputs, steps, order, first, count, batch_inputs);
    } else {
      gather_columns(inputs, order, first, count, batch_inputs);
    }
    if (per_step_targets) {
      gather_sequences(targets, steps, order, first, count, batch_targets);
    } else {
      gather_columns(targets, order, first, count, batch_targets);
    }
  };

  // Checkpoints: the position after which the run can continue exactly. `resumed` is where this
  // call starts (epoch 1, batch 0 for a fresh run).
  const bool checkpointing = !options.checkpoint_path.empty();
  if ((checkpointing || !options.resume_from.empty()) &&
      !CheckpointableOptimiser<Optimiser>) {
    throw ArgumentError("train: checkpoints need an optimiser that can save its state (Sgd, "
                        "Adam)");
  }
  if (options.checkpoint_every_epochs < 0 || !(options.checkpoint_every_minutes >= 0)) {
    throw ArgumentError("train: checkpoint_every_epochs and checkpoint_every_minutes must not "
                        "be negative");
  }
  const nlohmann::json run = checkpointing || !options.resume_from.empty()
                                 ? detail::run_settings(options, samples)
                                 : nlohmann::json();
  TrainingPosition resumed;
  std::string last_checkpoint;  // where the last good checkpoint stands, for the messages
  auto last_save = std::chrono::steady_clock::now();
  const std::chrono::duration<double> save_interval(60.0 * options.checkpoint_every_minutes);
  auto learning_rate = [&optimiser] {
    if constexpr (requires { optimiser.learning_rate(); }) {
      return static_cast<double>(optimiser.learning_rate());
    } else {
      return std::numeric_limits<double>::quiet_NaN();
    }
  };
  // Saves the state after `batch` batches of `epoch` were run (batch = batches: the epoch is
  // over), refusing to save weights that are no longer finite.
  auto save = [&](Index epoch, Index batch, double loss_sum, bool finished) {
    if (const std::string bad = detail::non_finite_parameter(network); !bad.empty()) {
      detail::throw_diverged(epoch, batch, batches, bad + " is no longer finite", learning_rate(),
                             options, last_checkpoint);
    }
    if constexpr (CheckpointableOptimiser<Optimiser>) {
      const bool epoch_over = batch == batches;
      TrainingPosition position{.epoch = epoch_over ? epoch + 1 : epoch,
                                .batch = epoch_over ? 0 : batch,
                                .loss_sum = epoch_over ? 0.0 : loss_sum,
                                .finished = finished,
                                .rng = rng.state(),
                                .order = order,
                                .run = run,
                                .extra = callbacks.save_state ? callbacks.save_state()
                                                              : nlohmann::json(nullptr)};
      save_checkpoint(options.checkpoint_path, network, optimiser, position);
      last_checkpoint = detail::position_text(position);
    }
    last_save = std::chrono::steady_clock::now();
  };
  // Throws TrainingDiverged for batch `batch` of `epoch` if its loss or any gradient is not
  // finite: one pass over the gradients, or none when clipping has measured their norm.
  auto stop_if_diverged = [&](Index epoch, Index batch, S batch_loss, double gradient_norm) {
    std::string what;
    if (!std::isfinite(batch_loss)) {
      what = "the loss became " + detail::number_text(batch_loss);
    } else if (!std::isfinite(gradient_norm)) {
      what = "the gradient's norm became " + detail::number_text(gradient_norm);
    } else if (options.clip_norm <= 0) {
      if (const std::string bad = detail::non_finite_parameter(network, true); !bad.empty()) {
        what = "the gradient of " + bad + " holds a NaN or an infinity";
      }
    }
    if (!what.empty()) {
      detail::throw_diverged(epoch, batch, batches, what, learning_rate(), options,
                             last_checkpoint);
    }
  };
  // Whether the clock asks for a checkpoint after `done` batches of an epoch (the epoch's end
  // has its own); reads the clock only when checkpoints are due by time.
  auto checkpoint_due_mid_epoch = [&](Index done) {
    return checkpointing && save_interval.count() > 0 && done < batches &&
           std::chrono::steady_clock::now() - last_save >= save_interval;
  };
  if (!options.resume_from.empty()) {
    if constexpr (CheckpointableOptimiser<Optimiser>) {
      const std::string where = options.resume_from.string();
      const nlohmann::json document = parse_model_text(read_file(options.resume_from), where);
      // The run's settings first: nothing is restored into a run it does not belong to.
      detail::require_checkpoint_format(document, where);
      detail::require_same_run(detail::require_member(document, "run", where), run, where);
      Rng restored_rng;
      TrainingPosition position;
      {
        // Checked on a copy of the document's position before the network changes.
        position = detail::position_from_json(
            detail::require_member(document, "position", where), where + ": position");
        if (static_cast<Index>(position.order.size()) != samples || position.batch >= batches) {
          throw FormatError(where + ": the position (" + detail::position_text(position) +
                            ", an order of " + std::to_string(position.order.size()) +
                            " samples) does not fit " + std::to_string(samples) + " samples in " +
                            std::to_string(batches) + " batches");
        }
        try {
          restored_rng.set_state(position.rng);
        } catch (const ArgumentError& error) {
          throw FormatError(where + ": position: " + error.what());
        }
      }
      position = checkpoint_from_json(network, optimiser, document, where);
      rng = restored_rng;
      order = std::move(position.order);
      if (callbacks.restore_state) {
        callbacks.restore_state(position.extra);
      }
      last_checkpoint = detail::position_text(position);
      resumed.epoch = position.epoch;
      resumed.batch = position.batch;
      resumed.loss_sum = position.loss_sum;
      if (position.finished) {
        return reports;  // stopped early: nothing left to run
      }
    }
  }

  // doc:begin training-loop
  // Section 5. Step 1 (a cost function, random weights) happened when the network was built.
  for (Index epoch = resumed.epoch; epoch <= options.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    // A run resumed mid-epoch continues that epoch's order and loss sum.
    const bool mid_epoch = epoch == resumed.epoch && resumed.batch > 0;
    if (options.shuffle && !mid_epoch) {
      rng.shuffle(std::span<Index>(order));
    }
    double loss_sum = mid_epoch ? resumed.loss_sum : 0;
    for (Index b = mid_epoch ? resumed.batch : 0; b < batches; ++b) {
      const Index first = b * options.batch_size;
      const Index count = std::min(options.batch_size, samples - first);
      load_batch(first, count);
      // Steps 2-5: feed forward, the errors δ of every neuron, ∂C/∂w and ∂C/∂b, all for the
      // whole mini-batch at once; the loss divides by its m, so these are the averages ∇C̄ (4.3).
      const S batch_loss = network.compute_gradients(batch_inputs, batch_targets, loss);
      const double gradient_norm =
          options.clip_norm > 0 ? clip_gradient_norm(network, options.clip_norm) : 0.0;
      // A NaN or an infinity stops training before it reaches the weights.
      stop_if_diverged(epoch, b + 1, batch_loss, gradient_norm);
      // Step 6: gradient descent with ∇C̄ (13).
      optimiser.step(network);
      loss_sum += static_cast<double>(batch_loss) * static_cast<double>(count);
      if (callbacks.on_batch) {
        callbacks.on_batch({epoch, b + 1, batches, static_cast<double>(batch_loss)});
      }
      if (checkpoint_due_mid_epoch(b + 1)) {
        save(epoch, b + 1, loss_sum, false);
      }
    }
    // Step 7: repeat, epoch after epoch, over freshly shuffled mini-batches.
    // doc:end training-loop
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    reports.push_back({epoch, loss_sum / static_cast<double>(samples), elapsed.count()});
    // An update from finite gradients can still overflow a weight: caught here, once per epoch,
    // before anything sees the weights.
    if (const std::string bad = detail::non_finite_parameter(network); !bad.empty()) {
      detail::throw_diverged(epoch, batches, batches, bad + " is no longer finite",
                             learning_rate(), options, last_checkpoint);
    }
    const bool stop = callbacks.on_epoch && !callbacks.on_epoch(reports.back());
    if (checkpointing &&
        (stop || epoch == options.epochs ||
         (options.checkpoint_every_epochs > 0 && epoch % options.checkpoint_every_epochs == 0) ||
         (save_interval.count() > 0 &&
          std::chrono::steady_clock::now() - last_save >= save_interval))) {
      save(epoch, batches, 0.0, stop);
    }
    if (stop) {
      break;
    }
  }
  return reports;
}

}  // namespace bachprop

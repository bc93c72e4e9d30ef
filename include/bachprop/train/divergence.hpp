#pragma once
/// @file
/// When training diverges: a loss, a gradient or a weight that is no longer a finite number (a
/// learning rate too large, exploding gradients, badly scaled inputs). train() checks every batch
/// before its update and stops with TrainingDiverged, whose message names the epoch, the batch and
/// the learning rate, says what to try, and never leaves the diverged weights in a file.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/train/train_options.hpp>

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <string>

namespace bachprop {

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

namespace detail {

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

// The optimiser's learning rate, or NaN for one that has none.
template <class Optimiser>
double learning_rate_of(const Optimiser& optimiser) {
  if constexpr (requires { optimiser.learning_rate(); }) {
    return static_cast<double>(optimiser.learning_rate());
  } else {
    return std::numeric_limits<double>::quiet_NaN();
  }
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

// True when every entry of `m` is finite. One vectorised sum of m·0, which is 0 for finite
// entries and NaN for a NaN or an infinity (and cannot overflow): Eigen's allFinite() compares
// entry by entry, 8 µs a step in the book's network at batch 10, where this takes about 1.
template <class M>
bool all_finite(const M& m) {
  using S = typename M::Scalar;
  return std::isfinite((m.array() * S(0)).sum());
}

// The first parameter of `network` whose value (or, with `gradients`, whose gradient) holds a
// NaN or an infinity, as "parameter i ('name')"; empty when all are finite. Allocates only to
// name a bad one.
template <class Net>
std::string non_finite_parameter(const Net& network, bool gradients = false) {
  std::string found;
  std::size_t index = 0;
  network.for_each_parameter([&](const auto& p) {
    if (found.empty() && !all_finite(gradients ? p.gradient : p.value)) {
      found = "parameter " + std::to_string(index) + " ('" + p.name + "')";
    }
    ++index;
  });
  return found;
}

}  // namespace detail

/// train()'s watch for numbers that are no longer finite, over one run of `batches` batches an
/// epoch with `optimiser`: after each batch's gradients, and after each epoch's updates. It
/// reads the learning rate and the last good checkpoint (`last_checkpoint`, updated by the
/// caller) when it has to write the message.
template <class Optimiser>
class DivergenceCheck {
 public:
  /// Watches a run with `options` and `optimiser`; `last_checkpoint` must outlive it.
  DivergenceCheck(const TrainOptions& options, const Optimiser& optimiser, Index batches,
                  const std::string& last_checkpoint)
      : options_(options),
        optimiser_(optimiser),
        batches_(batches),
        last_checkpoint_(last_checkpoint) {}

  /// Throws TrainingDiverged if batch `batch` of `epoch` has a loss or any gradient of `network`
  /// that is not finite: one pass over the gradients, or none when clipping has measured their
  /// norm (`gradient_norm`, 0 without clipping) or the caller has seen every gradient finite
  /// (`gradients_known_finite`: data-parallel steps check them as they sum them).
  template <class Net>
  void check_batch(const Net& network, double batch_loss, double gradient_norm, Index epoch,
                   Index batch, bool gradients_known_finite = false) const {
    std::string what;
    if (!std::isfinite(batch_loss)) {
      what = "the loss became " + detail::number_text(batch_loss);
    } else if (!std::isfinite(gradient_norm)) {
      what = "the gradient's norm became " + detail::number_text(gradient_norm);
    } else if (options_.clip_norm <= 0 && !gradients_known_finite) {
      if (const std::string bad = detail::non_finite_parameter(network, true); !bad.empty()) {
        what = "the gradient of " + bad + " holds a NaN or an infinity";
      }
    }
    if (!what.empty()) {
      stop(epoch, batch, what);
    }
  }

  /// Throws TrainingDiverged if a weight of `network` is no longer finite after `batch` batches
  /// of `epoch` (an update from finite gradients can still overflow).
  template <class Net>
  void check_weights(const Net& network, Index epoch, Index batch) const {
    if (const std::string bad = detail::non_finite_parameter(network); !bad.empty()) {
      stop(epoch, batch, bad + " is no longer finite");
    }
  }

 private:
  [[noreturn]] void stop(Index epoch, Index batch, const std::string& what) const {
    detail::throw_diverged(epoch, batch, batches_, what, detail::learning_rate_of(optimiser_),
                           options_, last_checkpoint_);
  }

  const TrainOptions& options_;
  const Optimiser& optimiser_;
  Index batches_;
  const std::string& last_checkpoint_;
};

}  // namespace bachprop

#pragma once
/// @file
/// Mini-batch gradient descent: the training algorithm of section 5, with the mini-batch average
/// of section 4.3.

#include <bachprop/core/error.hpp>
#include <bachprop/core/loss.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/optim/clip.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <numeric>
#include <span>
#include <string>
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
  std::function<void(const BatchReport&)> on_batch{};
  std::function<bool(const EpochReport&)> on_epoch{};
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

  // doc:begin training-loop
  // Section 5. Step 1 (a cost function, random weights) happened when the network was built.
  for (Index epoch = 1; epoch <= options.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    if (options.shuffle) {
      rng.shuffle(std::span<Index>(order));
    }
    double loss_sum = 0;
    for (Index b = 0; b < batches; ++b) {
      const Index first = b * options.batch_size;
      const Index count = std::min(options.batch_size, samples - first);
      load_batch(first, count);
      // Steps 2-5: feed forward, the errors δ of every neuron, ∂C/∂w and ∂C/∂b, all for the
      // whole mini-batch at once; the loss divides by its m, so these are the averages ∇C̄ (4.3).
      const S batch_loss = network.compute_gradients(batch_inputs, batch_targets, loss);
      if (options.clip_norm > 0) {
        clip_gradient_norm(network, options.clip_norm);
      }
      // Step 6: gradient descent with ∇C̄ (13).
      optimiser.step(network);
      loss_sum += static_cast<double>(batch_loss) * static_cast<double>(count);
      if (callbacks.on_batch) {
        callbacks.on_batch({epoch, b + 1, batches, static_cast<double>(batch_loss)});
      }
    }
    // Step 7: repeat, epoch after epoch, over freshly shuffled mini-batches.
    // doc:end training-loop
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    reports.push_back({epoch, loss_sum / static_cast<double>(samples), elapsed.count()});
    if (callbacks.on_epoch && !callbacks.on_epoch(reports.back())) {
      break;
    }
  }
  return reports;
}

}  // namespace bachprop

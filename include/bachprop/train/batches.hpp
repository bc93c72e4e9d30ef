#pragma once
/// @file
/// The training set as train() walks it, batch by batch: its shape checked once (samples as
/// columns, or sequences of T columns with one target per step or per sequence), the sample
/// order that every epoch's shuffle rearranges, and each batch gathered into buffers that are
/// sized once (time-major for sequences: column t·B + b, as recurrent layers expect).

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/train/train_options.hpp>

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <span>
#include <string>
#include <vector>

namespace bachprop {

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

/// The batches of one training set: `inputs` (features × samples, or T columns per sequence)
/// against `targets`, in batches of TrainOptions::batch_size, the last one possibly smaller.
template <Scalar S>
class Batches {
 public:
  /// Checks the shapes against the options; throws ArgumentError or ShapeError naming them.
  /// Keeps references to `inputs` and `targets`, which must outlive it.
  Batches(const Matrix<S>& inputs, const Matrix<S>& targets, const TrainOptions& options)
      : inputs_(inputs),
        targets_(targets),
        size_(options.batch_size),
        steps_(options.sequence_steps) {
    if (options.batch_size <= 0 || options.epochs < 0 || options.sequence_steps < 0) {
      throw ArgumentError("train: batch_size must be positive, epochs and sequence_steps "
                          "non-negative; got " + std::to_string(options.batch_size) + ", " +
                          std::to_string(options.epochs) + " and " +
                          std::to_string(options.sequence_steps));
    }
    const bool sequences = steps_ > 0;
    if (sequences && inputs.cols() % steps_ != 0) {
      throw ShapeError("train: " + std::to_string(inputs.cols()) +
                       " input columns are not a whole number of " + std::to_string(steps_) +
                       "-step sequences");
    }
    samples_ = sequences ? inputs.cols() / steps_ : inputs.cols();
    // Per-step targets (many-to-many) or one target per sample.
    per_step_targets_ = sequences && targets.cols() == inputs.cols();
    if (targets.cols() != samples_ && !per_step_targets_) {
      throw ShapeError("train: " + std::to_string(samples_) +
                       (sequences ? " input sequences" : " input samples") + " but " +
                       std::to_string(targets.cols()) + " target columns (samples are columns)");
    }
    if (samples_ == 0) {
      throw ArgumentError("train: no training samples");
    }
    order_.resize(static_cast<std::size_t>(samples_));
    std::iota(order_.begin(), order_.end(), Index{0});
  }

  /// Samples (or sequences) in the training set.
  Index samples() const { return samples_; }
  /// Batches per epoch.
  Index count() const { return (samples_ + size_ - 1) / size_; }
  /// Samples in batch `b` (all but the last: batch_size).
  Index size_of(Index b) const { return std::min(size_, samples_ - b * size_); }
  /// The sample order batches are cut from: shuffle it between epochs.
  std::vector<Index>& order() { return order_; }

  /// Gathers batch `b` of the current order into `inputs` and `targets` (allocating only when
  /// the batch shape changes), and tells a sequence network the steps per sequence (again every
  /// batch: a callback may have run it on other lengths).
  template <class Net>
  void load(Index b, Net& network, Matrix<S>& inputs, Matrix<S>& targets) const {
    if (steps_ > 0) {
      network.set_steps(steps_);
    }
    load_part(b, 0, size_of(b), inputs, targets);
  }

  /// Gathers samples [offset, offset + count) of batch `b` (a data-parallel shard) into
  /// `inputs` and `targets`, laid out as a batch of `count` (whole sequences, time-major).
  /// Reads only: threads may load different parts at once.
  void load_part(Index b, Index offset, Index count, Matrix<S>& inputs,
                 Matrix<S>& targets) const {
    const Index first = b * size_ + offset;
    if (steps_ > 0) {
      gather_sequences(inputs_, steps_, order_, first, count, inputs);
    } else {
      gather_columns(inputs_, order_, first, count, inputs);
    }
    if (per_step_targets_) {
      gather_sequences(targets_, steps_, order_, first, count, targets);
    } else {
      gather_columns(targets_, order_, first, count, targets);
    }
  }

  /// Steps per sequence (TrainOptions::sequence_steps; 0: samples are columns).
  Index steps() const { return steps_; }

 private:
  const Matrix<S>& inputs_;
  const Matrix<S>& targets_;
  Index size_;
  Index steps_;
  Index samples_ = 0;
  bool per_step_targets_ = false;
  std::vector<Index> order_;
};

}  // namespace bachprop

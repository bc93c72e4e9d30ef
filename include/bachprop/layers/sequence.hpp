#pragma once
/// @file
/// What the recurrent layers (Rnn, Lstm, Gru) check alike: their sizes, the steps per sequence
/// and the truncation they are given, and that a batch is whole sequences in the time-major
/// layout (features × (T·B), column t·B + b for step t of sequence b). Each message starts
/// with the layer's name.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>

#include <span>
#include <string>

namespace bachprop::detail {

/// ArgumentError unless `inputs` and `hidden` are positive and `truncation` is not negative.
inline void check_recurrent_sizes(const char* layer, Index inputs, Index hidden,
                                  Index truncation) {
  if (inputs <= 0 || hidden <= 0) {
    throw ArgumentError(std::string(layer) + ": sizes must be positive, got " +
                        std::to_string(inputs) + "→" + std::to_string(hidden));
  }
  if (truncation < 0) {
    throw ArgumentError(std::string(layer) +
                        ": truncation must be 0 (full) or a positive number of steps");
  }
}

/// `steps`, checked to be positive (ArgumentError).
inline Index checked_steps(const char* layer, Index steps) {
  if (steps <= 0) {
    throw ArgumentError(std::string(layer) + ": steps must be positive, got " +
                        std::to_string(steps));
  }
  return steps;
}

/// `truncation`, checked not to be negative (ArgumentError).
inline Index checked_truncation(const char* layer, Index truncation) {
  if (truncation < 0) {
    throw ArgumentError(std::string(layer) + ": truncation must be 0 (full) or positive");
  }
  return truncation;
}

/// ShapeError unless `m` has `rows` rows and a whole number of `steps`-step sequences.
template <Scalar S>
void check_sequence_batch(const char* layer, const Matrix<S>& m, Index rows, Index steps,
                          const char* what = "input") {
  if (m.rows() != rows) {
    throw ShapeError(std::string(layer) + ": the " + what + " has " + std::to_string(m.rows()) +
                     " rows (features) but the layer expects " + std::to_string(rows));
  }
  if (m.cols() == 0 || m.cols() % steps != 0) {
    throw ShapeError(std::string(layer) + ": " + std::to_string(m.cols()) +
                     " columns are not a whole number of " + std::to_string(steps) +
                     "-step sequences (columns = steps × batch, time-major; call set_steps)");
  }
}

/// Reorders the columns of a carried state: column j becomes the old column from[j], so that
/// the state may also grow (several columns copy one) or shrink. `scratch` holds the new state
/// and is swapped in, so nothing is allocated once both have their sizes. ShapeError for an
/// empty `from` or an entry that is not a column.
template <Scalar S>
void reorder_state_columns(const char* layer, Matrix<S>& state, std::span<const Index> from,
                           Matrix<S>& scratch) {
  if (from.empty()) {
    throw ShapeError(std::string(layer) + "::reorder_state: no columns asked for");
  }
  scratch.resize(state.rows(), static_cast<Index>(from.size()));
  for (Index j = 0; j < scratch.cols(); ++j) {
    const Index source = from[static_cast<std::size_t>(j)];
    if (source < 0 || source >= state.cols()) {
      throw ShapeError(std::string(layer) + "::reorder_state: column " + std::to_string(source) +
                       " of a state of " + std::to_string(state.cols()));
    }
    scratch.col(j) = state.col(source);
  }
  state.swap(scratch);
}

}  // namespace bachprop::detail

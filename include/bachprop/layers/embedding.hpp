#pragma once
/// @file
/// The embedding layer: token ids in, one learned vector per id out, as torch.nn.Embedding
/// computes it; equation (38) forward and (39) backward (docs/derivation.md).
///
/// The layout is the library's, features × columns: the input is a 1 × N matrix whose entries
/// are ids (whole numbers in [0, vocabulary), stored in the scalar type), the output d × N, its
/// column j the column E(:, id_j) of the d × V weight matrix E. That is what a Dense layer
/// without bias computes from the one-hot column of id_j, without forming the one-hot matrix or
/// the product. torch.nn.Embedding's `weight` is V × d: E is its transpose.
///
/// An id is not a continuous variable: ∂C/∂input is zero (backward returns a 1 × N matrix of
/// zeros, so a Network can still ask for it), and the gradient checkers compare only E's
/// gradient for a layer that takes ids (core/gradient_check.hpp, TakesIds).

#include <bachprop/core/error.hpp>
#include <bachprop/core/layer.hpp>
#include <bachprop/core/parameter.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop {

/// Token ids (1 × N) → vectors (dimensions × N): column j is E(:, id_j).
template <Scalar S = float>
class Embedding {
 public:
  /// The element type, float or double.
  using Scalar = S;
  /// The input holds ids, not values: no gradient flows to it (core/layer.hpp, TakesIds).
  static constexpr bool takes_ids = true;

  /// A table of `vocabulary` vectors of `dimensions` entries, drawn from `seed` as
  /// torch.nn.Embedding draws them, each entry N(0, 1) (Init::standard_normal). Without a seed
  /// the layer is unseeded() until a Network draws it afresh, as Dense. Throws ArgumentError
  /// unless both sizes are positive.
  Embedding(Index vocabulary, Index dimensions, std::optional<std::uint64_t> seed = std::nullopt)
      : weights_("weights", dimensions, vocabulary, true) {
    if (vocabulary <= 0 || dimensions <= 0) {
      throw ArgumentError("Embedding: the vocabulary and the dimensions must be positive, got " +
                          std::to_string(vocabulary) + " and " + std::to_string(dimensions));
    }
    Rng rng(seed.value_or(0));
    initialise(rng);
    unseeded_ = !seed.has_value();
  }

  /// The layer's name in messages and saved models.
  static constexpr std::string_view kind() { return "embedding"; }
  /// 1: a batch is one row of ids.
  Index input_size() const { return 1; }
  /// d, the entries of each vector: the rows of the output.
  Index output_size() const { return weights_.value.rows(); }
  /// V, the number of ids (the columns of E).
  Index vocabulary_size() const { return weights_.value.cols(); }

  /// Every entry of E drawn from N(0, 1), as torch.nn.Embedding's reset_parameters.
  void initialise(Rng& rng) {
    for (Index i = 0; i < weights_.value.size(); ++i) {
      weights_.value.data()[i] = static_cast<S>(rng.normal());
    }
    unseeded_ = false;
  }

  /// True while E is the draw of a layer built without a seed, untouched since (see
  /// Dense::unseeded).
  bool unseeded() const { return unseeded_; }

  /// The vectors of a batch of ids (1 × N). Throws ShapeError unless the input has one row and
  /// ArgumentError, naming the column and the value, for an entry that is not a whole number in
  /// [0, vocabulary). Keeps the ids (not the matrix) for backward.
  const Matrix<S>& forward(const Matrix<S>& input) {
    read_ids(input);
    output_.resize(output_size(), input.cols());
    // doc:begin embedding-forward
    // (38) y_j = E e_{x_j} = E(:, x_j): the column of the j-th id, no one-hot product
    for (Index j = 0; j < output_.cols(); ++j) {
      output_.col(j) = weights_.value.col(ids_[static_cast<std::size_t>(j)]);
    }
    // doc:end embedding-forward
    return output_;
  }

  /// Given ∂C/∂y (dimensions × N), stores ∂C/∂E and returns ∂C/∂input, which is zero (1 × N):
  /// an id has no neighbourhood to differentiate in.
  const Matrix<S>& backward(const Matrix<S>& output_gradient) {
    backward_parameters_only(output_gradient);
    input_gradient_.setZero(1, output_gradient.cols());
    return input_gradient_;
  }

  /// The parameter half of backward (what a network's first layer needs).
  void backward_parameters_only(const Matrix<S>& output_gradient) {
    if (ids_.empty()) {
      throw ArgumentError("Embedding: backward called before forward");
    }
    const auto columns = static_cast<Index>(ids_.size());
    if (output_gradient.rows() != output_size() || output_gradient.cols() != columns) {
      throw ShapeError("Embedding: backward expects a gradient of shape " +
                       shape_string(output_size(), columns) + " (dimensions × ids), got " +
                       shape_string(output_gradient));
    }
    weights_.gradient.setZero(output_size(), vocabulary_size());
    // doc:begin embedding-backward
    // (39) ∂C/∂E(:, v) = Σ_{j : x_j = v} ∂C/∂y_j: each column of the gradient goes to the
    // column of its id, the rows a one-hot product would add as zeros are never touched
    for (Index j = 0; j < columns; ++j) {
      weights_.gradient.col(ids_[static_cast<std::size_t>(j)]) += output_gradient.col(j);
    }
    // doc:end embedding-backward
  }

  /// Visits E (the order saved models and optimisers rely on).
  template <class F>
  void for_each_parameter(F&& visit) {
    unseeded_ = false;
    visit(weights_);
  }
  /// Visits E, read-only.
  template <class F>
  void for_each_parameter(F&& visit) const {
    visit(weights_);
  }

  /// E (dimensions × vocabulary, one column per id) and its gradient.
  Parameter<S>& weights() {
    unseeded_ = false;
    return weights_;
  }
  /// E and its gradient, read-only.
  const Parameter<S>& weights() const { return weights_; }

  /// The ids of the latest forward, column by column.
  const std::vector<Index>& ids() const { return ids_; }

 private:
  // Checks every entry and keeps it as an Index (no allocation once ids_ has the batch's size).
  void read_ids(const Matrix<S>& input) {
    if (input.rows() != 1) {
      throw ShapeError("Embedding: the input has " + std::to_string(input.rows()) +
                       " rows but a batch of ids is one row (1 × columns)");
    }
    ids_.resize(static_cast<std::size_t>(input.cols()));
    const auto vocabulary = static_cast<S>(vocabulary_size());
    for (Index j = 0; j < input.cols(); ++j) {
      const S value = input(0, j);
      // Also false for NaN; the comparison with V comes before the conversion to Index.
      if (!(value >= S(0) && value < vocabulary && std::floor(value) == value)) {
        ids_.clear();
        std::ostringstream shown;
        shown << value;
        throw ArgumentError("Embedding: column " + std::to_string(j) + " holds " +
                            shown.str() + ", not an id (a whole number in [0, " +
                            std::to_string(vocabulary_size()) + "))");
      }
      ids_[static_cast<std::size_t>(j)] = static_cast<Index>(value);
    }
  }

  Parameter<S> weights_;  // E: dimensions × vocabulary
  bool unseeded_ = false;
  std::vector<Index> ids_;  // x_j of the latest forward
  Matrix<S> output_;
  Matrix<S> input_gradient_;  // zeros, 1 × N
};

}  // namespace bachprop

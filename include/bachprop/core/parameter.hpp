#pragma once
/// @file
/// A trainable parameter: its value and the gradient of the cost with respect to it.

#include <bachprop/core/types.hpp>

#include <string>
#include <utility>

namespace bachprop {

/// A value/gradient pair, the unit the optimisers update.
///
/// `gradient` always has the shape of `value`. A layer's backward *overwrites* the gradient with
/// ∂C̄/∂value for the batch it was given (it does not add to what was there), so calling backward
/// twice on the same batch leaves the same gradient, and no zeroing step is needed between batches.
template <Scalar S = float>
struct Parameter {
  Parameter() = default;
  /// A rows×cols parameter named parameter_name, value and gradient zero; weight_decay sets decays.
  Parameter(std::string parameter_name, Index rows, Index cols, bool weight_decay)
      : name(std::move(parameter_name)),
        value(Matrix<S>::Zero(rows, cols)),
        gradient(Matrix<S>::Zero(rows, cols)),
        decays(weight_decay) {}

  std::string name;    ///< "weights", "biases", ...: the key in a saved model
  Matrix<S> value;     ///< the parameter itself
  Matrix<S> gradient;  ///< ∂C̄/∂value from the latest backward
  bool decays =
      false;  ///< whether L2 weight decay applies (weights: yes; biases: no, as in the book)
};

}  // namespace bachprop

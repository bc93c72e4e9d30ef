#pragma once
/// @file
/// Many-to-one sequence models: a layer that keeps only the last step of each sequence of a
/// time-major batch (features × (T·B), column t·B + b), so that a Dense layer after a recurrent
/// one reads the final state alone, and whose backward sends the gradient to that step only.

#include <bachprop/core/error.hpp>
#include <bachprop/core/layer.hpp>
#include <bachprop/core/types.hpp>

#include <string>
#include <string_view>

namespace bachprop {

/// Many-to-one: keeps only the last step of each sequence (hidden × B from hidden × (T·B)).
template <Scalar S = float>
class LastStep {
 public:
  /// The element type, float or double.
  using Scalar = S;
  /// The layer's name in messages and saved models.
  static constexpr std::string_view kind() { return "last_step"; }
  /// any_size: keeps whatever rows it is given.
  Index input_size() const { return any_size; }
  /// any_size: the rows of the input.
  Index output_size() const { return any_size; }
  /// Steps per sequence (T) in the batches that follow; throws ArgumentError unless positive.
  void set_steps(Index steps) {
    if (steps <= 0) {
      throw ArgumentError("LastStep: steps must be positive");
    }
    steps_ = steps;
  }

  /// The last B columns of a time-major features × (T·B) batch. Throws ShapeError unless the
  /// columns are a positive multiple of T.
  const Matrix<S>& forward(const Matrix<S>& input) {
    if (input.cols() == 0 || input.cols() % steps_ != 0) {
      throw ShapeError("LastStep: " + std::to_string(input.cols()) +
                       " columns are not a whole number of " + std::to_string(steps_) +
                       "-step sequences");
    }
    batch_ = input.cols() / steps_;
    rows_ = input.rows();
    output_ = input.rightCols(batch_);
    return output_;
  }

  /// The gradient spread back to features × (T·B): zero at every step but the last. Throws
  /// ShapeError unless it has the latest output's shape.
  const Matrix<S>& backward(const Matrix<S>& output_gradient) {
    if (output_gradient.rows() != rows_ || output_gradient.cols() != batch_) {
      throw ShapeError("LastStep: backward expects " + shape_string(rows_, batch_) + ", got " +
                       shape_string(output_gradient));
    }
    input_gradient_.setZero(rows_, steps_ * batch_);
    input_gradient_.rightCols(batch_) = output_gradient;
    return input_gradient_;
  }

 private:
  Index steps_ = 1;
  Index batch_ = 0;
  Index rows_ = 0;
  Matrix<S> output_;
  Matrix<S> input_gradient_;
};

}  // namespace bachprop

#pragma once
/// @file
/// What every element-wise activation layer shares: buffers, shape checks, the layer interface.
///
/// A derived layer supplies two functions (static unless they need the layer's settings):
///   - `activate(z, a)`: a = f(z), element by element (or column by column for softmax);
///   - `input_gradient(z, a, g, out)`: out = ∂C/∂z given g = ∂C/∂a.
/// It has no parameters: it is the ⊙σ'(z) half of equations (16) and (17).

#include <bachprop/core/error.hpp>
#include <bachprop/core/layer.hpp>
#include <bachprop/core/types.hpp>

#include <string>

namespace bachprop {

/// Base of the parameter-free activation layers (CRTP): forward, backward and the kept z and a;
/// Derived supplies `activate` and `input_gradient` (see the file comment).
template <class Derived, Scalar S>
class ActivationLayer {
 public:
  /// The element type, float or double.
  using Scalar = S;

  /// any_size: an activation accepts any number of rows.
  Index input_size() const { return any_size; }
  /// any_size: the output has as many rows as the input.
  Index output_size() const { return any_size; }

  /// a = f(z). Keeps a copy of z and a for backward (and z for a loss that needs the logits),
  /// so z may be a temporary.
  const Matrix<S>& forward(const Matrix<S>& input) {
    input_.copy(input);
    return apply_activation(input_.get());  // the copy: `input` may even be this layer's output
  }

  /// forward without the copy: keeps a reference to z, which must stay alive and unchanged
  /// until backward (the rule in core/layer.hpp). What a Network calls.
  const Matrix<S>& forward_borrowing(const Matrix<S>& input) {
    input_.borrow(input);
    return apply_activation(input);
  }

  /// ∂C/∂z from g = ∂C/∂a.
  const Matrix<S>& backward(const Matrix<S>& output_gradient) {
    if (output_gradient.rows() != output_.rows() || output_gradient.cols() != output_.cols()) {
      throw ShapeError(std::string(Derived::kind()) + ": backward expects a gradient of shape " +
                       shape_string(output_) + " (the latest forward's output), got " +
                       shape_string(output_gradient));
    }
    input_gradient_.resize(output_.rows(), output_.cols());
    static_cast<Derived&>(*this).input_gradient(input_.get(), output_, output_gradient,
                                                input_gradient_);
    return input_gradient_;
  }

  /// z of the latest forward (the logits, for losses that pair with this layer). After
  /// forward_borrowing it is the caller's matrix, under the same lifetime rule.
  const Matrix<S>& last_input() const { return input_.get(); }
  /// a of the latest forward.
  const Matrix<S>& last_output() const { return output_; }

 private:
  const Matrix<S>& apply_activation(const Matrix<S>& input) {
    output_.resize(input.rows(), input.cols());
    static_cast<Derived&>(*this).activate(input, output_);
    return output_;
  }

  KeptInput<S> input_;
  Matrix<S> output_;
  Matrix<S> input_gradient_;
};

}  // namespace bachprop

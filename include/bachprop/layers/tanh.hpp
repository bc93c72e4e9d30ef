#pragma once
/// @file
/// The hyperbolic tangent activation: a = tanh(z), tanh' = 1 − tanh².

#include <bachprop/layers/activation.hpp>

#include <string_view>

namespace bachprop {

/// a = tanh(z) element-wise: a sigmoid stretched to (−1, 1), centred on zero.
template <Scalar S = float>
class Tanh : public ActivationLayer<Tanh<S>, S> {
 public:
  /// The layer's name in messages and saved models.
  static constexpr std::string_view kind() { return "tanh"; }

  /// a = tanh(z), element-wise.
  static void activate(const Matrix<S>& z, Matrix<S>& a) { a = z.array().tanh().matrix(); }

  /// out = g ⊙ (1 − a²): ∂C/∂z given g = ∂C/∂a.
  static void input_gradient(const Matrix<S>& /*z*/, const Matrix<S>& a, const Matrix<S>& g,
                             Matrix<S>& out) {
    // ∂C/∂z = ∂C/∂a ⊙ (1 - a²)
    out = (g.array() * (S(1) - a.array().square())).matrix();
  }
};

}  // namespace bachprop

#pragma once
/// @file
/// The logistic sigmoid, equations (5)-(6), and its derivative σ' = σ(1 − σ) (section 4.2.1).

#include <bachprop/layers/activation.hpp>

#include <string_view>

namespace bachprop {

/// a = σ(z) = 1 / (1 + e^{−z}), element-wise.
template <Scalar S = float>
class Sigmoid : public ActivationLayer<Sigmoid<S>, S> {
 public:
  /// The layer's name in messages and saved models.
  static constexpr std::string_view kind() { return "sigmoid"; }

  /// a = σ(z), equations (5)-(6), element-wise.
  static void activate(const Matrix<S>& z, Matrix<S>& a) {
    // doc:begin sigmoid-forward
    // (5)-(6) a = σ(z) = 1 / (1 + e^{-z})
    a = (S(1) + (-z.array()).exp()).inverse().matrix();
    // doc:end sigmoid-forward
  }

  /// out = g ⊙ a(1 − a): ∂C/∂z given g = ∂C/∂a, using σ' = σ(1 − σ).
  static void input_gradient(const Matrix<S>& /*z*/, const Matrix<S>& a, const Matrix<S>& g,
                             Matrix<S>& out) {
    // doc:begin sigmoid-backward
    // (16)/(17) ∂C/∂z = ∂C/∂a ⊙ σ'(z), with σ'(z) = σ(z)(1 - σ(z)) = a(1 - a)
    out = (g.array() * a.array() * (S(1) - a.array())).matrix();
    // doc:end sigmoid-backward
  }
};

}  // namespace bachprop

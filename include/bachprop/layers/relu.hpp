#pragma once
/// @file
/// The rectified linear unit: a = max(0, z).

#include <bachprop/layers/activation.hpp>

#include <string_view>

namespace bachprop {

/// a = max(0, z) element-wise. Its derivative is taken as 0 at z = 0.
template <Scalar S = float>
class ReLU : public ActivationLayer<ReLU<S>, S> {
 public:
  /// The layer's name in messages and saved models.
  static constexpr std::string_view kind() { return "relu"; }

  /// a = max(0, z), element-wise.
  static void activate(const Matrix<S>& z, Matrix<S>& a) { a = z.cwiseMax(S(0)); }

  /// out = g where z > 0, else 0 (g = ∂C/∂a).
  static void input_gradient(const Matrix<S>& z, const Matrix<S>& /*a*/, const Matrix<S>& g,
                             Matrix<S>& out) {
    // ∂C/∂z = ∂C/∂a where z > 0, else 0
    out = (z.array() > S(0)).select(g, S(0));
  }
};

}  // namespace bachprop

#pragma once
/// @file
/// Softmax over each column: a probability distribution over the outputs of one sample.

#include <bachprop/layers/activation.hpp>

#include <string_view>

namespace bachprop {

/// a_j = e^{z_j} / Σ_k e^{z_k}, per column (per sample).
///
/// Unlike the element-wise activations, every a_j depends on every z_k, so its backward is a
/// Jacobian-vector product rather than a product with σ'. Paired with CrossEntropy the network
/// skips it altogether and uses δ = a − y (see loss/cross_entropy.hpp).
template <Scalar S = float>
class Softmax : public ActivationLayer<Softmax<S>, S> {
 public:
  /// The layer's name in messages and saved models.
  static constexpr std::string_view kind() { return "softmax"; }

  /// a = softmax(z), column by column, shifted by the column maximum for stability.
  static void activate(const Matrix<S>& z, Matrix<S>& a) {
    for (Index j = 0; j < z.cols(); ++j) {
      // Subtracting the column's maximum changes nothing mathematically and keeps e^z finite.
      const S largest = z.col(j).maxCoeff();
      a.col(j) = (z.col(j).array() - largest).exp().matrix();
      a.col(j) /= a.col(j).sum();
    }
  }

  /// out = a ⊙ (g − aᵀg) per column: the Jacobian-vector product for g = ∂C/∂a.
  static void input_gradient(const Matrix<S>& /*z*/, const Matrix<S>& a, const Matrix<S>& g,
                             Matrix<S>& out) {
    // doc:begin softmax-backward
    // ∂a_j/∂z_k = a_j (1[j = k] - a_k), so per sample ∂C/∂z = a ⊙ (g - aᵀg)
    for (Index j = 0; j < a.cols(); ++j) {
      const S a_dot_g = a.col(j).dot(g.col(j));
      out.col(j) = (a.col(j).array() * (g.col(j).array() - a_dot_g)).matrix();
    }
    // doc:end softmax-backward
  }
};

}  // namespace bachprop

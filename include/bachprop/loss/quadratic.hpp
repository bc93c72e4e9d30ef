#pragma once
/// @file
/// The quadratic cost, equation (7), averaged over the mini-batch (section 4.3).

#include <bachprop/core/loss.hpp>

#include <string_view>

namespace bachprop {

/// C = ½ Σ_k (y_k − a_k)² per sample, averaged over the m samples of a batch.
template <Scalar S = float>
class Quadratic {
 public:
  /// The element type, float or double.
  using Scalar = S;
  /// The loss's name, as error messages and gradient reports show it.
  static constexpr std::string_view name() { return "quadratic"; }

  /// C̄ for outputs a and targets y (outputs × batch, one column per sample). Throws ShapeError
  /// when their shapes differ.
  S value(const Matrix<S>& a, const Matrix<S>& y) const {
    check_same_shape(name(), a, y);
    // doc:begin quadratic-value
    // (7) C = ½ Σ_k (y_k - a_k^L)², then (4.3) the mean over the m samples (columns)
    return S(0.5) * (y - a).squaredNorm() / static_cast<S>(a.cols());
    // doc:end quadratic-value
  }

  /// out = ∂C̄/∂a = (a − y)/m, the first factor of equation (16) with the batch mean.
  void gradient(const Matrix<S>& a, const Matrix<S>& y, Matrix<S>& out) const {
    check_same_shape(name(), a, y);
    // doc:begin quadratic-gradient
    // (16), first factor: ∂C/∂a_j^L = a_j^L - y_j; (4.3) the 1/m of the mean rides along
    out.noalias() = (a - y) / static_cast<S>(a.cols());
    // doc:end quadratic-gradient
  }
};

}  // namespace bachprop

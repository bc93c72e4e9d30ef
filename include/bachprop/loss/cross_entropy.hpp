#pragma once
/// @file
/// Cross-entropy losses and their stable pairings: CrossEntropy after Softmax (one class per
/// sample) or GroupedSoftmax (one class per group), and BinaryCrossEntropy after Sigmoid (each
/// output its own yes/no). In every pairing the output error is δ^L = a − y: the derivative of
/// the activation cancels against the derivative of the logarithm, which is why these pairs
/// learn fast where the quadratic cost with a saturated sigmoid learns slowly.

#include <bachprop/core/loss.hpp>
#include <bachprop/layers/grouped_softmax.hpp>
#include <bachprop/layers/sigmoid.hpp>
#include <bachprop/layers/softmax.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>

namespace bachprop {

/// Categorical cross-entropy C = −Σ_k y_k ln a_k per sample, for targets that are probability
/// distributions (one-hot or soft) and outputs from a Softmax.
template <Scalar S = float>
class CrossEntropy {
 public:
  /// The element type, float or double.
  using Scalar = S;
  /// The loss's name, as error messages and gradient reports show it.
  static constexpr std::string_view name() { return "cross_entropy"; }

  /// The loss from probabilities a (clamped away from 0 so that ln stays finite).
  S value(const Matrix<S>& a, const Matrix<S>& y) const {
    check_same_shape(name(), a, y);
    const S tiny = std::numeric_limits<S>::min();
    return -(y.array() * a.array().max(tiny).log()).sum() / static_cast<S>(a.cols());
  }

  /// ∂C̄/∂a = −y / (m a). Unstable for tiny a: put a Softmax last and let the network pair them.
  void gradient(const Matrix<S>& a, const Matrix<S>& y, Matrix<S>& out) const {
    check_same_shape(name(), a, y);
    const S tiny = std::numeric_limits<S>::min();
    out = (-y.array() / (a.array().max(tiny) * static_cast<S>(a.cols()))).matrix();
  }

  /// The loss from the softmax's input z: Σ_k y_k ln Σ_i e^{z_i} − Σ_k y_k z_k per sample,
  /// computed with the column maximum taken out so nothing overflows.
  S value_from_logits(const Matrix<S>& z, const Matrix<S>& y) const {
    check_same_shape(name(), z, y);
    S total = 0;
    for (Index j = 0; j < z.cols(); ++j) {
      const S largest = z.col(j).maxCoeff();
      const S log_sum_exp = largest + std::log((z.col(j).array() - largest).exp().sum());
      total += y.col(j).sum() * log_sum_exp - y.col(j).dot(z.col(j));
    }
    return total / static_cast<S>(z.cols());
  }

  /// δ^L = ∂C̄/∂z = (a Σ_k y_k − y)/m for softmax outputs a: (a − y)/m for targets that sum
  /// to 1, and right for any other non-negative target too (a weighted or an empty one).
  void output_error(const Matrix<S>& a, const Matrix<S>& y, Matrix<S>& out) const {
    check_same_shape(name(), a, y);
    out.resize(a.rows(), a.cols());
    for (Index j = 0; j < a.cols(); ++j) {
      softmax_output_error(a.col(j), y.col(j), static_cast<S>(a.cols()), out.col(j));
    }
  }

  /// δ for one softmax (a column, or one group of a GroupedSoftmax) of a batch of m columns.
  template <class A, class Y, class Out>
  static void softmax_output_error(const A& a, const Y& y, S m, Out&& out) {
    // doc:begin cross-entropy-output-error
    // softmax + cross-entropy: ∂C/∂z_j = Σ_k (-y_k / a_k) a_k (1[j = k] - a_j) = a_j Σ_k y_k - y_j,
    // which is a_j - y_j for a target summing to 1: no σ' factor, so saturated outputs still
    // learn; 1/m is (4.3)
    const S target_sum = y.sum();
    out = (a * target_sum - y) / m;
    // doc:end cross-entropy-output-error
  }
};

/// Binary cross-entropy C = −Σ_k [y_k ln a_k + (1 − y_k) ln(1 − a_k)] per sample (the book's
/// chapter-3 cross-entropy), for targets in [0, 1] and outputs from a Sigmoid.
template <Scalar S = float>
class BinaryCrossEntropy {
 public:
  /// The element type, float or double.
  using Scalar = S;
  /// The loss's name, as error messages and gradient reports show it.
  static constexpr std::string_view name() { return "binary_cross_entropy"; }

  /// The loss from probabilities a (clamped into (0, 1) so that ln stays finite).
  S value(const Matrix<S>& a, const Matrix<S>& y) const {
    check_same_shape(name(), a, y);
    const S tiny = std::numeric_limits<S>::min();
    const auto clamped = a.array().max(tiny).min(S(1) - std::numeric_limits<S>::epsilon() / 2);
    return -(y.array() * clamped.log() + (S(1) - y.array()) * (S(1) - clamped).log()).sum() /
           static_cast<S>(a.cols());
  }

  /// ∂C̄/∂a = (a − y) / (m a (1 − a)). Unstable near 0 and 1: pair with a Sigmoid instead.
  void gradient(const Matrix<S>& a, const Matrix<S>& y, Matrix<S>& out) const {
    check_same_shape(name(), a, y);
    const S tiny = std::numeric_limits<S>::min();
    out = ((a - y).array() / ((a.array() * (S(1) - a.array())).max(tiny) *
                              static_cast<S>(a.cols())))
              .matrix();
  }

  /// The loss from the sigmoid's input z: max(z, 0) − z y + ln(1 + e^{−|z|}), the form that
  /// never takes the exponential of a large positive number.
  S value_from_logits(const Matrix<S>& z, const Matrix<S>& y) const {
    check_same_shape(name(), z, y);
    const auto zs = z.array();
    // ln(1 + t) for t = e^{−|z|} ≤ 1 as log(1 + t), not log1p(t): the two differ by less than
    // one rounding unit of 1 per output, below the rounding of the sum, and log1p costs twice
    // as much (this runs on every output of every batch).
    return (zs.max(S(0)) - zs * y.array() + ((-zs.abs()).exp() + S(1)).log()).sum() /
           static_cast<S>(z.cols());
  }

  /// δ^L = ∂C̄/∂z = (a − y)/m for sigmoid outputs a.
  void output_error(const Matrix<S>& a, const Matrix<S>& y, Matrix<S>& out) const {
    check_same_shape(name(), a, y);
    // doc:begin binary-cross-entropy-output-error
    // sigmoid + cross-entropy: ∂C/∂a = (a - y) / (a(1 - a)) and σ'(z) = a(1 - a) cancel
    out.noalias() = (a - y) / static_cast<S>(a.cols());
    // doc:end binary-cross-entropy-output-error
  }
};

/// CrossEntropy after Softmax pairs: δ^L = a − y, computed from the logits.
template <Scalar S>
inline constexpr bool pairs_with<CrossEntropy<S>, Softmax<S>> = true;

/// BinaryCrossEntropy after Sigmoid pairs: δ^L = a − y, computed from the logits.
template <Scalar S>
inline constexpr bool pairs_with<BinaryCrossEntropy<S>, Sigmoid<S>> = true;

/// CrossEntropy after GroupedSoftmax pairs: δ = a − y still holds, group by group.
template <Scalar S>
inline constexpr bool pairs_with<CrossEntropy<S>, GroupedSoftmax<S>> = true;

/// δ = (a Σ y − y)/m within each group, each group's target summed on its own.
template <Scalar S>
void paired_output_error(const CrossEntropy<S>& loss, const GroupedSoftmax<S>& layer,
                         const Matrix<S>& a, const Matrix<S>& target, Matrix<S>& out) {
  check_same_shape(loss.name(), a, target);
  out.resize(a.rows(), a.cols());
  const auto m = static_cast<S>(a.cols());
  for (Index j = 0; j < a.cols(); ++j) {
    Index first = 0;
    for (const Index size : layer.group_sizes()) {
      CrossEntropy<S>::softmax_output_error(a.col(j).segment(first, size),
                                            target.col(j).segment(first, size), m,
                                            out.col(j).segment(first, size));
      first += size;
    }
  }
}

/// The sum over groups of each group's cross-entropy, averaged over the batch, from the logits.
template <Scalar S>
S paired_loss_value(const CrossEntropy<S>& loss, const GroupedSoftmax<S>& layer,
                    const Matrix<S>& target) {
  const Matrix<S>& z = layer.last_input();
  check_same_shape(loss.name(), z, target);
  return -(target.array() * layer.log_probabilities().array()).sum() / static_cast<S>(z.cols());
}

}  // namespace bachprop

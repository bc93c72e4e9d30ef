#pragma once
/// @file
/// Several softmaxes side by side: the rows of each column are cut into groups, and each group
/// becomes its own probability distribution. One network output can then answer several
/// questions at once — the pitch and the duration of the next note, or a pitch for each of the
/// alto, tenor and bass (the lecture's "multiple multiclass single label" output).
///
/// Paired with CrossEntropy (targets one-hot, or a distribution, within each group) the loss is
/// the sum of the groups' cross-entropies and the output error is δ = a − y group by group (for
/// a group whose target sums to s, δ = a s − y: an all-zero group adds nothing); the pairing
/// lives with the loss, in loss/cross_entropy.hpp.

#include <bachprop/core/error.hpp>
#include <bachprop/layers/activation.hpp>

#include <cmath>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop {

/// A softmax over each group of rows: group g holds `sizes[g]` consecutive rows.
template <Scalar S = float>
class GroupedSoftmax : public ActivationLayer<GroupedSoftmax<S>, S> {
 public:
  /// Groups of sizes[g] rows, top to bottom. Throws ArgumentError when a size is not positive or
  /// there is no group.
  explicit GroupedSoftmax(std::vector<Index> sizes) : sizes_(std::move(sizes)) {
    if (sizes_.empty()) {
      throw ArgumentError("GroupedSoftmax: needs at least one group");
    }
    for (const Index size : sizes_) {
      if (size <= 0) {
        throw ArgumentError("GroupedSoftmax: every group needs at least one row, got " +
                            std::to_string(size));
      }
    }
    total_ = std::accumulate(sizes_.begin(), sizes_.end(), Index{0});
  }

  /// The layer's name in messages and saved models.
  static constexpr std::string_view kind() { return "grouped_softmax"; }
  /// The sum of the group sizes: unlike other activations the row count is fixed.
  Index input_size() const { return total_; }
  /// The sum of the group sizes, as the input.
  Index output_size() const { return total_; }
  /// The rows of each group, top to bottom.
  const std::vector<Index>& group_sizes() const { return sizes_; }

  /// a = softmax of each group of z, column by column. Throws ShapeError on a wrong row count.
  void activate(const Matrix<S>& z, Matrix<S>& a) const {
    check_rows(z.rows());
    for (Index j = 0; j < z.cols(); ++j) {
      Index first = 0;
      for (const Index size : sizes_) {
        auto zs = z.col(j).segment(first, size);
        auto as = a.col(j).segment(first, size);
        const S largest = zs.maxCoeff();
        as = (zs.array() - largest).exp().matrix();
        as /= as.sum();
        first += size;
      }
    }
  }

  /// out = ∂C/∂z = a ⊙ (g − aᵀg) within each group, given g = ∂C/∂a.
  void input_gradient(const Matrix<S>& /*z*/, const Matrix<S>& a, const Matrix<S>& g,
                      Matrix<S>& out) const {
    // Each group is a softmax of its own: a ⊙ (g − aᵀg) within the group.
    for (Index j = 0; j < a.cols(); ++j) {
      Index first = 0;
      for (const Index size : sizes_) {
        const auto as = a.col(j).segment(first, size);
        const S a_dot_g = as.dot(g.col(j).segment(first, size));
        out.col(j).segment(first, size) =
            (as.array() * (g.col(j).segment(first, size).array() - a_dot_g)).matrix();
        first += size;
      }
    }
  }

  /// ln a, computed stably from the logits of the latest forward: z − logsumexp(z) per group.
  /// The reference stays valid until the next call.
  const Matrix<S>& log_probabilities() const {
    const Matrix<S>& z = this->last_input();
    log_probabilities_.resize(z.rows(), z.cols());
    for (Index j = 0; j < z.cols(); ++j) {
      Index first = 0;
      for (const Index size : sizes_) {
        const auto zs = z.col(j).segment(first, size);
        const S largest = zs.maxCoeff();
        const S log_sum = largest + std::log((zs.array() - largest).exp().sum());
        log_probabilities_.col(j).segment(first, size) = (zs.array() - log_sum).matrix();
        first += size;
      }
    }
    return log_probabilities_;
  }

 private:
  void check_rows(Index rows) const {
    if (rows != total_) {
      throw ShapeError("GroupedSoftmax: the input has " + std::to_string(rows) +
                       " rows but the groups add up to " + std::to_string(total_));
    }
  }

  std::vector<Index> sizes_;
  Index total_ = 0;
  mutable Matrix<S> log_probabilities_;  // a cache, refilled by log_probabilities()
};

}  // namespace bachprop

#pragma once
/// @file
/// Per-parameter optimiser state (velocities, moment estimates), kept in parameter order.
///
/// State is keyed by the parameter's position in the model's fixed visiting order, never by a
/// buffer address, so copying or moving a model cannot mix up whose state is whose. The buffers
/// are sized at the first step; later steps check the shapes and allocate nothing.

#include <bachprop/core/error.hpp>
#include <bachprop/core/parameter.hpp>
#include <bachprop/core/types.hpp>

#include <cstddef>
#include <limits>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop {

/// `slots` zero-initialised matrices per parameter, shaped like the parameter.
template <Scalar S>
class OptimiserState {
 public:
  /// Empty state keeping `slots` matrices per parameter once bound.
  explicit OptimiserState(std::size_t slots) : slots_(slots) {}

  /// Sizes the state for the model on first use; afterwards checks that the model still has the
  /// same parameters. `owner` names the optimiser in the error message.
  template <class Model>
  void bind(const Model& model, std::string_view owner) {
    std::size_t count = 0;
    model.for_each_parameter([&](const Parameter<S>& p) {
      if (bound_) {
        if (count >= shapes_.size() || shapes_[count].first != p.value.rows() ||
            shapes_[count].second != p.value.cols()) {
          throw ArgumentError(std::string(owner) + ": parameter " + std::to_string(count) + " ('" +
                              p.name + "', " + shape_string(p.value) +
                              ") is not the one the optimiser was first used with; "
                              "use a new optimiser for a new model");
        }
      } else {
        shapes_.emplace_back(p.value.rows(), p.value.cols());
        for (std::size_t s = 0; s < slots_; ++s) {
          buffers_.push_back(Matrix<S>::Zero(p.value.rows(), p.value.cols()));
        }
      }
      ++count;
    });
    if (bound_ && count != shapes_.size()) {
      throw ArgumentError(std::string(owner) + ": the model has " + std::to_string(count) +
                          " parameters but the optimiser was first used with " +
                          std::to_string(shapes_.size()));
    }
    bound_ = true;
  }

  /// The state matrix `slot` of parameter `index`.
  Matrix<S>& at(std::size_t index, std::size_t slot) { return buffers_[index * slots_ + slot]; }
  /// The state matrix `slot` of parameter `index`, read-only.
  const Matrix<S>& at(std::size_t index, std::size_t slot) const {
    return buffers_[index * slots_ + slot];
  }

  /// Number of parameters bound (0 before the first step).
  std::size_t size() const { return shapes_.size(); }

  /// State matrices per parameter (1 for Sgd's velocity, 2 for Adam's moments).
  std::size_t slots() const { return slots_; }

  /// Forgets everything (the next step binds afresh).
  void reset() {
    shapes_.clear();
    buffers_.clear();
    bound_ = false;
  }

 private:
  std::size_t slots_;
  bool bound_ = false;
  std::vector<std::pair<Index, Index>> shapes_;
  std::vector<Matrix<S>> buffers_;
};

/// Throws ArgumentError unless `value` is finite and at least `minimum`.
inline void require_at_least(std::string_view what, double value, double minimum) {
  if (!(value >= minimum) || value == std::numeric_limits<double>::infinity()) {
    throw ArgumentError(std::string(what) + " must be a finite number ≥ " +
                        std::to_string(minimum) + ", got " + std::to_string(value));
  }
}

}  // namespace bachprop

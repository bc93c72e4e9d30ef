#pragma once
/// @file
/// What a loss (cost function) is, and how a loss pairs with the output layer before it.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>

#include <concepts>
#include <string>
#include <string_view>

namespace bachprop {

/// A cost averaged over the batch (section 4.3): `value(a, y)` is C̄ = (1/m) Σ_x C_x for the m
/// columns of a batch, and `gradient(a, y, out)` writes ∂C̄/∂a, which therefore carries the 1/m.
/// Every parameter gradient computed from it is then already the mini-batch average ∇C̄.
template <class L>
concept Loss = requires(const L& loss, const Matrix<typename L::Scalar>& a,
                        Matrix<typename L::Scalar>& out) {
  requires Scalar<typename L::Scalar>;
  { L::name() } -> std::convertible_to<std::string_view>;
  { loss.value(a, a) } -> std::same_as<typename L::Scalar>;
  loss.gradient(a, a, out);
};

/// True when `L` has a closed form for the error δ^L at the input z of the output layer `Out`
/// (cross-entropy after softmax or sigmoid: δ^L = a − y, the σ' cancels). A network then skips
/// that layer's backward and computes the loss from its logits, which is both faster and stable.
/// Such a loss provides `value_from_logits(z, y)` and `output_error(a, y, out)`.
template <class L, class Out>
inline constexpr bool pairs_with = false;

/// The loss of a batch computed from a paired output layer (pairs_with<L, Out>): by default
/// from the layer's input z through the loss's `value_from_logits`. Output layers whose outputs
/// are not one distribution per column (GroupedSoftmax) overload it.
template <class L, class Out, class S>
S paired_loss_value(const L& loss, const Out& output_layer, const Matrix<S>& target) {
  return loss.value_from_logits(output_layer.last_input(), target);
}

/// The output error δ^L = ∂C̄/∂z of a batch at a paired output layer (pairs_with<L, Out>), given
/// its outputs a: by default the loss's `output_error`. Output layers whose outputs are several
/// distributions per column (GroupedSoftmax) overload it.
template <class L, class Out, class S>
void paired_output_error(const L& loss, const Out& /*output_layer*/, const Matrix<S>& a,
                         const Matrix<S>& target, Matrix<S>& out) {
  loss.output_error(a, target, out);
}

/// Throws ShapeError unless the prediction and the target have the same shape.
template <class S>
void check_same_shape(std::string_view loss_name, const Matrix<S>& a, const Matrix<S>& y) {
  if (a.rows() != y.rows() || a.cols() != y.cols()) {
    throw ShapeError(std::string(loss_name) + " loss: the output is " + shape_string(a) +
                     " but the target is " + shape_string(y) +
                     " (both are outputs × batch)");
  }
}

}  // namespace bachprop

#pragma once
/// @file
/// What a layer is: the C++20 concepts every layer satisfies.
///
/// A layer maps a batch (features × samples) forward and, given ∂C/∂(its output), returns
/// ∂C/∂(its input) while storing the gradients of its own parameters. Formally (as dlib states its
/// contract) backward(G) returns the gradient of ⟨forward(x), G⟩ with respect to x, for the x of
/// the latest forward. Both return references to buffers the layer owns, so a steady loop does not
/// allocate; the reference stays valid until the next call of the same function.

#include <bachprop/core/parameter.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>

#include <concepts>
#include <string_view>

namespace bachprop {

/// Sizes a shape-preserving layer (an activation) reports: it takes any number of features.
inline constexpr Index any_size = 0;

/// Every layer: a scalar type, a kind name for saved models, its sizes, forward and backward.
template <class L>
concept Layer = requires(L& layer, const L& const_layer, const Matrix<typename L::Scalar>& m) {
  requires Scalar<typename L::Scalar>;
  { const_layer.kind() } -> std::convertible_to<std::string_view>;
  { const_layer.input_size() } -> std::same_as<Index>;   // any_size for activations
  { const_layer.output_size() } -> std::same_as<Index>;  // any_size for activations
  { layer.forward(m) } -> std::same_as<const Matrix<typename L::Scalar>&>;
  { layer.backward(m) } -> std::same_as<const Matrix<typename L::Scalar>&>;
};

/// A visitor over a layer's parameters, for the concept below.
template <class S>
struct ParameterVisitorArchetype {
  void operator()(Parameter<S>& /*parameter*/) const {}
  void operator()(const Parameter<S>& /*parameter*/) const {}
};

/// A layer with parameters: it can visit them (in a fixed order, which saved models and
/// optimiser state rely on) and initialise them from a random generator.
template <class L>
concept TrainableLayer =
    Layer<L> && requires(L& layer, const L& const_layer,
                         ParameterVisitorArchetype<typename L::Scalar> visit, Rng& rng) {
      layer.for_each_parameter(visit);
      const_layer.for_each_parameter(visit);
      layer.initialise(rng);
    };

/// Optional: a layer that can skip computing ∂C/∂input when nothing needs it (the first layer
/// of a network). Saves the largest product of the backward pass for wide inputs.
template <class L>
concept SkipsInputGradient = requires(L& layer, const Matrix<typename L::Scalar>& m) {
  layer.backward_parameters_only(m);
};

}  // namespace bachprop

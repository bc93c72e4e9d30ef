#pragma once
/// @file
/// Gradient-norm clipping: the remedy for exploding gradients in recurrent networks
/// (Pascanu, Mikolov & Bengio 2013, the paper's reference for section 7.2).

#include <bachprop/core/parameter.hpp>
#include <bachprop/core/types.hpp>

#include <cmath>
#include <type_traits>

namespace bachprop {

/// Rescales every gradient of `model` so that their joint Euclidean norm is at most
/// `max_norm`, keeping the direction. Returns the norm before clipping (useful to watch:
/// spikes show explosions). A max_norm ≤ 0 measures without clipping.
template <class Model>
double clip_gradient_norm(Model& model, double max_norm) {
  double squared = 0;
  model.for_each_parameter([&squared](const auto& p) {
    squared += static_cast<double>(p.gradient.squaredNorm());
  });
  const double norm = std::sqrt(squared);
  if (max_norm > 0 && norm > max_norm) {
    // doc:begin clip-gradient-norm
    // g → g · (max_norm / ‖g‖) when ‖g‖ > max_norm: the step keeps its direction, loses length
    const double scale = max_norm / norm;
    model.for_each_parameter([scale](auto& p) {
      using S = typename std::remove_cvref_t<decltype(p.gradient)>::Scalar;
      p.gradient *= static_cast<S>(scale);
    });
    // doc:end clip-gradient-norm
  }
  return norm;
}

}  // namespace bachprop

#pragma once
/// @file
/// An optimiser step taken in pieces: begin_step(model) once (the step count, the step's
/// constants, the state bound to the model), then update(k, index, parameter, first, last) for
/// entries [first, last) of each parameter, every entry exactly once, in any order and from any
/// thread. Every optimiser here updates each entry from that entry alone (equation (13) and its
/// kin are elementwise), so pieces cut at multiples of 16 entries (whole vectors of every width
/// up to AVX-512's, from Eigen's aligned storage) give the weights step(model) gives, bit for
/// bit. Cut elsewhere, an entry may be computed by the scalar code instead of the vector code,
/// where the compiler may fuse a multiply and an add: the same to rounding only. Data-parallel
/// training (train/data_parallel.hpp) cuts every parameter at fixed multiples of 16,384 and
/// updates each piece on the thread that summed its gradient, where it is still in cache.

#include <bachprop/core/parameter.hpp>
#include <bachprop/core/types.hpp>

#include <Eigen/Core>

#include <concepts>
#include <cstddef>

namespace bachprop {

/// Entries [first, last) of `matrix`, column by column, as a one-dimensional array.
template <Scalar S>
Eigen::Map<Eigen::Array<S, Eigen::Dynamic, 1>> entries(Matrix<S>& matrix, Index first, Index last) {
  return {matrix.data() + first, last - first};
}

/// Entries [first, last) of `matrix`, read-only.
template <Scalar S>
Eigen::Map<const Eigen::Array<S, Eigen::Dynamic, 1>> entries(const Matrix<S>& matrix, Index first,
                                                             Index last) {
  return {matrix.data() + first, last - first};
}

/// An optimiser that can take its step in pieces (this file's comment) on a `Model`.
template <class Optimiser, class Model>
concept PiecewiseOptimiser = requires(Optimiser& optimiser, Model& model,
                                      const typename Optimiser::StepCoefficients& coefficients,
                                      Parameter<typename Optimiser::Scalar>& parameter) {
  { optimiser.begin_step(model) } -> std::same_as<typename Optimiser::StepCoefficients>;
  optimiser.update(coefficients, std::size_t{0}, parameter, Index{0}, Index{0});
};

}  // namespace bachprop

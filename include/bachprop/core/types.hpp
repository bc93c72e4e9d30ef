#pragma once
/// @file
/// Matrix types and the batch-as-columns convention.
///
/// A batch of m samples with n features is an n × m matrix: one column per sample (Nielsen's
/// convention, and the one the derivation's sections 2.5 and 4 use). A dense layer then computes
/// Z = W A + b·1ᵀ with W of shape n_out × n_in. A sequence is a matrix too, time-major:
/// features × (steps·batch), column t·B + b holding step t of sample b.

#include <Eigen/Core>

#include <concepts>
#include <cstdint>
#include <string>

namespace bachprop {

/// Index type of every size and position (Eigen's signed index).
using Index = Eigen::Index;

/// A dense, column-major matrix: features × samples.
template <class S = float>
using Matrix = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;

/// A column vector (one sample, or a bias).
template <class S = float>
using Vector = Eigen::Matrix<S, Eigen::Dynamic, 1>;

/// A row vector (one value per sample).
template <class S = float>
using RowVector = Eigen::Matrix<S, 1, Eigen::Dynamic>;

/// The scalar types the library is written for: float for speed, double for gradient checks.
template <class S>
concept Scalar = std::same_as<S, float> || std::same_as<S, double>;

/// "float" or "double": written into saved models so a load can refuse the wrong one.
template <Scalar S>
constexpr const char* scalar_name() {
  if constexpr (std::same_as<S, float>) {
    return "float";
  } else {
    return "double";
  }
}

/// "3×2": how every shape appears in an error message.
inline std::string shape_string(Index rows, Index cols) {
  return std::to_string(rows) + "×" + std::to_string(cols);
}

/// "3×2" for an Eigen matrix or expression m (rows × columns).
template <class Derived>
std::string shape_string(const Eigen::EigenBase<Derived>& m) {
  return shape_string(m.rows(), m.cols());
}

}  // namespace bachprop

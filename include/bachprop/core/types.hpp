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
#include <limits>
#include <string>
#include <string_view>
#include <utility>

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

/// `value` as an Index. Index is 64 bits on the usual desktop targets but 32 bits on others
/// (WebAssembly, 32-bit ARM), where a count read from a file may not fit: then throws `E`
/// (ArgumentError, FormatError, ...) saying `what` is too large, never wraps around.
template <class E, std::integral T>
Index to_index(T value, std::string_view what) {
  if (!std::in_range<Index>(value)) {
    throw E(std::string(what) + " (" + std::to_string(value) + ") is more than this platform's " +
            std::to_string(8 * sizeof(Index)) + "-bit index can hold");
  }
  return static_cast<Index>(value);
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

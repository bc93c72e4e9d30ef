#pragma once
/// @file
/// Weight initialisation schemes.
///
/// Step 1 of the training algorithm (section 5) sets the weights and biases at random; how wide
/// that randomness is decides whether a sigmoid network starts with saturated neurons.

#include <bachprop/core/error.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>

#include <Eigen/QR>

#include <cmath>
#include <string>
#include <string_view>

namespace bachprop {

/// How a layer's weights (and biases) are drawn.
enum class Init {
  /// W, b ~ N(0, 1): the book's chapter-1 network.py. Large inputs saturate sigmoids.
  standard_normal,
  /// W ~ N(0, 1/n_in), b ~ N(0, 1): the book's network2.py default; keeps z = W a + b near 1.
  nielsen,
  /// W ~ U(±√(6/(n_in + n_out))), b = 0: Glorot & Bengio, for tanh and sigmoid.
  xavier,
  /// W ~ N(0, 2/n_in), b = 0: He et al., for ReLU.
  he,
  /// W = 0, b = 0: only for tests and for layers whose values are loaded afterwards.
  zeros,
};

/// The name of a scheme, as written in messages.
inline std::string_view init_name(Init init) {
  switch (init) {
    case Init::standard_normal: return "standard_normal";
    case Init::nielsen: return "nielsen";
    case Init::xavier: return "xavier";
    case Init::he: return "he";
    case Init::zeros: return "zeros";
  }
  return "unknown";
}

/// The scheme with this name; throws ArgumentError naming the choices.
inline Init init_from_name(std::string_view name) {
  for (Init init : {Init::standard_normal, Init::nielsen, Init::xavier, Init::he, Init::zeros}) {
    if (init_name(init) == name) {
      return init;
    }
  }
  throw ArgumentError("unknown initialisation '" + std::string(name) +
                      "': expected standard_normal, nielsen, xavier, he or zeros");
}

/// Fills W (n_out × n_in) and b (n_out × 1) by the scheme, drawing in column-major order.
template <Scalar S>
void initialise_affine(Init init, Matrix<S>& weights, Matrix<S>& biases, Rng& rng) {
  const auto fan_in = static_cast<double>(weights.cols());
  const auto fan_out = static_cast<double>(weights.rows());
  auto fill_normal = [&rng](Matrix<S>& m, double stddev) {
    for (Index i = 0; i < m.size(); ++i) {
      m.data()[i] = static_cast<S>(rng.normal(0.0, stddev));
    }
  };
  switch (init) {
    case Init::standard_normal:
      fill_normal(weights, 1.0);
      fill_normal(biases, 1.0);
      return;
    case Init::nielsen:
      fill_normal(weights, 1.0 / std::sqrt(fan_in));
      fill_normal(biases, 1.0);
      return;
    case Init::xavier: {
      const double limit = std::sqrt(6.0 / (fan_in + fan_out));
      for (Index i = 0; i < weights.size(); ++i) {
        weights.data()[i] = static_cast<S>(rng.uniform(-limit, limit));
      }
      biases.setZero();
      return;
    }
    case Init::he:
      fill_normal(weights, std::sqrt(2.0 / fan_in));
      biases.setZero();
      return;
    case Init::zeros:
      weights.setZero();
      biases.setZero();
      return;
  }
}

/// An n × n orthogonal matrix drawn uniformly (Haar): the Q of a Gaussian matrix's QR, its
/// columns' signs fixed by R's diagonal. Recurrent weights start so, so that repeated products
/// neither shrink nor blow up the state at the start.
template <Scalar S>
Matrix<S> random_orthogonal(Index n, Rng& rng) {
  Matrix<double> gaussian(n, n);
  for (Index i = 0; i < gaussian.size(); ++i) {
    gaussian.data()[i] = rng.normal();
  }
  Eigen::HouseholderQR<Matrix<double>> qr(gaussian);
  Matrix<double> q = qr.householderQ();
  // Fix the signs (Q·diag(sign(R_ii))) so the draw is uniform over orthogonal matrices.
  const Matrix<double> r = qr.matrixQR().template triangularView<Eigen::Upper>();
  for (Index j = 0; j < n; ++j) {
    if (r(j, j) < 0) {
      q.col(j) *= -1.0;
    }
  }
  return q.cast<S>();
}

}  // namespace bachprop

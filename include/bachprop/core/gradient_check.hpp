#pragma once
/// @file
/// Central-difference gradient checks for layers, losses and whole networks.
///
/// Each analytic gradient g is compared with the numeric one ĝ_i = (C(v_i + ε) − C(v_i − ε)) / 2ε
/// by the relative error ‖g − ĝ‖ / (‖g‖ + ‖ĝ‖) (0 when both vanish). Use double: in float the
/// rounding error of C swamps the difference. Reports carry both norms so a test can insist the
/// gradient is not zero: a bug that zeroes both gradients would otherwise pass every check.

#include <bachprop/core/layer.hpp>
#include <bachprop/core/loss.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace bachprop {

/// One gradient compared.
struct GradientComparison {
  std::string name;             ///< "input", "layer 0 weights", ...
  double relative_error = 0;    ///< ‖g − ĝ‖ / (‖g‖ + ‖ĝ‖)
  double analytic_norm = 0;     ///< ‖g‖
  double numeric_norm = 0;      ///< ‖ĝ‖
};

/// Every gradient a check compared.
struct GradientReport {
  /// One entry per gradient checked: the input (a loss: its output), then each parameter.
  std::vector<GradientComparison> comparisons;

  /// The largest relative error.
  double worst_relative_error() const {
    double worst = 0;
    for (const auto& c : comparisons) {
      worst = std::max(worst, c.relative_error);
    }
    return worst;
  }

  /// The smallest analytic gradient norm: a check is only meaningful where this is not zero.
  double smallest_gradient_norm() const {
    double smallest = comparisons.empty() ? 0.0 : comparisons.front().analytic_norm;
    for (const auto& c : comparisons) {
      smallest = std::min(smallest, c.analytic_norm);
    }
    return smallest;
  }

  /// One line per comparison, for test failure messages.
  std::string to_string() const {
    std::ostringstream out;
    for (const auto& c : comparisons) {
      out << c.name << ": relative error " << c.relative_error << ", |analytic| "
          << c.analytic_norm << ", |numeric| " << c.numeric_norm << '\n';
    }
    return out.str();
  }
};

namespace detail {

inline GradientComparison compare_gradients(std::string name, const Matrix<double>& analytic,
                                            const Matrix<double>& numeric) {
  const double a = analytic.norm();
  const double n = numeric.norm();
  const double denominator = a + n;
  return {std::move(name), denominator == 0.0 ? 0.0 : (analytic - numeric).norm() / denominator,
          a, n};
}

// ĝ_i = (C(v_i + ε) − C(v_i − ε)) / 2ε for every entry of `values`, restoring each entry.
template <class Cost>
Matrix<double> numeric_gradient(Matrix<double>& values, Cost&& cost, double step) {
  Matrix<double> gradient(values.rows(), values.cols());
  for (Index i = 0; i < values.size(); ++i) {
    const double saved = values.data()[i];
    // doc:begin central-difference
    // (8)-(10) a partial derivative is a limit of difference quotients in one variable with the
    // others fixed; the symmetric quotient's error is O(step²) instead of O(step)
    values.data()[i] = saved + step;
    const double plus = cost();
    values.data()[i] = saved - step;
    const double minus = cost();
    gradient.data()[i] = (plus - minus) / (2.0 * step);
    // doc:end central-difference
    values.data()[i] = saved;
  }
  return gradient;
}

}  // namespace detail

/// Checks a layer's backward against central differences of C = Σ G ⊙ layer(x) for a fixed random
/// G (so ∂C/∂output = G): the input gradient and every parameter gradient.
template <Layer L>
  requires std::is_same_v<typename L::Scalar, double>
GradientReport check_layer_gradients(L& layer, Matrix<double> input, std::uint64_t seed = 1,
                                     double step = 1e-6) {
  Rng rng(seed);
  const Matrix<double> first_output = layer.forward(input);
  Matrix<double> projection(first_output.rows(), first_output.cols());
  for (Index i = 0; i < projection.size(); ++i) {
    projection.data()[i] = rng.normal();
  }
  auto cost = [&] { return layer.forward(input).cwiseProduct(projection).sum(); };

  GradientReport report;
  layer.forward(input);
  const Matrix<double> input_gradient = layer.backward(projection);
  std::vector<std::pair<std::string, Matrix<double>>> parameter_gradients;
  if constexpr (TrainableLayer<L>) {
    layer.for_each_parameter([&](const Parameter<double>& p) {
      parameter_gradients.emplace_back(p.name, p.gradient);
    });
  }
  if constexpr (!TakesIds<L>) {  // ids have no gradient to check (Embedding)
    report.comparisons.push_back(detail::compare_gradients(
        "input", input_gradient, detail::numeric_gradient(input, cost, step)));
  }
  if constexpr (TrainableLayer<L>) {
    std::size_t index = 0;
    layer.for_each_parameter([&](Parameter<double>& p) {
      report.comparisons.push_back(detail::compare_gradients(
          p.name, parameter_gradients[index].second,
          detail::numeric_gradient(p.value, cost, step)));
      ++index;
    });
  }
  return report;
}

/// Checks a loss's gradient(a, y) against central differences of value(a, y) in a.
template <Loss L>
  requires std::is_same_v<typename L::Scalar, double>
GradientReport check_loss_gradient(const L& loss, Matrix<double> output,
                                   const Matrix<double>& target, double step = 1e-6) {
  Matrix<double> analytic;
  loss.gradient(output, target, analytic);
  GradientReport report;
  report.comparisons.push_back(detail::compare_gradients(
      std::string(L::name()), analytic,
      detail::numeric_gradient(output, [&] { return loss.value(output, target); }, step)));
  return report;
}

/// Checks a whole network with its loss (paired or not): ∂C̄/∂input and every parameter.
template <class Net, Loss L>
  requires std::is_same_v<typename Net::Scalar, double>
GradientReport check_network_gradients(Net& network, const L& loss, Matrix<double> input,
                                       const Matrix<double>& target, double step = 1e-6) {
  network.compute_gradients(input, target, loss, true);
  const Matrix<double> input_gradient = network.input_gradient();
  std::vector<Matrix<double>> parameter_gradients;
  network.for_each_parameter(
      [&](const Parameter<double>& p) { parameter_gradients.push_back(p.gradient); });
  auto cost = [&] { return network.loss(input, target, loss); };

  GradientReport report;
  using First = std::tuple_element_t<0, typename Net::Layers>;
  if constexpr (!TakesIds<First>) {  // a network that takes ids has no input gradient to check
    report.comparisons.push_back(detail::compare_gradients(
        "input", input_gradient, detail::numeric_gradient(input, cost, step)));
  }
  std::size_t index = 0;
  network.for_each_parameter([&](Parameter<double>& p) {
    report.comparisons.push_back(detail::compare_gradients(
        "parameter " + std::to_string(index) + " (" + p.name + ")", parameter_gradients[index],
        detail::numeric_gradient(p.value, cost, step)));
    ++index;
  });
  return report;
}

}  // namespace bachprop

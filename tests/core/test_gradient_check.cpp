// Tests of bachprop/core/gradient_check.hpp: the checker must catch a wrong gradient, and must
// report a vanishing one, or every other gradient test proves nothing.

#include "helpers.hpp"

#include <bachprop/neural.hpp>
#include <bachprop/core/gradient_check.hpp>

using namespace bachprop;

namespace {

// A sigmoid whose backward forgets the (1 − a) factor: a plausible slip.
class BrokenSigmoid : public ActivationLayer<BrokenSigmoid, double> {
 public:
  static constexpr std::string_view kind() { return "broken_sigmoid"; }
  static void activate(const Matrix<double>& z, Matrix<double>& a) {
    Sigmoid<double>::activate(z, a);
  }
  static void input_gradient(const Matrix<double>&, const Matrix<double>& a,
                             const Matrix<double>& g, Matrix<double>& out) {
    out = (g.array() * a.array()).matrix();
  }
};

// A layer whose backward returns zero: numeric and analytic gradients can then both vanish if
// the forward is also constant, which the norm check must expose.
class Flat : public ActivationLayer<Flat, double> {
 public:
  static constexpr std::string_view kind() { return "flat"; }
  static void activate(const Matrix<double>& z, Matrix<double>& a) {
    a.setZero(z.rows(), z.cols());
  }
  static void input_gradient(const Matrix<double>&, const Matrix<double>&, const Matrix<double>& g,
                             Matrix<double>& out) {
    out.setZero(g.rows(), g.cols());
  }
};

}  // namespace

TEST_CASE("the gradient checker catches a wrong backward", "[gradient_check]") {
  BrokenSigmoid broken;
  const auto report = check_layer_gradients(broken, test::random_matrix(3, 4, 1));
  CHECK(report.worst_relative_error() > 0.1);
  Sigmoid<double> right;
  CHECK(check_layer_gradients(right, test::random_matrix(3, 4, 1)).worst_relative_error() < 1e-8);
}

TEST_CASE("the gradient checker reports a vanishing gradient", "[gradient_check]") {
  Flat flat;
  const auto report = check_layer_gradients(flat, test::random_matrix(3, 4, 2));
  CHECK(report.worst_relative_error() == 0.0);
  CHECK(report.smallest_gradient_norm() == 0.0);  // require_gradients_match would fail on this
}

TEST_CASE("the gradient checker catches a wrong parameter gradient in a network",
          "[gradient_check]") {
  Network net{Dense<double>(3, 2), Sigmoid<double>()};
  net.initialise(3);
  const Matrix<double> x = test::random_matrix(3, 2, 4);
  const Matrix<double> y = test::random_probabilities(2, 2, 5);
  // A loss whose gradient is off by a factor of 2 must be caught downstream.
  struct DoubledQuadratic {
    using Scalar = double;
    static constexpr std::string_view name() { return "doubled"; }
    double value(const Matrix<double>& a, const Matrix<double>& t) const {
      return Quadratic<double>().value(a, t);
    }
    void gradient(const Matrix<double>& a, const Matrix<double>& t, Matrix<double>& out) const {
      Quadratic<double>().gradient(a, t, out);
      out *= 2.0;
    }
  };
  const auto report = check_network_gradients(net, DoubledQuadratic(), x, y);
  CHECK(report.worst_relative_error() > 0.3);
}

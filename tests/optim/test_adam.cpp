// Tests of bachprop/optim/adam.hpp: two steps of the paper's algorithm, by hand.

#include "helpers.hpp"
#include "optim/layer_with.hpp"

#include <bachprop/optim/adam.hpp>

using namespace bachprop;
using test::layer_with;

TEST_CASE("Adam's updates follow the paper's algorithm", "[optim][adam]") {
  const Matrix<double> w = test::random_matrix(3, 2, 9);
  const Matrix<double> b = test::random_matrix(3, 1, 10);
  const Matrix<double> g1 = test::random_matrix(3, 2, 11);
  const Matrix<double> g2 = test::random_matrix(3, 2, 12);
  auto layer = layer_with(w, b, g1, Matrix<double>::Zero(3, 1));
  Adam<double> adam(0.01);
  adam.step(layer);
  // First step: m̂ = g, ŝ = g², so the step is α g / (|g| + ε) ≈ α sign(g).
  const Matrix<double> expected1 =
      w - (0.01 * g1.array() / (g1.array().abs() + 1e-8)).matrix();
  CHECK(layer.weights().value.isApprox(expected1, 1e-14));
  layer.weights().gradient = g2;
  adam.step(layer);
  const Matrix<double> m = 0.9 * 0.1 * g1 + 0.1 * g2;
  const Matrix<double> s =
      (0.999 * 0.001 * g1.array().square() + 0.001 * g2.array().square()).matrix();
  const Matrix<double> m_hat = m / (1 - 0.81);
  const Matrix<double> s_hat = s / (1 - 0.999 * 0.999);
  const Matrix<double> expected2 =
      expected1 - (0.01 * m_hat.array() / (s_hat.array().sqrt() + 1e-8)).matrix();
  CHECK(layer.weights().value.isApprox(expected2, 1e-13));
  CHECK(adam.steps() == 2);
}

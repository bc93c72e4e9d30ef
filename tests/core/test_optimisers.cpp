// Tests of optim/sgd.hpp, optim/adam.hpp and optim/state.hpp, on a single Dense layer whose
// gradients the test sets by hand.

#include "helpers.hpp"

#include <bachprop/bachprop.hpp>

using namespace bachprop;

namespace {

Dense<double> layer_with(const Matrix<double>& w, const Matrix<double>& b,
                         const Matrix<double>& gw, const Matrix<double>& gb) {
  Dense<double> layer(w.cols(), w.rows(), Init::zeros);
  layer.weights().value = w;
  layer.biases().value = b;
  layer.weights().gradient = gw;
  layer.biases().gradient = gb;
  return layer;
}

}  // namespace

TEST_CASE("Sgd is equation (13): v → v − η ∇C̄", "[optim][sgd]") {
  const Matrix<double> w = test::random_matrix(2, 3, 1);
  const Matrix<double> b = test::random_matrix(2, 1, 2);
  const Matrix<double> gw = test::random_matrix(2, 3, 3);
  const Matrix<double> gb = test::random_matrix(2, 1, 4);
  auto layer = layer_with(w, b, gw, gb);
  Sgd<double>(0.5).step(layer);
  CHECK(layer.weights().value.isApprox(w - 0.5 * gw, 1e-15));
  CHECK(layer.biases().value.isApprox(b - 0.5 * gb, 1e-15));
}

TEST_CASE("Sgd with momentum keeps a velocity", "[optim][sgd]") {
  const Matrix<double> w = test::random_matrix(2, 2, 5);
  const Matrix<double> b = test::random_matrix(2, 1, 6);
  const Matrix<double> g1 = test::random_matrix(2, 2, 7);
  const Matrix<double> g2 = test::random_matrix(2, 2, 8);
  auto layer = layer_with(w, b, g1, Matrix<double>::Zero(2, 1));
  Sgd<double> sgd({.learning_rate = 0.1, .momentum = 0.9});
  sgd.step(layer);
  const Matrix<double> v1 = -0.1 * g1;
  CHECK(layer.weights().value.isApprox(w + v1, 1e-15));
  layer.weights().gradient = g2;
  sgd.step(layer);
  const Matrix<double> v2 = 0.9 * v1 - 0.1 * g2;
  CHECK(layer.weights().value.isApprox(w + v1 + v2, 1e-14));
}

TEST_CASE("weight decay shrinks weights, not biases (the book's L2)", "[optim][sgd]") {
  Matrix<double> w(1, 1);
  w << 2.0;
  Matrix<double> b(1, 1);
  b << 2.0;
  auto layer = layer_with(w, b, Matrix<double>::Zero(1, 1), Matrix<double>::Zero(1, 1));
  Sgd<double>({.learning_rate = 0.5, .weight_decay = 0.1}).step(layer);
  CHECK(layer.weights().value(0, 0) == Approx(2.0 * (1 - 0.5 * 0.1)));
  CHECK(layer.biases().value(0, 0) == 2.0);
}

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

TEST_CASE("optimisers minimise a convex problem", "[optim]") {
  // Least squares: a linear layer fitting y = A x exactly.
  const Matrix<double> x = test::random_matrix(3, 40, 13);
  const Matrix<double> a = test::random_matrix(2, 3, 14);
  const Matrix<double> y = a * x;
  auto fit = [&](auto optimiser, int steps) {
    Network net{Dense<double>(3, 2, Init::zeros)};
    for (int i = 0; i < steps; ++i) {
      net.compute_gradients(x, y, Quadratic<double>());
      optimiser.step(net);
    }
    return net.loss(x, y, Quadratic<double>());
  };
  const double start = 0.5 * y.squaredNorm() / 40.0;
  CHECK(fit(Sgd<double>(0.3), 500) < 1e-6 * start);
  CHECK(fit(Sgd<double>({.learning_rate = 0.1, .momentum = 0.9}), 300) < 1e-6 * start);
  CHECK(fit(Adam<double>(0.05), 1000) < 1e-4 * start);
}

TEST_CASE("optimisers refuse bad settings and a model that changed", "[optim][errors]") {
  CHECK_THROWS_WITH(Sgd<float>(-1.0), Catch::Contains("learning_rate"));
  CHECK_THROWS_WITH(Sgd<float>({.learning_rate = 0.1, .momentum = 1.0}),
                    Catch::Contains("below 1"));
  CHECK_THROWS_AS(Adam<float>({.beta1 = 1.5}), ArgumentError);
  Adam<float> adam;
  Dense<float> small(2, 2);
  Dense<float> big(3, 2);
  adam.step(small);
  CHECK_THROWS_WITH(adam.step(big),
                    Catch::Contains("not the one the optimiser was first used with"));
}

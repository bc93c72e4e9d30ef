// Tests of bachprop/optim/sgd.hpp: equation (13), momentum and the book's L2 weight decay on a
// Dense layer whose gradients the test sets by hand, a convex problem minimised (beside Adam),
// and agreement with torch.optim step by step.

#include "helpers.hpp"
#include "optim/layer_with.hpp"
#include "torch_reference.hpp"

#include <bachprop/neural.hpp>
#include <bachprop/optim/sgd.hpp>

using namespace bachprop;
using test::layer_with;
using torch_reference::check_optimiser;

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

TEST_CASE("optimisers agree with torch.optim step by step", "[torch]") {
  check_optimiser("sgd", Sgd<double>(0.3));
  check_optimiser("sgd_momentum", Sgd<double>({.learning_rate = 0.3, .momentum = 0.9}));
  check_optimiser("sgd_weight_decay", Sgd<double>({.learning_rate = 0.3, .weight_decay = 0.05}));
  check_optimiser("sgd_momentum_weight_decay",
                  Sgd<double>({.learning_rate = 0.1, .momentum = 0.9, .weight_decay = 0.5}));
  check_optimiser("adam", Adam<double>(0.01));
  check_optimiser("adam_weight_decay",
                  Adam<double>({.learning_rate = 0.01, .beta1 = 0.8, .beta2 = 0.99,
                                .epsilon = 1e-6, .weight_decay = 0.1}));
}

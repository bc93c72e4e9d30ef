// Tests of bachprop/optim/adadelta.hpp: equations (42)-(45) by hand over two steps, against
// torch.optim.Adadelta step by step (defaults, and other settings with weight decay), its
// settings refused by name, and a fit it must reach.

#include "helpers.hpp"
#include "optim/layer_with.hpp"
#include "torch_reference.hpp"

#include <bachprop/optim/adadelta.hpp>

using namespace bachprop;
using test::layer_with;
using torch_reference::check_optimiser;

TEST_CASE("Adadelta's updates follow Zeiler's algorithm", "[optim][adadelta]") {
  const Matrix<double> w = test::random_matrix(3, 2, 9);
  const Matrix<double> b = test::random_matrix(3, 1, 10);
  const Matrix<double> g1 = test::random_matrix(3, 2, 11);
  const Matrix<double> g2 = test::random_matrix(3, 2, 12);
  auto layer = layer_with(w, b, g1, Matrix<double>::Zero(3, 1));
  Adadelta<double> adadelta;  // η = 1, ρ = 0.9, ε = 1e-6
  adadelta.step(layer);
  // First step: E[g²] = 0.1 g², E[Δ²] = 0, so Δ = √ε / √(0.1 g² + ε) ⊙ g: tiny, about
  // √(10ε) sign(g), which is why Adadelta starts slowly.
  const Eigen::ArrayXXd eg1 = 0.1 * g1.array().square();
  const Eigen::ArrayXXd d1 = std::sqrt(1e-6) / (eg1 + 1e-6).sqrt() * g1.array();
  const Matrix<double> expected1 = w - d1.matrix();
  CHECK(layer.weights().value.isApprox(expected1, 1e-14));
  CHECK((d1.abs() < std::sqrt(1e-5)).all());  // |Δ| < √(10ε) on the first step
  CHECK(layer.biases().value == b);  // a zero gradient moves nothing
  layer.weights().gradient = g2;
  adadelta.step(layer);
  const Eigen::ArrayXXd ed1 = 0.1 * d1.square();
  const Eigen::ArrayXXd eg2 = 0.9 * eg1 + 0.1 * g2.array().square();
  const Eigen::ArrayXXd d2 = (ed1 + 1e-6).sqrt() / (eg2 + 1e-6).sqrt() * g2.array();
  CHECK(layer.weights().value.isApprox(expected1 - d2.matrix(), 1e-14));
  CHECK(adadelta.state().at(0, 0).isApprox(eg2.matrix(), 1e-14));
  CHECK(adadelta.state().at(0, 1).isApprox((0.9 * ed1 + 0.1 * d2.square()).matrix(), 1e-14));
}

TEST_CASE("Adadelta agrees with torch.optim.Adadelta step by step", "[torch][adadelta]") {
  check_optimiser("adadelta", Adadelta<double>());
  check_optimiser("adadelta_weight_decay",
                  Adadelta<double>({.learning_rate = 0.5, .rho = 0.8, .epsilon = 1e-5,
                                    .weight_decay = 0.1}));
}

TEST_CASE("Adadelta refuses settings outside their range, by name", "[adadelta][errors]") {
  using Catch::Matchers::Contains;
  CHECK_THROWS_WITH(Adadelta<float>({.rho = 1.0}), Contains("Adadelta: rho"));
  CHECK_THROWS_WITH(Adadelta<float>({.rho = -0.1}), Contains("Adadelta: rho"));
  CHECK_THROWS_WITH(Adadelta<float>({.epsilon = -1}), Contains("Adadelta: epsilon"));
  CHECK_THROWS_WITH(Adadelta<float>(-1.0), Contains("Adadelta: learning_rate"));
  CHECK_THROWS_WITH(Adadelta<float>({.weight_decay = std::nan("")}),
                    Contains("Adadelta: weight_decay"));
  Adadelta<float> adadelta;
  CHECK_THROWS_AS(adadelta.set_learning_rate(-0.5), ArgumentError);
  adadelta.set_learning_rate(0.5);
  CHECK(adadelta.learning_rate() == 0.5);
  // A second model with other shapes is refused, as by every optimiser.
  Dense<float> first(2, 3);
  adadelta.step(first);
  Dense<float> second(3, 3);
  CHECK_THROWS_WITH(adadelta.step(second), Contains("Adadelta: parameter 0"));
}

TEST_CASE("Adadelta fits a linear regression", "[optim][adadelta]") {
  const Matrix<double> x = test::random_matrix(3, 40, 1);
  const Matrix<double> y = test::random_matrix(2, 3, 2) * x;
  Network net{Dense<double>(3, 2, Init::zeros)};
  Adadelta<double> adadelta;
  const double start = net.loss(x, y, Quadratic<double>());
  for (int i = 0; i < 3000; ++i) {
    net.compute_gradients(x, y, Quadratic<double>());
    adadelta.step(net);
  }
  CHECK(net.loss(x, y, Quadratic<double>()) < 1e-4 * start);
}

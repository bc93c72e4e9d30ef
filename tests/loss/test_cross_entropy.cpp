// Tests of bachprop/loss/cross_entropy.hpp: the cross-entropies and their pairings with Softmax,
// GroupedSoftmax and Sigmoid (δ = a − y, values from the logits, stable when saturated, right
// for any target sum), and agreement with PyTorch.

#include "helpers.hpp"
#include "torch_reference.hpp"

#include <bachprop/neural.hpp>
#include <bachprop/loss/cross_entropy.hpp>

#include <cmath>

using namespace bachprop;
using nlohmann::json;
using torch_reference::matrix;
using torch_reference::reference;
using torch_reference::require_close;

TEST_CASE("cross-entropy from logits equals cross-entropy of the softmax", "[loss][softmax]") {
  const Matrix<double> z = test::random_matrix(5, 4, 7, 2.0);
  const Matrix<double> y = test::random_distributions(5, 4, 8);
  bachprop::Softmax<double> softmax;
  const Matrix<double> a = softmax.forward(z);
  const bachprop::CrossEntropy<double> loss;
  CHECK(loss.value_from_logits(z, y) == Approx(loss.value(a, y)).epsilon(1e-12));

  // δ^L = a − y equals the unpaired chain: the loss's ∂C/∂a through the softmax's backward.
  Matrix<double> dc_da;
  loss.gradient(a, y, dc_da);
  const Matrix<double> chained = softmax.backward(dc_da);
  Matrix<double> paired;
  loss.output_error(a, y, paired);
  CHECK(paired.isApprox(chained, 1e-12));
}

TEST_CASE("binary cross-entropy from logits equals it from the sigmoid", "[loss][sigmoid]") {
  const Matrix<double> z = test::random_matrix(3, 5, 9, 2.0);
  const Matrix<double> y = test::random_probabilities(3, 5, 10);
  bachprop::Sigmoid<double> sigmoid;
  const Matrix<double> a = sigmoid.forward(z);
  const bachprop::BinaryCrossEntropy<double> loss;
  CHECK(loss.value_from_logits(z, y) == Approx(loss.value(a, y)).epsilon(1e-12));
  Matrix<double> dc_da;
  loss.gradient(a, y, dc_da);
  const Matrix<double> chained = sigmoid.backward(dc_da);
  Matrix<double> paired;
  loss.output_error(a, y, paired);
  CHECK(paired.isApprox(chained, 1e-12));
}

TEST_CASE("paired cross-entropies stay finite for saturated outputs", "[loss][stability]") {
  Matrix<float> z(2, 2);
  z << 200, -200,
       -200, 200;
  Matrix<float> y(2, 2);
  y << 0, 0,
       1, 1;
  const float categorical = bachprop::CrossEntropy<float>().value_from_logits(z, y);
  CHECK(std::isfinite(categorical));
  CHECK(categorical == Approx(200.0F));  // sample 1: 400 nats wrong; sample 2 right; mean 200
  const float binary = bachprop::BinaryCrossEntropy<float>().value_from_logits(z, y);
  CHECK(std::isfinite(binary));
  CHECK(binary == Approx(200.0F));  // sample 1: two outputs 200 nats wrong each; sample 2 right
  // The probability form would take ln(0); it is clamped, so it stays finite too.
  Matrix<float> a(2, 1);
  a << 1, 0;
  Matrix<float> t(2, 1);
  t << 0, 1;
  CHECK(std::isfinite(bachprop::CrossEntropy<float>().value(a, t)));
  CHECK(std::isfinite(bachprop::BinaryCrossEntropy<float>().value(a, t)));
}

TEST_CASE("grouped softmax pairs with cross-entropy: value and δ = a − y", "[grouped_softmax]") {
  const Index batch = 6;
  Matrix<double> y(7, batch);
  y << test::random_distributions(3, batch, 3), test::random_distributions(4, batch, 4);
  Network net{Dense<double>(5, 7), GroupedSoftmax<double>({3, 4})};
  net.initialise(5);
  const Matrix<double> x = test::random_matrix(5, batch, 6);
  test::require_gradients_match(check_network_gradients(net, CrossEntropy<double>(), x, y));

  // The paired value is the sum of the two groups' cross-entropies.
  const Matrix<double> a = net.forward(x);
  const double first = CrossEntropy<double>().value(a.topRows(3), y.topRows(3));
  const double second = CrossEntropy<double>().value(a.bottomRows(4), y.bottomRows(4));
  CHECK(net.loss(x, y, CrossEntropy<double>()) == Approx(first + second).epsilon(1e-12));
}

TEST_CASE("paired cross-entropy gradients are right for targets that do not sum to 1",
          "[grouped_softmax][loss]") {
  const Index batch = 5;
  // Columns summing to 0.6, 0 (no target at all), 1.7, 1 and 0.25.
  Matrix<double> y = test::random_distributions(4, batch, 7);
  const double sums[batch] = {0.6, 0.0, 1.7, 1.0, 0.25};
  for (Index j = 0; j < batch; ++j) {
    y.col(j) *= sums[j];
  }
  const Matrix<double> x = test::random_matrix(3, batch, 8);
  SECTION("one softmax") {
    Network net{Dense<double>(3, 4), Softmax<double>()};
    net.initialise(9);
    test::require_gradients_match(check_network_gradients(net, CrossEntropy<double>(), x, y));
    // δ = a Σy − y: for the empty column the output error is zero.
    net.compute_gradients(x, y, CrossEntropy<double>(), true);
    CHECK(net.input_gradient().col(1).norm() == 0.0);
  }
  SECTION("groups, one of them empty in some columns") {
    Matrix<double> grouped(7, batch);
    grouped << y, test::random_distributions(3, batch, 10);
    grouped.block(4, 3, 3, 2).setZero();  // the second group has no target in columns 3 and 4
    Network net{Dense<double>(3, 7), GroupedSoftmax<double>({4, 3})};
    net.initialise(11);
    test::require_gradients_match(
        check_network_gradients(net, CrossEntropy<double>(), x, grouped));
  }
}

TEST_CASE("losses agree with PyTorch", "[torch]") {
  {
    const json& c = reference().at("quadratic");
    const Matrix<double> a = matrix(c["output"]);
    const Matrix<double> y = matrix(c["target"]);
    CHECK(Quadratic<double>().value(a, y) == Approx(c["value"].get<double>()).epsilon(1e-13));
    Matrix<double> g;
    Quadratic<double>().gradient(a, y, g);
    require_close(g, c["gradient"], "quadratic gradient");
  }
  // The paired losses through a one-layer network, so the pairing itself is what is compared.
  {
    const json& c = reference().at("cross_entropy");
    const Matrix<double> z = matrix(c["logits"]);
    const Matrix<double> y = matrix(c["target"]);
    Network net{Softmax<double>()};
    CHECK(net.compute_gradients(z, y, CrossEntropy<double>(), true) ==
          Approx(c["value"].get<double>()).epsilon(1e-13));
    require_close(net.input_gradient(), c["logits_gradient"], "cross-entropy ∂C/∂z");
  }
  {
    const json& c = reference().at("binary_cross_entropy");
    const Matrix<double> z = matrix(c["logits"]);
    const Matrix<double> y = matrix(c["target"]);
    Network net{Sigmoid<double>()};
    CHECK(net.compute_gradients(z, y, BinaryCrossEntropy<double>(), true) ==
          Approx(c["value"].get<double>()).epsilon(1e-13));
    require_close(net.input_gradient(), c["logits_gradient"], "binary cross-entropy ∂C/∂z");
  }
}

// Tests of loss/quadratic.hpp and loss/cross_entropy.hpp.

#include "helpers.hpp"

#include <bachprop/layers/sigmoid.hpp>
#include <bachprop/layers/softmax.hpp>
#include <bachprop/loss/cross_entropy.hpp>
#include <bachprop/loss/quadratic.hpp>

#include <cmath>

using bachprop::Matrix;

TEST_CASE("quadratic cost is equation (7) averaged over the batch", "[loss][quadratic]") {
  Matrix<double> a(2, 2);
  Matrix<double> y(2, 2);
  a << 0.5, 1.0,
       0.0, 2.0;
  y << 1.0, 1.0,
       1.0, 0.0;
  // sample 1: ½(0.25 + 1) = 0.625; sample 2: ½(0 + 4) = 2; mean 1.3125
  CHECK(bachprop::Quadratic<double>().value(a, y) == Approx(1.3125));
  Matrix<double> gradient;
  bachprop::Quadratic<double>().gradient(a, y, gradient);
  CHECK(gradient.isApprox(((a - y) / 2.0).eval()));
}

TEST_CASE("loss gradients match central differences", "[loss][gradient]") {
  const Matrix<double> a = test::random_matrix(4, 6, 1);
  test::require_gradients_match(bachprop::check_loss_gradient(bachprop::Quadratic<double>(), a,
                                                              test::random_matrix(4, 6, 2)));
  test::require_gradients_match(bachprop::check_loss_gradient(
      bachprop::CrossEntropy<double>(), test::random_distributions(5, 3, 3),
      test::random_distributions(5, 3, 4)));
  test::require_gradients_match(bachprop::check_loss_gradient(
      bachprop::BinaryCrossEntropy<double>(), test::random_probabilities(4, 3, 5),
      test::random_probabilities(4, 3, 6)));
}

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

TEST_CASE("losses reject a target of the wrong shape", "[loss][errors]") {
  Matrix<float> out;
  CHECK_THROWS_WITH(bachprop::Quadratic<float>().value(Matrix<float>::Zero(3, 2),
                                                       Matrix<float>::Zero(2, 2)),
                    Catch::Contains("output is 3×2 but the target is 2×2"));
  CHECK_THROWS_AS(bachprop::CrossEntropy<float>().gradient(Matrix<float>::Zero(3, 2),
                                                           Matrix<float>::Zero(3, 1), out),
                  bachprop::ShapeError);
  CHECK_THROWS_AS(bachprop::BinaryCrossEntropy<float>().value_from_logits(
                      Matrix<float>::Zero(3, 2), Matrix<float>::Zero(1, 2)),
                  bachprop::ShapeError);
}

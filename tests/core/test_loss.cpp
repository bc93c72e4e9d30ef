// Tests of bachprop/core/loss.hpp: every loss keeps the contract of the Loss concept, a gradient
// that is the derivative of its value, and refuses a target of another shape.

#include "helpers.hpp"

#include <bachprop/core/loss.hpp>
#include <bachprop/loss/cross_entropy.hpp>
#include <bachprop/loss/quadratic.hpp>

using bachprop::Matrix;

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

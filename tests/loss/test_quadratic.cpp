// Tests of bachprop/loss/quadratic.hpp: equation (7), averaged over the batch.

#include "helpers.hpp"

#include <bachprop/loss/quadratic.hpp>

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

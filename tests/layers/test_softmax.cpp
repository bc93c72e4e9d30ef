// Tests of bachprop/layers/softmax.hpp: every column a distribution, even for huge logits.

#include "helpers.hpp"

#include <bachprop/layers/softmax.hpp>

#include <cmath>

using bachprop::Matrix;

TEST_CASE("softmax columns are distributions, even for huge logits", "[activation][softmax]") {
  bachprop::Softmax<double> softmax;
  Matrix<double> z(3, 3);
  z << 1, 1000, -1000,
       2, 1000, -1000,
       3, -1000, -999;
  const Matrix<double> a = softmax.forward(z);
  CHECK(a.allFinite());
  for (int j = 0; j < 3; ++j) {
    CHECK(a.col(j).sum() == Approx(1.0));
  }
  const double total = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  CHECK(a(2, 0) == Approx(std::exp(3.0) / total));
  CHECK(a(0, 1) == Approx(0.5));
  CHECK(a(2, 2) == Approx(1.0 / (1.0 + 2.0 * std::exp(-1.0))));
}

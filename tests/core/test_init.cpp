// Tests of bachprop/core/init.hpp: each initialisation scheme draws the spread it documents, the
// same seed draws the same weights, and schemes are found by name.

#include "helpers.hpp"

#include <bachprop/core/init.hpp>
#include <bachprop/layers/dense.hpp>

#include <cmath>

using bachprop::Dense;
using bachprop::Matrix;

TEST_CASE("Dense initialisation schemes draw the documented spreads", "[dense][init]") {
  auto stddev = [](const Matrix<double>& m) {
    const double mean = m.mean();
    return std::sqrt((m.array() - mean).square().mean());
  };
  const Dense<double> nielsen(400, 300, bachprop::Init::nielsen, 1);
  CHECK(stddev(nielsen.weights().value) == Approx(1.0 / 20.0).epsilon(0.02));
  CHECK(stddev(nielsen.biases().value) == Approx(1.0).epsilon(0.1));
  const Dense<double> standard(400, 300, bachprop::Init::standard_normal, 1);
  CHECK(stddev(standard.weights().value) == Approx(1.0).epsilon(0.02));
  const Dense<double> he(400, 300, bachprop::Init::he, 1);
  CHECK(stddev(he.weights().value) == Approx(std::sqrt(2.0 / 400)).epsilon(0.02));
  CHECK(he.biases().value.isZero());
  const Dense<double> xavier(400, 300, bachprop::Init::xavier, 1);
  const double limit = std::sqrt(6.0 / 700.0);
  CHECK(xavier.weights().value.maxCoeff() <= limit);
  CHECK(xavier.weights().value.minCoeff() >= -limit);
  CHECK(stddev(xavier.weights().value) == Approx(limit / std::sqrt(3.0)).epsilon(0.02));
  CHECK(Dense<double>(3, 2, bachprop::Init::nielsen, 5).weights().value ==
        Dense<double>(3, 2, bachprop::Init::nielsen, 5).weights().value);
  CHECK(Dense<double>(3, 2, bachprop::Init::nielsen, 5).weights().value !=
        Dense<double>(3, 2, bachprop::Init::nielsen, 6).weights().value);
  CHECK(bachprop::init_from_name("he") == bachprop::Init::he);
  CHECK_THROWS_WITH(bachprop::init_from_name("glorot"), Catch::Contains("unknown initialisation"));
}

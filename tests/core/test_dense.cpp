// Tests of layers/dense.hpp: equations (3)-(4) forward, (17), (20), (22) backward.

#include "helpers.hpp"

#include <bachprop/layers/dense.hpp>

using bachprop::Dense;
using bachprop::Matrix;

TEST_CASE("Dense forward computes W a + b for every column", "[dense]") {
  Dense<double> layer(2, 3, bachprop::Init::zeros);
  layer.weights().value << 1, 2,
                           3, 4,
                           5, 6;
  layer.biases().value << 0.5, -1, 2;
  Matrix<double> input(2, 2);
  input << 1, -1,
           2, 0.5;
  const Matrix<double>& z = layer.forward(input);
  Matrix<double> expected(3, 2);
  expected << 1 * 1 + 2 * 2 + 0.5, 1 * -1 + 2 * 0.5 + 0.5,
              3 * 1 + 4 * 2 - 1,   3 * -1 + 4 * 0.5 - 1,
              5 * 1 + 6 * 2 + 2,   5 * -1 + 6 * 0.5 + 2;
  CHECK(z.isApprox(expected, 1e-15));
}

TEST_CASE("Dense gradients match central differences", "[dense][gradient]") {
  for (auto [inputs, outputs, batch] : {std::tuple{4, 3, 5}, std::tuple{1, 1, 1},
                                        std::tuple{7, 2, 3}}) {
    Dense<double> layer(inputs, outputs, bachprop::Init::nielsen, 11);
    test::require_gradients_match(bachprop::check_layer_gradients(
        layer, test::random_matrix(inputs, batch, 12)));
  }
}

TEST_CASE("Dense backward overwrites gradients: calling it twice gives the same", "[dense]") {
  Dense<double> layer(4, 3, bachprop::Init::nielsen, 3);
  const Matrix<double> input = test::random_matrix(4, 6, 4);
  const Matrix<double> delta = test::random_matrix(3, 6, 5);
  layer.forward(input);
  const Matrix<double> first_input_gradient = layer.backward(delta);
  const Matrix<double> first_weights = layer.weights().gradient;
  const Matrix<double> first_biases = layer.biases().gradient;
  const Matrix<double> second_input_gradient = layer.backward(delta);
  CHECK(second_input_gradient == first_input_gradient);
  CHECK(layer.weights().gradient == first_weights);
  CHECK(layer.biases().gradient == first_biases);
  CHECK(first_weights.norm() > 0);
}

TEST_CASE("Dense backward_parameters_only gives the same parameter gradients", "[dense]") {
  Dense<double> a(5, 2, bachprop::Init::xavier, 8);
  Dense<double> b = a;
  const Matrix<double> input = test::random_matrix(5, 4, 9);
  const Matrix<double> delta = test::random_matrix(2, 4, 10);
  a.forward(input);
  a.backward(delta);
  b.forward(input);
  b.backward_parameters_only(delta);
  CHECK(a.weights().gradient == b.weights().gradient);
  CHECK(a.biases().gradient == b.biases().gradient);
}

TEST_CASE("Dense rejects wrong shapes and misuse with clear messages", "[dense][errors]") {
  Dense<float> layer(3, 2);
  CHECK_THROWS_WITH(layer.backward(Matrix<float>::Zero(2, 1)),
                    Catch::Contains("backward called before forward"));
  CHECK_THROWS_WITH(layer.forward(Matrix<float>::Zero(4, 5)),
                    Catch::Contains("input has 4 rows") && Catch::Contains("expects 3"));
  layer.forward(Matrix<float>::Zero(3, 5));
  CHECK_THROWS_WITH(layer.backward(Matrix<float>::Zero(2, 4)),
                    Catch::Contains("2×5") && Catch::Contains("got 2×4"));
  CHECK_THROWS_AS(Dense<float>(0, 3), bachprop::ArgumentError);
}

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

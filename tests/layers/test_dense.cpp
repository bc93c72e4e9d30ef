// Tests of bachprop/layers/dense.hpp: equations (3)-(4) forward, (17), (20), (22) backward, the
// paper's two slips in the weight convention, and agreement with PyTorch.

#include "helpers.hpp"
#include "torch_reference.hpp"

#include <bachprop/layers/dense.hpp>

using bachprop::Dense;
using bachprop::Matrix;
using nlohmann::json;
using torch_reference::matrix;
using torch_reference::reference;
using torch_reference::require_close;

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

TEST_CASE("the paper's slip in equation (4): z = xW is the transpose of the convention",
          "[backprop][derivation]") {
  // The paper says W's rows are the neurons' weight vectors; then z_j = w_j · x, i.e. z = W x:
  // neuron 0 weighs the inputs x = (1, 1) by (1, 2) and gets 3, neuron 1 by (3, 4) and gets 7.
  // Its equation (4), z = xW with x a row vector, would give the column sums (4, 6) instead.
  bachprop::Dense<double> layer(2, 2, bachprop::Init::zeros);
  layer.weights().value << 1, 2,
                           3, 4;
  bachprop::Vector<double> x(2);
  x << 1, 1;
  const Matrix<double> z = layer.forward(x);
  CHECK(z(0, 0) == 3.0);  // the library follows sections 2.5 and 4
  CHECK(z(1, 0) == 7.0);
}

TEST_CASE("the paper's slip in equation (24): its left side is ∂z_k/∂w_kj",
          "[backprop][derivation]") {
  // Perturb w_kj (neuron k = 0, input j = 1) and watch both weighted inputs.
  bachprop::Dense<double> layer(2, 2, bachprop::Init::zeros);
  layer.weights().value << 0.5, -0.3,
                           0.8, 0.2;
  bachprop::Vector<double> a(2);
  a << 0.7, 0.4;
  const Matrix<double> z = layer.forward(a);
  const double step = 1e-6;
  layer.weights().value(0, 1) += step;
  const Matrix<double> z_moved = layer.forward(a);
  const double dzk_dwkj = (z_moved(0, 0) - z(0, 0)) / step;  // ∂z_0/∂w_01
  const double dzj_dwkj = (z_moved(1, 0) - z(1, 0)) / step;  // ∂z_1/∂w_01, as (24) writes it
  CHECK(dzk_dwkj == Approx(0.4).epsilon(1e-8));               // = a_j: what (22) needs
  CHECK(dzj_dwkj == 0.0);                                      // not a_j: the printed form
}

TEST_CASE("Dense agrees with torch.nn.functional.linear", "[torch]") {
  const json& c = reference().at("dense");
  Dense<double> layer(4, 3, bachprop::Init::zeros);
  layer.weights().value = matrix(c["weights"]);
  layer.biases().value = matrix(c["biases"]);
  require_close(layer.forward(matrix(c["input"])), c["output"], "output");
  require_close(layer.backward(matrix(c["output_gradient"])), c["input_gradient"], "input grad");
  require_close(layer.weights().gradient, c["weights_gradient"], "weights grad");
  require_close(layer.biases().gradient, c["biases_gradient"], "biases grad");
}

// Tests of bachprop/layers/activation.hpp, the base every element-wise activation shares, through
// each activation (sigmoid, tanh, ReLU, softmax): gradients, repeated backward, any number of
// features, and agreement with PyTorch.

#include "helpers.hpp"
#include "torch_reference.hpp"

#include <bachprop/layers/activation.hpp>
#include <bachprop/layers/relu.hpp>
#include <bachprop/layers/sigmoid.hpp>
#include <bachprop/layers/softmax.hpp>
#include <bachprop/layers/tanh.hpp>

using bachprop::Matrix;
using torch_reference::check_activation;

TEMPLATE_TEST_CASE("activation gradients match central differences", "[activation][gradient]",
                   bachprop::Sigmoid<double>, bachprop::Tanh<double>, bachprop::ReLU<double>,
                   bachprop::Softmax<double>) {
  TestType layer;
  // Inputs away from ReLU's kink at 0, so that central differences are exact enough there.
  Matrix<double> input = test::random_matrix(6, 5, 21);
  input = (input.array().abs() < 0.01).select(0.5, input);
  test::require_gradients_match(bachprop::check_layer_gradients(layer, input));
}

TEMPLATE_TEST_CASE("activation backward twice gives the same result", "[activation]",
                   bachprop::Sigmoid<double>, bachprop::Tanh<double>, bachprop::ReLU<double>,
                   bachprop::Softmax<double>) {
  TestType layer;
  layer.forward(test::random_matrix(4, 3, 1));
  const Matrix<double> g = test::random_matrix(4, 3, 2);
  const Matrix<double> first = layer.backward(g);
  CHECK(layer.backward(g) == first);
  CHECK_THROWS_AS(layer.backward(Matrix<double>::Zero(4, 2)), bachprop::ShapeError);
}

TEST_CASE("activation layers take any number of features", "[activation]") {
  bachprop::Sigmoid<float> layer;
  CHECK(layer.input_size() == bachprop::any_size);
  CHECK(layer.forward(Matrix<float>::Zero(7, 2)).rows() == 7);
  CHECK(layer.forward(Matrix<float>::Zero(3, 1)).rows() == 3);
}

TEST_CASE("activations agree with PyTorch", "[torch]") {
  check_activation<bachprop::Sigmoid<double>>("sigmoid");
  check_activation<bachprop::Tanh<double>>("tanh");
  check_activation<bachprop::ReLU<double>>("relu");
  check_activation<bachprop::Softmax<double>>("softmax");
}

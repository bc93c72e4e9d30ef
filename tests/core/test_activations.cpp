// Tests of layers/sigmoid.hpp, tanh.hpp, relu.hpp, softmax.hpp and their shared base.

#include "helpers.hpp"

#include <bachprop/layers/relu.hpp>
#include <bachprop/layers/sigmoid.hpp>
#include <bachprop/layers/softmax.hpp>
#include <bachprop/layers/tanh.hpp>

#include <cmath>

using bachprop::Matrix;

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

TEST_CASE("sigmoid, tanh and relu give the values worked out to 17 digits", "[activation]") {
  // σ(z), tanh(z) and σ'(z) = e^{−z}/(1 + e^{−z})² computed to 30 digits (mpmath), rounded.
  Matrix<double> z(1, 5);
  z << -2, -0.5, 0, 0.5, 3;
  const double sigmoid_values[5] = {0.11920292202211756, 0.37754066879814544, 0.5,
                                    0.62245933120185456, 0.95257412682243322};
  const double tanh_values[5] = {-0.96402758007581688, -0.46211715726000976, 0.0,
                                 0.46211715726000976, 0.99505475368673045};
  const double sigmoid_derivatives[5] = {0.10499358540350652, 0.23500371220159449, 0.25,
                                         0.23500371220159449, 0.045176659730912133};
  const double relu_values[5] = {0, 0, 0, 0.5, 3};
  bachprop::Sigmoid<double> sigmoid;
  bachprop::Tanh<double> tanh_layer;
  bachprop::ReLU<double> relu;
  const Matrix<double> s = sigmoid.forward(z);
  const Matrix<double> t = tanh_layer.forward(z);
  const Matrix<double> r = relu.forward(z);
  // σ' = σ(1 − σ): the backward of a gradient of ones is σ' itself (section 4.2.1).
  const Matrix<double> derivative = sigmoid.backward(Matrix<double>::Ones(1, 5));
  for (int j = 0; j < 5; ++j) {
    CHECK(s(0, j) == Approx(sigmoid_values[j]).epsilon(1e-15));
    CHECK(t(0, j) == Approx(tanh_values[j]).epsilon(1e-15).margin(1e-300));
    CHECK(r(0, j) == relu_values[j]);
    CHECK(derivative(0, j) == Approx(sigmoid_derivatives[j]).epsilon(1e-14));
  }
  // Saturated far out, never NaN: σ(±800) is 0 and 1, its derivative 0.
  Matrix<double> far(1, 2);
  far << -800, 800;
  const Matrix<double> saturated = sigmoid.forward(far);
  CHECK(saturated(0, 0) == 0.0);
  CHECK(saturated(0, 1) == 1.0);
  CHECK(sigmoid.backward(Matrix<double>::Ones(1, 2)).isZero());
}

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

TEST_CASE("activation layers take any number of features", "[activation]") {
  bachprop::Sigmoid<float> layer;
  CHECK(layer.input_size() == bachprop::any_size);
  CHECK(layer.forward(Matrix<float>::Zero(7, 2)).rows() == 7);
  CHECK(layer.forward(Matrix<float>::Zero(3, 1)).rows() == 3);
}

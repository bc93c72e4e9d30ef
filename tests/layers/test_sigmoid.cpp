// Tests of bachprop/layers/sigmoid.hpp: σ and σ' = σ(1 − σ) to 17 digits, saturation without
// NaN; tanh and ReLU on the same inputs beside it.

#include "helpers.hpp"

#include <bachprop/layers/relu.hpp>
#include <bachprop/layers/sigmoid.hpp>
#include <bachprop/layers/tanh.hpp>

using bachprop::Matrix;

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

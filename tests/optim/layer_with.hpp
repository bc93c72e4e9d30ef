#pragma once
// A single Dense layer whose values and gradients a test sets by hand, for the optimisers' tests.

#include <bachprop/core/init.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/layers/dense.hpp>

namespace test {

using bachprop::Dense;
using bachprop::Init;
using bachprop::Matrix;

inline Dense<double> layer_with(const Matrix<double>& w, const Matrix<double>& b,
                                const Matrix<double>& gw, const Matrix<double>& gb) {
  Dense<double> layer(w.cols(), w.rows(), Init::zeros);
  layer.weights().value = w;
  layer.biases().value = b;
  layer.weights().gradient = gw;
  layer.biases().gradient = gb;
  return layer;
}

}  // namespace test

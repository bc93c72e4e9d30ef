#pragma once
// Every layer, loss and optimiser is compared with PyTorch on identical numbers (double
// precision). The reference values were computed by fixtures/make_torch_reference.py (Debian
// python3-torch) and committed, so the tests need no Python. Shared by the tests of
// layers/dense.hpp, the activations, rnn.hpp, the losses, the optimisers and core/network.hpp.

#include "helpers.hpp"

#include <bachprop/io/file.hpp>
#include <bachprop/neural.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>

namespace torch_reference {

using namespace bachprop;
using nlohmann::json;

inline const json& reference() {
  static const json document =
      json::parse(read_file(std::string(BACHPROP_FIXTURE_DIR) + "/torch_reference.json"));
  return document;
}

inline Matrix<double> matrix(const json& rows) {
  Matrix<double> m(static_cast<Index>(rows.size()), static_cast<Index>(rows.at(0).size()));
  for (Index r = 0; r < m.rows(); ++r) {
    for (Index c = 0; c < m.cols(); ++c) {
      m(r, c) = rows.at(static_cast<std::size_t>(r)).at(static_cast<std::size_t>(c)).get<double>();
    }
  }
  return m;
}

// Agreement to 1e-12 relative (both sides compute in double, in different orders).
inline void require_close(const Matrix<double>& ours, const json& theirs, const char* what) {
  const Matrix<double> expected = matrix(theirs);
  INFO(what << "\nbachprop:\n" << ours << "\nPyTorch:\n" << expected);
  REQUIRE(ours.rows() == expected.rows());
  REQUIRE(ours.cols() == expected.cols());
  CHECK((ours - expected).norm() <= 1e-12 * std::max(1.0, expected.norm()));
  CHECK(expected.norm() > 0);
}

template <class Activation>
void check_activation(const char* name) {
  const json& c = reference().at(name);
  Activation layer;
  require_close(layer.forward(matrix(c["input"])), c["output"], name);
  require_close(layer.backward(matrix(c["output_gradient"])), c["input_gradient"], name);
}

template <class Optimiser>
void check_optimiser(const char* name, Optimiser optimiser) {
  const json& c = reference().at(name);
  Dense<double> layer(2, 3, Init::zeros);
  layer.weights().value = matrix(c["weights"]);
  layer.biases().value = matrix(c["biases"]);
  for (std::size_t step = 0; step < c["gradients"].size(); ++step) {
    layer.weights().gradient = matrix(c["gradients"][step][0]);
    layer.biases().gradient = matrix(c["gradients"][step][1]);
    optimiser.step(layer);
    INFO(name << " step " << step + 1);
    require_close(layer.weights().value, c["after"][step][0], "weights");
    require_close(layer.biases().value, c["after"][step][1], "biases");
  }
}

}  // namespace torch_reference

// Every layer, loss and optimiser against PyTorch on identical numbers (double precision).
// The reference values were computed by fixtures/make_torch_reference.py (Debian python3-torch)
// and committed; this test needs no Python.

#include "helpers.hpp"

#include <bachprop/bachprop.hpp>

#include <nlohmann/json.hpp>

using namespace bachprop;
using nlohmann::json;

namespace {

const json& reference() {
  static const json document =
      json::parse(read_file(std::string(BACHPROP_FIXTURE_DIR) + "/torch_reference.json"));
  return document;
}

Matrix<double> matrix(const json& rows) {
  Matrix<double> m(static_cast<Index>(rows.size()), static_cast<Index>(rows.at(0).size()));
  for (Index r = 0; r < m.rows(); ++r) {
    for (Index c = 0; c < m.cols(); ++c) {
      m(r, c) = rows.at(static_cast<std::size_t>(r)).at(static_cast<std::size_t>(c)).get<double>();
    }
  }
  return m;
}

// Agreement to 1e-12 relative (both sides compute in double, in different orders).
void require_close(const Matrix<double>& ours, const json& theirs, const char* what) {
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

}  // namespace

TEST_CASE("Dense agrees with torch.nn.functional.linear", "[torch]") {
  const json& c = reference().at("dense");
  Dense<double> layer(4, 3, Init::zeros);
  layer.weights().value = matrix(c["weights"]);
  layer.biases().value = matrix(c["biases"]);
  require_close(layer.forward(matrix(c["input"])), c["output"], "output");
  require_close(layer.backward(matrix(c["output_gradient"])), c["input_gradient"], "input grad");
  require_close(layer.weights().gradient, c["weights_gradient"], "weights grad");
  require_close(layer.biases().gradient, c["biases_gradient"], "biases grad");
}

TEST_CASE("activations agree with PyTorch", "[torch]") {
  check_activation<Sigmoid<double>>("sigmoid");
  check_activation<Tanh<double>>("tanh");
  check_activation<ReLU<double>>("relu");
  check_activation<Softmax<double>>("softmax");
}

TEST_CASE("losses agree with PyTorch", "[torch]") {
  {
    const json& c = reference().at("quadratic");
    const Matrix<double> a = matrix(c["output"]);
    const Matrix<double> y = matrix(c["target"]);
    CHECK(Quadratic<double>().value(a, y) == Approx(c["value"].get<double>()).epsilon(1e-13));
    Matrix<double> g;
    Quadratic<double>().gradient(a, y, g);
    require_close(g, c["gradient"], "quadratic gradient");
  }
  // The paired losses through a one-layer network, so the pairing itself is what is compared.
  {
    const json& c = reference().at("cross_entropy");
    const Matrix<double> z = matrix(c["logits"]);
    const Matrix<double> y = matrix(c["target"]);
    Network net{Softmax<double>()};
    CHECK(net.compute_gradients(z, y, CrossEntropy<double>(), true) ==
          Approx(c["value"].get<double>()).epsilon(1e-13));
    require_close(net.input_gradient(), c["logits_gradient"], "cross-entropy ∂C/∂z");
  }
  {
    const json& c = reference().at("binary_cross_entropy");
    const Matrix<double> z = matrix(c["logits"]);
    const Matrix<double> y = matrix(c["target"]);
    Network net{Sigmoid<double>()};
    CHECK(net.compute_gradients(z, y, BinaryCrossEntropy<double>(), true) ==
          Approx(c["value"].get<double>()).epsilon(1e-13));
    require_close(net.input_gradient(), c["logits_gradient"], "binary cross-entropy ∂C/∂z");
  }
}

TEST_CASE("a whole network's gradients agree with PyTorch's autograd", "[torch]") {
  const json& c = reference().at("network");
  Network net{Dense<double>(4, 6), Tanh<double>(), Dense<double>(6, 5), Sigmoid<double>(),
              Dense<double>(5, 3), Softmax<double>()};
  std::size_t i = 0;
  net.for_each_parameter([&](Parameter<double>& p) { p.value = matrix(c["parameters"][i++]); });
  const double value =
      net.compute_gradients(matrix(c["input"]), matrix(c["target"]), CrossEntropy<double>());
  CHECK(value == Approx(c["value"].get<double>()).epsilon(1e-13));
  i = 0;
  net.for_each_parameter([&](const Parameter<double>& p) {
    require_close(p.gradient, c["gradients"][i++], p.name.c_str());
  });
}

TEST_CASE("optimisers agree with torch.optim step by step", "[torch]") {
  check_optimiser("sgd", Sgd<double>(0.3));
  check_optimiser("sgd_momentum", Sgd<double>({.learning_rate = 0.3, .momentum = 0.9}));
  check_optimiser("sgd_weight_decay", Sgd<double>({.learning_rate = 0.3, .weight_decay = 0.05}));
  check_optimiser("sgd_momentum_weight_decay",
                  Sgd<double>({.learning_rate = 0.1, .momentum = 0.9, .weight_decay = 0.5}));
  check_optimiser("adam", Adam<double>(0.01));
  check_optimiser("adam_weight_decay",
                  Adam<double>({.learning_rate = 0.01, .beta1 = 0.8, .beta2 = 0.99,
                                .epsilon = 1e-6, .weight_decay = 0.1}));
}

TEST_CASE("the simple RNN agrees with torch.nn.RNN through time", "[torch][rnn]") {
  const json& c = reference().at("rnn");
  Rnn<double> rnn(4, 6);
  rnn.set_steps(c["steps"].get<Index>());
  rnn.input_weights().value = matrix(c["input_weights"]);
  rnn.recurrent_weights().value = matrix(c["recurrent_weights"]);
  rnn.biases().value = matrix(c["biases"]);
  require_close(rnn.forward(matrix(c["input"])), c["output"], "hidden states");
  require_close(rnn.backward(matrix(c["output_gradient"])), c["input_gradient"], "input grad");
  require_close(rnn.input_weights().gradient, c["input_weights_gradient"], "W_xh grad");
  require_close(rnn.recurrent_weights().gradient, c["recurrent_weights_gradient"], "W_hh grad");
  require_close(rnn.biases().gradient, c["biases_gradient"], "b grad");
}

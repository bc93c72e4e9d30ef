// Tests of core/network.hpp: composition, shape checks, whole-network gradients, pairing.

#include "helpers.hpp"

#include <bachprop/bachprop.hpp>

using namespace bachprop;

TEST_CASE("a network reports a shape mismatch naming both layers", "[network][errors]") {
  CHECK_THROWS_WITH((Network{Dense(784, 20), Sigmoid(), Dense(30, 10), Sigmoid()}),
                    Catch::Contains("layer 2 (dense 30→10) expects 30 inputs") &&
                        Catch::Contains("layer 0 (dense 784→20) gives 20"));
  CHECK_NOTHROW(Network{Sigmoid(), Dense(3, 2), Tanh(), Dense(2, 4), Softmax()});
}

TEST_CASE("a network knows its sizes and parameter count", "[network]") {
  Network net{Dense(784, 30), Sigmoid(), Dense(30, 10), Sigmoid()};
  CHECK(net.input_size() == 784);
  CHECK(net.output_size() == 10);
  CHECK(net.parameter_count() == 784 * 30 + 30 + 30 * 10 + 10);
  CHECK(decltype(net)::depth == 4);
  CHECK(net.forward(Matrix<float>::Zero(784, 3)).rows() == 10);
}

TEST_CASE("network gradients match central differences for each loss pairing",
          "[network][gradient]") {
  const Matrix<double> x = test::random_matrix(4, 5, 1);
  SECTION("sigmoid output, quadratic cost (the paper's network)") {
    Network net{Dense<double>(4, 6), Sigmoid<double>(), Dense<double>(6, 3), Sigmoid<double>()};
    net.initialise(2);
    test::require_gradients_match(
        check_network_gradients(net, Quadratic<double>(), x, test::random_probabilities(3, 5, 3)));
  }
  SECTION("softmax output paired with cross-entropy") {
    Network net{Dense<double>(4, 5), Tanh<double>(), Dense<double>(5, 3), Softmax<double>()};
    net.initialise(4);
    test::require_gradients_match(check_network_gradients(net, CrossEntropy<double>(), x,
                                                          test::random_distributions(3, 5, 5)));
  }
  SECTION("sigmoid output paired with binary cross-entropy") {
    Network net{Dense<double>(4, 5, Init::he), ReLU<double>(), Dense<double>(5, 2),
                Sigmoid<double>()};
    net.initialise(6);
    test::require_gradients_match(check_network_gradients(
        net, BinaryCrossEntropy<double>(), x, test::random_probabilities(2, 5, 7)));
  }
  SECTION("softmax output with the quadratic cost (no pairing: the Jacobian product)") {
    Network net{Dense<double>(4, 3), Softmax<double>()};
    net.initialise(8);
    test::require_gradients_match(
        check_network_gradients(net, Quadratic<double>(), x, test::random_distributions(3, 5, 9)));
  }
  SECTION("a deeper network of every layer") {
    Network net{Dense<double>(4, 8), Tanh<double>(), Dense<double>(8, 6), Sigmoid<double>(),
                Dense<double>(6, 5), ReLU<double>(), Dense<double>(5, 3), Softmax<double>()};
    net.initialise(10);
    test::require_gradients_match(check_network_gradients(net, CrossEntropy<double>(), x,
                                                          test::random_distributions(3, 5, 11)));
  }
}

TEST_CASE("the paired output error equals the chained one", "[network][pairing]") {
  // With pairing the network skips the softmax's backward; both routes give the same gradients.
  Network paired{Dense<double>(4, 3), Softmax<double>()};
  paired.initialise(12);
  const Matrix<double> x = test::random_matrix(4, 6, 13);
  const Matrix<double> y = test::random_distributions(3, 6, 14);
  paired.compute_gradients(x, y, CrossEntropy<double>());
  // The unpaired route: the loss's ∂C/∂a through the softmax's Jacobian, by hand.
  Dense<double> dense = paired.layer<0>();
  Softmax<double> softmax;
  const Matrix<double> a = softmax.forward(dense.forward(x));
  Matrix<double> dc_da;
  CrossEntropy<double>().gradient(a, y, dc_da);
  dense.backward(softmax.backward(dc_da));
  CHECK(paired.layer<0>().weights().gradient.isApprox(dense.weights().gradient, 1e-12));
  CHECK(paired.layer<0>().biases().gradient.isApprox(dense.biases().gradient, 1e-12));
}

TEST_CASE("compute_gradients twice gives the same gradients; skipping ∂C/∂input changes none",
          "[network]") {
  Network net{Dense<double>(3, 4), Sigmoid<double>(), Dense<double>(4, 2), Sigmoid<double>()};
  net.initialise(15);
  const Matrix<double> x = test::random_matrix(3, 4, 16);
  const Matrix<double> y = test::random_probabilities(2, 4, 17);
  net.compute_gradients(x, y, Quadratic<double>(), true);
  std::vector<Matrix<double>> first;
  net.for_each_parameter([&](const Parameter<double>& p) { first.push_back(p.gradient); });
  net.compute_gradients(x, y, Quadratic<double>(), false);
  std::size_t i = 0;
  net.for_each_parameter([&](const Parameter<double>& p) { CHECK(p.gradient == first[i++]); });
  CHECK(net.input_gradient().rows() == 3);
}

TEST_CASE("backward through the whole network returns ∂C/∂input", "[network]") {
  Network net{Dense<double>(3, 2), Tanh<double>()};
  net.initialise(18);
  const Matrix<double> x = test::random_matrix(3, 2, 19);
  net.forward(x);
  const Matrix<double> g = test::random_matrix(2, 2, 20);
  const Matrix<double> through_network = net.backward(g);
  Dense<double> dense = net.layer<0>();
  Tanh<double> tanh_layer;
  tanh_layer.forward(dense.forward(x));
  CHECK(through_network.isApprox(dense.backward(tanh_layer.backward(g))));
}

TEST_CASE("initialise draws the same weights for the same seed", "[network][random]") {
  Network a{Dense(5, 4), Sigmoid(), Dense(4, 2), Sigmoid()};
  Network b = a;
  a.initialise(99);
  b.initialise(99);
  CHECK(a.layer<0>().weights().value == b.layer<0>().weights().value);
  CHECK(a.layer<2>().biases().value == b.layer<2>().biases().value);
  b.initialise(100);
  CHECK(a.layer<0>().weights().value != b.layer<0>().weights().value);
}

TEST_CASE("layers built without a seed start different, seeded or set layers keep theirs",
          "[network][random]") {
  // Built without seeds, the two Dense layers would both hold seed 0's draw: twin neurons that
  // gradient descent updates alike and can never tell apart.
  Network net{Dense<double>(4, 4), Sigmoid<double>(), Dense<double>(4, 4), Sigmoid<double>()};
  CHECK(net.layer<0>().weights().value != net.layer<2>().weights().value);
  CHECK(net.layer<0>().biases().value != net.layer<2>().biases().value);
  Network same{Dense<double>(4, 4), Sigmoid<double>(), Dense<double>(4, 4), Sigmoid<double>()};
  same.initialise(0);  // unseeded layers draw as initialise(0) does: still deterministic
  CHECK(same.layer<0>().weights().value == net.layer<0>().weights().value);
  CHECK(same.layer<2>().weights().value == net.layer<2>().weights().value);

  Network recurrent{Rnn<double>(3, 3), Rnn<double>(3, 3)};
  CHECK(recurrent.layer<0>().input_weights().value !=
        recurrent.layer<1>().input_weights().value);
  CHECK(recurrent.layer<0>().recurrent_weights().value !=
        recurrent.layer<1>().recurrent_weights().value);

  // A layer given a seed, or whose values were set, keeps its weights in a network.
  const Dense<double> seeded(4, 4, Init::nielsen, 7);
  Dense<double> set(4, 4);
  set.weights().value = Matrix<double>::Constant(4, 4, 0.5);
  Network kept{seeded, Sigmoid<double>(), set, Sigmoid<double>()};
  CHECK(kept.layer<0>().weights().value == seeded.weights().value);
  CHECK(kept.layer<2>().weights().value == Matrix<double>::Constant(4, 4, 0.5));
}

// Tests of bachprop/core/network.hpp: composition, shape checks, whole-network gradients and their
// pairing with the loss, what forward keeps of its batch, the step() of recurrent networks,
// agreement with PyTorch's autograd, and the four fundamental equations against numbers worked
// out by hand.
//
// The four fundamental equations on a 2-2-1 sigmoid network with the quadratic cost, against
// numbers worked out by hand (a calculator and the equations, nothing else):
//
//   x = (1, 0.5), y = 1
//   W¹ = [0.1 0.2; 0.3 0.4], b¹ = (0.1, 0.2), W² = [0.5 0.6], b² = 0.3
//
//   (3)  z¹ = W¹x + b¹          = (0.3, 0.7)
//   (5)  a¹ = σ(z¹)             = (0.574442516811659, 0.668187772168166)
//   (3)  z² = W²a¹ + b²         = 0.988133921706729
//   (5)  a² = σ(z²)             = 0.728719179417122
//   (7)  C  = ½(1 − a²)²        = 0.036796641808060
//   (16) δ² = (a² − y) σ'(z²)   = (a² − 1) a²(1 − a²) = −0.053628837247350
//   (17) δ¹_j = σ'(z¹_j) w²_j δ² = (−0.006555007505713, −0.007134122158487)
//   (20) ∂C/∂b = δ;  (22) ∂C/∂w_kj = δ_k a_j: ∂C/∂W² = δ² a¹ᵀ = (−0.030806684242051,
//        −0.035834133284276), ∂C/∂W¹ = δ¹ xᵀ = [−0.006555007505713 −0.003277503752856;
//        −0.007134122158487 −0.003567061079244]

#include "helpers.hpp"
#include "torch_reference.hpp"

#include <bachprop/neural.hpp>
#include <bachprop/core/network.hpp>

using namespace bachprop;
using nlohmann::json;
using test::normal;
using torch_reference::matrix;
using torch_reference::reference;
using torch_reference::require_close;

namespace {

auto hand_network() {
  bachprop::Network net{
      bachprop::Dense<double>(2, 2, bachprop::Init::zeros), bachprop::Sigmoid<double>(),
      bachprop::Dense<double>(2, 1, bachprop::Init::zeros), bachprop::Sigmoid<double>()};
  net.layer<0>().weights().value << 0.1, 0.2,
                                    0.3, 0.4;
  net.layer<0>().biases().value << 0.1, 0.2;
  net.layer<2>().weights().value << 0.5, 0.6;
  net.layer<2>().biases().value << 0.3;
  return net;
}

}  // namespace

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

TEST_CASE("feed forward gives the hand-computed activations", "[backprop][hand]") {
  auto net = hand_network();
  Matrix<double> x(2, 1);
  x << 1, 0.5;
  const Matrix<double> a2 = net.forward(x);
  CHECK(net.layer<0>().forward(x)(0, 0) == Approx(0.3).epsilon(1e-14));
  CHECK(net.layer<1>().last_output()(0, 0) == Approx(0.574442516811659).epsilon(1e-13));
  CHECK(net.layer<1>().last_output()(1, 0) == Approx(0.668187772168166).epsilon(1e-13));
  CHECK(net.layer<3>().last_input()(0, 0) == Approx(0.988133921706729).epsilon(1e-13));
  CHECK(a2(0, 0) == Approx(0.728719179417122).epsilon(1e-13));
}

TEST_CASE("the four fundamental equations give the hand-computed gradients", "[backprop][hand]") {
  auto net = hand_network();
  Matrix<double> x(2, 1);
  x << 1, 0.5;
  Matrix<double> y(1, 1);
  y << 1;
  const double cost = net.compute_gradients(x, y, bachprop::Quadratic<double>());
  CHECK(cost == Approx(0.036796641808060).epsilon(1e-12));
  // (20) ∂C/∂b² = δ²
  CHECK(net.layer<2>().biases().gradient(0, 0) == Approx(-0.053628837247350).epsilon(1e-12));
  // (22) ∂C/∂W² = δ² a¹ᵀ
  CHECK(net.layer<2>().weights().gradient(0, 0) == Approx(-0.030806684242051).epsilon(1e-12));
  CHECK(net.layer<2>().weights().gradient(0, 1) == Approx(-0.035834133284276).epsilon(1e-12));
  // (17) then (20): ∂C/∂b¹ = δ¹
  CHECK(net.layer<0>().biases().gradient(0, 0) == Approx(-0.006555007505713).epsilon(1e-12));
  CHECK(net.layer<0>().biases().gradient(1, 0) == Approx(-0.007134122158487).epsilon(1e-12));
  // (22) ∂C/∂W¹ = δ¹ xᵀ
  Matrix<double> expected(2, 2);
  expected << -0.006555007505713, -0.003277503752856,
              -0.007134122158487, -0.003567061079244;
  CHECK(net.layer<0>().weights().gradient.isApprox(expected, 1e-12));
}

TEST_CASE("the matrix form equals the equations written out index by index",
          "[backprop][hand]") {
  // A 3-4-2 network on a batch of 3: the library's matrix products against loops that follow
  // equations (3), (5), (16), (17), (20) and (22) literally, then the mean of section 4.3.
  bachprop::Network net{
      bachprop::Dense<double>(3, 4, bachprop::Init::nielsen), bachprop::Sigmoid<double>(),
      bachprop::Dense<double>(4, 2, bachprop::Init::nielsen), bachprop::Sigmoid<double>()};
  net.initialise(5);
  const Matrix<double> x = test::random_matrix(3, 3, 6);
  const Matrix<double> y = test::random_probabilities(2, 3, 7);
  net.compute_gradients(x, y, bachprop::Quadratic<double>());

  const Matrix<double>& w1 = net.layer<0>().weights().value;
  const Matrix<double>& b1 = net.layer<0>().biases().value;
  const Matrix<double>& w2 = net.layer<2>().weights().value;
  const Matrix<double>& b2 = net.layer<2>().biases().value;
  auto sigma = [](double z) { return 1.0 / (1.0 + std::exp(-z)); };
  Matrix<double> dw1 = Matrix<double>::Zero(4, 3);
  Matrix<double> db1 = Matrix<double>::Zero(4, 1);
  Matrix<double> dw2 = Matrix<double>::Zero(2, 4);
  Matrix<double> db2 = Matrix<double>::Zero(2, 1);
  const int m = 3;
  for (int sample = 0; sample < m; ++sample) {
    double z1[4];
    double a1[4];
    for (int j = 0; j < 4; ++j) {  // (3) z_j = Σ_k w_jk x_k + b_j; (5) a_j = σ(z_j)
      z1[j] = b1(j, 0);
      for (int k = 0; k < 3; ++k) {
        z1[j] += w1(j, k) * x(k, sample);
      }
      a1[j] = sigma(z1[j]);
    }
    double a2[2];
    double delta2[2];
    for (int j = 0; j < 2; ++j) {
      double z2 = b2(j, 0);
      for (int k = 0; k < 4; ++k) {
        z2 += w2(j, k) * a1[k];
      }
      a2[j] = sigma(z2);
      delta2[j] = (a2[j] - y(j, sample)) * a2[j] * (1 - a2[j]);  // (16)
    }
    for (int j = 0; j < 4; ++j) {
      double sum = 0;  // (17) δ¹_j = σ'(z¹_j) Σ_k w²_kj δ²_k
      for (int k = 0; k < 2; ++k) {
        sum += w2(k, j) * delta2[k];
      }
      const double delta1 = a1[j] * (1 - a1[j]) * sum;
      db1(j, 0) += delta1 / m;  // (20), averaged (4.3)
      for (int k = 0; k < 3; ++k) {
        dw1(j, k) += delta1 * x(k, sample) / m;  // (22)
      }
    }
    for (int j = 0; j < 2; ++j) {
      db2(j, 0) += delta2[j] / m;
      for (int k = 0; k < 4; ++k) {
        dw2(j, k) += delta2[j] * a1[k] / m;
      }
    }
  }
  CHECK(net.layer<0>().weights().gradient.isApprox(dw1, 1e-13));
  CHECK(net.layer<0>().biases().gradient.isApprox(db1, 1e-13));
  CHECK(net.layer<2>().weights().gradient.isApprox(dw2, 1e-13));
  CHECK(net.layer<2>().biases().gradient.isApprox(db2, 1e-13));
}

TEST_CASE("equation (12): ΔC ≈ ∇C · Δv for a small step", "[backprop][derivation]") {
  bachprop::Network net{bachprop::Dense<double>(3, 4), bachprop::Sigmoid<double>(),
                        bachprop::Dense<double>(4, 2), bachprop::Sigmoid<double>()};
  net.initialise(21);
  const Matrix<double> x = test::random_matrix(3, 5, 22);
  const Matrix<double> y = test::random_probabilities(2, 5, 23);
  const double before = net.compute_gradients(x, y, bachprop::Quadratic<double>());
  // Step along Δv = −η∇C (section 3.5): (12) predicts ΔC ≈ ∇C·Δv = −η‖∇C‖² < 0.
  const double eta = 1e-3;
  double predicted = 0;
  net.for_each_parameter([&](bachprop::Parameter<double>& p) {
    const Matrix<double> dv = -eta * p.gradient;
    predicted += p.gradient.cwiseProduct(dv).sum();
    p.value += dv;
  });
  const double after = net.loss(x, y, bachprop::Quadratic<double>());
  CHECK(predicted < -1e-7);
  CHECK((after - before) == Approx(predicted).epsilon(1e-2));
}

TEST_CASE("Network::forward keeps its own copy of the batch, so backward outlives it",
          "[hot][borrow]") {
  Network net{Dense<double>(4, 3), Tanh<double>(), Dense<double>(3, 2)};
  net.initialise(8);
  Network reference = net;
  const Matrix<double> g = normal(2, 6, 9);
  net.forward(normal(4, 6, 10));  // a temporary, gone before backward
  const Matrix<double> through_net = net.backward(g);
  const Matrix<double> x = normal(4, 6, 10);
  reference.forward(x);
  CHECK(through_net == reference.backward(g));
  CHECK(net.layer<0>().weights().gradient == reference.layer<0>().weights().gradient);
  CHECK(net.layer<2>().weights().gradient == reference.layer<2>().weights().gradient);
}

TEST_CASE("compute_gradients with borrowing layers gives the gradients of copying layers",
          "[hot][borrow]") {
  // The same network evaluated through compute_gradients (every layer borrows) and layer by
  // layer with forward (every layer copies).
  Network net{Dense<double>(6, 5), Sigmoid<double>(), Dense<double>(5, 3), Softmax<double>()};
  net.initialise(11);
  const Matrix<double> x = normal(6, 7, 12);
  const Matrix<double> y = test::one_hot_matrix<double>(3, 7, 13);
  net.compute_gradients(x, y, CrossEntropy<double>(), true);

  Dense<double> first = net.layer<0>();
  Sigmoid<double> sigmoid;
  Dense<double> second = net.layer<2>();
  Softmax<double> softmax;
  const Matrix<double> a = softmax.forward(second.forward(sigmoid.forward(first.forward(x))));
  const Matrix<double> delta = (a - y) / 7.0;  // the paired output error
  const Matrix<double> input_gradient = first.backward(sigmoid.backward(second.backward(delta)));
  CHECK(net.input_gradient().isApprox(input_gradient, 1e-14));
  CHECK(net.layer<0>().weights().gradient.isApprox(first.weights().gradient, 1e-14));
  CHECK(net.layer<2>().weights().gradient.isApprox(second.weights().gradient, 1e-14));
}

TEST_CASE("the network's step() matches its forward on a sequence", "[rnn][network]") {
  Network net{Rnn(4, 8), Dense(8, 4), Softmax()};
  net.initialise(17);
  net.set_steps(5);
  const Matrix<float> x = test::random_matrix(4, 5, 18).cast<float>();
  const Matrix<float> all = net.forward(x);
  net.reset_state(1);
  for (Index t = 0; t < 5; ++t) {
    CHECK(net.step(x.col(t)).isApprox(all.col(t), 1e-5F));
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

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

#include <bachprop/core/network.hpp>
#include <bachprop/layers/dense.hpp>
#include <bachprop/layers/sigmoid.hpp>
#include <bachprop/loss/quadratic.hpp>

using bachprop::Matrix;

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

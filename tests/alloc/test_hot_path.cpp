// The shortcuts the fast path takes give the results of the plain path: layers that borrow
// their input instead of copying it (and the lifetime rule of core/layer.hpp), and the RNN's
// column gather for one-hot inputs.

#include "steady_state.hpp"

#include <bachprop/bachprop.hpp>

#include <catch2/catch.hpp>

using namespace bachprop;

namespace {

Matrix<double> normal(Index rows, Index cols, std::uint64_t seed) {
  return alloc_test::normal_matrix<double>(rows, cols, seed);
}

}  // namespace

TEST_CASE("forward_borrowing gives what forward gives, without keeping a copy", "[hot][borrow]") {
  Dense<double> copying(5, 3, Init::xavier, 1);
  Dense<double> borrowing = copying;
  const Matrix<double> x = normal(5, 4, 2);
  const Matrix<double> g = normal(3, 4, 3);
  CHECK(copying.forward(x) == borrowing.forward_borrowing(x));
  CHECK(copying.backward(g) == borrowing.backward(g));
  CHECK(copying.weights().gradient == borrowing.weights().gradient);

  Sigmoid<double> sigmoid_copying;
  Sigmoid<double> sigmoid_borrowing;
  CHECK(sigmoid_copying.forward(x) == sigmoid_borrowing.forward_borrowing(x));
  CHECK(&sigmoid_borrowing.last_input() == &x);  // a reference, not a copy
  CHECK(&sigmoid_copying.last_input() != &x);
  CHECK(sigmoid_copying.backward(normal(5, 4, 4)) == sigmoid_borrowing.backward(normal(5, 4, 4)));
}

TEST_CASE("a copied layer forgets a borrowed input but keeps a copied one", "[hot][borrow]") {
  const Matrix<double> x = normal(5, 4, 5);
  const Matrix<double> g = normal(3, 4, 6);
  Dense<double> borrowing(5, 3, Init::xavier, 7);
  borrowing.forward_borrowing(x);
  Dense<double> copy_of_borrowing = borrowing;  // might outlive x: must not point to it
  CHECK_THROWS_AS(copy_of_borrowing.backward(g), ArgumentError);

  Dense<double> copying(5, 3, Init::xavier, 7);
  copying.forward(x);
  Dense<double> copy_of_copying = copying;
  CHECK(copy_of_copying.backward(g) == copying.backward(g));
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
  const Matrix<double> y = alloc_test::one_hot_matrix<double>(3, 7, 13);
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

TEST_CASE("the RNN's one-hot shortcut computes equation (25) exactly", "[hot][rnn]") {
  const Index steps = 4;
  const Index batch = 3;
  Rnn<double> rnn(6, 5, {}, 14);
  rnn.set_steps(steps);
  rnn.biases().value = normal(5, 1, 15);
  Matrix<double> x = alloc_test::one_hot_matrix<double>(6, steps * batch, 16);
  x.col(4).setZero();  // a zero column (no note) is allowed in one-hot input
  const Matrix<double> h = rnn.forward(x);
  // (25) written out step by step with Eigen's products
  Matrix<double> previous = Matrix<double>::Zero(5, batch);
  for (Index t = 0; t < steps; ++t) {
    const Matrix<double> z = rnn.input_weights().value * x.middleCols(t * batch, batch) +
                             rnn.recurrent_weights().value * previous +
                             rnn.biases().value.replicate(1, batch);
    const Matrix<double> expected = z.array().tanh().matrix();
    CHECK(h.middleCols(t * batch, batch).isApprox(expected, 1e-14));
    previous = expected;
  }
}

TEST_CASE("the RNN's one-hot shortcut has the gradients of central differences", "[hot][rnn]") {
  const Index steps = 5;
  const Index batch = 2;
  Rnn<double> rnn(7, 6, {}, 17);
  rnn.set_steps(steps);
  rnn.biases().value = normal(6, 1, 18);
  // The analytic gradient takes the one-hot path; the numeric one perturbs the input, so it
  // runs the general product: both must agree.
  {
    const auto report =
        check_layer_gradients(rnn, alloc_test::one_hot_matrix<double>(7, steps * batch, 19));
    INFO(report.to_string());
    CHECK(report.worst_relative_error() < 1e-6);
    CHECK(report.smallest_gradient_norm() > 1e-3);
  }
  Network net{Rnn<double>(7, 6, {}, 20), Dense<double>(6, 7), Softmax<double>()};
  net.set_steps(steps);
  net.initialise(21);
  const auto report = check_network_gradients(
      net, CrossEntropy<double>(), alloc_test::one_hot_matrix<double>(7, steps * batch, 22),
      alloc_test::one_hot_matrix<double>(7, steps * batch, 23));
  INFO(report.to_string());
  CHECK(report.worst_relative_error() < 1e-6);
}

TEST_CASE("Network::step with a one-hot input equals the step with the general product",
          "[hot][rnn][step]") {
  Network net{Rnn<float>(8, 16), Dense<float>(16, 8), Softmax<float>()};
  net.initialise(24);
  Network general = net;
  net.reset_state(1);
  general.reset_state(1);
  Matrix<float> x = Matrix<float>::Zero(8, 1);
  for (Index s = 0; s < 10; ++s) {
    x.setZero();
    x(s % 8, 0) = 1.0F;
    Matrix<float> nearly = x;
    nearly((s + 1) % 8, 0) = 1e-30F;  // not one-hot: takes the general product
    const Matrix<float> p = net.step(x);
    const Matrix<float> q = general.step(nearly);
    CHECK(p.isApprox(q, 1e-6F));
  }
}

TEST_CASE("a layer fed its own output works on a copy of it", "[hot][borrow]") {
  // forward(x) copies x before writing its output, so x may be that very output.
  Dense<double> dense(4, 4, Init::xavier, 25);
  Dense<double> reference = dense;
  const Matrix<double> x = normal(4, 3, 26);
  const Matrix<double>& once = dense.forward(x);
  const Matrix<double> expected = reference.forward(Matrix<double>(reference.forward(x)));
  CHECK(dense.forward(once).isApprox(expected, 1e-15));

  Tanh<double> tanh_layer;
  const Matrix<double> twice = (x.array().tanh().tanh()).matrix();
  CHECK(tanh_layer.forward(tanh_layer.forward(x)).isApprox(twice, 1e-15));
}

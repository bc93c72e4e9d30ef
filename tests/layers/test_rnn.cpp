// Tests of bachprop/layers/rnn.hpp: equation (25), backpropagation through time (full and
// truncated), the single-step API, the one-hot shortcut, many-to-many and many-to-one networks,
// sequence training, and agreement with torch.nn.RNN.

#include "helpers.hpp"
#include "torch_reference.hpp"

#include <bachprop/neural.hpp>
#include <bachprop/layers/rnn.hpp>

using namespace bachprop;
using nlohmann::json;
using test::normal;
using torch_reference::matrix;
using torch_reference::reference;
using torch_reference::require_close;

namespace {

Rnn<double> make_rnn(Index inputs, Index hidden, RnnActivation activation, Index steps,
                     std::uint64_t seed) {
  Rnn<double> rnn(inputs, hidden, {.activation = activation}, seed);
  rnn.set_steps(steps);
  // Random biases too, so that every parameter's gradient is exercised away from zero.
  rnn.biases().value = test::random_matrix(hidden, 1, seed + 100, 0.3);
  return rnn;
}

}  // namespace

TEST_CASE("RNN gradients over a multi-step sequence match central differences",
          "[rnn][gradient]") {
  for (const auto activation : {RnnActivation::tanh, RnnActivation::sigmoid}) {
    for (const auto& [steps, batch] : {std::pair{5, 3}, std::pair{2, 2}, std::pair{7, 1}}) {
      INFO("steps " << steps << ", batch " << batch);
      auto rnn = make_rnn(4, 6, activation, steps, 1);
      test::require_gradients_match(
          check_layer_gradients(rnn, test::random_matrix(4, steps * batch, 2)));
    }
    // A single step starts from h = 0, so W_hh has no influence and no gradient.
    auto one_step = make_rnn(4, 6, activation, 1, 1);
    const auto report = check_layer_gradients(one_step, test::random_matrix(4, 2, 2));
    CHECK(report.worst_relative_error() < 1e-6);
    CHECK(one_step.recurrent_weights().gradient.isZero());
  }
}

TEST_CASE("forward over a sequence equals step() applied step by step", "[rnn]") {
  auto rnn = make_rnn(3, 5, RnnActivation::tanh, 4, 3);
  const Matrix<double> x = test::random_matrix(3, 4 * 2, 4);
  const Matrix<double> all = rnn.forward(x);
  rnn.reset_state(2);
  for (Index t = 0; t < 4; ++t) {
    const Matrix<double> h = rnn.step(x.middleCols(t * 2, 2));
    CHECK(h.isApprox(all.middleCols(t * 2, 2), 1e-14));
  }
}

TEST_CASE("one RNN step is Dense + Tanh on [x; h]", "[rnn]") {
  auto rnn = make_rnn(3, 4, RnnActivation::tanh, 1, 5);
  rnn.reset_state(2);
  rnn.step(test::random_matrix(3, 2, 6));  // some non-zero state h
  const Matrix<double> h = rnn.state();
  const Matrix<double> x = test::random_matrix(3, 2, 7);
  const Matrix<double> next = rnn.step(x);

  Dense<double> dense(3 + 4, 4, Init::zeros);
  dense.weights().value << rnn.input_weights().value, rnn.recurrent_weights().value;
  dense.biases().value = rnn.biases().value;
  Matrix<double> stacked(7, 2);
  stacked << x, h;
  Tanh<double> tanh_layer;
  CHECK(tanh_layer.forward(dense.forward(stacked)).isApprox(next, 1e-14));
}

TEST_CASE("truncated BPTT stops the gradient at chunk boundaries", "[rnn][truncation]") {
  const Index steps = 6;
  const Index batch = 2;
  auto full = make_rnn(3, 4, RnnActivation::tanh, steps, 8);
  auto truncated = full;
  truncated.set_truncation(3);  // chunks: steps 0-2 and 3-5
  const Matrix<double> x = test::random_matrix(3, steps * batch, 9);
  // A loss on the second chunk's outputs only.
  Matrix<double> g = Matrix<double>::Zero(4, steps * batch);
  g.rightCols(3 * batch) = test::random_matrix(4, 3 * batch, 10);
  full.forward(x);
  truncated.forward(x);
  const Matrix<double> full_input_gradient = full.backward(g);
  const Matrix<double> truncated_input_gradient = truncated.backward(g);
  // Through the full sequence the first chunk's inputs matter; truncated, they get nothing.
  CHECK(full_input_gradient.leftCols(3 * batch).norm() > 1e-3);
  CHECK(truncated_input_gradient.leftCols(3 * batch).norm() == 0.0);
  CHECK(truncated_input_gradient.rightCols(3 * batch)
            .isApprox(full_input_gradient.rightCols(3 * batch), 1e-14));

  // A loss on the first chunk only: truncation changes nothing.
  Matrix<double> first_chunk = Matrix<double>::Zero(4, steps * batch);
  first_chunk.leftCols(3 * batch) = test::random_matrix(4, 3 * batch, 11);
  full.backward(first_chunk);
  truncated.backward(first_chunk);
  CHECK(truncated.recurrent_weights().gradient.isApprox(full.recurrent_weights().gradient, 1e-14));

  // Truncation longer than the sequence is full BPTT, not a crash.
  auto long_truncation = full;
  long_truncation.set_truncation(100);
  long_truncation.forward(x);
  CHECK(long_truncation.backward(g).isApprox(full.backward(g), 1e-14));
}

namespace {

// Truncated BPTT written out the slow, obvious way, independent of the layer's kernels: each
// chunk [ck, ck + k) starts from the state the full forward pass reached (treated as a
// constant: the gradient stops there), runs forward through its own steps one sequence at a
// time, then backward through them alone.
struct RnnGradients {
  Matrix<double> input_weights, recurrent_weights, biases;
};

RnnGradients truncated_bptt_reference(const Rnn<double>& rnn, const Matrix<double>& x,
                                      const Matrix<double>& g, Index steps, Index k) {
  const bool tanh = rnn.options().activation == RnnActivation::tanh;
  const Matrix<double>& wx = rnn.input_weights().value;
  const Matrix<double>& wh = rnn.recurrent_weights().value;
  const Vector<double> b = rnn.biases().value.col(0);
  const Index n = wh.rows();
  const Index batch = x.cols() / steps;
  auto sigma = [tanh](double z) { return tanh ? std::tanh(z) : 1.0 / (1.0 + std::exp(-z)); };
  auto derivative = [tanh](double h) { return tanh ? 1.0 - h * h : h * (1.0 - h); };
  RnnGradients out{Matrix<double>::Zero(wx.rows(), wx.cols()), Matrix<double>::Zero(n, n),
                   Matrix<double>::Zero(n, 1)};
  for (Index s = 0; s < batch; ++s) {
    auto x_at = [&](Index t) { return x.col(t * batch + s); };
    auto g_at = [&](Index t) { return g.col(t * batch + s); };
    // The untruncated forward pass: the states every chunk starts from.
    std::vector<Vector<double>> h(static_cast<std::size_t>(steps));
    Vector<double> previous = Vector<double>::Zero(n);
    for (Index t = 0; t < steps; ++t) {
      h[static_cast<std::size_t>(t)] = (wx * x_at(t) + wh * previous + b).unaryExpr(sigma);
      previous = h[static_cast<std::size_t>(t)];
    }
    for (Index start = 0; start < steps; start += k) {
      const Index end = std::min(start + k, steps);
      Vector<double> from_later = Vector<double>::Zero(n);  // ∂C/∂h_t through step t + 1
      for (Index t = end - 1; t >= start; --t) {
        const Vector<double>& h_t = h[static_cast<std::size_t>(t)];
        const Vector<double> delta =
            (g_at(t) + from_later).cwiseProduct(h_t.unaryExpr(derivative));
        const Vector<double> h_before =
            t == 0 ? Vector<double>::Zero(n) : h[static_cast<std::size_t>(t - 1)];
        out.input_weights += delta * x_at(t).transpose();
        out.recurrent_weights += delta * h_before.transpose();  // h_{start−1}: a constant
        out.biases += delta;
        from_later = wh.transpose() * delta;  // dropped when t = start: the chunk's edge
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("truncated BPTT's parameter gradients equal a reference that stops every k steps",
          "[rnn][truncation]") {
  const Index steps = 7;
  const Index batch = 3;
  for (const RnnActivation activation : {RnnActivation::tanh, RnnActivation::sigmoid}) {
    for (const Index k : {1, 2, 3, 7}) {
      auto rnn = make_rnn(4, 5, activation, steps, 30 + static_cast<std::uint64_t>(k));
      rnn.set_truncation(k);
      const Matrix<double> x = test::random_matrix(4, steps * batch, 31);
      const Matrix<double> g = test::random_matrix(5, steps * batch, 32);
      rnn.forward(x);
      rnn.backward(g);
      const RnnGradients expected = truncated_bptt_reference(rnn, x, g, steps, k);
      INFO("truncation " << k << (activation == RnnActivation::tanh ? ", tanh" : ", sigmoid"));
      const auto close = [](const Matrix<double>& a, const Matrix<double>& b) {
        return (a - b).norm() <= 1e-10 * b.norm() && b.norm() > 1e-3;
      };
      CHECK(close(rnn.input_weights().gradient, expected.input_weights));
      CHECK(close(rnn.recurrent_weights().gradient, expected.recurrent_weights));
      CHECK(close(rnn.biases().gradient, expected.biases));
    }
  }
}

TEST_CASE("many-to-many and many-to-one networks are gradient-checked", "[rnn][network]") {
  const Index steps = 4;
  const Index batch = 3;
  const Matrix<double> x = test::random_matrix(5, steps * batch, 12);
  SECTION("many-to-many: a softmax prediction at every step") {
    Network net{Rnn<double>(5, 6), Dense<double>(6, 5), Softmax<double>()};
    net.initialise(13);
    net.set_steps(steps);
    test::require_gradients_match(check_network_gradients(
        net, CrossEntropy<double>(), x, test::random_distributions(5, steps * batch, 14)));
  }
  SECTION("many-to-one: one prediction per sequence from its last state") {
    Network net{Rnn<double>(5, 6, {.activation = RnnActivation::sigmoid}), LastStep<double>(),
                Dense<double>(6, 2), Sigmoid<double>()};
    net.initialise(15);
    net.set_steps(steps);
    test::require_gradients_match(check_network_gradients(
        net, BinaryCrossEntropy<double>(), x, test::random_probabilities(2, batch, 16)));
  }
}

TEST_CASE("the recurrent weights start orthogonal", "[rnn][init]") {
  Rnn<double> rnn(3, 16, {}, 19);
  const Matrix<double>& w = rnn.recurrent_weights().value;
  CHECK((w.transpose() * w).isApprox(Matrix<double>::Identity(16, 16), 1e-12));
  CHECK(rnn.biases().value.isZero());
  Rnn<double> same(3, 16, {}, 19);
  CHECK(same.recurrent_weights().value == w);
}

TEST_CASE("RNN shape errors name the layout", "[rnn][errors]") {
  Rnn<float> rnn(3, 4);
  rnn.set_steps(4);
  CHECK_THROWS_WITH(rnn.forward(Matrix<float>::Zero(3, 6)),
                    Catch::Contains("6 columns are not a whole number of 4-step sequences"));
  CHECK_THROWS_WITH(rnn.forward(Matrix<float>::Zero(2, 8)), Catch::Contains("has 2 rows"));
  CHECK_THROWS_AS(rnn.backward(Matrix<float>::Zero(4, 8)), ArgumentError);
  CHECK_THROWS_AS(rnn.set_steps(0), ArgumentError);
  CHECK_THROWS_AS(rnn.step(Matrix<float>::Zero(2, 1)), ShapeError);
  CHECK_THROWS_AS(Rnn<float>(3, 4, {.truncation = -1}), ArgumentError);
}

TEST_CASE("an RNN learns a task that needs memory", "[rnn][training]") {
  // Echo with a delay: at step t output the symbol seen at step t − 2 (0 at the first two
  // steps). A feedforward network on x_t alone is at chance; the RNN must carry two symbols.
  const Index symbols = 4;
  const Index steps = 10;
  const Index sequences = 400;
  Rng rng(23);
  Matrix<float> x = Matrix<float>::Zero(symbols, steps * sequences);
  Matrix<float> y = Matrix<float>::Zero(symbols, steps * sequences);
  std::vector<Index> seen(static_cast<std::size_t>(steps));
  for (Index n = 0; n < sequences; ++n) {
    for (Index t = 0; t < steps; ++t) {
      seen[static_cast<std::size_t>(t)] = static_cast<Index>(rng.below(symbols));
      x(seen[static_cast<std::size_t>(t)], n * steps + t) = 1;
      y(t >= 2 ? seen[static_cast<std::size_t>(t - 2)] : 0, n * steps + t) = 1;
    }
  }
  Network net{Rnn(symbols, 32), Dense(32, symbols), Softmax()};
  net.initialise(24);
  Adam<float> adam(0.01);
  const auto reports =
      train(net, CrossEntropy<float>(), adam, x, y,
            {.epochs = 30, .batch_size = 20, .seed = 25, .sequence_steps = steps, .clip_norm = 5});
  CHECK(reports.back().mean_loss < 0.1 * reports.front().mean_loss);

  net.set_steps(steps);
  Matrix<float> batch(symbols, steps * sequences);
  for (Index n = 0; n < sequences; ++n) {  // time-major, as the layer expects
    for (Index t = 0; t < steps; ++t) {
      batch.col(t * sequences + n) = x.col(n * steps + t);
    }
  }
  const Matrix<float> out = net.forward(batch);
  Index correct = 0;
  for (Index n = 0; n < sequences; ++n) {
    for (Index t = 0; t < steps; ++t) {
      Index predicted = 0;
      Index wanted = 0;
      out.col(t * sequences + n).maxCoeff(&predicted);
      y.col(n * steps + t).maxCoeff(&wanted);
      correct += predicted == wanted ? 1 : 0;
    }
  }
  CHECK(static_cast<double>(correct) / static_cast<double>(steps * sequences) > 0.98);
}

TEST_CASE("the RNN's one-hot shortcut computes equation (25) exactly", "[hot][rnn]") {
  const Index steps = 4;
  const Index batch = 3;
  Rnn<double> rnn(6, 5, {}, 14);
  rnn.set_steps(steps);
  rnn.biases().value = normal(5, 1, 15);
  Matrix<double> x = test::one_hot_matrix<double>(6, steps * batch, 16);
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
        check_layer_gradients(rnn, test::one_hot_matrix<double>(7, steps * batch, 19));
    INFO(report.to_string());
    CHECK(report.worst_relative_error() < 1e-6);
    CHECK(report.smallest_gradient_norm() > 1e-3);
  }
  Network net{Rnn<double>(7, 6, {}, 20), Dense<double>(6, 7), Softmax<double>()};
  net.set_steps(steps);
  net.initialise(21);
  const auto report = check_network_gradients(
      net, CrossEntropy<double>(), test::one_hot_matrix<double>(7, steps * batch, 22),
      test::one_hot_matrix<double>(7, steps * batch, 23));
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

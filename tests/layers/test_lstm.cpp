// Tests of bachprop/layers/lstm.hpp: equations (26)-(32) against central differences (every
// parameter and the input, full and truncated BPTT, one-hot inputs, stacked layers,
// many-to-one), against torch.nn.LSTM on identical weights, against a step-by-step reference
// of truncated BPTT, and the single-step API, the forget bias and saved models.

#include "helpers.hpp"
#include "torch_reference.hpp"

#include <bachprop/neural.hpp>
#include <bachprop/layers/lstm.hpp>

#include <cmath>
#include <vector>

using namespace bachprop;
using nlohmann::json;
using torch_reference::matrix;
using torch_reference::reference;
using torch_reference::require_close;

namespace {

Lstm<double> make_lstm(Index inputs, Index hidden, Index steps, std::uint64_t seed,
                       Index truncation = 0) {
  Lstm<double> lstm(inputs, hidden, {.truncation = truncation}, seed);
  lstm.set_steps(steps);
  // Random biases and larger recurrent weights, so that every gate is away from its resting
  // value and every gradient away from zero.
  lstm.biases().value = test::random_matrix(4 * hidden, 1, seed + 100, 0.5);
  lstm.recurrent_weights().value *= 1.5;
  return lstm;
}

}  // namespace

TEST_CASE("LSTM gradients over a sequence match central differences", "[lstm][gradient]") {
  for (const auto& [steps, batch] : {std::pair{5, 3}, std::pair{2, 2}, std::pair{7, 1}}) {
    INFO("steps " << steps << ", batch " << batch);
    auto lstm = make_lstm(4, 5, steps, 1);
    test::require_gradients_match(
        check_layer_gradients(lstm, test::random_matrix(4, steps * batch, 2)));
  }
  // One step starts from h = c = 0: W_h and the forget gate have no influence and no gradient.
  auto one_step = make_lstm(4, 5, 1, 1);
  const auto report = check_layer_gradients(one_step, test::random_matrix(4, 2, 2));
  CHECK(report.worst_relative_error() < 1e-6);
  CHECK(one_step.recurrent_weights().gradient.isZero());
  CHECK(one_step.biases().gradient.middleRows(5, 5).isZero());
}

TEST_CASE("LSTM gradients with truncated BPTT and one-hot inputs match central differences",
          "[lstm][gradient][truncation]") {
  // Central differences see the full sequence, so truncation is checked where it changes
  // nothing: a loss on the first chunk only.
  auto lstm = make_lstm(6, 4, 6, 3, 3);
  const Matrix<double> x = test::one_hot_columns(6, 6 * 2, 4);
  lstm.forward(x);
  const Matrix<double> g_full = test::random_matrix(4, 12, 5);
  Matrix<double> g = Matrix<double>::Zero(4, 12);
  g.leftCols(3 * 2) = g_full.leftCols(3 * 2);
  auto full = make_lstm(6, 4, 6, 3);
  full.forward(x);
  full.backward(g);
  lstm.backward(g);
  CHECK(lstm.input_weights().gradient.isApprox(full.input_weights().gradient, 1e-14));
  CHECK(lstm.recurrent_weights().gradient.isApprox(full.recurrent_weights().gradient, 1e-14));
  // One-hot inputs take the shortcut; the gradient check covers it.
  test::require_gradients_match(check_layer_gradients(full, x));
}

namespace {

struct LstmGradients {
  Matrix<double> input_weights, recurrent_weights, biases;
};

// Truncated BPTT written out the slow, obvious way, one sequence at a time with vectors, from
// the equations and independent of the layer's kernels: each chunk [ck, ck + k) starts from the
// states (h, c) the full forward pass reached, treated as constants.
LstmGradients truncated_reference(const Lstm<double>& lstm, const Matrix<double>& x,
                                  const Matrix<double>& g, Index steps, Index k) {
  const Matrix<double>& wx = lstm.input_weights().value;
  const Matrix<double>& wh = lstm.recurrent_weights().value;
  const Vector<double> b = lstm.biases().value.col(0);
  const Index n = wh.cols();
  const Index batch = x.cols() / steps;
  auto sigmoid = [](double z) { return 1.0 / (1.0 + std::exp(-z)); };
  LstmGradients out{Matrix<double>::Zero(4 * n, wx.cols()), Matrix<double>::Zero(4 * n, n),
                    Matrix<double>::Zero(4 * n, 1)};
  for (Index s = 0; s < batch; ++s) {
    const auto u = static_cast<std::size_t>(steps);
    std::vector<Vector<double>> h(u), c(u), i(u), f(u), gg(u), o(u);
    Vector<double> h_prev = Vector<double>::Zero(n);
    Vector<double> c_prev = Vector<double>::Zero(n);
    for (Index t = 0; t < steps; ++t) {
      const auto q = static_cast<std::size_t>(t);
      const Vector<double> z = wx * x.col(t * batch + s) + wh * h_prev + b;
      i[q] = z.segment(0, n).unaryExpr(sigmoid);
      f[q] = z.segment(n, n).unaryExpr(sigmoid);
      gg[q] = z.segment(2 * n, n).array().tanh();
      o[q] = z.segment(3 * n, n).unaryExpr(sigmoid);
      c[q] = f[q].cwiseProduct(c_prev) + i[q].cwiseProduct(gg[q]);
      h[q] = o[q].cwiseProduct(c[q].array().tanh().matrix());
      h_prev = h[q];
      c_prev = c[q];
    }
    for (Index start = 0; start < steps; start += k) {
      const Index end = std::min(steps, start + k);
      Vector<double> dh_next = Vector<double>::Zero(n);
      Vector<double> dc_next = Vector<double>::Zero(n);
      for (Index t = end - 1; t >= start; --t) {
        const auto q = static_cast<std::size_t>(t);
        const Vector<double> dh = g.col(t * batch + s) + dh_next;
        const Vector<double> tc = c[q].array().tanh();
        const Vector<double> dc =
            dc_next + dh.cwiseProduct(o[q]).cwiseProduct((1.0 - tc.array().square()).matrix());
        const Vector<double> c_before = t > 0 ? c[q - 1] : Vector<double>::Zero(n);
        const Vector<double> h_before = t > 0 ? h[q - 1] : Vector<double>::Zero(n);
        Vector<double> dz(4 * n);
        dz.segment(0, n) = (dc.array() * gg[q].array() * i[q].array() * (1 - i[q].array()));
        dz.segment(n, n) = (dc.array() * c_before.array() * f[q].array() * (1 - f[q].array()));
        dz.segment(2 * n, n) = (dc.array() * i[q].array() * (1 - gg[q].array().square()));
        dz.segment(3 * n, n) = (dh.array() * tc.array() * o[q].array() * (1 - o[q].array()));
        out.input_weights += dz * x.col(t * batch + s).transpose();
        out.recurrent_weights += dz * h_before.transpose();  // h_{−1} = 0 adds nothing
        out.biases += dz;
        dh_next = wh.transpose() * dz;
        dc_next = dc.cwiseProduct(f[q]);
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("truncated BPTT's LSTM parameter gradients equal a reference that stops every k steps",
          "[lstm][truncation]") {
  const Index steps = 7;
  const Index batch = 2;
  const Matrix<double> x = test::random_matrix(3, steps * batch, 21);
  const Matrix<double> g = test::random_matrix(4, steps * batch, 22);
  for (const Index k : {Index{1}, Index{2}, Index{3}, Index{7}}) {
    INFO("truncation " << k);
    auto lstm = make_lstm(3, 4, steps, 23, k == 7 ? 0 : k);
    lstm.forward(x);
    lstm.backward(g);
    const LstmGradients want = truncated_reference(lstm, x, g, steps, k);
    CHECK((lstm.input_weights().gradient - want.input_weights).norm() < 1e-10);
    CHECK((lstm.recurrent_weights().gradient - want.recurrent_weights).norm() < 1e-10);
    CHECK((lstm.biases().gradient - want.biases).norm() < 1e-10);
    CHECK(want.recurrent_weights.norm() > 1e-3);
  }
}

TEST_CASE("LSTM forward over a sequence equals step() applied step by step", "[lstm]") {
  auto lstm = make_lstm(3, 5, 4, 3);
  const Matrix<double> x = test::random_matrix(3, 4 * 2, 4);
  const Matrix<double> all = lstm.forward(x);
  lstm.reset_state(2);
  for (Index t = 0; t < 4; ++t) {
    const Matrix<double> h = lstm.step(x.middleCols(t * 2, 2));
    CHECK(h.isApprox(all.middleCols(t * 2, 2), 1e-14));
  }
  CHECK(lstm.cell_state().norm() > 0.1);
  // One-hot inputs take the shortcut in both.
  const Matrix<double> notes = test::one_hot_columns(3, 4 * 2, 5);
  const Matrix<double> all_notes = lstm.forward(notes);
  lstm.reset_state(2);
  for (Index t = 0; t < 4; ++t) {
    CHECK(lstm.step(notes.middleCols(t * 2, 2)).isApprox(all_notes.middleCols(t * 2, 2), 1e-14));
  }
}

TEST_CASE("an LSTM starts with the forget gate's bias at 1, and distinct unseeded layers",
          "[lstm]") {
  const Lstm<double> lstm(3, 4, {}, 1);
  CHECK(lstm.biases().value.middleRows(4, 4).isConstant(1.0));
  CHECK(lstm.biases().value.topRows(4).isZero());
  CHECK(lstm.biases().value.bottomRows(8).isZero());
  const Lstm<double> custom(3, 4, {.forget_bias = 2.5}, 1);
  CHECK(custom.biases().value.middleRows(4, 4).isConstant(2.5));
  // Each gate's block of W_h starts orthogonal.
  for (Index gate = 0; gate < 4; ++gate) {
    const Matrix<double> block = lstm.recurrent_weights().value.middleRows(gate * 4, 4);
    CHECK((block.transpose() * block).isIdentity(1e-12));
  }
  // Built without seeds, a Network draws each afresh: two same-sized layers start different.
  Network net{Lstm<double>(4, 4), Lstm<double>(4, 4)};
  CHECK(net.layer<0>().input_weights().value != net.layer<1>().input_weights().value);
  CHECK(net.layer<0>().recurrent_weights().value != net.layer<1>().recurrent_weights().value);
  CHECK_THROWS_AS(Lstm<double>(0, 4), ArgumentError);
  CHECK_THROWS_AS(Lstm<double>(3, 4, {.truncation = -1}), ArgumentError);
}

TEST_CASE("stacked LSTMs, many-to-many and many-to-one, are gradient-checked", "[lstm][gradient]") {
  const Index steps = 4;
  const Index batch = 2;
  const Matrix<double> x = test::random_matrix(3, steps * batch, 31);
  {
    Network net{Lstm<double>(3, 5, {}, 1), Lstm<double>(5, 4, {}, 2), Dense<double>(4, 3),
                Softmax<double>()};
    net.set_steps(steps);
    Matrix<double> y = Matrix<double>::Zero(3, steps * batch);
    for (Index j = 0; j < y.cols(); ++j) {
      y(j % 3, j) = 1.0;
    }
    test::require_gradients_match(check_network_gradients(net, CrossEntropy<double>(), x, y));
  }
  {
    Network net{Lstm<double>(3, 5, {}, 3), LastStep<double>(), Dense<double>(5, 2)};
    net.set_steps(steps);
    const Matrix<double> y = test::random_matrix(2, batch, 32);
    test::require_gradients_match(check_network_gradients(net, Quadratic<double>(), x, y));
  }
}

TEST_CASE("a saved LSTM network loads back to the same outputs", "[lstm][model_json]") {
  Network net{Lstm<float>(3, 4, {}, 1), Dense<float>(4, 2), Softmax<float>()};
  net.set_steps(3);
  const Matrix<float> x = test::random_matrix(3, 6, 2).cast<float>();
  const Matrix<float> before = net.forward(x);
  Network loaded{Lstm<float>(3, 4), Dense<float>(4, 2), Softmax<float>()};
  loaded.set_steps(3);
  model_from_json(loaded, model_to_json(net), "lstm.json");
  CHECK(loaded.forward(x) == before);
  CHECK(model_to_json(net)["layers"][0]["kind"] == "lstm");
  // An RNN's file is not an LSTM's.
  Network rnn{Rnn<float>(3, 4, {}, 1), Dense<float>(4, 2), Softmax<float>()};
  CHECK_THROWS_AS(model_from_json(loaded, model_to_json(rnn), "rnn.json"), FormatError);
}

TEST_CASE("the LSTM agrees with torch.nn.LSTM through time", "[torch][lstm]") {
  const json& c = reference().at("lstm");
  Lstm<double> lstm(4, 5);
  lstm.set_steps(c["steps"].get<Index>());
  lstm.input_weights().value = matrix(c["input_weights"]);
  lstm.recurrent_weights().value = matrix(c["recurrent_weights"]);
  lstm.biases().value = matrix(c["biases"]);  // bias_ih_l0 + bias_hh_l0
  require_close(lstm.forward(matrix(c["input"])), c["output"], "hidden states");
  require_close(lstm.backward(matrix(c["output_gradient"])), c["input_gradient"], "input grad");
  require_close(lstm.input_weights().gradient, c["input_weights_gradient"], "W_x grad");
  require_close(lstm.recurrent_weights().gradient, c["recurrent_weights_gradient"], "W_h grad");
  require_close(lstm.biases().gradient, c["biases_gradient"], "b grad");
  // torch's final (h, c) are the states step() carries after the last step.
  lstm.reset_state(c["batch"].get<Index>());
  const Matrix<double> x = matrix(c["input"]);
  const Index batch = c["batch"].get<Index>();
  for (Index t = 0; t < c["steps"].get<Index>(); ++t) {
    lstm.step(x.middleCols(t * batch, batch));
  }
  require_close(lstm.cell_state(), c["final_cell"], "c_T");
}

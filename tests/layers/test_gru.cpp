// Tests of bachprop/layers/gru.hpp: equations (33)-(37) against central differences (every
// parameter and the input, one-hot inputs, stacked layers, many-to-one), against torch.nn.GRU on
// identical weights, against a step-by-step reference of truncated BPTT, and the single-step
// API and saved models.

#include "helpers.hpp"
#include "torch_reference.hpp"

#include <bachprop/neural.hpp>
#include <bachprop/layers/gru.hpp>

#include <cmath>
#include <vector>

using namespace bachprop;
using nlohmann::json;
using torch_reference::matrix;
using torch_reference::reference;
using torch_reference::require_close;

namespace {

Gru<double> make_gru(Index inputs, Index hidden, Index steps, std::uint64_t seed,
                     Index truncation = 0) {
  Gru<double> gru(inputs, hidden, {.truncation = truncation}, seed);
  gru.set_steps(steps);
  // Random biases and larger recurrent weights, so that every gate is away from its resting
  // value and every gradient away from zero.
  gru.input_biases().value = test::random_matrix(3 * hidden, 1, seed + 100, 0.5);
  gru.recurrent_biases().value = test::random_matrix(3 * hidden, 1, seed + 200, 0.5);
  gru.recurrent_weights().value *= 1.5;
  return gru;
}

}  // namespace

TEST_CASE("GRU gradients over a sequence match central differences", "[gru][gradient]") {
  for (const auto& [steps, batch] : {std::pair{5, 3}, std::pair{2, 2}, std::pair{7, 1}}) {
    INFO("steps " << steps << ", batch " << batch);
    auto gru = make_gru(4, 5, steps, 1);
    test::require_gradients_match(
        check_layer_gradients(gru, test::random_matrix(4, steps * batch, 2)));
  }
  // One step starts from h = 0: W_h has no influence and no gradient, but b_h has.
  auto one_step = make_gru(4, 5, 1, 1);
  const auto report = check_layer_gradients(one_step, test::random_matrix(4, 2, 2));
  CHECK(report.worst_relative_error() < 1e-6);
  CHECK(one_step.recurrent_weights().gradient.isZero());
  CHECK(one_step.recurrent_biases().gradient.norm() > 1e-3);
  // One-hot inputs take the shortcut.
  auto notes = make_gru(6, 4, 5, 3);
  test::require_gradients_match(check_layer_gradients(notes, test::one_hot_columns(6, 5 * 2, 4)));
}

namespace {

struct GruGradients {
  Matrix<double> input_weights, recurrent_weights, input_biases, recurrent_biases;
};

// Truncated BPTT written out the slow, obvious way, one sequence at a time with vectors, from
// the equations and independent of the layer's kernels: each chunk [ck, ck + k) starts from the
// state the full forward pass reached, treated as a constant.
GruGradients truncated_reference(const Gru<double>& gru, const Matrix<double>& x,
                                 const Matrix<double>& g, Index steps, Index k) {
  const Matrix<double>& wx = gru.input_weights().value;
  const Matrix<double>& wh = gru.recurrent_weights().value;
  const Vector<double> bx = gru.input_biases().value.col(0);
  const Vector<double> bh = gru.recurrent_biases().value.col(0);
  const Index n = wh.cols();
  const Index batch = x.cols() / steps;
  auto sigmoid = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
  GruGradients out{Matrix<double>::Zero(3 * n, wx.cols()), Matrix<double>::Zero(3 * n, n),
                   Matrix<double>::Zero(3 * n, 1), Matrix<double>::Zero(3 * n, 1)};
  for (Index s = 0; s < batch; ++s) {
    const auto size = static_cast<std::size_t>(steps);
    std::vector<Vector<double>> h(size), r(size), z(size), c(size), un(size);
    Vector<double> previous = Vector<double>::Zero(n);
    for (Index t = 0; t < steps; ++t) {
      const auto q = static_cast<std::size_t>(t);
      const Vector<double> a = wx * x.col(t * batch + s) + bx;
      const Vector<double> u = wh * previous + bh;
      r[q] = (a.segment(0, n) + u.segment(0, n)).unaryExpr(sigmoid);
      z[q] = (a.segment(n, n) + u.segment(n, n)).unaryExpr(sigmoid);
      un[q] = u.segment(2 * n, n);
      c[q] = (a.segment(2 * n, n) + r[q].cwiseProduct(un[q])).array().tanh();
      h[q] = (1.0 - z[q].array()).matrix().cwiseProduct(c[q]) + z[q].cwiseProduct(previous);
      previous = h[q];
    }
    for (Index start = 0; start < steps; start += k) {
      const Index end = std::min(steps, start + k);
      Vector<double> carried = Vector<double>::Zero(n);
      for (Index t = end - 1; t >= start; --t) {
        const auto q = static_cast<std::size_t>(t);
        const Vector<double> h_before = t > 0 ? h[q - 1] : Vector<double>::Zero(n);
        const Vector<double> dh = g.col(t * batch + s) + carried;
        Vector<double> da(3 * n);
        da.segment(2 * n, n) = dh.array() * (1 - z[q].array()) * (1 - c[q].array().square());
        da.segment(n, n) =
            dh.array() * (h_before - c[q]).array() * z[q].array() * (1 - z[q].array());
        da.segment(0, n) = da.segment(2 * n, n).array() * un[q].array() * r[q].array() *
                           (1 - r[q].array());
        Vector<double> du = da;
        du.segment(2 * n, n) = da.segment(2 * n, n).cwiseProduct(r[q]);
        out.input_weights += da * x.col(t * batch + s).transpose();
        out.input_biases += da;
        out.recurrent_weights += du * h_before.transpose();
        out.recurrent_biases += du;
        carried = wh.transpose() * du + dh.cwiseProduct(z[q]);
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("truncated BPTT's GRU parameter gradients equal a reference that stops every k steps",
          "[gru][truncation]") {
  const Index steps = 7;
  const Index batch = 2;
  const Matrix<double> x = test::random_matrix(3, steps * batch, 21);
  const Matrix<double> g = test::random_matrix(4, steps * batch, 22);
  for (const Index k : {Index{1}, Index{2}, Index{3}, Index{7}}) {
    INFO("truncation " << k);
    auto gru = make_gru(3, 4, steps, 23, k == 7 ? 0 : k);
    gru.forward(x);
    gru.backward(g);
    const GruGradients want = truncated_reference(gru, x, g, steps, k);
    CHECK((gru.input_weights().gradient - want.input_weights).norm() < 1e-10);
    CHECK((gru.recurrent_weights().gradient - want.recurrent_weights).norm() < 1e-10);
    CHECK((gru.input_biases().gradient - want.input_biases).norm() < 1e-10);
    CHECK((gru.recurrent_biases().gradient - want.recurrent_biases).norm() < 1e-10);
    CHECK(want.recurrent_weights.norm() > 1e-3);
  }
}

TEST_CASE("GRU forward over a sequence equals step() applied step by step", "[gru]") {
  auto gru = make_gru(3, 5, 4, 3);
  const Matrix<double> x = test::random_matrix(3, 4 * 2, 4);
  const Matrix<double> all = gru.forward(x);
  gru.reset_state(2);
  for (Index t = 0; t < 4; ++t) {
    const Matrix<double> h = gru.step(x.middleCols(t * 2, 2));
    CHECK(h.isApprox(all.middleCols(t * 2, 2), 1e-14));
  }
}

TEST_CASE("a GRU starts with orthogonal recurrent blocks, and distinct unseeded layers",
          "[gru]") {
  const Gru<double> gru(3, 4, {}, 1);
  CHECK(gru.input_biases().value.isZero());
  CHECK(gru.recurrent_biases().value.isZero());
  for (Index gate = 0; gate < 3; ++gate) {
    const Matrix<double> block = gru.recurrent_weights().value.middleRows(gate * 4, 4);
    CHECK((block.transpose() * block).isIdentity(1e-12));
  }
  Network net{Gru<double>(4, 4), Gru<double>(4, 4)};
  CHECK(net.layer<0>().input_weights().value != net.layer<1>().input_weights().value);
  CHECK_THROWS_AS(Gru<double>(3, 0), ArgumentError);
  CHECK_THROWS_AS(Gru<double>(3, 4, {.truncation = -1}), ArgumentError);
}

TEST_CASE("stacked GRUs, and a GRU over an LSTM, are gradient-checked", "[gru][gradient]") {
  const Index steps = 4;
  const Index batch = 2;
  const Matrix<double> x = test::random_matrix(3, steps * batch, 31);
  Matrix<double> y = Matrix<double>::Zero(3, steps * batch);
  for (Index j = 0; j < y.cols(); ++j) {
    y(j % 3, j) = 1.0;
  }
  Network stacked{Gru<double>(3, 5, {}, 1), Gru<double>(5, 4, {}, 2), Dense<double>(4, 3),
                  Softmax<double>()};
  stacked.set_steps(steps);
  test::require_gradients_match(check_network_gradients(stacked, CrossEntropy<double>(), x, y));
  Network mixed{Lstm<double>(3, 5, {}, 3), Gru<double>(5, 4, {}, 4), LastStep<double>(),
                Dense<double>(4, 2)};
  mixed.set_steps(steps);
  test::require_gradients_match(check_network_gradients(mixed, Quadratic<double>(), x,
                                                        test::random_matrix(2, batch, 32)));
}

TEST_CASE("a saved GRU network loads back to the same outputs", "[gru][model_json]") {
  Network net{Gru<float>(3, 4, {}, 1), Dense<float>(4, 2), Softmax<float>()};
  net.set_steps(3);
  const Matrix<float> x = test::random_matrix(3, 6, 2).cast<float>();
  const Matrix<float> before = net.forward(x);
  Network loaded{Gru<float>(3, 4), Dense<float>(4, 2), Softmax<float>()};
  loaded.set_steps(3);
  model_from_json(loaded, model_to_json(net), "gru.json");
  CHECK(loaded.forward(x) == before);
  CHECK(model_to_json(net)["layers"][0]["kind"] == "gru");
  Network lstm{Lstm<float>(3, 4, {}, 1), Dense<float>(4, 2), Softmax<float>()};
  CHECK_THROWS_AS(model_from_json(loaded, model_to_json(lstm), "lstm.json"), FormatError);
}

TEST_CASE("the GRU agrees with torch.nn.GRU through time", "[torch][gru]") {
  const json& c = reference().at("gru");
  Gru<double> gru(4, 5);
  gru.set_steps(c["steps"].get<Index>());
  gru.input_weights().value = matrix(c["input_weights"]);
  gru.recurrent_weights().value = matrix(c["recurrent_weights"]);
  gru.input_biases().value = matrix(c["input_biases"]);
  gru.recurrent_biases().value = matrix(c["recurrent_biases"]);
  require_close(gru.forward(matrix(c["input"])), c["output"], "hidden states");
  require_close(gru.backward(matrix(c["output_gradient"])), c["input_gradient"], "input grad");
  require_close(gru.input_weights().gradient, c["input_weights_gradient"], "W_x grad");
  require_close(gru.recurrent_weights().gradient, c["recurrent_weights_gradient"], "W_h grad");
  require_close(gru.input_biases().gradient, c["input_biases_gradient"], "b_x grad");
  require_close(gru.recurrent_biases().gradient, c["recurrent_biases_gradient"], "b_h grad");
}

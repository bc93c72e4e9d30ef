// Tests of bachprop/layers/bidirectional.hpp: equations (46)-(47) against central differences
// (every parameter and the input, LSTM, GRU and RNN directions, stacked bidirectional layers,
// an embedding below, many-to-one), against torch's bidirectional=True on identical weights
// (one layer and two stacked), against two plain layers run by hand on reversed sequences, and
// its refusals: truncation, step(), mismatched directions, saved models of another kind.

#include "helpers.hpp"
#include "torch_reference.hpp"

#include <bachprop/neural.hpp>
#include <bachprop/layers/bidirectional.hpp>

#include <string>

using namespace bachprop;
using nlohmann::json;
using torch_reference::matrix;
using torch_reference::reference;
using torch_reference::require_close;

namespace {

// Random biases and larger recurrent weights in both directions, so that every gate is away
// from its resting value and every gradient away from zero.
template <class Layer>
void bidirectional_perturb(Layer& layer, std::uint64_t seed) {
  layer.for_each_parameter([&seed](Parameter<double>& p) {
    if (p.name.find("bias") != std::string::npos) {
      p.value = test::random_matrix(p.value.rows(), 1, ++seed, 0.5);
    } else if (p.name.find("recurrent") != std::string::npos) {
      p.value *= 1.5;
    }
  });
}

template <class Inner>
Bidirectional<Inner> make_bidirectional(Index inputs, Index hidden, Index steps,
                                        std::uint64_t seed) {
  Bidirectional<Inner> layer(inputs, hidden, {}, seed);
  layer.set_steps(steps);
  bidirectional_perturb(layer, seed + 100);
  return layer;
}

// The output at every step of every sequence, worked out with two plain layers: the first over
// the sequence, the second over the sequence reversed, one sequence at a time.
template <class Inner>
Matrix<double> bidirectional_by_hand(const Bidirectional<Inner>& layer, const Matrix<double>& x,
                                     Index steps) {
  const Index batch = x.cols() / steps;
  const Index hidden = layer.forward_layer().hidden_size();
  Matrix<double> out(2 * hidden, x.cols());
  for (Index b = 0; b < batch; ++b) {
    Matrix<double> sequence(x.rows(), steps);
    Matrix<double> reversed(x.rows(), steps);
    for (Index t = 0; t < steps; ++t) {
      sequence.col(t) = x.col(t * batch + b);
      reversed.col(steps - 1 - t) = x.col(t * batch + b);
    }
    Inner forward = layer.forward_layer();
    Inner backward = layer.backward_layer();
    forward.set_steps(steps);
    backward.set_steps(steps);
    const Matrix<double> h_forward = forward.forward(sequence);
    const Matrix<double> h_backward = backward.forward(reversed);
    for (Index t = 0; t < steps; ++t) {
      out.col(t * batch + b) << h_forward.col(t), h_backward.col(steps - 1 - t);
    }
  }
  return out;
}

// Whether a network has a step() for generation (outside a template, a requires-expression
// that names a missing function is an error, not false).
template <class Net>
concept BidirectionalCanStep = requires(Net& net, const Matrix<double>& m) { net.step(m); };

Matrix<double> bidirectional_targets(Index classes, Index cols) {
  Matrix<double> y = Matrix<double>::Zero(classes, cols);
  for (Index j = 0; j < cols; ++j) {
    y((j * 7 + 1) % classes, j) = 1.0;
  }
  return y;
}

}  // namespace

TEST_CASE("bidirectional gradients match central differences for LSTM, GRU and RNN directions",
          "[bidirectional][gradient]") {
  for (const auto& [steps, batch] : {std::pair{4, 3}, std::pair{3, 2}, std::pair{5, 1}}) {
    INFO("steps " << steps << ", batch " << batch);
    const Matrix<double> x = test::random_matrix(3, steps * batch, 2);
    auto lstm = make_bidirectional<Lstm<double>>(3, 4, steps, 1);
    test::require_gradients_match(check_layer_gradients(lstm, x));
    auto gru = make_bidirectional<Gru<double>>(3, 4, steps, 3);
    test::require_gradients_match(check_layer_gradients(gru, x));
    auto rnn = make_bidirectional<Rnn<double>>(3, 4, steps, 5);
    test::require_gradients_match(check_layer_gradients(rnn, x));
  }
  // The two directions may differ in kind and size: an LSTM forward, a GRU backward.
  Bidirectional<Lstm<double>, Gru<double>> mixed(Lstm<double>(3, 4, {}, 1),
                                                 Gru<double>(3, 2, {}, 2));
  mixed.set_steps(4);
  CHECK(mixed.output_size() == 6);
  CHECK(mixed.kind() == "bidirectional_lstm_gru");
  bidirectional_perturb(mixed, 9);
  test::require_gradients_match(check_layer_gradients(mixed, test::random_matrix(3, 8, 4)));
}

TEST_CASE("a bidirectional layer's output is two plain layers, one over the reversed sequence",
          "[bidirectional]") {
  const Index steps = 5;
  auto layer = make_bidirectional<Lstm<double>>(3, 4, steps, 11);
  const Matrix<double> x = test::random_matrix(3, steps * 3, 12);
  const Matrix<double> out = layer.forward(x);
  CHECK(out.rows() == 8);
  CHECK((out - bidirectional_by_hand(layer, x, steps)).norm() < 1e-13);
  // The backward direction's state at step 0 has read the whole sequence: changing the last
  // step moves it, but not the forward direction's.
  Matrix<double> later = x;
  later.rightCols(3).setConstant(0.7);
  const Matrix<double> moved = layer.forward(later);
  CHECK(moved.topLeftCorner(4, 3) == out.topLeftCorner(4, 3));
  CHECK((moved.bottomLeftCorner(4, 3) - out.bottomLeftCorner(4, 3)).norm() > 1e-6);
  // One-hot inputs take the recurrent layers' shortcut in both directions.
  const Matrix<double> notes = test::one_hot_columns(3, steps * 3, 13);
  CHECK((layer.forward(notes) - bidirectional_by_hand(layer, notes, steps)).norm() < 1e-13);
  test::require_gradients_match(check_layer_gradients(layer, notes));
}

TEST_CASE("stacked bidirectional layers, an embedding below and many-to-one are gradient-checked",
          "[bidirectional][gradient]") {
  const Index steps = 4;
  const Index batch = 2;
  const Matrix<double> x = test::random_matrix(3, steps * batch, 31);
  {  // Bidirectional<Lstm> → Bidirectional<Gru> → Dense → Softmax, many-to-many
    Network net{Bidirectional<Lstm<double>>(3, 4, {}, 1), Bidirectional<Gru<double>>(8, 3, {}, 2),
                Dense<double>(6, 3), Softmax<double>()};
    net.set_steps(steps);
    test::require_gradients_match(
        check_network_gradients(net, CrossEntropy<double>(), x, bidirectional_targets(3, 8)));
  }
  {  // Embedding → Bidirectional<Lstm> → Dense → Softmax: the next-note shape, both ways
    Network net{Embedding<double>(5, 3, 1), Bidirectional<Lstm<double>>(3, 4, {}, 2),
                Dense<double>(8, 5), Softmax<double>()};
    net.set_steps(steps);
    Matrix<double> ids(1, steps * batch);
    ids << 0, 3, 1, 4, 2, 2, 0, 1;
    test::require_gradients_match(
        check_network_gradients(net, CrossEntropy<double>(), ids, bidirectional_targets(5, 8)));
  }
  {  // Bidirectional<Lstm> → LastStep → Dense: many-to-one. The last step's h← is the backward
     // layer's first state, computed from h = 0 after reading one step: its W_h has no gradient
     // (as torch's output[-1] of a bidirectional module). Every other gradient is checked.
    Network net{Bidirectional<Lstm<double>>(3, 4, {}, 3), LastStep<double>(),
                Dense<double>(8, 2)};
    net.set_steps(steps);
    const auto report =
        check_network_gradients(net, Quadratic<double>(), x, test::random_matrix(2, batch, 32));
    INFO(report.to_string());
    CHECK(report.worst_relative_error() < 1e-6);
    for (const auto& comparison : report.comparisons) {
      if (comparison.name.find("backward_recurrent_weights") != std::string::npos) {
        CHECK(comparison.analytic_norm == 0.0);
        CHECK(comparison.numeric_norm == 0.0);
      } else {
        CHECK(comparison.analytic_norm > 1e-3);
      }
    }
  }
}

TEST_CASE("a bidirectional layer draws the forward layer, then the backward layer, from its seed",
          "[bidirectional]") {
  const Bidirectional<Lstm<double>> layer(3, 4, {.forget_bias = 2.0}, 7);
  Lstm<double> forward(3, 4, {.forget_bias = 2.0}, 0);
  Lstm<double> backward(3, 4, {.forget_bias = 2.0}, 0);
  Rng rng(7);
  forward.initialise(rng);
  backward.initialise(rng);
  CHECK(layer.forward_layer().input_weights().value == forward.input_weights().value);
  CHECK(layer.backward_layer().recurrent_weights().value == backward.recurrent_weights().value);
  CHECK(layer.backward_layer().biases().value.middleRows(4, 4).isConstant(2.0));
  CHECK(!layer.unseeded());
  // The parameters are named by direction, the forward layer's first.
  std::vector<std::string> names;
  layer.for_each_parameter([&names](const Parameter<double>& p) { names.push_back(p.name); });
  CHECK(names == std::vector<std::string>{"forward_input_weights", "forward_recurrent_weights",
                                          "forward_biases", "backward_input_weights",
                                          "backward_recurrent_weights", "backward_biases"});
  // Built without seeds, a Network draws each afresh: no two weight matrices start alike.
  CHECK(Bidirectional<Gru<double>>(3, 4).unseeded());
  Network net{Bidirectional<Gru<double>>(3, 4), Bidirectional<Gru<double>>(8, 4)};
  CHECK(!net.layer<0>().unseeded());
  CHECK(net.layer<0>().forward_layer().input_weights().value !=
        net.layer<0>().backward_layer().input_weights().value);
  CHECK(net.layer<0>().backward_layer().recurrent_weights().value !=
        net.layer<1>().backward_layer().recurrent_weights().value);
}

TEST_CASE("a bidirectional layer refuses truncation, mismatched directions and bad shapes",
          "[bidirectional]") {
  CHECK_THROWS_AS(Bidirectional<Lstm<double>>(3, 4, {.truncation = 2}), ArgumentError);
  CHECK_THROWS_AS(Bidirectional<Lstm<double>>(0, 4), ArgumentError);
  Bidirectional<Lstm<double>> layer(3, 4, {}, 1);
  CHECK_NOTHROW(layer.set_truncation(0));
  CHECK_THROWS_WITH(layer.set_truncation(3), Catch::Contains("truncated BPTT"));
  CHECK_THROWS_AS((Bidirectional<Gru<double>>(Gru<double>(3, 4), Gru<double>(2, 4))),
                  ArgumentError);
  CHECK_THROWS_AS(layer.backward(Matrix<double>::Zero(8, 6)), ArgumentError);
  layer.set_steps(3);
  CHECK_THROWS_AS(layer.set_steps(0), ArgumentError);
  CHECK_THROWS_AS(layer.forward(Matrix<double>::Zero(3, 7)), ShapeError);
  CHECK_THROWS_AS(layer.forward(Matrix<double>::Zero(2, 6)), ShapeError);
  layer.forward(test::random_matrix(3, 6, 1));
  CHECK_THROWS_AS(layer.backward(Matrix<double>::Zero(4, 6)), ShapeError);
  // No step(): the backward direction starts at the last step, so a network holding one has no
  // generation API, a compile-time error rather than a wrong answer.
  using Whole = Network<Bidirectional<Lstm<double>>, Dense<double>>;
  using Plain = Network<Lstm<double>, Dense<double>>;
  STATIC_REQUIRE(ReadsWholeSequences<Bidirectional<Lstm<double>>>);
  STATIC_REQUIRE(!ReadsWholeSequences<Lstm<double>>);
  STATIC_REQUIRE(!BidirectionalCanStep<Whole>);
  STATIC_REQUIRE(BidirectionalCanStep<Plain>);
}

TEST_CASE("a saved bidirectional network loads back to the same outputs", "[bidirectional]") {
  Network net{Bidirectional<Lstm<float>>(3, 4, {}, 1), Dense<float>(8, 2), Softmax<float>()};
  net.set_steps(3);
  const Matrix<float> x = test::random_matrix(3, 6, 2).cast<float>();
  const Matrix<float> before = net.forward(x);
  const json document = model_to_json(net);
  const json& entry = document["layers"][0];
  CHECK(entry["kind"] == "bidirectional_lstm");
  CHECK(entry["inputs"] == 3);
  CHECK(entry["outputs"] == 8);
  CHECK(entry["parameters"].size() == 6);
  CHECK(entry["parameters"]["backward_recurrent_weights"].size() == 16);
  Network loaded{Bidirectional<Lstm<float>>(3, 4), Dense<float>(8, 2), Softmax<float>()};
  loaded.set_steps(3);
  model_from_json(loaded, document, "bidirectional.json");
  CHECK(loaded.forward(x) == before);
  // A GRU's file is not an LSTM's, nor is a one-way LSTM's.
  Network gru{Bidirectional<Gru<float>>(3, 4, {}, 1), Dense<float>(8, 2), Softmax<float>()};
  CHECK_THROWS_AS(model_from_json(loaded, model_to_json(gru), "gru.json"), FormatError);
  Network one_way{Lstm<float>(3, 8, {}, 1), Dense<float>(8, 2), Softmax<float>()};
  CHECK_THROWS_AS(model_from_json(loaded, model_to_json(one_way), "lstm.json"), FormatError);
  CHECK(Bidirectional<Rnn<float>>(3, 4).kind() == "bidirectional_rnn_tanh");
}

namespace {

// Loads torch's l{k} and l{k}_reverse tensors of a bidirectional case into the two directions.
void bidirectional_load_torch(Bidirectional<Lstm<double>>& layer, const json& c, int k) {
  const std::string l = "_l" + std::to_string(k);
  for (const auto& [suffix, lstm] : {std::pair{l, &layer.forward_layer()},
                                     std::pair{l + "_reverse", &layer.backward_layer()}}) {
    lstm->input_weights().value = matrix(c["weight_ih" + suffix]);
    lstm->recurrent_weights().value = matrix(c["weight_hh" + suffix]);
    lstm->biases().value = matrix(c["bias_ih" + suffix]) + matrix(c["bias_hh" + suffix]);
  }
}

void bidirectional_check_torch_gradients(const Bidirectional<Lstm<double>>& layer,
                                         const json& c, int k) {
  const std::string l = "_l" + std::to_string(k);
  for (const auto& [suffix, lstm] : {std::pair{l, &layer.forward_layer()},
                                     std::pair{l + "_reverse", &layer.backward_layer()}}) {
    INFO("torch layer " << suffix);
    require_close(lstm->input_weights().gradient, c["weight_ih" + suffix + "_grad"], "W_x grad");
    require_close(lstm->recurrent_weights().gradient, c["weight_hh" + suffix + "_grad"],
                  "W_h grad");
    // torch's two bias gradients are equal, each the sum of the gates' deltas
    require_close(lstm->biases().gradient, c["bias_ih" + suffix + "_grad"], "b grad");
  }
}

}  // namespace

TEST_CASE("the bidirectional LSTM agrees with torch.nn.LSTM(bidirectional=True)",
          "[torch][bidirectional]") {
  const json& c = reference().at("bidirectional_lstm");
  Bidirectional<Lstm<double>> layer(4, 5);
  layer.set_steps(c["steps"].get<Index>());
  bidirectional_load_torch(layer, c, 0);
  require_close(layer.forward(matrix(c["input"])), c["output"], "[h_fwd; h_bwd]");
  require_close(layer.backward(matrix(c["output_gradient"])), c["input_gradient"], "input grad");
  bidirectional_check_torch_gradients(layer, c, 0);
}

TEST_CASE("two stacked bidirectional LSTMs agree with torch's num_layers=2, bidirectional=True",
          "[torch][bidirectional]") {
  const json& c = reference().at("bidirectional_lstm_stacked");
  Network net{Bidirectional<Lstm<double>>(4, 3), Bidirectional<Lstm<double>>(6, 3)};
  net.set_steps(c["steps"].get<Index>());
  bidirectional_load_torch(net.layer<0>(), c, 0);
  bidirectional_load_torch(net.layer<1>(), c, 1);
  require_close(net.forward(matrix(c["input"])), c["output"], "[h_fwd; h_bwd] of layer 1");
  require_close(net.backward(matrix(c["output_gradient"])), c["input_gradient"], "input grad");
  bidirectional_check_torch_gradients(net.layer<0>(), c, 0);
  bidirectional_check_torch_gradients(net.layer<1>(), c, 1);
}

TEST_CASE("the bidirectional GRU agrees with torch.nn.GRU(bidirectional=True)",
          "[torch][bidirectional]") {
  const json& c = reference().at("bidirectional_gru");
  Bidirectional<Gru<double>> layer(4, 5);
  layer.set_steps(c["steps"].get<Index>());
  for (const auto& [suffix, gru] : {std::pair{"_l0", &layer.forward_layer()},
                                    std::pair{"_l0_reverse", &layer.backward_layer()}}) {
    const std::string s = suffix;
    gru->input_weights().value = matrix(c["weight_ih" + s]);
    gru->recurrent_weights().value = matrix(c["weight_hh" + s]);
    gru->input_biases().value = matrix(c["bias_ih" + s]);
    gru->recurrent_biases().value = matrix(c["bias_hh" + s]);
  }
  require_close(layer.forward(matrix(c["input"])), c["output"], "[h_fwd; h_bwd]");
  require_close(layer.backward(matrix(c["output_gradient"])), c["input_gradient"], "input grad");
  for (const auto& [suffix, gru] : {std::pair{"_l0", &layer.forward_layer()},
                                    std::pair{"_l0_reverse", &layer.backward_layer()}}) {
    const std::string s = suffix;
    INFO("torch layer " << s);
    require_close(gru->input_weights().gradient, c["weight_ih" + s + "_grad"], "W_x grad");
    require_close(gru->recurrent_weights().gradient, c["weight_hh" + s + "_grad"], "W_h grad");
    require_close(gru->input_biases().gradient, c["bias_ih" + s + "_grad"], "b_x grad");
    require_close(gru->recurrent_biases().gradient, c["bias_hh" + s + "_grad"], "b_h grad");
  }
}

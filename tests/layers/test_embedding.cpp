// Tests of bachprop/layers/embedding.hpp: equations (38)-(39) against central differences (the
// weight gradient, alone and under an LSTM in a network), against torch.nn.Embedding on
// identical weights (repeated ids included), against the one-hot product it replaces, the ids
// it refuses, the zero input gradient, its first place in a Network and saved models.

#include "helpers.hpp"
#include "torch_reference.hpp"

#include <bachprop/layers/embedding.hpp>
#include <bachprop/neural.hpp>

#include <vector>

using namespace bachprop;
using Catch::Matchers::Contains;
using nlohmann::json;
using torch_reference::matrix;
using torch_reference::reference;
using torch_reference::require_close;

namespace {

// A row of ids drawn from [0, vocabulary), some repeated.
Matrix<double> embedding_ids(Index vocabulary, Index count, std::uint64_t seed) {
  Rng rng(seed);
  Matrix<double> ids(1, count);
  for (Index j = 0; j < count; ++j) {
    ids(0, j) = static_cast<double>(rng.below(static_cast<std::uint64_t>(vocabulary)));
  }
  return ids;
}

}  // namespace

TEST_CASE("an embedding's weight gradient matches central differences", "[embedding][gradient]") {
  Embedding<double> embedding(7, 4, 1);
  // 12 ids from 7: repeats are certain, so the accumulation of (39) is exercised.
  const Matrix<double> ids = embedding_ids(7, 12, 2);
  const auto report = check_layer_gradients(embedding, ids);
  test::require_gradients_match(report);
  REQUIRE(report.comparisons.size() == 1);  // E only: ids have no gradient to compare
  CHECK(report.comparisons[0].name == "weights");
  // Columns of ids that never occur get no gradient.
  embedding.forward(Matrix<double>::Zero(1, 3));
  embedding.backward(Matrix<double>::Ones(4, 3));
  CHECK(embedding.weights().gradient.col(0).isConstant(3.0));
  CHECK(embedding.weights().gradient.rightCols(6).isZero());
}

TEST_CASE("an embedding equals a bias-free dense layer on one-hot columns", "[embedding]") {
  Embedding<double> embedding(6, 3, 4);
  const Matrix<double> ids = embedding_ids(6, 9, 5);
  Matrix<double> one_hot = Matrix<double>::Zero(6, 9);
  for (Index j = 0; j < 9; ++j) {
    one_hot(static_cast<Index>(ids(0, j)), j) = 1.0;
  }
  const Matrix<double>& weights = embedding.weights().value;
  CHECK(embedding.forward(ids) == weights * one_hot);
  const Matrix<double> g = test::random_matrix(3, 9, 6);
  const Matrix<double> input_gradient = embedding.backward(g);
  CHECK(embedding.weights().gradient.isApprox(g * one_hot.transpose(), 1e-14));
  CHECK(input_gradient.rows() == 1);
  CHECK(input_gradient.cols() == 9);
  CHECK(input_gradient.isZero());
}

TEST_CASE("an embedding refuses what is not an id, naming the column and the value",
          "[embedding][errors]") {
  Embedding<double> embedding(5, 2, 1);
  Matrix<double> ids(1, 4);
  ids << 0, 4, 2, 1;
  CHECK_NOTHROW(embedding.forward(ids));
  for (const double bad : {5.0, -1.0, 2.5, std::nan(""), 1e300}) {
    ids(0, 2) = bad;
    INFO("value " << bad);
    CHECK_THROWS_AS(embedding.forward(ids), ArgumentError);
    CHECK_THROWS_WITH(embedding.forward(ids), Contains("column 2"));
  }
  ids(0, 2) = 5.0;
  CHECK_THROWS_WITH(embedding.forward(ids), Contains("column 2 holds 5") && Contains("[0, 5)"));
  CHECK_THROWS_AS(embedding.forward(Matrix<double>::Zero(2, 3)), ShapeError);
  CHECK_THROWS_AS(Embedding<double>(0, 3), ArgumentError);
  CHECK_THROWS_AS(Embedding<double>(3, 0), ArgumentError);
  Embedding<double> fresh(5, 2, 1);
  CHECK_THROWS_AS(fresh.backward(Matrix<double>::Zero(2, 1)), ArgumentError);
  fresh.forward(Matrix<double>::Zero(1, 3));
  CHECK_THROWS_AS(fresh.backward(Matrix<double>::Zero(2, 2)), ShapeError);
}

TEST_CASE("an embedding starts N(0, 1), as torch.nn.Embedding does", "[embedding]") {
  const Embedding<double> embedding(200, 50, 3);
  const Matrix<double>& e = embedding.weights().value;
  const double mean = e.mean();
  const double variance = (e.array() - mean).square().mean();
  CHECK(std::abs(mean) < 0.03);
  CHECK(std::abs(variance - 1.0) < 0.03);
  CHECK(Embedding<double>(5, 4).unseeded());
  CHECK_FALSE(Embedding<double>(5, 4, 1).unseeded());
  // Unseeded, each of two in one network gets its own draw.
  Network net{Embedding<double>(5, 4), Lstm<double>(4, 4), Dense<double>(4, 5)};
  CHECK_FALSE(net.layer<0>().unseeded());
  CHECK(net.layer<0>().weights().value.norm() > 0);
}

TEST_CASE("an embedding as a network's first layer, under LSTMs, is gradient-checked",
          "[embedding][gradient][lstm]") {
  const Index steps = 4;
  const Index batch = 3;
  const Matrix<double> ids = embedding_ids(6, steps * batch, 7);  // time-major: t·B + b
  Matrix<double> y = Matrix<double>::Zero(6, steps * batch);
  for (Index j = 0; j < y.cols(); ++j) {
    y((j * 5 + 1) % 6, j) = 1.0;
  }
  Network net{Embedding<double>(6, 4, 1), Lstm<double>(4, 5, {}, 2), Dense<double>(5, 6, {}, 3),
              Softmax<double>()};
  net.set_steps(steps);
  const auto report = check_network_gradients(net, CrossEntropy<double>(), ids, y);
  test::require_gradients_match(report);
  CHECK(report.comparisons.front().name == "parameter 0 (weights)");
  // The first layer's input gradient, asked for, is zero: ids are not differentiable.
  net.compute_gradients(ids, y, CrossEntropy<double>(), true);
  CHECK(net.input_gradient().isZero());
  CHECK(net.input_gradient().cols() == steps * batch);
  // Generation one id at a time: Network::step gives what forward gave at each step.
  const Matrix<double> all = net.forward(ids);
  net.reset_state(batch);
  for (Index t = 0; t < steps; ++t) {
    CHECK(net.step(ids.middleCols(t * batch, batch)).isApprox(all.middleCols(t * batch, batch),
                                                             1e-14));
  }
}

TEST_CASE("a saved embedding network loads back to the same outputs", "[embedding][model_json]") {
  Network net{Embedding<float>(9, 4, 1), Lstm<float>(4, 3, {}, 2), Dense<float>(3, 9, {}, 3),
              Softmax<float>()};
  net.set_steps(2);
  const Matrix<float> ids = embedding_ids(9, 6, 4).cast<float>();
  const Matrix<float> before = net.forward(ids);
  const json document = model_to_json(net);
  CHECK(document["layers"][0]["kind"] == "embedding");
  CHECK(document["layers"][0]["config"]["vocabulary"] == 9);
  CHECK(document["layers"][0]["outputs"] == 4);
  Network loaded{Embedding<float>(9, 4), Lstm<float>(4, 3), Dense<float>(3, 9), Softmax<float>()};
  loaded.set_steps(2);
  model_from_json(loaded, json::parse(document.dump()), "embedding.json");
  CHECK(loaded.forward(ids) == before);
  // Another vocabulary is refused by name, and changes nothing.
  Network other{Embedding<float>(8, 4), Lstm<float>(4, 3), Dense<float>(3, 9), Softmax<float>()};
  const Matrix<float> other_weights = other.layer<0>().weights().value;
  CHECK_THROWS_WITH(model_from_json(other, document, "embedding.json"),
                    Contains("embedding.json: layer 0") && Contains("vocabulary"));
  CHECK(other.layer<0>().weights().value == other_weights);
}

TEST_CASE("the embedding agrees with torch.nn.Embedding", "[torch][embedding]") {
  const json& c = reference().at("embedding");
  Embedding<double> embedding(c["vocabulary"].get<Index>(), c["dimensions"].get<Index>());
  embedding.weights().value = matrix(c["weights"]);  // torch's weight, transposed
  require_close(embedding.forward(matrix(c["input"])), c["output"], "vectors");
  embedding.backward(matrix(c["output_gradient"]));
  require_close(embedding.weights().gradient, c["weights_gradient"], "E grad");
}

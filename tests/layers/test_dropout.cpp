// Tests of bachprop/layers/dropout.hpp: equations (40)-(41) against central differences (a
// fixed mask, alone and between LSTMs), against torch.nn.functional.dropout with the mask torch
// drew, the identity in evaluation and in step(), the statistics and determinism of the masks,
// the training mode a Network and train() set, and saved models that continue the masks.

#include "helpers.hpp"
#include "torch_reference.hpp"

#include <bachprop/layers/dropout.hpp>
#include <bachprop/neural.hpp>

using namespace bachprop;
using Catch::Matchers::Contains;
using nlohmann::json;
using torch_reference::matrix;
using torch_reference::reference;
using torch_reference::require_close;

namespace {

// A keep-mask of 0s and 1s, about `keep` of them 1.
Matrix<double> dropout_keep_mask(Index rows, Index cols, double keep, std::uint64_t seed) {
  Rng rng(seed);
  Matrix<double> mask(rows, cols);
  for (Index i = 0; i < mask.size(); ++i) {
    mask.data()[i] = rng.uniform() < keep ? 1.0 : 0.0;
  }
  return mask;
}

}  // namespace

TEST_CASE("dropout's gradient with a fixed mask matches central differences",
          "[dropout][gradient]") {
  Dropout<double> dropout(0.4, 1);
  dropout.set_training(true);
  const Matrix<double> keep = dropout_keep_mask(5, 8, 0.6, 2);
  REQUIRE(keep.sum() > 0);
  REQUIRE(keep.sum() < 40);
  dropout.use_mask(keep);
  const auto report = check_layer_gradients(dropout, test::random_matrix(5, 8, 3));
  test::require_gradients_match(report);
  // (41) by hand: the kept entries pass the gradient scaled by 1/(1 − p), the others nothing.
  const Matrix<double> g = test::random_matrix(5, 8, 4);
  dropout.forward(test::random_matrix(5, 8, 5));
  CHECK(dropout.backward(g).isApprox((g.array() * keep.array() / 0.6).matrix(), 1e-15));
}

TEST_CASE("dropout agrees with torch.nn.functional.dropout given torch's mask",
          "[torch][dropout]") {
  const json& c = reference().at("dropout");
  Dropout<double> dropout(c["rate"].get<double>(), 1);
  dropout.set_training(true);
  dropout.use_mask(matrix(c["mask"]));
  require_close(dropout.forward(matrix(c["input"])), c["output"], "output");
  require_close(dropout.backward(matrix(c["output_gradient"])), c["input_gradient"], "input grad");
  dropout.set_training(false);
  require_close(dropout.forward(matrix(c["input"])), c["eval_output"], "evaluation");
}

TEST_CASE("dropout is the identity in evaluation and in step(), whatever the mode",
          "[dropout]") {
  Dropout<double> dropout(0.5, 1);
  CHECK_FALSE(dropout.training());  // a Dropout starts in evaluation
  const Matrix<double> x = test::random_matrix(4, 6, 1);
  const Matrix<double> g = test::random_matrix(4, 6, 2);
  CHECK(dropout.forward(x) == x);
  CHECK(dropout.backward(g) == g);
  CHECK(dropout.masks_drawn() == 0);
  dropout.set_training(true);
  CHECK(dropout.step(x) == x);
  CHECK(dropout.forward(x) != x);
  CHECK(dropout.masks_drawn() == 1);
  Dropout<double> none(0.0, 1);
  none.set_training(true);
  CHECK(none.forward(x) == x);
  CHECK(none.backward(g) == g);
  CHECK_THROWS_AS(Dropout<double>(1.0), ArgumentError);
  CHECK_THROWS_AS(Dropout<double>(-0.1), ArgumentError);
  CHECK_THROWS_AS(Dropout<double>(std::nan("")), ArgumentError);
  CHECK_THROWS_AS(dropout.use_mask(Matrix<double>::Constant(2, 2, 0.5)), ArgumentError);
  dropout.use_mask(Matrix<double>::Ones(2, 2));
  CHECK_THROWS_WITH(dropout.forward(x), Contains("fixed mask is 2×2"));
  dropout.clear_mask();
  CHECK_NOTHROW(dropout.forward(x));
  CHECK_THROWS_AS(dropout.backward(Matrix<double>::Zero(4, 5)), ShapeError);
}

TEST_CASE("dropout's masks keep 1 − p of the entries, scaled to keep the mean, and follow the "
          "seed",
          "[dropout]") {
  const double p = 0.3;
  Dropout<double> dropout(p, 42);
  dropout.set_training(true);
  const Matrix<double> ones = Matrix<double>::Ones(100, 200);
  const Matrix<double> y = dropout.forward(ones);
  const double kept = static_cast<double>((y.array() != 0.0).count()) / 20000.0;
  CHECK(std::abs(kept - (1 - p)) < 0.01);
  CHECK(((y.array() == 0.0) || (y.array() == 1.0 / (1 - p))).all());
  CHECK(std::abs(y.mean() - 1.0) < 0.02);  // (40): E[y] = x
  // The same seed draws the same masks; the next forward another; another seed others.
  Dropout<double> twin(p, 42);
  twin.set_training(true);
  CHECK(twin.forward(ones) == y);
  CHECK(twin.forward(ones) != y);
  Dropout<double> other(p, 43);
  other.set_training(true);
  CHECK(other.forward(ones) != y);
  // Continuing from a position gives the masks from there on.
  Dropout<double> resumed(p, 1);
  resumed.set_training(true);
  resumed.set_seed(42, 1);
  Dropout<double> reference(p, 42);
  reference.set_training(true);
  reference.forward(ones);
  CHECK(resumed.forward(ones) == reference.forward(ones));
}

TEST_CASE("a network sets the mode of its dropout layers and seeds them apart",
          "[dropout][network]") {
  Network net{Dense<double>(3, 4, Init::xavier, 1), Dropout<double>(0.5), Dense<double>(4, 4),
              Dropout<double>(0.5), Softmax<double>()};
  CHECK_FALSE(net.training());
  CHECK(net.layer<1>().has_seed());
  CHECK(net.layer<1>().seed() != net.layer<3>().seed());
  net.set_training(true);
  CHECK(net.training());
  CHECK(net.layer<1>().training());
  CHECK(net.layer<3>().training());
  const Matrix<double> x = test::random_matrix(3, 5, 1);
  const Matrix<double> dropped = net.forward(x);
  CHECK(net.forward(x) != dropped);  // a fresh mask each forward
  CHECK(net.step(x) == net.step(x));  // generation never drops
  net.set_training(false);
  CHECK_FALSE(net.layer<3>().training());
  CHECK(net.forward(x) == net.forward(x));
  CHECK(net.forward(x).isApprox(net.step(x), 1e-15));
  // A seed given to the layer is kept.
  Network seeded{Dense<double>(3, 4), Dropout<double>(0.5, 77)};
  CHECK(seeded.layer<1>().seed() == 77);
}

TEST_CASE("dropout between stacked LSTMs is gradient-checked with fixed masks",
          "[dropout][gradient][lstm]") {
  const Index steps = 3;
  const Index batch = 2;
  Network net{Lstm<double>(3, 5, {}, 1), Dropout<double>(0.4), Lstm<double>(5, 4, {}, 2),
              Dropout<double>(0.25), Dense<double>(4, 3, {}, 3), Softmax<double>()};
  net.set_steps(steps);
  net.set_training(true);
  net.layer<1>().use_mask(dropout_keep_mask(5, steps * batch, 0.6, 4));
  net.layer<3>().use_mask(dropout_keep_mask(4, steps * batch, 0.75, 5));
  const Matrix<double> x = test::random_matrix(3, steps * batch, 6);
  Matrix<double> y = Matrix<double>::Zero(3, steps * batch);
  for (Index j = 0; j < y.cols(); ++j) {
    y(j % 3, j) = 1.0;
  }
  test::require_gradients_match(check_network_gradients(net, CrossEntropy<double>(), x, y));
}

TEST_CASE("train() drops in its training steps only, and gives the network back as it came",
          "[dropout][train]") {
  const Index steps = 4;
  const Index samples = 12;
  Network net{Lstm<float>(5, 6, {}, 1), Dropout<float>(0.5), Lstm<float>(6, 6, {}, 2),
              Dense<float>(6, 5, {}, 3), Softmax<float>()};
  const Matrix<float> x = test::one_hot_matrix<float>(5, steps * samples, 1);
  const Matrix<float> y = test::one_hot_matrix<float>(5, steps * samples, 2);
  Adam<float> adam(0.01);
  int batches_seen = 0;
  TrainCallbacks callbacks;
  callbacks.on_batch = [&](const BatchReport&) {
    ++batches_seen;
    CHECK_FALSE(net.training());  // a callback sees the network in evaluation
  };
  callbacks.on_epoch = [&](const EpochReport&) { return !net.layer<1>().training(); };
  train(net, CrossEntropy<float>(), adam, x, y,
        {.epochs = 2, .batch_size = 4, .seed = 3, .sequence_steps = steps}, callbacks);
  CHECK(batches_seen == 6);
  CHECK_FALSE(net.training());
  CHECK(net.layer<1>().masks_drawn() == 6);  // one mask per training step, none in callbacks
  // A network handed over in training mode comes back in training mode.
  net.set_training(true);
  train(net, CrossEntropy<float>(), adam, x, y,
        {.epochs = 1, .batch_size = 4, .seed = 3, .sequence_steps = steps});
  CHECK(net.layer<1>().training());
}

TEST_CASE("a saved dropout network keeps its rate and continues its masks",
          "[dropout][model_json]") {
  Network net{Dense<float>(3, 4, Init::xavier, 1), Dropout<float>(0.5, 9), Dense<float>(4, 2)};
  net.set_training(true);
  const Matrix<float> x = test::random_matrix(3, 6, 2).cast<float>();
  net.forward(x);
  net.forward(x);
  const json document = model_to_json(net);
  CHECK(document["layers"][1]["kind"] == "dropout");
  CHECK(document["layers"][1]["config"]["rate"] == 0.5);
  CHECK(document["layers"][1]["draws"]["seed"] == 9);
  CHECK(document["layers"][1]["draws"]["masks_drawn"] == 2);
  Network loaded{Dense<float>(3, 4), Dropout<float>(0.5), Dense<float>(4, 2)};
  model_from_json(loaded, json::parse(document.dump()), "dropout.json");
  loaded.set_training(true);
  CHECK(loaded.forward(x) == net.forward(x));  // mask 3 of seed 9 in both
  // Another rate is refused by name; a file without draws keeps the layer's own.
  Network other{Dense<float>(3, 4), Dropout<float>(0.25, 5), Dense<float>(4, 2)};
  CHECK_THROWS_WITH(model_from_json(other, document, "dropout.json"),
                    Contains("dropout.json: layer 1") && Contains("rate"));
  json without = document;
  without["layers"][1].erase("draws");
  Network plain{Dense<float>(3, 4), Dropout<float>(0.5, 5), Dense<float>(4, 2)};
  model_from_json(plain, without, "old.json");
  CHECK(plain.layer<1>().seed() == 5);
  json forged = document;
  forged["layers"][1]["draws"]["masks_drawn"] = -1;
  CHECK_THROWS_WITH(model_from_json(plain, forged, "forged.json"),
                    Contains("forged.json: layer 1 draws") && Contains("masks_drawn"));
}

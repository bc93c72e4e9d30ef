// Tests of bachprop/train/trainer.hpp: the mini-batch loop of section 5.

#include "helpers.hpp"

#include <bachprop/neural.hpp>
#include <bachprop/train/trainer.hpp>

using namespace bachprop;

namespace {

auto small_network(std::uint64_t seed) {
  Network net{Dense<double>(2, 4), Sigmoid<double>(), Dense<double>(4, 1), Sigmoid<double>()};
  net.initialise(seed);
  return net;
}

}  // namespace

TEST_CASE("one full-batch epoch is one step with the mean gradient (4.3)", "[trainer]") {
  const Matrix<double> x = test::random_matrix(2, 6, 1);
  const Matrix<double> y = test::random_probabilities(1, 6, 2);
  auto trained = small_network(3);
  auto manual = small_network(3);
  Sgd<double> sgd_a(1.5);
  Sgd<double> sgd_b(1.5);
  train(trained, Quadratic<double>(), sgd_a, x, y,
        {.epochs = 1, .batch_size = 6, .shuffle = false});
  manual.compute_gradients(x, y, Quadratic<double>());
  sgd_b.step(manual);
  CHECK(trained.layer<0>().weights().value.isApprox(manual.layer<0>().weights().value, 1e-14));
  CHECK(trained.layer<2>().biases().value.isApprox(manual.layer<2>().biases().value, 1e-14));
}

TEST_CASE("the mean of per-sample gradients equals the batch gradient", "[trainer]") {
  // Section 4.3 averages the ∇C of single examples; the batch-as-columns product does the same.
  const Matrix<double> x = test::random_matrix(2, 5, 4);
  const Matrix<double> y = test::random_probabilities(1, 5, 5);
  auto net = small_network(6);
  net.compute_gradients(x, y, Quadratic<double>());
  const Matrix<double> batch_gradient = net.layer<0>().weights().gradient;
  Matrix<double> sum = Matrix<double>::Zero(4, 2);
  for (Index j = 0; j < 5; ++j) {
    net.compute_gradients(x.col(j), y.col(j), Quadratic<double>());
    sum += net.layer<0>().weights().gradient;
  }
  CHECK(batch_gradient.isApprox(sum / 5.0, 1e-14));
}

TEST_CASE("training is deterministic for a seed and learns", "[trainer][random]") {
  const Matrix<double> x = test::random_matrix(2, 50, 7);
  Matrix<double> y(1, 50);
  for (Index j = 0; j < 50; ++j) {
    y(0, j) = x(0, j) + x(1, j) > 0 ? 1.0 : 0.0;
  }
  auto run = [&](std::uint64_t seed) {
    auto net = small_network(8);
    Sgd<double> sgd(2.0);
    auto reports = train(net, BinaryCrossEntropy<double>(), sgd, x, y,
                         {.epochs = 60, .batch_size = 7, .seed = seed});
    return std::pair{net.layer<0>().weights().value, reports};
  };
  const auto [w1, reports1] = run(1);
  const auto [w2, reports2] = run(1);
  const auto [w3, reports3] = run(2);
  CHECK(w1 == w2);  // bitwise
  CHECK(w1 != w3);
  REQUIRE(reports1.size() == 60);
  CHECK(reports1.back().mean_loss < 0.35 * reports1.front().mean_loss);
  CHECK(reports1.front().epoch == 1);
}

TEST_CASE("the last partial batch is used and callbacks see every batch", "[trainer]") {
  const Matrix<double> x = test::random_matrix(2, 10, 9);
  const Matrix<double> y = test::random_probabilities(1, 10, 10);
  auto net = small_network(11);
  Sgd<double> sgd(0.1);
  std::vector<BatchReport> batches;
  int epochs_seen = 0;
  const auto reports = train(net, Quadratic<double>(), sgd, x, y, {.epochs = 5, .batch_size = 4},
                             {.on_batch = [&](const BatchReport& r) { batches.push_back(r); },
                              .on_epoch = [&](const EpochReport&) { return ++epochs_seen < 2; }});
  CHECK(reports.size() == 2);  // stopped by on_epoch
  REQUIRE(batches.size() == 6);  // 3 batches (4 + 4 + 2) per epoch
  CHECK(batches[2].batch == 3);
  CHECK(batches[2].batches == 3);
  CHECK(batches[5].epoch == 2);
}

TEST_CASE("train rejects mismatched data and bad options", "[trainer][errors]") {
  auto net = small_network(12);
  Sgd<double> sgd(0.1);
  CHECK_THROWS_WITH(train(net, Quadratic<double>(), sgd, Matrix<double>::Zero(2, 5),
                          Matrix<double>::Zero(1, 4), {}),
                    Catch::Contains("5 input samples but 4 target columns"));
  CHECK_THROWS_AS(train(net, Quadratic<double>(), sgd, Matrix<double>::Zero(2, 5),
                        Matrix<double>::Zero(1, 5), {.batch_size = 0}),
                  ArgumentError);
  CHECK_THROWS_AS(train(net, Quadratic<double>(), sgd, Matrix<double>::Zero(3, 5),
                        Matrix<double>::Zero(1, 5), {}),
                  ShapeError);
}

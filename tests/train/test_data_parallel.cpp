// Tests of bachprop/train/data_parallel.hpp: data-parallel steps give the same weights, bit for
// bit, on 1, 2 and 3 threads (dense and LSTM networks, with dropout, clipping and a ragged last
// batch), their gradient is the whole batch's mean gradient to rounding, a run resumed from a
// checkpoint ends as one never stopped, and the automatic choice and the bad options.

#include "helpers.hpp"
#include "io/idx_samples.hpp"
#include "train/parallel_test_networks.hpp"

#include <bachprop/neural.hpp>
#include <bachprop/train/data_parallel.hpp>

#include <limits>
#include <utility>
#include <vector>

using namespace bachprop;

namespace {

using parallel_test::dense_network;
using parallel_test::lstm_network;

// Every parameter value, one after another.
template <class Net>
Vector<typename Net::Scalar> parameter_values(const Net& net) {
  return parallel_test::flattened(net);
}

// Every parameter gradient, one after another.
template <class Net>
Vector<typename Net::Scalar> parameter_gradients(const Net& net) {
  return parallel_test::flattened(net, true);
}

// The weights after `epochs` epochs of data-parallel training on `threads` threads.
template <class Net>
Vector<typename Net::Scalar> trained(Net net, const Matrix<typename Net::Scalar>& x,
                                     const Matrix<typename Net::Scalar>& y, TrainOptions options,
                                     int threads) {
  options.parallelism = Parallelism::data;
  options.threads = threads;
  Adam<typename Net::Scalar> adam(1e-2);
  train(net, CrossEntropy<typename Net::Scalar>(), adam, x, y, options);
  return parameter_values(net);
}

}  // namespace

TEST_CASE("data-parallel training gives the same weights, bit for bit, on 1, 2 and 3 threads",
          "[data_parallel][trainer]") {
  // 150 samples in batches of 64: two of 4 shards, then a ragged one of 22 (shards of 5 and 6).
  TrainOptions options{.epochs = 2, .batch_size = 64, .seed = 5, .clip_norm = 1.0};
  options.shards = 4;
  SECTION("double, a dense network with dropout") {
    const Matrix<double> x = test::normal_matrix<double>(12, 150, 1);
    const Matrix<double> y = test::one_hot_matrix<double>(5, 150, 2);
    const auto one = trained(dense_network<double>(), x, y, options, 1);
    CHECK((one.array() != parameter_values(dense_network<double>()).array()).any());
    CHECK((trained(dense_network<double>(), x, y, options, 2).array() == one.array()).all());
    CHECK((trained(dense_network<double>(), x, y, options, 3).array() == one.array()).all());
  }
  SECTION("float, within 1e-6 relative (the code path is the same: bit for bit here too)") {
    const Matrix<float> x = test::normal_matrix<float>(12, 150, 1);
    const Matrix<float> y = test::one_hot_matrix<float>(5, 150, 2);
    const auto one = trained(dense_network<float>(), x, y, options, 1);
    for (const int threads : {2, 3}) {
      const auto many = trained(dense_network<float>(), x, y, options, threads);
      CHECK(many.isApprox(one, 1e-6F));
      CHECK((many.array() == one.array()).all());
    }
  }
}

TEST_CASE("data-parallel LSTM training gives the same weights on 1, 2 and 3 threads",
          "[data_parallel][trainer][lstm]") {
  // 30 sequences of 7 steps, batches of 12 in 4 shards of 3 whole sequences (the last batch of
  // 6: shards of 1 and 2), dropout between the LSTM and the output layer.
  const Index steps = 7;
  const Matrix<double> x = test::one_hot_matrix<double>(6, 30 * steps, 3);
  const Matrix<double> y = test::one_hot_matrix<double>(6, 30 * steps, 4);
  TrainOptions options{.epochs = 1, .batch_size = 12, .seed = 6, .sequence_steps = steps};
  options.shards = 4;
  const auto one = trained(lstm_network<double>(0.2), x, y, options, 1);
  CHECK((one.array() != parameter_values(lstm_network<double>(0.2)).array()).any());
  CHECK((trained(lstm_network<double>(0.2), x, y, options, 2).array() == one.array()).all());
  CHECK((trained(lstm_network<double>(0.2), x, y, options, 3).array() == one.array()).all());

  const Matrix<float> xf = x.cast<float>();
  const Matrix<float> yf = y.cast<float>();
  const auto one_float = trained(lstm_network<float>(0.2), xf, yf, options, 1);
  for (const int threads : {2, 3}) {
    CHECK(trained(lstm_network<float>(0.2), xf, yf, options, threads).isApprox(one_float, 1e-6F));
  }
}

TEST_CASE("a data-parallel gradient is the whole batch's mean gradient (4.3), to rounding",
          "[data_parallel]") {
  auto compare = [](auto master, const auto& x, const auto& y, const TrainOptions& options) {
    auto whole = master;
    using Net = decltype(master);
    Batches<double> data(x, y, options);
    DataParallel<Net> parallel(master, {.data = true, .threads = 2, .shards = 3});
    const double loss = parallel.compute_gradients(master, data, 0, CrossEntropy<double>());
    Matrix<double> bx;
    Matrix<double> by;
    data.load(0, whole, bx, by);
    const double whole_loss = whole.compute_gradients(bx, by, CrossEntropy<double>());
    const Vector<double> expected = parameter_gradients(whole);
    CHECK(expected.norm() > 1e-3);  // gradients that are not zero: something to compare
    CHECK(parameter_gradients(master).isApprox(expected, 1e-10));
    CHECK_THAT(loss, Catch::Matchers::WithinRel(whole_loss, 1e-12));
  };
  SECTION("a dense network, shards of 3, 3 and 4 samples") {
    const Matrix<double> x = test::normal_matrix<double>(12, 10, 7);
    const Matrix<double> y = test::one_hot_matrix<double>(5, 10, 8);
    auto net = dense_network<double>();
    net.layer<2>() = Dropout<double>(0.0);  // masks would differ from the whole batch's
    compare(net, x, y, {.batch_size = 10, .shuffle = false});
  }
  SECTION("an LSTM over whole sequences, targets at every step") {
    const Index steps = 5;
    const Matrix<double> x = test::one_hot_matrix<double>(6, 8 * steps, 9);
    const Matrix<double> y = test::one_hot_matrix<double>(6, 8 * steps, 10);
    compare(lstm_network<double>(0.0), x, y,
            {.batch_size = 8, .shuffle = false, .sequence_steps = steps});
  }
}

TEST_CASE("data-parallel steps see a non-finite gradient as they sum it, and update in pieces",
          "[data_parallel]") {
  Matrix<double> x = test::normal_matrix<double>(12, 10, 7);
  const Matrix<double> y = test::one_hot_matrix<double>(5, 10, 8);
  auto master = dense_network<double>();
  auto whole = master;
  Batches<double> data(x, y, {.batch_size = 10, .shuffle = false});
  DataParallel<decltype(master)> parallel(master, {.data = true, .threads = 2, .shards = 3});
  parallel.compute_gradients(master, data, 0, CrossEntropy<double>());
  CHECK(parallel.gradients_finite());
  // The update in pieces on the two threads is the optimiser's own step, bit for bit.
  std::vector<const Parameter<double>*> summed;
  std::as_const(master).for_each_parameter(
      [&summed](const Parameter<double>& p) { summed.push_back(&p); });
  std::size_t i = 0;
  whole.for_each_parameter([&](Parameter<double>& p) { p.gradient = summed[i++]->gradient; });
  Adam<double> pieces(1e-2);
  Adam<double> one(1e-2);
  parallel.step(master, pieces);
  one.step(whole);
  CHECK((parameter_values(master).array() == parameter_values(whole).array()).all());
  CHECK((parameter_values(master).array() != parameter_values(dense_network<double>()).array())
            .any());
  x(3, 6) = std::numeric_limits<double>::quiet_NaN();  // sample 6: in the third shard
  Batches<double> bad(x, y, {.batch_size = 10, .shuffle = false});
  parallel.compute_gradients(master, bad, 0, CrossEntropy<double>());
  CHECK_FALSE(parallel.gradients_finite());
}

TEST_CASE("data-parallel and whole-batch training agree to rounding without dropout",
          "[data_parallel][trainer]") {
  const Matrix<double> x = test::normal_matrix<double>(12, 128, 11);
  const Matrix<double> y = test::one_hot_matrix<double>(5, 128, 12);
  auto products = dense_network<double>();
  products.layer<2>() = Dropout<double>(0.0);
  auto data = products;
  TrainOptions options{.epochs = 2, .batch_size = 32, .seed = 13};
  Sgd<double> sgd_a(0.5);
  Sgd<double> sgd_b(0.5);
  options.parallelism = Parallelism::products;
  train(products, CrossEntropy<double>(), sgd_a, x, y, options);
  options.parallelism = Parallelism::data;
  options.threads = 2;
  train(data, CrossEntropy<double>(), sgd_b, x, y, options);
  CHECK(parameter_values(data).isApprox(parameter_values(products), 1e-10));
}

TEST_CASE("a data-parallel run resumed from a checkpoint ends as one never stopped",
          "[data_parallel][checkpoint]") {
  const Matrix<double> x = test::normal_matrix<double>(12, 100, 14);
  const Matrix<double> y = test::one_hot_matrix<double>(5, 100, 15);
  test::TempFolder folder("data-parallel-resume");
  TrainOptions options{.epochs = 3, .batch_size = 32, .seed = 16};
  const auto uninterrupted = trained(dense_network<double>(), x, y, options, 2);
  // Two epochs on 3 threads, then the third resumed on 1: dropout's masks continue.
  options.checkpoint_path = folder / "run.json";
  options.epochs = 2;
  trained(dense_network<double>(), x, y, options, 3);
  options.epochs = 3;
  options.resume_from = options.checkpoint_path;
  const auto resumed = trained(dense_network<double>(), x, y, options, 1);
  CHECK((resumed.array() == uninterrupted.array()).all());
}

TEST_CASE("automatic parallelism: data-parallel shards only where they pay",
          "[data_parallel]") {
  const auto net = dense_network<float>();  // 437 weights: 2,622 operations per sample
  TrainOptions options{.batch_size = 65536};  // 86M operations per thread at 2 threads
  options.threads = 1;
  CHECK_FALSE(plan_parallelism(net, options).data);  // one thread: products, as ever
  options.threads = 2;
  const ParallelPlan big = plan_parallelism(net, options);
  CHECK(big.data);
  CHECK(big.shards == 4);  // from the batch size alone
  CHECK(big.threads == 2);
  options.batch_size = 8192;  // 11M operations per thread: not worth the wake-ups and the sum
  CHECK_FALSE(plan_parallelism(net, options).data);
  CHECK(plan_parallelism(net, options).threads == 1);  // nor splitting products: one thread
  options.parallelism = Parallelism::data;
  CHECK(plan_parallelism(net, options).data);
  options.batch_size = 20;  // a single shard of 20, 2 threads: still data-parallel when asked
  CHECK(plan_parallelism(net, options).shards == 1);
  CHECK(plan_parallelism(net, options).threads == 1);
  options.parallelism = Parallelism::products;
  options.batch_size = 65536;
  CHECK_FALSE(plan_parallelism(net, options).data);
}

TEST_CASE("negative threads or shards are refused by name", "[data_parallel]") {
  const auto net = dense_network<float>();
  TrainOptions options;
  options.threads = -1;
  CHECK_THROWS_WITH(plan_parallelism(net, options),
                    Catch::Matchers::Contains("threads and shards must be non-negative"));
  options.threads = 0;
  options.shards = -2;
  CHECK_THROWS_AS(plan_parallelism(net, options), ArgumentError);
}

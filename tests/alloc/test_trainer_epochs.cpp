// Tests of bachprop/train/trainer.hpp in a steady loop: the epochs' allocations.
//
// The trainer's epoch loop (shuffle, gather, step, callbacks) allocates nothing after its first
// epoch when every batch has the same shape. A ragged last batch (samples not a multiple of the
// batch size) changes the shape twice per epoch, so every buffer is resized twice: the count is
// then a fixed number per epoch, independent of the number of batches.

#include "steady_state.hpp"

#include <bachprop/bachprop.hpp>

#include <catch2/catch.hpp>

#include <optional>

using namespace bachprop;
using alloc_test::AllocationCounter;

namespace {

// Allocations during epochs 2..epochs of train() (the first epoch sizes the buffers).
template <class Net, class Loss, class Optimiser>
long allocations_after_first_epoch(Net& net, const Loss& loss, Optimiser& optimiser,
                                   const Matrix<float>& x, const Matrix<float>& y,
                                   TrainOptions options) {
  std::optional<AllocationCounter> counter;
  long batches_seen = 0;
  TrainCallbacks callbacks;
  callbacks.on_batch = [&batches_seen](const BatchReport&) { ++batches_seen; };
  callbacks.on_epoch = [&counter](const EpochReport& report) {
    if (report.epoch == 1) {
      counter.emplace();
    }
    return true;
  };
  const auto reports = train(net, loss, optimiser, x, y, options, callbacks);
  REQUIRE(counter.has_value());
  counter->stop();
  REQUIRE(static_cast<Index>(reports.size()) == options.epochs);
  CHECK(batches_seen > 0);
  INFO(counter->describe());
  return counter->count();
}

}  // namespace

TEST_CASE("the trainer's epochs allocate nothing when every batch has the same shape",
          "[alloc][trainer]") {
  const Matrix<float> x = alloc_test::normal_matrix<float>(30, 120, 1);
  const Matrix<float> y = alloc_test::one_hot_matrix<float>(4, 120, 2);
  Network net{Dense<float>(30, 16), Tanh<float>(), Dense<float>(16, 4), Softmax<float>()};
  net.initialise(3);
  Adam<float> adam(1e-3);
  CHECK(allocations_after_first_epoch(net, CrossEntropy<float>(), adam, x, y,
                                      {.epochs = 4, .batch_size = 10, .seed = 5,
                                       .clip_norm = 1.0}) == 0);
}

TEST_CASE("the trainer's sequence epochs allocate nothing", "[alloc][trainer][rnn]") {
  const Index steps = 5;
  const Matrix<float> x = alloc_test::one_hot_matrix<float>(12, 24 * steps, 3);
  const Matrix<float> y = alloc_test::one_hot_matrix<float>(12, 24 * steps, 4);
  Network net{Rnn<float>(12, 16), Dense<float>(16, 12), Softmax<float>()};
  net.initialise(5);
  Sgd<float> sgd(0.1);
  CHECK(allocations_after_first_epoch(net, CrossEntropy<float>(), sgd, x, y,
                                      {.epochs = 3, .batch_size = 6, .sequence_steps = steps}) ==
        0);
}

TEST_CASE("a ragged last batch costs a fixed number of allocations per epoch, whatever the "
          "number of batches", "[alloc][trainer]") {
  auto count_for = [](Index samples) {
    const Matrix<float> x = alloc_test::normal_matrix<float>(8, samples, 6);
    const Matrix<float> y = alloc_test::one_hot_matrix<float>(3, samples, 7);
    Network net{Dense<float>(8, 6), Sigmoid<float>(), Dense<float>(6, 3), Sigmoid<float>()};
    net.initialise(8);
    Sgd<float> sgd(0.5);
    return allocations_after_first_epoch(net, Quadratic<float>(), sgd, x, y,
                                         {.epochs = 3, .batch_size = 4});
  };
  const long few_batches = count_for(4 * 3 + 1);     // 3 full batches and 1 of one sample
  const long many_batches = count_for(4 * 30 + 1);   // 30 full batches and 1 of one sample
  CHECK(few_batches > 0);
  CHECK(many_batches == few_batches);
}

TEST_CASE("data-parallel epochs allocate nothing once the first batch has sized the replicas",
          "[alloc][trainer][data_parallel]") {
  const Matrix<float> x = alloc_test::normal_matrix<float>(30, 128, 8);
  const Matrix<float> y = alloc_test::one_hot_matrix<float>(4, 128, 9);
  Network net{Dense<float>(30, 16), Tanh<float>(), Dropout<float>(0.2), Dense<float>(16, 4),
              Softmax<float>()};
  net.initialise(10);
  Adam<float> adam(1e-3);
  TrainOptions options{.epochs = 3, .batch_size = 32, .seed = 11, .clip_norm = 1.0};
  options.parallelism = Parallelism::data;
  options.threads = 2;  // the team's own thread counted too: the counter sees every thread
  options.shards = 2;
  CHECK(allocations_after_first_epoch(net, CrossEntropy<float>(), adam, x, y, options) == 0);
}

TEST_CASE("data-parallel sequence epochs allocate nothing", "[alloc][trainer][data_parallel]") {
  const Index steps = 5;
  const Matrix<float> x = alloc_test::one_hot_matrix<float>(12, 24 * steps, 3);
  const Matrix<float> y = alloc_test::one_hot_matrix<float>(12, 24 * steps, 4);
  Network net{Lstm<float>(12, 16), Dense<float>(16, 12), Softmax<float>()};
  net.initialise(5);
  Sgd<float> sgd(0.1);
  TrainOptions options{.epochs = 3, .batch_size = 6, .sequence_steps = steps};
  options.parallelism = Parallelism::data;
  options.threads = 3;
  options.shards = 3;
  CHECK(allocations_after_first_epoch(net, CrossEntropy<float>(), sgd, x, y, options) == 0);
}

// Tests of bachprop/train/divergence.hpp: a run whose loss becomes NaN or infinite stops with
// TrainingDiverged naming the epoch, the batch and the learning rate and saying what to try; the
// last good checkpoint stays on disk untouched and no diverged weights are written.

#include "train/resume_fixtures.hpp"

#include <bachprop/train/divergence.hpp>

#include <limits>

using namespace bachprop;
using Catch::Matchers::Contains;

namespace {

// A ReLU network on a quadratic cost: with a huge learning rate its weights grow without bound
// within a few steps.
auto relu_network() {
  Network net{Dense<float>(8, 12), ReLU<float>(), Dense<float>(12, 3)};
  net.initialise(2);
  return net;
}

}  // namespace

TEST_CASE("a huge learning rate ends with TrainingDiverged, keeping the last good checkpoint",
          "[divergence][checkpoint]") {
  const auto data = resume_test::classification_data(100, 8);
  test::TempFolder folder("diverge");
  const auto checkpoint = folder / "run.checkpoint.json";
  auto net = relu_network();
  Sgd<float> sgd(0.01);
  std::string good_checkpoint;
  TrainCallbacks callbacks;
  callbacks.on_epoch = [&](const EpochReport& report) {
    if (report.epoch == 2) {
      sgd.set_learning_rate(1e4);  // a schedule gone wrong: epoch 3 will diverge
    }
    return true;
  };
  callbacks.on_batch = [&](const BatchReport& report) {
    if (report.epoch == 3 && report.batch == 1) {
      good_checkpoint = read_file(checkpoint);  // the one written after epoch 2
    }
  };
  const TrainOptions options{.epochs = 10, .batch_size = 10, .seed = 4,
                             .checkpoint_path = checkpoint};
  try {
    train(net, Quadratic<float>(), sgd, data.inputs, data.targets, options, callbacks);
    FAIL("training did not stop");
  } catch (const TrainingDiverged& error) {
    const std::string message = error.what();
    INFO(message);
    CHECK(error.epoch() == 3);
    CHECK(error.batch() >= 2);
    CHECK(error.learning_rate() == 1e4);
    CHECK_THAT(message, Contains("training diverged in epoch 3, batch " +
                                 std::to_string(error.batch()) + " of 10: the loss became"));
    CHECK_THAT(message, Contains("(learning rate 10000)"));
    CHECK_THAT(message, Contains("the last good checkpoint, " + checkpoint.string() +
                                 " (after epoch 2), is kept"));
    CHECK_THAT(message, Contains("a smaller learning rate (a tenth: 1000)"));
    CHECK_THAT(message, Contains("clip_norm"));
    CHECK_THAT(message, Contains("inputs scaled"));
  }
  // The checkpoint is the good one, byte for byte, and nothing else was written.
  REQUIRE_FALSE(good_checkpoint.empty());
  CHECK(read_file(checkpoint) == good_checkpoint);
  CHECK(resume_test::files_in(folder.path()) == 1);
  auto restored = relu_network();
  Sgd<float> restored_sgd(0.01);
  const TrainingPosition position = load_checkpoint(checkpoint, restored, restored_sgd);
  CHECK(position.epoch == 3);
  CHECK(detail::non_finite_parameter(restored).empty());
  CHECK(restored_sgd.learning_rate() == 1e4);  // the schedule's position is kept too
}

TEST_CASE("divergence is caught without checkpoints, and the message says so", "[divergence]") {
  const auto data = resume_test::classification_data(100, 8);
  auto net = relu_network();
  Sgd<float> sgd(1e5);
  CHECK_THROWS_WITH(train(net, Quadratic<float>(), sgd, data.inputs, data.targets,
                          {.epochs = 5, .batch_size = 10, .seed = 4}),
                    Contains("training diverged in epoch 1, batch") &&
                        Contains("(learning rate 100000)") &&
                        !Contains("checkpoint"));
  // The error derives from the library's base: the examples' error path reports it.
  CHECK_THROWS_AS(train(net, Quadratic<float>(), sgd, data.inputs, data.targets,
                        {.epochs = 5, .batch_size = 10, .seed = 4}),
                  Error);
}

TEST_CASE("a diverged run that had not yet written a checkpoint says so", "[divergence]") {
  const auto data = resume_test::classification_data(100, 8);
  test::TempFolder folder("diverge-first-epoch");
  auto net = relu_network();
  Sgd<float> sgd(1e5);
  CHECK_THROWS_WITH(train(net, Quadratic<float>(), sgd, data.inputs, data.targets,
                          {.epochs = 5, .batch_size = 10, .seed = 4,
                           .checkpoint_path = folder / "never.json"}),
                    Contains("no checkpoint was written in this run"));
  CHECK(resume_test::files_in(folder.path()) == 0);
}

namespace {

// The quadratic cost, except that its gradient turns NaN at the `poisoned_call`-th use while its
// value stays finite: what an overflow inside a backward pass looks like to the trainer.
struct NanGradientLoss {
  using Scalar = float;
  static constexpr std::string_view name() { return "nan_gradient"; }
  float value(const Matrix<float>& a, const Matrix<float>& y) const {
    return Quadratic<float>().value(a, y);
  }
  void gradient(const Matrix<float>& a, const Matrix<float>& y, Matrix<float>& out) const {
    Quadratic<float>().gradient(a, y, out);
    if (++*calls == poisoned_call) {
      out(0, 0) = std::numeric_limits<float>::quiet_NaN();
    }
  }
  int* calls;
  int poisoned_call;
};

}  // namespace

TEST_CASE("a NaN gradient stops training before its update, with clipping off",
          "[divergence]") {
  const auto data = resume_test::classification_data(100, 8);
  auto net = relu_network();
  Sgd<float> sgd(0.01);
  int calls = 0;
  const NanGradientLoss loss{&calls, 15};  // epoch 2, batch 5 of 10
  std::vector<Matrix<float>> before;  // the weights after the latest update
  TrainCallbacks callbacks;
  callbacks.on_batch = [&](const BatchReport&) {
    before.clear();
    net.for_each_parameter([&](const Parameter<float>& p) { before.push_back(p.value); });
  };
  try {
    train(net, loss, sgd, data.inputs, data.targets,
          {.epochs = 3, .batch_size = 10, .seed = 4, .clip_norm = 0}, callbacks);
    FAIL("training did not stop");
  } catch (const TrainingDiverged& error) {
    const std::string message = error.what();
    INFO(message);
    CHECK(error.epoch() == 2);
    CHECK(error.batch() == 5);
    CHECK_THAT(message, Contains("training diverged in epoch 2, batch 5 of 10: the gradient of "
                                 "parameter ") &&
                            Contains("holds a NaN or an infinity"));
  }
  // The NaN never reached the weights: they are those of the update before, every one finite.
  std::size_t i = 0;
  net.for_each_parameter([&](const Parameter<float>& p) {
    CHECK(p.value.allFinite());
    CHECK(p.value == before.at(i++));
  });
  CHECK(i == before.size());
}

TEST_CASE("the finiteness check finds a NaN or an infinity anywhere, and nothing else",
          "[divergence]") {
  // Entries of FLT_MAX sum to infinity; the check must not mistake that for divergence.
  Matrix<float> m = Matrix<float>::Constant(7, 13, std::numeric_limits<float>::max());
  CHECK(detail::all_finite(m));
  CHECK(detail::all_finite(Matrix<float>(0, 3)));
  for (const float bad : {std::numeric_limits<float>::quiet_NaN(),
                          std::numeric_limits<float>::infinity(),
                          -std::numeric_limits<float>::infinity()}) {
    for (const Index i : {Index{0}, Index{45}, Index{90}}) {  // first, middle, last entry
      Matrix<float> poisoned = m;
      poisoned(i % 7, i / 7) = bad;
      CHECK_FALSE(detail::all_finite(poisoned));
    }
  }
  Matrix<double> d = Matrix<double>::Constant(2, 2, -std::numeric_limits<double>::max());
  CHECK(detail::all_finite(d));
  d(1, 1) = std::numeric_limits<double>::quiet_NaN();
  CHECK_FALSE(detail::all_finite(d));
}

// Tests of train/early_stopping.hpp.

#include "helpers.hpp"

#include <bachprop/bachprop.hpp>
#include <bachprop/train/early_stopping.hpp>

using namespace bachprop;

TEST_CASE("training ends with the weights of the best validation epoch", "[early_stopping]") {
  Network net{Dense<double>(2, 1)};
  net.initialise(1);
  const Matrix<double> x = test::random_matrix(2, 8, 2);
  const Matrix<double> y = test::random_matrix(1, 8, 3);
  Sgd<double> sgd(0.1);
  // Scores by epoch: 3, 1, 2, 4 → epoch 2 is the best.
  const std::vector<double> scores{3, 1, 2, 4};
  std::size_t call = 0;
  Matrix<double> weights_after_epoch_2;
  const auto results = train_keeping_best(
      net, Quadratic<double>(), sgd, x, y, {.epochs = 4, .batch_size = 8},
      [&] {
        if (call == 1) {
          weights_after_epoch_2 = net.layer<0>().weights().value;
        }
        return scores[call++];
      });
  REQUIRE(results.size() == 4);
  CHECK(results[1].best);
  CHECK_FALSE(results[2].best);
  CHECK(net.layer<0>().weights().value == weights_after_epoch_2);

  // Patience: stop after 2 epochs without improvement.
  call = 0;
  const std::vector<double> worse{1, 2, 3, 4, 5};
  const auto stopped = train_keeping_best(
      net, Quadratic<double>(), sgd, x, y, {.epochs = 5, .batch_size = 8},
      [&] { return worse[call++]; }, 2);
  CHECK(stopped.size() == 3);
}

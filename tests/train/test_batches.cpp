// Tests of bachprop/train/batches.hpp: sequence batches are whole sequences, time-major, and data
// that is not whole sequences (or has too few targets) is refused.

#include "helpers.hpp"

#include <bachprop/neural.hpp>
#include <bachprop/train/batches.hpp>

using namespace bachprop;

TEST_CASE("sequence batches are whole sequences, time-major", "[trainer][rnn]") {
  // 3 sequences of 2 steps, stored one after another: column n·2 + t holds the value 10n + t.
  Matrix<double> source(1, 6);
  source << 0, 1, 10, 11, 20, 21;
  const std::vector<Index> order{2, 0, 1};
  Matrix<double> batch;
  gather_sequences(source, 2, order, 0, 2, batch);
  // Batch column t·2 + b is step t of sequence order[b]: (20, 0, 21, 1).
  Matrix<double> expected(1, 4);
  expected << 20, 0, 21, 1;
  CHECK(batch == expected);

  Network net{Rnn<double>(1, 3), LastStep<double>(), Dense<double>(3, 1)};
  Sgd<double> sgd(0.1);
  CHECK_THROWS_WITH(train(net, Quadratic<double>(), sgd, Matrix<double>::Zero(1, 7),
                          Matrix<double>::Zero(1, 3), {.sequence_steps = 2}),
                    Catch::Contains("7 input columns are not a whole number of 2-step"));
  CHECK_THROWS_WITH(train(net, Quadratic<double>(), sgd, Matrix<double>::Zero(1, 6),
                          Matrix<double>::Zero(1, 4), {.sequence_steps = 2}),
                    Catch::Contains("3 input sequences but 4 target columns"));
  CHECK_NOTHROW(train(net, Quadratic<double>(), sgd, Matrix<double>::Zero(1, 6),
                      Matrix<double>::Zero(1, 3), {.sequence_steps = 2}));
}

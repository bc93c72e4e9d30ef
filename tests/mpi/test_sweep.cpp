// Tests of bachprop/mpi/sweep.hpp, run by mpirun on 1, 2 and 3 processes: five learning rates
// dealt out over the processes, each trained alone, and the results gathered on process 0 in
// the order of the settings, each the result one process computes for it, an error kept as a
// row, and the table with a row per setting.

#include "helpers.hpp"

#include <bachprop/mpi/sweep.hpp>
#include <bachprop/neural.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace bachprop;

namespace {

// The final loss of a small network trained at learning rate `rate`: the same on any process.
double final_loss(double rate) {
  if (!(rate > 0)) {
    throw ArgumentError("the learning rate must be positive");
  }
  Network net{Dense<double>(6, 8), Tanh<double>(), Dense<double>(8, 3), Softmax<double>()};
  net.initialise(7);
  const Matrix<double> x = test::normal_matrix<double>(6, 60, 8);
  const Matrix<double> y = test::one_hot_matrix<double>(3, 60, 9);
  Sgd<double> sgd(rate);
  const auto reports =
      train(net, CrossEntropy<double>(), sgd, x, y, TrainOptions{.epochs = 3, .batch_size = 10});
  return reports.back().mean_loss;
}

}  // namespace

TEST_CASE("a sweep deals the settings out and gathers every result on process 0, in order",
          "[mpi][sweep]") {
  int rank = 0;
  int size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const std::vector<double> rates{0.01, 0.1, 0.5, -1.0, 1.0};
  const auto results = sweep(static_cast<Index>(rates.size()), [&](Index i) {
    const double rate = rates[static_cast<std::size_t>(i)];
    return nlohmann::json{{"learning_rate", rate}, {"loss", final_loss(rate)}};
  });
  if (rank != 0) {
    CHECK(results.empty());
    return;
  }
  REQUIRE(results.size() == rates.size());
  for (std::size_t i = 0; i < rates.size(); ++i) {
    CHECK(results[i]["setting"] == i);
    CHECK(results[i]["process"] == static_cast<int>(i) % size);
    if (rates[i] > 0) {
      CHECK(results[i]["loss"].get<double>() == final_loss(rates[i]));  // bit for bit
    }
  }
  CHECK(results[3]["error"] == "the learning rate must be positive");
  CHECK(results[0]["loss"].get<double>() > results[2]["loss"].get<double>());  // it learns
  const std::string table = sweep_table(results);
  CHECK(table.rfind("| setting | error | learning_rate | loss | process |\n", 0) == 0);
  CHECK(std::count(table.begin(), table.end(), '\n') == 2 + 5);
}

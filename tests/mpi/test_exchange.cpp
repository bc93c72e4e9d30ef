// Tests of bachprop/mpi/exchange.hpp, run by mpirun on 1, 2 and 3 processes: the processes'
// shards summed in shard order are one process's sum, bit for bit (a short batch, idle
// processes); training across the processes ends with the
// weights of one process running every shard (double bit for bit, float too, dense with
// dropout and an LSTM over sequences); checkpoints written by process 0 of two resume on any
// number; processes that disagree are told so.

#include "helpers.hpp"
#include "train/parallel_test_networks.hpp"

#include <bachprop/mpi.hpp>
#include <bachprop/neural.hpp>

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

using namespace bachprop;

namespace {

int world_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

using parallel_test::dense_network;
using parallel_test::lstm_network;

// Every parameter value (or every gradient), one after another.
template <class Net>
Vector<typename Net::Scalar> values_of(const Net& net, bool gradients = false) {
  return parallel_test::flattened(net, gradients);
}

// The network after training on `x`, `y`: across the processes of `exchange`, or (null) in
// this process alone on one thread, both data-parallel with the options' shards. The last
// step's gradients stay in the network.
template <class Net>
Net trained(Net net, const Matrix<typename Net::Scalar>& x, const Matrix<typename Net::Scalar>& y,
            TrainOptions options, ShardExchange* exchange) {
  options.parallelism = Parallelism::data;
  options.threads = 1;
  options.exchange = exchange;
  Adam<typename Net::Scalar> adam(1e-2);
  train(net, CrossEntropy<typename Net::Scalar>(), adam, x, y, options);
  return net;
}

}  // namespace

TEST_CASE("the processes' shards summed slice by slice are one process's sum, bit for bit",
          "[mpi][exchange]") {
  MpiExchange exchange;
  const int processes = exchange.processes();
  // 6 shards of a 70-sample batch, 80,001 entries each (slices of unequal lengths).
  const Index shards = 6;
  const Index entries = 80001;
  std::vector<Vector<double>> gradients;
  for (Index j = 0; j < shards; ++j) {
    gradients.push_back(test::normal_matrix<double>(entries, 1, 100 + j).reshaped());
  }
  for (const Index batch : {Index{70}, Index{4}}) {  // 4: shards 1, 2, 4, 5 hold one sample
    std::vector<const double*> all;
    std::vector<double> all_weights;
    std::vector<const double*> mine;
    const ShardRange block = process_shards(shards, processes, exchange.process());
    for (Index j = 0; j < shards; ++j) {
      const ShardRange range = shard_range(batch, shards, j);
      if (range.count == 0) {
        continue;
      }
      const double weight = static_cast<double>(range.count) / static_cast<double>(batch);
      all.push_back(gradients[static_cast<std::size_t>(j)].data());
      all_weights.push_back(weight);
      if (j >= block.first && j < block.first + block.count) {
        mine.push_back(all.back());
      }
    }
    Vector<double> expected(entries);
    sum_in_shard_order<double>(all, all_weights, expected.data(), 0, entries);
    Vector<double> summed = Vector<double>::Constant(entries, -1.0);
    exchange.sum(ShardSum<double>{.batch = batch, .shards = shards, .local = mine,
                                  .weights = all_weights, .out = summed.data(),
                                  .entries = entries});
    CHECK(expected.norm() > 1.0);
    CHECK((summed.array() == expected.array()).all());
  }
}

TEST_CASE("training across processes ends with one process's weights, bit for bit",
          "[mpi][trainer]") {
  MpiExchange exchange;
  // 150 samples in batches of 64 cut into 6 shards (2 or 3 a process at np 3 and 2), then a
  // short batch of 22; dropout, clipping, Adam.
  TrainOptions options{.epochs = 2, .batch_size = 64, .seed = 5, .clip_norm = 1.0};
  options.shards = 6;
  SECTION("double, a dense network with dropout") {
    const Matrix<double> x = test::normal_matrix<double>(12, 150, 1);
    const Matrix<double> y = test::one_hot_matrix<double>(5, 150, 2);
    const auto alone = trained(dense_network<double>(), x, y, options, nullptr);
    const auto together = trained(dense_network<double>(), x, y, options, &exchange);
    CHECK((values_of(alone).array() != values_of(dense_network<double>()).array()).any());
    CHECK(values_of(together, true).norm() > 1e-3);  // the last step's gradients: not zero
    CHECK((values_of(together).array() == values_of(alone).array()).all());
    CHECK((values_of(together, true).array() == values_of(alone, true).array()).all());
  }
  SECTION("float, within 1e-6 relative (bit for bit too: the same operations)") {
    const Matrix<float> x = test::normal_matrix<float>(12, 150, 1);
    const Matrix<float> y = test::one_hot_matrix<float>(5, 150, 2);
    const auto alone = values_of(trained(dense_network<float>(), x, y, options, nullptr));
    const auto together = trained(dense_network<float>(), x, y, options, &exchange);
    CHECK(values_of(together, true).norm() > 1e-3F);
    CHECK(values_of(together).isApprox(alone, 1e-6F));
    CHECK((values_of(together).array() == alone.array()).all());
  }
  SECTION("fewer shards than processes: the idle ones wait for the sum") {
    options.shards = 2;
    const Matrix<double> x = test::normal_matrix<double>(12, 150, 1);
    const Matrix<double> y = test::one_hot_matrix<double>(5, 150, 2);
    const auto alone = values_of(trained(dense_network<double>(), x, y, options, nullptr));
    const auto together = values_of(trained(dense_network<double>(), x, y, options, &exchange));
    CHECK((together.array() == alone.array()).all());
  }
}

TEST_CASE("an LSTM trained across processes over sequences ends as one process's",
          "[mpi][trainer][lstm]") {
  MpiExchange exchange;
  // 30 sequences of 7 steps in batches of 12, 6 shards of 2 sequences (the last batch of 6:
  // shards of one), dropout between the LSTM and the output layer.
  const Index steps = 7;
  const Matrix<double> x = test::one_hot_matrix<double>(6, 30 * steps, 3);
  const Matrix<double> y = test::one_hot_matrix<double>(6, 30 * steps, 4);
  TrainOptions options{.epochs = 1, .batch_size = 12, .seed = 6, .sequence_steps = steps};
  options.shards = 6;
  const auto alone = trained(lstm_network<double>(), x, y, options, nullptr);
  const auto together = trained(lstm_network<double>(), x, y, options, &exchange);
  CHECK(values_of(together, true).norm() > 1e-3);
  CHECK((values_of(together).array() == values_of(alone).array()).all());
}

TEST_CASE("a checkpoint written by process 0 of two resumes on any number of processes",
          "[mpi][checkpoint]") {
  MpiExchange world;
  // Processes 0 and 1 train two epochs together (or process 0 alone at np 1), process 0
  // writing the checkpoint; then every process resumes it for a third epoch, together and
  // alone. Both end with the weights of three epochs never interrupted.
  int pid = static_cast<int>(getpid());
  MPI_Bcast(&pid, 1, MPI_INT, 0, MPI_COMM_WORLD);
  const auto folder = std::filesystem::temp_directory_path() /
                      ("bachprop-mpi-resume-" + std::to_string(pid));
  std::filesystem::create_directories(folder);
  const Matrix<double> x = test::normal_matrix<double>(12, 100, 14);
  const Matrix<double> y = test::one_hot_matrix<double>(5, 100, 15);
  TrainOptions options{.epochs = 3, .batch_size = 32, .seed = 16};
  options.shards = 6;
  const auto uninterrupted = values_of(trained(dense_network<double>(), x, y, options, nullptr));

  MPI_Comm writers = MPI_COMM_NULL;
  MPI_Comm_split(MPI_COMM_WORLD, world_rank() < 2 ? 0 : MPI_UNDEFINED, world_rank(), &writers);
  options.checkpoint_path = folder / "run.json";
  if (writers != MPI_COMM_NULL) {
    MpiExchange two(writers);
    options.epochs = 2;
    trained(dense_network<double>(), x, y, options, &two);
    MPI_Comm_free(&writers);
  }
  MPI_Barrier(MPI_COMM_WORLD);  // the file is whole (written atomically) before anyone reads
  options.checkpoint_path.clear();
  options.epochs = 3;
  options.resume_from = folder / "run.json";
  const auto together = values_of(trained(dense_network<double>(), x, y, options, &world));
  const auto alone = values_of(trained(dense_network<double>(), x, y, options, nullptr));
  CHECK((together.array() == uninterrupted.array()).all());
  CHECK((alone.array() == uninterrupted.array()).all());
  MPI_Barrier(MPI_COMM_WORLD);
  if (world_rank() == 0) {
    std::filesystem::remove_all(folder);
  }
}

TEST_CASE("processes that build different models or load different data are told so",
          "[mpi][errors]") {
  MpiExchange exchange;
  if (exchange.processes() < 2) {
    SUCCEED("one process agrees with itself");
    return;
  }
  const Matrix<double> x = test::normal_matrix<double>(12, 64, 1);
  const Matrix<double> y = test::one_hot_matrix<double>(5, 64, 2);
  TrainOptions options{.epochs = 1, .batch_size = 32, .seed = 5};
  auto net = dense_network<double>();
  if (exchange.process() == 1) {
    net.initialise(99);  // another seed: other weights
  }
  CHECK_THROWS_WITH(trained(net, x, y, options, &exchange),
                    Catch::Matchers::Contains("disagree on the model's weights"));
  Matrix<double> other = x;
  if (exchange.process() == exchange.processes() - 1) {
    other(0, 0) += 1;
  }
  CHECK_THROWS_WITH(trained(dense_network<double>(), other, y, options, &exchange),
                    Catch::Matchers::Contains("disagree on the inputs"));
}

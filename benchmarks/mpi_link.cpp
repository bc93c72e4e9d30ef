// mpi_link: the constants of docs/scaling.md's model, measured between the processes of an MPI
// job (mpirun -np 2 mpi_link; on one machine, over loopback shared memory):
//
//  - latency α and bandwidth β of a point-to-point message (half a ping-pong's round trip,
//    the median of many, from 8 bytes to 32 MB; α from 8 bytes, β from 1 MB, the size of the
//    workloads' gradients: larger messages outgrow the caches, and a copy through memory is
//    then what loopback measures);
//  - the time of MpiExchange::sum, the fixed-order sum train() makes every step, for the
//    parameter counts of the three workloads (read from the models themselves), on every
//    process of the job, one shard each, beside docs/scaling.md's prediction for it (with one
//    shard a process, a ring allreduce's): 2(N−1)/N·W/β + 2(N−1)·α;
//  - one Adam update of each model (every process makes it on the whole model).
//
// Process 0 prints; the others only take part.

#include <bachprop/mpi.hpp>
#include <bachprop/music/models/biaxial.hpp>
#include <bachprop/neural.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Half the round trip of `bytes` between processes 0 and 1, median of `repeats`.
double one_way_seconds(int rank, std::vector<char>& buffer, int bytes, int repeats) {
  std::vector<double> times;
  for (int r = 0; r < repeats; ++r) {
    MPI_Barrier(MPI_COMM_WORLD);
    const auto start = Clock::now();
    if (rank == 0) {
      MPI_Send(buffer.data(), bytes, MPI_CHAR, 1, 0, MPI_COMM_WORLD);
      MPI_Recv(buffer.data(), bytes, MPI_CHAR, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else if (rank == 1) {
      MPI_Recv(buffer.data(), bytes, MPI_CHAR, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      MPI_Send(buffer.data(), bytes, MPI_CHAR, 0, 0, MPI_COMM_WORLD);
    }
    times.push_back(seconds_since(start) / 2);
  }
  return median(times);
}

// MpiExchange::sum of `entries` floats, every process one shard of a batch of one sample each.
double exchange_seconds(bachprop::MpiExchange& exchange, bachprop::Index entries,
                        int repeats) {
  const int n = exchange.processes();
  std::vector<float> mine(static_cast<std::size_t>(entries), 1.0F);
  std::vector<float> out(static_cast<std::size_t>(entries));
  const float* local[] = {mine.data()};
  const std::vector<float> weights(static_cast<std::size_t>(n), 1.0F / static_cast<float>(n));
  std::vector<double> times;
  for (int r = 0; r < repeats; ++r) {
    MPI_Barrier(MPI_COMM_WORLD);
    const auto start = Clock::now();
    exchange.sum(bachprop::ShardSum<float>{.batch = n, .shards = n, .local = local,
                                           .weights = weights, .out = out.data(),
                                           .entries = entries});
    times.push_back(seconds_since(start));
  }
  return median(times);
}

// One Adam update of `network` (its gradients set), median of `repeats`.
template <class Net>
double adam_seconds(Net& network, int repeats) {
  network.for_each_parameter([](auto& p) { p.gradient.setConstant(1e-3F); });
  bachprop::Adam<float> adam(1e-3);
  std::vector<double> times;
  for (int r = 0; r < repeats; ++r) {
    const auto start = Clock::now();
    adam.step(network);
    times.push_back(seconds_since(start));
  }
  return median(times);
}

}  // namespace

int main(int argc, char** argv) {
  bachprop::MpiSession mpi(argc, argv);
  const int rank = mpi.rank();
  if (mpi.size() < 2) {
    std::fprintf(stderr, "mpi_link: run it with at least 2 processes (mpirun -np 2 mpi_link)\n");
    return 2;
  }
  constexpr int largest = 32 << 20;
  std::vector<char> buffer(largest, 1);
  if (rank == 0) {
    std::printf("point to point, processes 0 and 1 (half a round trip, median):\n");
  }
  double latency = 0;
  double bandwidth = 0;
  for (const int bytes : {8, 1024, 65536, 1 << 20, 8 << 20, largest}) {
    const double t = one_way_seconds(rank, buffer, bytes, bytes <= 65536 ? 2000 : 40);
    if (bytes == 8) {
      latency = t;
    }
    if (bytes == (1 << 20)) {
      bandwidth = static_cast<double>(bytes) / (t - latency);
    }
    if (rank == 0) {
      std::printf("  %9d bytes  %10.2f us  %8.2f GB/s\n", bytes, t * 1e6,
                  static_cast<double>(bytes) / t / 1e9);
    }
  }
  if (rank == 0) {
    std::printf("latency a = %.2f us, bandwidth b = %.2f GB/s (%.1f Gb/s)\n", latency * 1e6,
                bandwidth / 1e9, bandwidth * 8 / 1e9);
  }

  using namespace bachprop;
  Network autoencoder{Dense<float>(784, 128), ReLU<float>(), Dense<float>(128, 32),
                      Dense<float>(32, 128), ReLU<float>(), Dense<float>(128, 784),
                      Sigmoid<float>()};
  Network lstm{Lstm<float>(64, 128), Dense<float>(128, 64), Softmax<float>()};
  music::BiaxialModel biaxial;
  struct Workload {
    const char* name;
    Index parameters;
    double adam;
  };
  const Workload workloads[] = {
      {"autoencoder", autoencoder.parameter_count(), adam_seconds(autoencoder, 50)},
      {"LSTM", lstm.parameter_count(), adam_seconds(lstm, 50)},
      {"biaxial", biaxial.networks().parameter_count(),
       adam_seconds(biaxial.networks(), 50)}};
  MpiExchange exchange;
  const int n = exchange.processes();
  if (rank == 0) {
    std::printf("\nMpiExchange::sum on %d processes (float), one shard each, beside the model "
                "2(N-1)/N W/b + 2(N-1) a:\n", n);
  }
  for (const Workload& w : workloads) {
    const double t = exchange_seconds(exchange, w.parameters + 1, 30);
    const double bytes = 4.0 * static_cast<double>(w.parameters);
    const double ring = 2 * (n - 1.0) / n * bytes / bandwidth + 2 * (n - 1) * latency;
    if (rank == 0) {
      std::printf("  %-12s %7ld parameters (%4.2f MB)  sum %6.1f us  model %6.1f us  "
                  "Adam update %5.1f us\n",
                  w.name, static_cast<long>(w.parameters), bytes / 1e6, t * 1e6, ring * 1e6,
                  w.adam * 1e6);
    }
  }
  return 0;
}

#pragma once
// What the C++ peers (dlib_peer.cpp, fann_peer.cpp) share with each other and with the Python
// twins' harness.py: the command line, the synthetic data, the timing rule and the JSON line.
//
// Like the twins, a peer reads the workloads' constants from the shapes.json that
// `bachprop_bench --shapes` writes, makes data of the same kind (uniform [0, 1) pixels, random
// one-hot labels; its own seeded draws, as each twin makes its own), trains warm-up epochs for
// half a second and `repeats` timed ones, every epoch including the shuffle, the mini-batches,
// the loss of every batch and the update, and prints one JSON line with the twins' fields, plus
// `initial_loss` (the whole data set's mean loss before training, not timed) and `losses`: every
// epoch's mean loss in the book's units (½‖y − a‖² summed over the outputs, mean over the
// samples), so that the runner can check that the peer learns. `--check-learning` makes the
// program itself fail unless the second epoch's mean loss is below the first's by at least
// 0.1% (rounding alone moves it by about 10⁻⁷) and the first's below the initial loss.

#include <common/cli.hpp>

#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace peer {

struct Arguments {
  std::string workload = "book";
  long batch = 10;
  int threads = 1;
  long repeats = 7;
  std::string shapes_path;
  bool check_learning = false;
  std::uint64_t seed = 1;
  std::string summary;
  nlohmann::json shapes;  // read from shapes_path
};

/// Parses the twins' command line (harness.py): --workload, --batch, --threads, --repeats,
/// --shapes; returns false when the program should end with `cli.exit_code()`.
inline bool parse(const std::string& program, const std::string& about,
                  const std::string& workloads, int argc, char** argv, Arguments& args,
                  int& exit_code) {
  examples::CommandLine cli(program, about);
  cli.option("workload", args.workload, "NAME", workloads)
      .option("batch", args.batch, "N", "samples per mini-batch")
      .option("threads", args.threads, "N", "the thread count run.sh asked for (recorded)")
      .option("repeats", args.repeats, "N", "timed epochs after one warm-up")
      .option("shapes", args.shapes_path, "FILE", "shapes.json written by bachprop_bench")
      .flag("check-learning", args.check_learning,
            "fail unless the loss falls over the first two epochs")
      .standard(args.seed, args.summary);
  if (!cli.parse(argc, argv)) {
    exit_code = cli.exit_code();
    return false;
  }
  if (args.shapes_path.empty()) {
    throw examples::UsageError("--shapes FILE is required (bachprop_bench --shapes FILE)");
  }
  if (args.batch < 1 || args.repeats < 1 || args.threads < 1) {
    throw examples::UsageError("--batch, --repeats and --threads must be positive");
  }
  std::ifstream in(args.shapes_path);
  if (!in) {
    throw std::runtime_error("cannot read " + args.shapes_path);
  }
  args.shapes = nlohmann::json::parse(in);
  return true;
}

inline double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

inline double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

inline double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

/// The BLAS and LAPACK libraries this process has loaded (as harness.blas_libraries).
inline std::vector<std::string> blas_libraries() {
  std::set<std::string> found;
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    const auto slash = line.find('/');
    if (slash == std::string::npos) {
      continue;
    }
    std::string path = line.substr(slash);
    std::string lower = path;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower.find("blas") != std::string::npos || lower.find("lapack") != std::string::npos) {
      found.insert(path);
    }
  }
  return {found.begin(), found.end()};
}

/// `count` samples of `size` uniform [0, 1) floats each, sample after sample.
inline std::vector<float> uniform_samples(long size, long count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> uniform(0.0F, 1.0F);
  std::vector<float> data(static_cast<std::size_t>(size * count));
  for (float& x : data) {
    x = uniform(rng);
  }
  return data;
}

/// `count` one-hot vectors of `classes` entries, a random class each, sample after sample.
inline std::vector<float> one_hot_samples(long classes, long count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<long> pick(0, classes - 1);
  std::vector<float> data(static_cast<std::size_t>(classes * count), 0.0F);
  for (long j = 0; j < count; ++j) {
    data[static_cast<std::size_t>(j * classes + pick(rng))] = 1.0F;
  }
  return data;
}

struct Timing {
  double initial_loss = 0;        // before training, over the whole data set
  std::vector<double> rates;      // items per second of each timed epoch, from wall time
  std::vector<double> cpu_rates;  // the same from processor time
  std::vector<double> losses;     // every epoch's mean loss, the warm-up's first
};

/// Whether the loss fell over the first two epochs: the first epoch's mean below the initial
/// loss, the second's below the first's by at least 0.1%.
inline bool learns(double initial_loss, const std::vector<double>& losses) {
  return losses.size() >= 2 && losses[0] < initial_loss && losses[1] < 0.999 * losses[0];
}

/// The loss before training (`initial_loss`, untimed), then warm-up epochs until half a second
/// has passed (at least one: a core that was idle runs slowly at first, and every side warms up
/// the same way, harness.py) and `repeats` timed ones; `run_epoch` returns the epoch's mean loss.
inline Timing time_epochs(const std::function<double()>& initial_loss,
                          const std::function<double()>& run_epoch, long items, long repeats) {
  Timing timing;
  timing.initial_loss = initial_loss();
  const auto warm_up_start = std::chrono::steady_clock::now();
  do {
    timing.losses.push_back(run_epoch());
  } while (std::chrono::duration<double>(std::chrono::steady_clock::now() - warm_up_start).count() <
           0.5);
  for (long r = 0; r < repeats; ++r) {
    const double cpu_start = cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    timing.losses.push_back(run_epoch());
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    timing.rates.push_back(static_cast<double>(items) / elapsed.count());
    timing.cpu_rates.push_back(static_cast<double>(items) / (cpu_seconds() - cpu_start));
  }
  if (!std::isfinite(timing.losses.back())) {
    throw std::runtime_error("training diverged: the loss is not finite");
  }
  return timing;
}

/// Prints the JSON line (harness.report's fields and `losses`, `threads_used`, `notes`) and
/// applies --check-learning. Returns the exit status.
inline int report(const std::string& side, const Arguments& args, const Timing& timing,
                  double flops_per_item, int threads_used, const nlohmann::json& notes) {
  const double value = median(timing.rates);
  nlohmann::json line = {
      {"side", side},
      {"workload", args.workload},
      {"batch", args.batch},
      {"threads", args.threads},
      {"threads_used", threads_used},
      {"unit", "samples/s"},
      {"value", value},
      {"repeats", timing.rates},
      {"cpu_value", median(timing.cpu_rates)},
      {"flops_per_item", flops_per_item},
      {"gflops", value * flops_per_item * 1e-9},
      {"peak_rss_mb", peak_rss_mb()},
      {"blas", blas_libraries()},
      {"initial_loss", timing.initial_loss},
      {"losses", timing.losses},
      {"notes", notes},
  };
  std::cout << line.dump() << std::endl;
  examples::write_summary(args.summary, line);
  std::cerr << side << " " << args.workload << " batch " << args.batch << ": mean loss "
            << timing.initial_loss << " before training, by epoch";
  for (const double loss : timing.losses) {
    std::cerr << ' ' << loss;
  }
  std::cerr << '\n';
  if (args.check_learning && !learns(timing.initial_loss, timing.losses)) {
    std::cerr << side << ": the loss did not fall over the first two epochs\n";
    return 1;
  }
  return 0;
}

}  // namespace peer

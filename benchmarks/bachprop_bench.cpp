// bachprop's side of the benchmarks: one workload per process, so that peak memory is the
// workload's own. The runner (run.sh) alternates this program with the PyTorch and numpy twins;
// each prints one JSON line with the same fields (see harness.py). The biaxial workloads
// (issue 18) have no twin: the runner runs them on this side only.
//
//   bachprop_bench --workload book --batch 10 --threads 1
//   bachprop_bench --workload fma_peak --threads 2   (the machine's FMA peak: fma_peak.hpp)
//   bachprop_bench --shapes shapes.json      (the constants the twins read)

#include "fma_peak.hpp"
#include "workloads.hpp"

#include <common/cli.hpp>

#include <bachprop/bachprop.hpp>

#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <cstdint>
#include <iostream>
#include <numeric>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace {

using bachprop::Index;
using bachprop::Matrix;
using bench::Shapes;
using Clock = std::chrono::steady_clock;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

// Processor time of this process (all its threads): on a shared machine it does not count the
// time other programs held the cores, which wall time does.
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// The warm-up before anything is timed: `run` again and again until half a second has passed
// (at least once). On the virtual machines we measure on, a core that was idle runs slowly for
// its first few hundred milliseconds of work (the first epochs at two threads at half speed, the
// FMA loop's first repeats at two thirds), so a single warm-up epoch of 25 ms left the slow
// start in the timed epochs. Every side warms up the same way (harness.py, peer_common.hpp).
constexpr double warm_up_seconds = 0.5;

template <class Run>
void warm_up(Run run) {
  const auto start = Clock::now();
  do {
    run();
  } while (std::chrono::duration<double>(Clock::now() - start).count() < warm_up_seconds);
}

struct Result {
  std::string unit;             // "samples/s", "sequences/s", "frames/s", "us/step", "ms/frame",
                                // "GFLOP/s"
  double value = 0;             // the median, in `unit`, from wall time
  std::vector<double> repeats;  // every timed repeat, in `unit`
  double cpu_value = 0;         // the median from processor time instead of wall time
  double compute_value = 0;     // training only: steps on one batch, no shuffle or gather
  double flops_per_item = 0;    // per sample, sequence or step (0 for the GEMM)
  double gflops = 0;            // achieved
  std::string parallelism;      // training only: "data" (shards on replicas) or "products"
};

// Trains through the public trainer (shuffle, gather, loss, update): warm-up epochs for half a
// second (warm_up_seconds), then `repeats` timed ones. Throughput per epoch from the trainer's
// own epoch timing.
// The trainer chooses how to use the threads (Parallelism::automatic): at two threads, data-
// parallel shards where they pay (train/data_parallel.hpp), split products elsewhere.
template <class Net, class Loss, class Optimiser>
Result time_training(Net& network, const Loss& loss, Optimiser& optimiser,
                     const Matrix<float>& inputs, const Matrix<float>& targets, Index batch,
                     Index steps, Index repeats, double flops_per_sample, const char* unit) {
  const Index samples = steps > 0 ? inputs.cols() / steps : inputs.cols();
  // The epochs' processor times; the warm-up ends with the first epoch that ends half a second
  // after the start, and training stops `repeats` epochs later.
  std::vector<double> cpu_marks{cpu_seconds()};
  const auto start = Clock::now();
  Index warm_up_epochs = 0;
  bachprop::TrainCallbacks callbacks;
  callbacks.on_epoch = [&](const bachprop::EpochReport& report) {
    cpu_marks.push_back(cpu_seconds());
    if (warm_up_epochs == 0 &&
        std::chrono::duration<double>(Clock::now() - start).count() >= warm_up_seconds) {
      warm_up_epochs = report.epoch;
    }
    return warm_up_epochs == 0 || report.epoch < warm_up_epochs + repeats;
  };
  const bachprop::TrainOptions options{
      .epochs = 1000 + repeats, .batch_size = batch, .seed = 1, .sequence_steps = steps};
  const bachprop::ParallelPlan plan = bachprop::plan_parallelism(network, options);
  const auto reports = bachprop::train(network, loss, optimiser, inputs, targets, options,
                                       callbacks);
  Result result;
  result.unit = unit;
  result.parallelism = plan.data ? "data" : "products";
  std::vector<double> cpu_rates;
  for (auto e = static_cast<std::size_t>(warm_up_epochs); e < reports.size(); ++e) {
    result.repeats.push_back(static_cast<double>(samples) / reports[e].seconds);
    cpu_rates.push_back(static_cast<double>(samples) / (cpu_marks[e + 1] - cpu_marks[e]));
  }
  result.value = median(result.repeats);
  result.cpu_value = median(cpu_rates);
  if (!std::isfinite(reports.back().mean_loss)) {
    throw std::runtime_error("training diverged: the loss is not finite");
  }
  // The same steps on one batch gathered once: the arithmetic without the shuffle and the
  // gather (which moves every sample from memory once per epoch), for the GFLOP/s column.
  bachprop::Matrix<float> x;
  bachprop::Matrix<float> y;
  const Index in_batch = std::min(batch, samples);
  std::vector<Index> first(static_cast<std::size_t>(in_batch));
  std::iota(first.begin(), first.end(), Index{0});
  if (steps > 0) {
    bachprop::gather_sequences(inputs, steps, first, 0, in_batch, x);
    bachprop::gather_sequences(targets, steps, first, 0, in_batch, y);
  } else {
    bachprop::gather_columns(inputs, first, 0, in_batch, x);
    bachprop::gather_columns(targets, first, 0, in_batch, y);
  }
  const Index batches = samples / in_batch;
  // Data-parallel as the trainer steps: the first batch's shards (gathered by each thread from
  // the data set, as the trainer's shards are, but the same cache-warm samples every step).
  const bachprop::Batches<float> first_batch(inputs, targets,
                                             {.batch_size = in_batch, .shuffle = false,
                                              .sequence_steps = steps});
  bachprop::DataParallel<Net> parallel(network, plan);
  auto epoch_of_steps = [&] {
    for (Index b = 0; b < batches; ++b) {
      if (parallel.active()) {
        parallel.compute_gradients(network, first_batch, 0, loss);
        parallel.step(network, optimiser);
      } else {
        network.compute_gradients(x, y, loss);
        optimiser.step(network);
      }
    }
  };
  warm_up(epoch_of_steps);
  std::vector<double> step_rates;
  for (Index r = 0; r < repeats; ++r) {
    const auto began = Clock::now();
    epoch_of_steps();
    const std::chrono::duration<double> elapsed = Clock::now() - began;
    step_rates.push_back(static_cast<double>(batches * in_batch) / elapsed.count());
  }
  result.compute_value = median(step_rates);
  result.flops_per_item = flops_per_sample;
  result.gflops = result.value * flops_per_sample * 1e-9;
  return result;
}

Result run_book(Index batch, Index repeats) {
  auto net = bench::book_network();
  net.initialise(1);
  const Matrix<float> x = bench::uniform_matrix(Shapes::book_inputs, Shapes::book_samples, 2);
  const Matrix<float> y = bench::random_one_hot(Shapes::book_outputs, Shapes::book_samples, 3);
  bachprop::Sgd<float> sgd(Shapes::book_learning_rate);
  return time_training(net, bachprop::Quadratic<float>(), sgd, x, y, batch, 0, repeats,
                       bench::dense_training_flops({784, 30, 10}), "samples/s");
}

Result run_autoencoder(Index batch, Index repeats) {
  auto net = bench::autoencoder_network();
  net.initialise(1);
  const Matrix<float> x = bench::uniform_matrix(Shapes::auto_inputs, Shapes::auto_samples, 2);
  bachprop::Adam<float> adam(Shapes::auto_learning_rate);
  return time_training(net, bachprop::BinaryCrossEntropy<float>(), adam, x, x, batch, 0, repeats,
                       bench::dense_training_flops({784, 128, 32, 128, 784}), "samples/s");
}

// The next-note RNN or LSTM (`network` is bench::rnn_network or bench::lstm_network): the
// same melodies, loss and SGD for both.
template <class MakeNetwork>
Result run_next_note(MakeNetwork network, double flops_per_sequence, Index batch, Index repeats) {
  auto net = network();
  net.initialise(1);
  Matrix<float> x;
  Matrix<float> y;
  bench::random_melodies(Shapes::rnn_sequences, Shapes::rnn_steps, Shapes::rnn_vocabulary, 2, x,
                         y);
  bachprop::Sgd<float> sgd(Shapes::rnn_learning_rate);
  return time_training(net, bachprop::CrossEntropy<float>(), sgd, x, y, batch, Shapes::rnn_steps,
                       repeats, flops_per_sequence, "sequences/s");
}

// Generation: the note chosen at each step (argmax, or drawn from the softmax) is the next
// step's one-hot input, the hidden state (the LSTM's h and c) carried by Network::step.
template <class MakeNetwork>
Result run_generation(MakeNetwork network, double flops_per_step, bool sample, Index repeats) {
  auto net = network();
  net.initialise(1);
  net.reset_state(1);
  Matrix<float> x = Matrix<float>::Zero(Shapes::rnn_vocabulary, 1);
  Index note = 0;
  bachprop::Rng rng(5);
  auto run = [&](Index steps) {
    for (Index s = 0; s < steps; ++s) {
      x(note, 0) = 0.0F;
      const Matrix<float>& p = net.step(x);
      if (sample) {
        // inverse CDF: the first note whose cumulative probability exceeds u
        const auto u = static_cast<float>(rng.uniform());
        float cumulative = 0;
        note = p.rows() - 1;
        for (Index k = 0; k < p.rows(); ++k) {
          cumulative += p(k, 0);
          if (u < cumulative) {
            note = k;
            break;
          }
        }
      } else {
        p.col(0).maxCoeff(&note);
      }
      x(note, 0) = 1.0F;
    }
  };
  x(note, 0) = 1.0F;
  warm_up([&] { run(Shapes::generation_steps / 10); });
  Result result;
  result.unit = "us/step";
  std::vector<double> cpu_times;
  for (Index r = 0; r < repeats; ++r) {
    const double cpu_start = cpu_seconds();
    const auto start = Clock::now();
    run(Shapes::generation_steps);
    const std::chrono::duration<double, std::micro> elapsed = Clock::now() - start;
    const auto steps = static_cast<double>(Shapes::generation_steps);
    result.repeats.push_back(elapsed.count() / steps);
    cpu_times.push_back((cpu_seconds() - cpu_start) * 1e6 / steps);
  }
  result.value = median(result.repeats);
  result.cpu_value = median(cpu_times);
  result.flops_per_item = flops_per_step;
  result.gflops = result.flops_per_item / result.value * 1e-3;
  return result;
}

// The biaxial model trained as the bach_biaxial program trains it (BiaxialTrainingSettings:
// windows of 64 frames, `windows` per step, gradients clipped at norm 5, Adadelta): each step
// computes the gradients of a batch of windows (forward and backward along both axes, the loss),
// clips them and updates. Timed in repeats of Shapes::biaxial_steps steps after two warm-up
// steps; the windows taken in turn from synthetic pieces (none padded past its end). Frames per
// second count every frame of every window a step computes.
Result run_biaxial(Index windows, Index repeats) {
  using namespace bachprop::music;
  BiaxialModel model(bench::biaxial_shape(), 1);
  std::vector<ArticulatedRoll> pieces;
  for (Index p = 0; p < Shapes::biaxial_pieces; ++p) {
    pieces.push_back(
        bench::random_chords(Shapes::biaxial_piece_frames, static_cast<std::uint64_t>(2 + p)));
  }
  BiaxialTrainingSettings settings = bench::biaxial_settings();
  settings.batch_size = windows;
  const auto all = biaxial_windows(pieces, settings);
  bachprop::Adadelta<float> optimiser(
      bachprop::AdadeltaOptions{.learning_rate = settings.learning_rate});
  std::vector<BiaxialSegment<ArticulatedRoll>> batch(static_cast<std::size_t>(windows));
  std::size_t next = 0;
  double nats = 0;
  model.set_training(true);
  auto run = [&](Index steps) {
    for (Index s = 0; s < steps; ++s) {
      for (auto& segment : batch) {
        segment = all[next++ % all.size()];
      }
      nats = model.compute_gradients(batch, settings.segment_frames).per_frame();
      bachprop::clip_gradient_norm(model.networks(), settings.clip_norm);
      optimiser.step(model.networks());
    }
  };
  warm_up([&] { run(2); });  // also sizes every buffer
  Result result;
  result.unit = "frames/s";
  const auto frames =
      static_cast<double>(Shapes::biaxial_steps * windows * settings.segment_frames);
  std::vector<double> cpu_rates;
  for (Index r = 0; r < repeats; ++r) {
    const double cpu_start = cpu_seconds();
    const auto start = Clock::now();
    run(Shapes::biaxial_steps);
    const std::chrono::duration<double> elapsed = Clock::now() - start;
    result.repeats.push_back(frames / elapsed.count());
    cpu_rates.push_back(frames / (cpu_seconds() - cpu_start));
  }
  if (!std::isfinite(nats)) {
    throw std::runtime_error("training diverged: the loss is not finite");
  }
  result.value = median(result.repeats);
  result.cpu_value = median(cpu_rates);
  result.flops_per_item = bench::biaxial_training_flops(windows);
  result.gflops = result.value * result.flops_per_item * 1e-9;
  return result;
}

// Generation with the biaxial model (BasicBiaxialModel::draw): after hearing a primer, each
// frame is one time-axis step for the 88 keys at once, then 88 note-axis steps at batch 1, key
// by key, each key drawn before the next hears it. Timed in repeats of
// Shapes::biaxial_generated_frames frames after a warm-up of 8. The weights are the initial
// ones: what the model draws changes nothing in the work of a frame.
Result run_biaxial_generation(Index repeats) {
  using namespace bachprop::music;
  BiaxialModel model(bench::biaxial_shape(), 1);
  const ArticulatedRoll primer = bench::random_chords(16, 2);
  model.set_training(false);
  model.start_piece();
  for (Index t = 0; t < primer.frames(); ++t) {
    model.hear(primer, t, primer.frames_per_bar);
  }
  bachprop::Rng rng(5);
  Index played = 0;
  auto run = [&](Index frames) {
    for (Index f = 0; f < frames; ++f) {
      played += model.draw(rng, primer.frames_per_bar).cast<Index>().sum();
    }
  };
  warm_up([&] { run(8); });
  Result result;
  result.unit = "ms/frame";
  const auto frames = static_cast<double>(Shapes::biaxial_generated_frames);
  std::vector<double> cpu_times;
  for (Index r = 0; r < repeats; ++r) {
    const double cpu_start = cpu_seconds();
    const auto start = Clock::now();
    run(Shapes::biaxial_generated_frames);
    const std::chrono::duration<double, std::milli> elapsed = Clock::now() - start;
    result.repeats.push_back(elapsed.count() / frames);
    cpu_times.push_back((cpu_seconds() - cpu_start) * 1e3 / frames);
  }
  if (played == 0) {
    throw std::runtime_error("the model drew no note at all");
  }
  result.value = median(result.repeats);
  result.cpu_value = median(cpu_times);
  result.flops_per_item = bench::biaxial_generation_flops();
  result.gflops = result.flops_per_item / (result.value * 1e-3) * 1e-9;
  return result;
}

Result run_gemm(Index repeats) {
  const Index n = Shapes::gemm_size;
  const Matrix<float> a = bench::uniform_matrix(n, n, 1);
  const Matrix<float> b = bench::uniform_matrix(n, n, 2);
  Matrix<float> c(n, n);
  warm_up([&] { c.noalias() = a * b; });
  Result result;
  result.unit = "GFLOP/s";
  const double flops = 2.0 * static_cast<double>(n) * static_cast<double>(n) *
                       static_cast<double>(n);
  std::vector<double> cpu_rates;
  for (Index r = 0; r < repeats; ++r) {
    const double cpu_start = cpu_seconds();
    const auto start = Clock::now();
    const int inner = 5;
    for (int i = 0; i < inner; ++i) {
      c.noalias() = a * b;
    }
    const std::chrono::duration<double> elapsed = Clock::now() - start;
    result.repeats.push_back(flops * inner / elapsed.count() * 1e-9);
    cpu_rates.push_back(flops * inner / (cpu_seconds() - cpu_start) * 1e-9);
  }
  result.value = median(result.repeats);
  result.cpu_value = median(cpu_rates);
  result.gflops = result.value;
  if (!c.allFinite()) {
    throw std::runtime_error("GEMM produced non-finite values");
  }
  return result;
}

// The FMA peak (fma_peak.hpp): `threads` threads, each its own register-only loop of about
// 0.2 s, the sum of their rates; the median of `repeats` measurements.
Result run_fma_peak(int threads, Index repeats) {
  const std::int64_t blocks = bench::fma::blocks_for(0.2);
  Result result;
  result.unit = "GFLOP/s";
  std::vector<double> cpu_rates;
  for (Index r = 0; r < repeats; ++r) {
    const auto [wall, cpu] = bench::fma::measure(threads, blocks);
    result.repeats.push_back(wall);
    cpu_rates.push_back(cpu);
  }
  result.value = median(result.repeats);
  result.cpu_value = median(cpu_rates);
  result.gflops = result.value;
  return result;
}

nlohmann::json shapes_json() {
  return {
      {"book", {{"inputs", Shapes::book_inputs}, {"hidden", Shapes::book_hidden},
                {"outputs", Shapes::book_outputs}, {"samples", Shapes::book_samples},
                {"learning_rate", Shapes::book_learning_rate},
                {"flops_per_sample", bench::dense_training_flops({784, 30, 10})}}},
      {"autoencoder", {{"inputs", Shapes::auto_inputs}, {"wide", Shapes::auto_wide},
                       {"code", Shapes::auto_code}, {"samples", Shapes::auto_samples},
                       {"learning_rate", Shapes::auto_learning_rate},
                       {"flops_per_sample",
                        bench::dense_training_flops({784, 128, 32, 128, 784})}}},
      {"rnn", {{"vocabulary", Shapes::rnn_vocabulary}, {"hidden", Shapes::rnn_hidden},
               {"steps", Shapes::rnn_steps}, {"sequences", Shapes::rnn_sequences},
               {"learning_rate", Shapes::rnn_learning_rate},
               {"flops_per_sequence", bench::rnn_training_flops()},
               {"generation_steps", Shapes::generation_steps},
               {"flops_per_step", bench::rnn_step_flops()}}},
      {"lstm", {{"vocabulary", Shapes::rnn_vocabulary}, {"hidden", Shapes::lstm_hidden},
                {"steps", Shapes::rnn_steps}, {"sequences", Shapes::rnn_sequences},
                {"learning_rate", Shapes::rnn_learning_rate},
                {"flops_per_sequence", bench::lstm_training_flops()},
                {"generation_steps", Shapes::generation_steps},
                {"flops_per_step", bench::lstm_step_flops()}}},
      {"gemm", {{"size", Shapes::gemm_size}}},
      {"biaxial", {{"keys", bench::biaxial_shape().keys},
                   {"time_hidden", {bench::biaxial_shape().time_hidden_1,
                                    bench::biaxial_shape().time_hidden_2}},
                   {"note_hidden", {bench::biaxial_shape().note_hidden_1,
                                    bench::biaxial_shape().note_hidden_2}},
                   {"dropout", bench::biaxial_shape().dropout},
                   {"settings", bench::biaxial_settings().to_json()},
                   {"flops_per_frame", bench::biaxial_training_flops(1)},
                   {"generation_flops_per_frame", bench::biaxial_generation_flops()},
                   {"frame_budget_ms", Shapes::biaxial_frame_budget_ms}}},
  };
}

}  // namespace

int main(int argc, char** argv) {
  std::string workload = "book";
  Index batch = 10;
  int threads = 1;
  Index repeats = 7;
  std::uint64_t seed = 1;
  std::string summary;
  std::string shapes;
  examples::CommandLine cli("bachprop_bench",
                            "Times one benchmark workload and prints one JSON line.");
  cli.option("workload", workload, "NAME",
             "book | autoencoder | rnn | generate_argmax | generate_sample | lstm | "
             "lstm_generate_argmax | lstm_generate_sample | gemm | fma_peak | biaxial | "
             "biaxial_generate")
      .option("batch", batch, "N", "samples (sequences; biaxial: windows) per mini-batch")
      .option("threads", threads, "N", "Eigen threads (needs a build with BACHPROP_OPENMP)")
      .option("repeats", repeats, "N", "timed epochs (or repeats) after half a second's warm-up")
      .option("shapes", shapes, "FILE", "write the workloads' constants as JSON and exit")
      .standard(seed, summary);
  if (!cli.parse(argc, argv)) {
    return cli.exit_code();
  }
  try {
    if (!shapes.empty()) {
      bachprop::write_file_atomically(shapes, shapes_json().dump(2) + "\n");
      return 0;
    }
    if (threads < 1 || repeats < 1 || batch < 1) {
      throw examples::UsageError("--threads, --repeats and --batch must be positive");
    }
#ifdef _OPENMP
    omp_set_num_threads(threads);
#endif
    Eigen::setNbThreads(threads);
    Result result;
    if (workload == "book") {
      result = run_book(batch, repeats);
    } else if (workload == "autoencoder") {
      result = run_autoencoder(batch, repeats);
    } else if (workload == "rnn") {
      result = run_next_note(bench::rnn_network, bench::rnn_training_flops(), batch, repeats);
    } else if (workload == "lstm") {
      result = run_next_note(bench::lstm_network, bench::lstm_training_flops(), batch, repeats);
    } else if (workload == "generate_argmax" || workload == "generate_sample") {
      batch = 1;
      result = run_generation(bench::rnn_network, bench::rnn_step_flops(),
                              workload == "generate_sample", repeats);
    } else if (workload == "lstm_generate_argmax" || workload == "lstm_generate_sample") {
      batch = 1;
      result = run_generation(bench::lstm_network, bench::lstm_step_flops(),
                              workload == "lstm_generate_sample", repeats);
    } else if (workload == "biaxial") {
      result = run_biaxial(batch, repeats);
    } else if (workload == "biaxial_generate") {
      batch = 1;
      result = run_biaxial_generation(repeats);
    } else if (workload == "fma_peak") {
      batch = 1;
      result = run_fma_peak(threads, repeats);
    } else if (workload == "gemm") {
      batch = Shapes::gemm_size;
      result = run_gemm(repeats);
    } else {
      throw examples::UsageError("unknown workload '" + workload + "'");
    }
    nlohmann::json line = {
        {"side", "bachprop"},
        {"workload", workload},
        {"batch", batch},
        {"threads", threads},
        {"threads_used", workload == "fma_peak" ? threads : Eigen::nbThreads()},
        {"parallelism", result.parallelism},
        {"unit", result.unit},
        {"value", result.value},
        {"cpu_value", result.cpu_value},
        {"compute_value", result.compute_value},
        {"compute_gflops", result.compute_value * result.flops_per_item * 1e-9},
        {"repeats", result.repeats},
        {"flops_per_item", result.flops_per_item},
        {"gflops", result.gflops},
        {"peak_rss_mb", peak_rss_mb()},
    };
    if (workload == "biaxial_generate") {  // a frame's share of real time, for the report
      line["frame_budget_ms"] = Shapes::biaxial_frame_budget_ms;
    }
    if (workload == "fma_peak") {  // what the loop ran on
      line["instruction_set"] = bench::fma::instruction_set;
      line["vector_bits"] = 32 * bench::fma::lanes;
      line["accumulators"] = bench::fma::accumulators;
    }
    std::cout << line.dump() << std::endl;
    examples::write_summary(summary, line);
  } catch (const examples::UsageError& e) {
    std::cerr << "bachprop_bench: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "bachprop_bench: " << e.what() << '\n';
    return 1;
  }
  return 0;
}

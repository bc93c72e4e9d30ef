// FANN's side of the benchmarks (a C++ peer, beside the PyTorch and numpy twins): the book
// network and the autoencoder written as a FANN user writes them: fann_create_standard, sigmoid
// layers, the data in a fann_train_data, fann_shuffle_train_data every epoch, and
// fann_train_epoch.
//
// FANN trains in one of two gradient-descent modes: FANN_TRAIN_INCREMENTAL (an update after
// every sample) or FANN_TRAIN_BATCH (one update for all the data fann_train_epoch is given);
// the rest (RPROP, Quickprop, SARPROP) are full-batch methods of their own. Mini-batches are
// FANN_TRAIN_BATCH on each mini-batch: fann_train_epoch on a fann_train_data that views
// `batch` consecutive samples of the shuffled set (the struct is public, fann_data.h; its
// sample arrays are arrays of pointers, so a view copies nothing). Each call runs every
// sample of the batch forward and back and adds its gradient, then updates the weights by
// η/m times the sum: exactly the book's mini-batch SGD, and it returns the batch's MSE.
//
// What differs from bachprop's workloads (docs/benchmarks.md, "The C++ peers"):
// - book: the same network, cost (FANN_ERRORFUNC_LINEAR: the quadratic cost; FANN's default
//   error function is another) and update at η = 3, but FANN clips the sigmoid's derivative
//   a(1 − a) to a in [0.01, 0.99] (against flat spots), and starts from uniform ±0.1 weights.
// - autoencoder: FANN has no Adam and no cross-entropy: the same network with the quadratic
//   cost and plain mini-batch gradient descent (η = 1). An SGD update is one pass over the
//   weights where Adam's is three, so FANN does a little less work per step.
// - FANN computes sample by sample (no matrix products: a loop over each neuron's
//   connections) and has no threads (Debian's FANN 2.2.0; parallel FANN came later); its code
//   is Debian's build (for the baseline x86-64: no AVX).
//
//   fann_peer --shapes shapes.json --workload book --batch 10

#include "peer_common.hpp"

#include <floatfann.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace {

struct FannDeleter {
  void operator()(fann* ann) const { fann_destroy(ann); }
  void operator()(fann_train_data* data) const { fann_destroy_train(data); }
};
using Network = std::unique_ptr<fann, FannDeleter>;
using Data = std::unique_ptr<fann_train_data, FannDeleter>;

// A fann_train_data of `count` samples, inputs and targets copied from sample-after-sample
// arrays.
Data make_data(const std::vector<float>& x, long inputs, const std::vector<float>& y,
               long outputs, long count) {
  Data data(fann_create_train(static_cast<unsigned>(count), static_cast<unsigned>(inputs),
                              static_cast<unsigned>(outputs)));
  if (!data) {
    throw std::runtime_error("fann_create_train failed");
  }
  for (long j = 0; j < count; ++j) {
    std::copy_n(x.begin() + j * inputs, inputs, data->input[j]);
    std::copy_n(y.begin() + j * outputs, outputs, data->output[j]);
  }
  return data;
}

// A sigmoid network of the given widths, trained by gradient descent on the quadratic cost,
// one update per fann_train_epoch call.
Network make_network(const std::vector<unsigned>& widths, float learning_rate) {
  Network ann(fann_create_standard_array(static_cast<unsigned>(widths.size()), widths.data()));
  if (!ann) {
    throw std::runtime_error("fann_create_standard failed");
  }
  fann_set_activation_function_hidden(ann.get(), FANN_SIGMOID);
  fann_set_activation_function_output(ann.get(), FANN_SIGMOID);
  fann_set_training_algorithm(ann.get(), FANN_TRAIN_BATCH);
  fann_set_train_error_function(ann.get(), FANN_ERRORFUNC_LINEAR);
  fann_set_learning_rate(ann.get(), learning_rate);
  fann_set_learning_momentum(ann.get(), 0.0F);
  return ann;
}

// One epoch per call: shuffle, then one FANN_TRAIN_BATCH step per mini-batch. Returns the
// epoch's mean loss in the book's units: FANN's MSE is Σ(y − a)² over the batch's samples and
// outputs divided by their number, so ½Σ‖y − a‖²/m is MSE × outputs / 2.
peer::Timing train(fann* ann, fann_train_data* data, long batch, long repeats) {
  const long n = static_cast<long>(data->num_data);
  const double outputs = data->num_output;
  auto epoch = [&] {
    fann_shuffle_train_data(data);
    double total = 0;
    fann_train_data view = *data;
    for (long first = 0; first < n; first += batch) {
      const long size = std::min(batch, n - first);
      view.num_data = static_cast<unsigned>(size);
      view.input = data->input + first;
      view.output = data->output + first;
      const float mse = fann_train_epoch(ann, &view);
      total += 0.5 * mse * outputs * static_cast<double>(size);
    }
    return total / static_cast<double>(n);
  };
  auto evaluate = [&] {  // FANN's test over the data set, without a step
    return 0.5 * fann_test_data(ann, data) * outputs;
  };
  return peer::time_epochs(evaluate, epoch, n, repeats);
}

int run(const peer::Arguments& args) {
  std::srand(static_cast<unsigned>(args.seed));  // FANN's initial weights and shuffle use rand()
  if (args.workload == "book") {
    const auto& s = args.shapes.at("book");
    const long inputs = s.at("inputs");
    const long hidden = s.at("hidden");
    const long outputs = s.at("outputs");
    const long samples = s.at("samples");
    Data data = make_data(peer::uniform_samples(inputs, samples, args.seed + 1), inputs,
                          peer::one_hot_samples(outputs, samples, args.seed + 2), outputs,
                          samples);
    Network ann = make_network({static_cast<unsigned>(inputs), static_cast<unsigned>(hidden),
                                static_cast<unsigned>(outputs)},
                               s.at("learning_rate").get<float>());
    const peer::Timing timing = train(ann.get(), data.get(), args.batch, args.repeats);
    return peer::report("fann", args, timing, s.at("flops_per_sample"), 1,
                        {{"loss", "quadratic (FANN_ERRORFUNC_LINEAR)"},
                         {"optimiser", "FANN_TRAIN_BATCH per mini-batch, η as the book"},
                         {"differs", "the sigmoid's derivative clipped at a in [0.01, 0.99]"}});
  }
  if (args.workload == "autoencoder") {
    const auto& s = args.shapes.at("autoencoder");
    const long inputs = s.at("inputs");
    const long wide = s.at("wide");
    const long code = s.at("code");
    const long samples = s.at("samples");
    const std::vector<float> x = peer::uniform_samples(inputs, samples, args.seed + 1);
    Data data = make_data(x, inputs, x, inputs, samples);
    const auto n = static_cast<unsigned>(inputs);
    const auto w = static_cast<unsigned>(wide);
    const auto c = static_cast<unsigned>(code);
    Network ann = make_network({n, w, c, w, n}, 1.0F);
    const peer::Timing timing = train(ann.get(), data.get(), args.batch, args.repeats);
    return peer::report("fann", args, timing, s.at("flops_per_sample"), 1,
                        {{"loss", "quadratic (FANN has no cross-entropy)"},
                         {"optimiser", "FANN_TRAIN_BATCH per mini-batch, η = 1 (no Adam)"},
                         {"differs", "loss and optimiser"}});
  }
  throw examples::UsageError("fann_peer runs book and autoencoder, not '" + args.workload + "'");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    peer::Arguments args;
    int exit_code = 0;
    if (!peer::parse("fann_peer", "FANN's side of one benchmark workload: one JSON line.",
                     "book | autoencoder", argc, argv, args, exit_code)) {
      return exit_code;
    }
    return run(args);
  } catch (const examples::UsageError& e) {
    std::cerr << "fann_peer: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "fann_peer: " << e.what() << '\n';
    return 1;
  }
}

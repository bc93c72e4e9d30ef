// dlib's side of the benchmarks (a C++ peer, beside the PyTorch and numpy twins): the book
// network and the autoencoder written as a dlib user writes them. The network is a type,
// `loss_mean_squared_multioutput<sig<fc<10, sig<fc<30, input<matrix<float>>>>>>>`; the samples
// are dlib matrices in a std::vector; each epoch shuffles an index, copies each mini-batch's
// samples into a batch vector, and takes one step with the network's own
// `compute_parameter_gradients` (to_tensor, forward, loss, backward: it returns the batch's
// loss) and `update_parameters` with one solver per layer, the loop dnn_trainer runs inside
// (dlib's GAN example writes it out the same way). dnn_trainer itself is not used: it runs the
// steps on a thread of its own, beside the caller's, which would give dlib a second core at
// "one thread"; its learning-rate schedule would also change the step size along the way.
//
// What differs from bachprop's workloads (docs/benchmarks.md, "The C++ peers"):
// - book: the same network, cost and update. dlib's mean squared loss reports Σ‖y − a‖²/m
//   (twice the book's ½Σ‖y − a‖²/m) but its gradient is (a − y)/m, the book's: sgd(0, 0) (no
//   weight decay, no momentum) at η = 3 makes the book's step. dlib's docs ask for η ≤ 1 in
//   update_parameters; nothing checks it, and the book's η = 3 is what the other sides use.
// - autoencoder: dlib has no binary cross-entropy for real-valued targets (its multi-binary
//   log loss wants labels ±1), so the loss is the mean squared one on the sigmoid output; Adam
//   as the others (β 0.9 and 0.999, η 10⁻³, no weight decay). The products are the same; the
//   loss's elementwise work differs.
// - dlib's fc layer computes the gradient of its input in the first layer too (Wᵀ δ into the
//   data), work the other sides skip and the GFLOP/s do not count.
// - dlib's matrix products go through the BLAS it links (Debian's dlib: libblas.so.3, whichever
//   BLAS the system provides; run.sh gives the peers OpenBLAS), its elementwise kernels are
//   compiled into Debian's libdlib (for the baseline x86-64: no AVX); threads: the BLAS's.
//
//   dlib_peer --shapes shapes.json --workload book --batch 10 --threads 1

#include "peer_common.hpp"

#include <dlib/dnn.h>

#include <algorithm>
#include <cstdlib>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace {

using dlib::fc;
using dlib::input;
using dlib::loss_mean_squared_multioutput;
using dlib::matrix;
using dlib::sig;

using book_net = loss_mean_squared_multioutput<sig<fc<10, sig<fc<30, input<matrix<float>>>>>>>;
using autoencoder_net = loss_mean_squared_multioutput<
    sig<fc<784, sig<fc<128, sig<fc<32, sig<fc<128, input<matrix<float>>>>>>>>>>>;

// `count` samples of `size` numbers as dlib column matrices.
std::vector<matrix<float>> as_matrices(const std::vector<float>& data, long size, long count) {
  std::vector<matrix<float>> samples(static_cast<std::size_t>(count));
  for (long j = 0; j < count; ++j) {
    matrix<float>& m = samples[static_cast<std::size_t>(j)];
    m.set_size(size, 1);
    std::copy_n(data.begin() + j * size, size, &m(0, 0));
  }
  return samples;
}

// Trains `net` one epoch per call: shuffle, mini-batches, one step each; returns the epoch's
// mean loss in the book's units (dlib's mean squared loss is Σ‖y − a‖²/m: half of it).
template <class Net, class Solver>
peer::Timing train(Net& net, std::vector<Solver>& solvers, double learning_rate,
                   const std::vector<matrix<float>>& x, const std::vector<matrix<float>>& y,
                   long batch, long repeats, std::uint64_t seed) {
  const long n = static_cast<long>(x.size());
  std::vector<long> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0L);
  std::mt19937_64 rng(seed);
  std::vector<matrix<float>> batch_x;
  std::vector<matrix<float>> batch_y;
  // the mean loss over the data set, in mini-batches (without a step)
  auto evaluate = [&] {
    double total = 0;
    for (long first = 0; first < n; first += batch) {
      const long size = std::min(batch, n - first);
      total += 0.5 * net.compute_loss(x.begin() + first, x.begin() + first + size,
                                      y.begin() + first) * static_cast<double>(size);
    }
    return total / static_cast<double>(n);
  };
  auto epoch = [&] {
    std::shuffle(order.begin(), order.end(), rng);
    double total = 0;
    for (long first = 0; first < n; first += batch) {
      const long size = std::min(batch, n - first);
      batch_x.resize(static_cast<std::size_t>(size));
      batch_y.resize(static_cast<std::size_t>(size));
      for (long i = 0; i < size; ++i) {
        const auto k = static_cast<std::size_t>(order[static_cast<std::size_t>(first + i)]);
        batch_x[static_cast<std::size_t>(i)] = x[k];
        batch_y[static_cast<std::size_t>(i)] = y[k];
      }
      const double loss =
          net.compute_parameter_gradients(batch_x.begin(), batch_x.end(), batch_y.begin());
      net.update_parameters(solvers, learning_rate);
      total += 0.5 * loss * static_cast<double>(size);
    }
    return total / static_cast<double>(n);
  };
  return peer::time_epochs(evaluate, epoch, n, repeats);
}

int threads_used(int asked) {
  const char* blas = std::getenv("OPENBLAS_NUM_THREADS");
  return blas != nullptr ? std::atoi(blas) : asked;
}

int run(const peer::Arguments& args) {
  if (args.workload == "book") {
    const auto& s = args.shapes.at("book");
    const long inputs = s.at("inputs");
    const long outputs = s.at("outputs");
    const long samples = s.at("samples");
    const auto x = as_matrices(peer::uniform_samples(inputs, samples, args.seed + 1), inputs,
                               samples);
    const auto y = as_matrices(peer::one_hot_samples(outputs, samples, args.seed + 2), outputs,
                               samples);
    book_net net;
    std::vector<dlib::sgd> solvers(book_net::num_computational_layers, dlib::sgd(0, 0));
    const peer::Timing timing = train(net, solvers, s.at("learning_rate").get<double>(), x, y,
                                      args.batch, args.repeats, args.seed);
    return peer::report("dlib", args, timing, s.at("flops_per_sample"),
                        threads_used(args.threads),
                        {{"loss", "mean squared (the book's quadratic cost)"},
                         {"optimiser", "sgd(0, 0), η as the book"},
                         {"differs", "dlib also computes the first layer's input gradient"}});
  }
  if (args.workload == "autoencoder") {
    const auto& s = args.shapes.at("autoencoder");
    const long inputs = s.at("inputs");
    const long samples = s.at("samples");
    const auto x = as_matrices(peer::uniform_samples(inputs, samples, args.seed + 1), inputs,
                               samples);
    autoencoder_net net;
    std::vector<dlib::adam> solvers(autoencoder_net::num_computational_layers,
                                    dlib::adam(0, 0.9F, 0.999F));
    const peer::Timing timing = train(net, solvers, s.at("learning_rate").get<double>(), x, x,
                                      args.batch, args.repeats, args.seed);
    return peer::report("dlib", args, timing, s.at("flops_per_sample"),
                        threads_used(args.threads),
                        {{"loss", "mean squared (no binary cross-entropy for real targets)"},
                         {"optimiser", "adam(0, 0.9, 0.999)"},
                         {"differs", "loss (and the first layer's input gradient)"}});
  }
  throw examples::UsageError("dlib_peer runs book and autoencoder, not '" + args.workload + "'");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    peer::Arguments args;
    int exit_code = 0;
    if (!peer::parse("dlib_peer", "dlib's side of one benchmark workload: one JSON line.",
                     "book | autoencoder", argc, argv, args, exit_code)) {
      return exit_code;
    }
    return run(args);
  } catch (const examples::UsageError& e) {
    std::cerr << "dlib_peer: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "dlib_peer: " << e.what() << '\n';
    return 1;
  }
}

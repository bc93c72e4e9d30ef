// mnist_autoencoder: a network that learns to copy MNIST digits through a narrow middle layer,
// 784-128-32-128-784, so that the 32 numbers in the middle (the latent code) must describe the
// digit. Trained with Adam on binary cross-entropy (the output is a sigmoid per pixel), it
// reports the test-set reconstruction error and draws reconstructions, interpolations between
// the codes of two digits and, with --latent 2, a map of the latent space.
//
// Built with -DBACHPROP_MPI=ON it also trains across the processes of an MPI job (mpirun -np N
// mnist_autoencoder ...): every process loads the data and computes its block of each batch's
// shards, the shards' gradients are summed in shard order (bachprop/mpi/exchange.hpp), and the
// model is the one a single process makes with the same shards, bit for bit. Process 0 alone
// prints and writes files (docs/scaling.md).
//
// The lesson comes first; the command line is at the end, and report.hpp prints, draws and
// saves. The network, its two halves and the pictures are in autoencoder.hpp (the tests use them
// too).

#include "autoencoder.hpp"
#include "common/mnist_training.hpp"
#include "report.hpp"

#if defined(BACHPROP_WITH_MPI)
#include <bachprop/mpi.hpp>
#endif

#include <cstdio>

#if defined(__SSE2__)
#include <pmmintrin.h>
#include <xmmintrin.h>
#endif

namespace {

using mnist_autoencoder::Options;
using mnist_autoencoder::Report;

int lesson(const Options& o, Report& report) {
  // The data: 28×28 images as columns of 784 pixels in [0, 1] (bachprop/io/idx.hpp), found
  // where --data says or downloaded. No labels are needed: each image is its own target.
  const auto folder = examples::find_mnist(o.data_dir, o.download);
  const auto data = bachprop::read_mnist<float>(folder, o.limit > 0 ? o.limit : -1,
                                                o.test_limit > 0 ? o.test_limit : -1);
  const mnist_autoencoder::Settings settings = o.settings_for(data.test.images.rows());
  report.data(folder, data, settings);

  // The network: an encoder (784 → hidden → latent) and a decoder (latent → hidden → 784, a
  // sigmoid per pixel) in one Network, its hidden activation chosen by --activation.
  return mnist_autoencoder::with_autoencoder(settings, o.seed, [&](auto& network) {
    if (o.loading()) {
      bachprop::model_from_json(network, o.saved_model, o.load_path);
      report.loaded();
    } else {
      // Training: Adam on the binary cross-entropy between each image and the network's copy
      // of it, C = −Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)] over the pixels j, on shuffled
      // mini-batches; the images are the inputs and the targets.
      const auto callbacks = report.training(network, data);
      bachprop::Adam<float> adam(settings.learning_rate);
      bachprop::TrainOptions options{
          .epochs = settings.epochs, .batch_size = settings.batch_size, .seed = o.seed};
      bachprop::CheckpointFile{o.checkpoint_path, o.resume}.apply_to(options);
      options.shards = o.shards;
#if defined(BACHPROP_WITH_MPI)
      // doc:begin mpi-exchange
      // Every process of the MPI job (one, without mpirun) computes its block of each batch's
      // shards; the sum of all of them, in shard order, is every process's gradient.
      bachprop::MpiExchange exchange;
      options.exchange = &exchange;
      // doc:end mpi-exchange
#endif
      bachprop::train(network, bachprop::BinaryCrossEntropy<float>(), adam, data.train.images,
                      data.train.images, options, callbacks);
      report.trained();
    }
    if (!o.writer) {
      return 0;  // another process of an MPI job: process 0 evaluates, draws and saves
    }
    // Evaluation: how far the copies of the test images are from the images, then pictures of
    // what the code holds.
    report.test(mnist_autoencoder::reconstruction_errors(network, data.test.images), data);
    report.pictures(network, data.test);
    report.save(network);
    return report.finish();
  });
}

// Adam's moment estimates for weights that never receive a gradient (those from the border
// pixels, which are blank in every MNIST image) shrink geometrically into the subnormal range,
// where x86 arithmetic is many times slower: flush such values to zero. This costs nothing in
// accuracy (they are below 1.2e-38) and saves a quarter of the training time.
void flush_subnormals_to_zero() {
#if defined(__SSE2__)
  _MM_SET_FLUSH_ZERO_MODE(_MM_FLUSH_ZERO_ON);
  _MM_SET_DENORMALS_ZERO_MODE(_MM_DENORMALS_ZERO_ON);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  flush_subnormals_to_zero();
  Options o;
#if defined(BACHPROP_WITH_MPI)
  // doc:begin mpi-session
  bachprop::MpiSession mpi(argc, argv);  // MPI_Init_thread here, MPI_Finalize at the end
  o.writer = mpi.rank() == 0;
  if (!o.writer && std::freopen("/dev/null", "w", stdout) == nullptr) {
    return 1;  // the other processes print nothing: their output would repeat process 0's
  }
  // doc:end mpi-session
#endif
  auto& s = o.settings;
  examples::CommandLine cli(
      "mnist_autoencoder",
      "Trains an autoencoder (784-hidden-latent-hidden-784, sigmoid output, binary\n"
      "cross-entropy, Adam) on the 60,000 MNIST training images, reports the reconstruction\n"
      "error on the 10,000 test images and writes pictures into --out: reconstructions,\n"
      "interpolations in latent space and, with --latent 2, a map of the latent space.");
  cli.standard(o.seed, o.summary_path)
      .option("epochs", s.epochs, "N", "passes over the training set")
      .option("batch-size", s.batch_size, "M", "mini-batch size")
      .learning_rate(s.learning_rate, "Adam (its step size α)")
      .option("hidden", s.hidden, "N", "neurons of the encoder's and decoder's hidden layer")
      .option("latent", s.latent, "N", "size of the latent code")
      .option("activation", o.activation_text, "NAME", "hidden activation: relu, sigmoid or tanh")
      .option("shards", o.shards, "N",
              "data-parallel shards per batch (0: from the batch size); across MPI processes "
              "a multiple of their number keeps them all busy")
      .option("limit", o.limit, "N", "train on the first N training images only (0: all)")
      .option("test-limit", o.test_limit, "N", "evaluate on the first N test images only (0: all)")
      .option("data", o.data_dir, "DIR", "folder with the MNIST (or Fashion-MNIST) IDX files")
      .flag("download", o.download, "if no data is found, download MNIST into the cache folder")
      .option("rows", o.interpolation_rows, "N", "pairs of digits in the interpolation picture")
      .option("save", o.save_path, "FILE", "save the trained model as bachprop JSON")
      .option("model", o.load_path, "FILE", "use a model saved by --save instead of training")
      .option("save-initial", o.save_initial_path, "FILE",
              "save the initial weights (for the PyTorch twin in benchmarks/reference)")
      .checkpoints(o.checkpoint_path, o.resume, "weights, Adam's state, shuffling state, epoch");
  o.output.declare(cli, "the PNG pictures", false);
  const int code = examples::run_lesson<Report>(cli, argc, argv, o, lesson);
#if defined(BACHPROP_WITH_MPI)
  if (code != 0 && mpi.size() > 1) {
    bachprop::MpiSession::abort(code);  // the other processes may be waiting for this one
  }
#endif
  return code;
}

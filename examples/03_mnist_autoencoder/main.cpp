// mnist_autoencoder: a network that learns to copy MNIST digits through a narrow middle layer,
// 784-128-32-128-784, so that the 32 numbers in the middle (the latent code) must describe the
// digit. Trained with Adam on binary cross-entropy (the output is a sigmoid per pixel), it
// reports the test-set reconstruction error and draws reconstructions, interpolations between
// the codes of two digits and, with --latent 2, a map of the latent space.

#include "autoencoder.hpp"
#include "common/cli.hpp"
#include "common/download.hpp"
#include "common/progress.hpp"

#include <bachprop/draw/png.hpp>

#if defined(__SSE2__)
#include <pmmintrin.h>
#include <xmmintrin.h>
#endif

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

namespace {

using bachprop::Index;
using mnist_autoencoder::Settings;

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

// The settings a saved autoencoder was built with, read from its layers.
Settings inspect_saved_model(const nlohmann::json& document, const std::string& path) {
  const auto layers = document.find("layers");
  const auto size_of = [&](std::size_t layer, const char* key) -> Index {
    const auto& entry = (*layers)[layer];
    if (!entry.is_object() || !entry.contains(key) || !entry[key].is_number_integer() ||
        entry[key].get<Index>() < 1) {
      throw bachprop::FormatError(path + ": layer " + std::to_string(layer) + " has no valid \"" +
                                  key + "\"");
    }
    return entry[key].get<Index>();
  };
  if (layers == document.end() || !layers->is_array() || layers->size() != 7) {
    throw bachprop::FormatError(path + ": not a saved mnist_autoencoder model (expected 7 layers: "
                                "dense, activation, dense, dense, activation, dense, sigmoid)");
  }
  const auto& activation = (*layers)[1];
  if (!activation.is_object() || !activation.contains("kind") || !activation["kind"].is_string()) {
    throw bachprop::FormatError(path + ": layer 1 should name its activation");
  }
  Settings settings;
  settings.activation =
      mnist_autoencoder::activation_from_name(activation["kind"].get<std::string>());
  settings.inputs = size_of(0, "inputs");
  settings.hidden = size_of(0, "outputs");
  settings.latent = size_of(2, "outputs");
  return settings;
}

std::string errors_text(const mnist_autoencoder::Errors& errors) {
  char text[96];
  std::snprintf(text, sizeof text, "BCE %.4f nats/pixel, MSE %.4f/pixel", errors.bce,
                errors.mse);
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace bachprop;
  flush_subnormals_to_zero();
  std::uint64_t seed = 1;
  std::string summary_path;
  Settings settings;
  std::string activation_text = "relu";
  std::string data_dir;
  bool download = false;
  Index limit = 0;
  Index test_limit = 0;
  std::string out_dir = ".";
  std::string save_path;
  std::string load_path;
  std::string save_initial_path;
  Index interpolation_rows = 8;
  std::string checkpoint_path;
  bool resume = false;
  examples::CommandLine cli(
      "mnist_autoencoder",
      "Trains an autoencoder (784-hidden-latent-hidden-784, sigmoid output, binary\n"
      "cross-entropy, Adam) on the 60,000 MNIST training images, reports the reconstruction\n"
      "error on the 10,000 test images and writes pictures into --out: reconstructions,\n"
      "interpolations in latent space and, with --latent 2, a map of the latent space.");
  cli.standard(seed, summary_path)
      .option("epochs", settings.epochs, "N", "passes over the training set")
      .option("batch-size", settings.batch_size, "M", "mini-batch size")
      .option("learning-rate", settings.learning_rate, "ALPHA", "Adam's step size")
      .option("hidden", settings.hidden, "N", "neurons of the encoder's and decoder's hidden layer")
      .option("latent", settings.latent, "N", "size of the latent code")
      .option("activation", activation_text, "NAME", "hidden activation: relu, sigmoid or tanh")
      .option("limit", limit, "N", "train on the first N training images only (0: all)")
      .option("test-limit", test_limit, "N", "evaluate on the first N test images only (0: all)")
      .option("data", data_dir, "DIR", "folder with the MNIST (or Fashion-MNIST) IDX files")
      .flag("download", download, "if no data is found, download MNIST into the cache folder")
      .option("out", out_dir, "DIR", "folder for the PNG pictures")
      .option("rows", interpolation_rows, "N", "pairs of digits in the interpolation picture")
      .option("save", save_path, "FILE", "save the trained model as bachprop JSON")
      .option("load", load_path, "FILE", "load a model saved by --save instead of training")
      .option("save-initial", save_initial_path, "FILE",
              "save the initial weights (for the PyTorch twin in benchmarks/reference)")
      .checkpoints(checkpoint_path, resume, "weights, Adam's state, shuffling state, epoch");
  if (!cli.parse(argc, argv)) {
    return cli.exit_code();
  }
  return examples::run_reporting_errors(cli.program(), [&] {
    settings.activation = mnist_autoencoder::activation_from_name(activation_text);
    if (settings.epochs < 1 || settings.batch_size < 1 || settings.hidden < 1 ||
        settings.latent < 1 || !(settings.learning_rate > 0) || limit < 0 || test_limit < 0 ||
        interpolation_rows < 1) {
      throw ArgumentError("--epochs, --batch-size, --hidden, --latent, --learning-rate and "
                          "--rows must be positive; --limit and --test-limit at least 0");
    }
    const bool loading = !load_path.empty();
    examples::check_checkpoint_options(checkpoint_path, resume, loading, "--load only evaluates");
    nlohmann::json document;
    if (loading) {
      document = parse_model_text(read_file(load_path), load_path);
      const Settings saved = inspect_saved_model(document, load_path);
      settings.activation = saved.activation;
      settings.hidden = saved.hidden;
      settings.latent = saved.latent;
      settings.inputs = saved.inputs;
    }

    const auto folder = examples::locate_or_download(
        examples::mnist_source(),
        {.cli_value = data_dir, .download = download,
         .interactive = examples::interactive_session()});
    const auto data = read_mnist<float>(folder, limit > 0 ? limit : -1,
                                        test_limit > 0 ? test_limit : -1);
    if (loading && settings.inputs != data.test.images.rows()) {
      throw FormatError(load_path + ": the model takes " + std::to_string(settings.inputs) +
                        " pixels but the images have " + std::to_string(data.test.images.rows()));
    }
    settings.inputs = data.test.images.rows();
    std::cout << "data: " << folder.string() << " (" << data.train.count() << " training and "
              << data.test.count() << " test images)\n"
              << "network: " << settings.inputs << "-" << settings.hidden << "-" << settings.latent
              << "-" << settings.hidden << "-" << settings.inputs << ", "
              << mnist_autoencoder::activation_name(settings.activation)
              << " hidden layers, linear code, sigmoid output, binary cross-entropy\n";
    std::filesystem::create_directories(out_dir);

    return mnist_autoencoder::with_autoencoder(settings, seed, [&](auto& network) {
      nlohmann::json summary{
          {"program", "mnist_autoencoder"},
          {"seed", seed},
          {"data", folder.string()},
          {"train_images", data.train.count()},
          {"test_images", data.test.count()},
          {"settings",
           {{"hidden", settings.hidden}, {"latent", settings.latent},
            {"activation", mnist_autoencoder::activation_name(settings.activation)},
            {"epochs", settings.epochs}, {"batch_size", settings.batch_size},
            {"learning_rate", settings.learning_rate}, {"optimiser", "adam"}}}};
      if (loading) {
        model_from_json(network, document, load_path);
        std::cout << "model: " << load_path << " (no training)\n";
        summary["model"] = load_path;
      } else {
        if (!save_initial_path.empty()) {
          save_model(network, save_initial_path, {{"program", "mnist_autoencoder"},
                                                  {"initial", true}, {"seed", seed}});
          std::cout << "saved the initial weights to " << save_initial_path << '\n';
        }
        std::cout << "training: " << settings.epochs << " epochs, mini-batches of "
                  << settings.batch_size << ", Adam (alpha " << settings.learning_rate
                  << "), seed " << seed << "\n";
        if (!checkpoint_path.empty()) {
          std::cout << (resume ? "resuming from the checkpoint " : "checkpoints: ")
                    << checkpoint_path << "\n";
        }
        std::cout << "\n";
        Adam<float> adam(settings.learning_rate);
        const BinaryCrossEntropy<float> loss;
        const Index batches =
            (data.train.count() + settings.batch_size - 1) / settings.batch_size;
        examples::TrainingProgress progress(settings.epochs, batches,
                                            examples::stdout_is_terminal());
        progress.set_loss_scale(1.0 / static_cast<double>(settings.inputs));  // BCE per pixel
        nlohmann::json epochs = nlohmann::json::array();
        double train_seconds = 0;
        TrainCallbacks callbacks;
        callbacks.on_batch = [&](const BatchReport& report) { progress.on_batch(report); };
        callbacks.on_epoch = [&](const EpochReport& report) {
          const auto errors = mnist_autoencoder::reconstruction_errors(network, data.test.images);
          train_seconds += report.seconds;
          const double train_bce = report.mean_loss / static_cast<double>(settings.inputs);
          char line[200];
          std::snprintf(line, sizeof line,
                        "epoch %3ld/%ld  train BCE %.4f  test %s  %.2f s",
                        static_cast<long>(report.epoch), static_cast<long>(settings.epochs),
                        train_bce, errors_text(errors).c_str(), report.seconds);
          progress.line(line);
          epochs.push_back({{"epoch", report.epoch}, {"train_bce_per_pixel", train_bce},
                            {"test_bce_per_pixel", errors.bce},
                            {"test_mse_per_pixel", errors.mse}, {"seconds", report.seconds}});
          return true;
        };
        // The log so far travels with the checkpoint, so that a resumed run reports every epoch.
        callbacks.save_state = [&] {
          return nlohmann::json{{"epochs", epochs}, {"train_seconds", train_seconds}};
        };
        callbacks.restore_state = [&](const nlohmann::json& state) {
          epochs = state.at("epochs");
          train_seconds = state.at("train_seconds").get<double>();
        };
        TrainOptions options{.epochs = settings.epochs, .batch_size = settings.batch_size,
                             .seed = seed};
        options.checkpoint_path = checkpoint_path;
        if (resume) {
          options.resume_from = checkpoint_path;
        }
        train(network, loss, adam, data.train.images, data.train.images, options, callbacks);
        progress.clear();
        std::printf("\ntraining time %.1f s (%.1f s per epoch, %.0f images/s)\n", train_seconds,
                    train_seconds / static_cast<double>(settings.epochs),
                    static_cast<double>(data.train.count() * settings.epochs) / train_seconds);
        summary["epochs"] = epochs;
        summary["train_seconds"] = train_seconds;
      }

      const auto errors = mnist_autoencoder::reconstruction_errors(network, data.test.images);
      const double per_image = errors.bce * static_cast<double>(settings.inputs);
      std::printf("\ntest reconstruction error: %s (BCE %.1f nats per image)\n",
                  errors_text(errors).c_str(), per_image);
      if (data.train.count() > 0) {
        const auto baseline =
            mnist_autoencoder::mean_image_errors(data.train.images, data.test.images);
        std::cout << "  for scale, predicting the mean training image: " << errors_text(baseline)
                  << '\n';
        summary["mean_image"] = {{"bce_per_pixel", baseline.bce}, {"mse_per_pixel", baseline.mse}};
      }
      summary["test_bce_per_pixel"] = errors.bce;
      summary["test_bce_per_image"] = per_image;
      summary["test_mse_per_pixel"] = errors.mse;

      const std::filesystem::path out(out_dir);
      std::vector<std::string> pictures;
      const auto write = [&](const std::string& name, const Image& picture) {
        write_png(out / name, picture);
        pictures.push_back((out / name).string());
        std::cout << "  " << (out / name).string() << " (" << picture.width() << "×"
                  << picture.height() << ")\n";
      };
      std::cout << "\npictures:\n";
      write("mnist_reconstructions.png",
            mnist_autoencoder::reconstruction_picture(network, data.test, 4));
      write("mnist_interpolations.png",
            mnist_autoencoder::interpolation_picture(
                network, data.test,
                mnist_autoencoder::interpolation_pairs(data.test.labels, interpolation_rows, seed),
                10));
      if (settings.latent == 2) {
        const Matrix<float> codes = mnist_autoencoder::encode(network, data.test.images);
        const auto box = mnist_autoencoder::latent_box(codes);
        write("mnist_latent_scatter.png",
              mnist_autoencoder::latent_scatter_picture(codes, data.test.labels, box));
        write("mnist_latent_grid.png",
              mnist_autoencoder::latent_grid_picture(network, box, codes, 20, data.test.rows,
                                                     data.test.columns, 1));
        if (settings.activation == mnist_autoencoder::Activation::relu) {
          std::cout << "  (tip: --activation tanh spreads the 2-D codes more evenly)\n";
        }
        summary["latent_box"] = {box.x0, box.x1, box.y0, box.y1};
      } else {
        std::cout << "  (run with --latent 2 for a map of the latent space)\n";
      }
      summary["pictures"] = pictures;

      if (!save_path.empty() && !loading) {
        save_model(network, save_path,
                   {{"program", "mnist_autoencoder"}, {"settings", summary["settings"]},
                    {"test_bce_per_pixel", errors.bce}, {"test_mse_per_pixel", errors.mse}});
        std::cout << "\nsaved the model to " << save_path << " (reuse it with --load)\n";
      }
      examples::write_summary(summary_path, summary);
      return 0;
    });
  });
}

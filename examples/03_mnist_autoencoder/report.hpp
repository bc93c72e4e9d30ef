#pragma once
// The mnist_autoencoder program around its lesson (main.cpp): the options it takes (and the
// saved model --model reads), and the report of the run — what it prints during and after
// training, the pictures it draws, the model it saves, the JSON summary.

#include "autoencoder.hpp"
#include "common/lesson.hpp"
#include "common/mnist_training.hpp"
#include "common/output.hpp"

#include <bachprop/draw/png.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace mnist_autoencoder {

/// What the command line sets (main.cpp declares the options; these are their defaults).
struct Options {
  std::uint64_t seed = 1;
  std::string summary_path;
  Settings settings;
  std::string activation_text = "relu";
  std::string data_dir;
  bool download = false;
  Index limit = 0;       // training images (0: all)
  Index test_limit = 0;  // test images (0: all)
  examples::OutputOptions output;
  std::string save_path;
  std::string load_path;
  std::string save_initial_path;
  Index interpolation_rows = 8;
  std::string checkpoint_path;
  bool resume = false;
  Index shards = 0;      // data-parallel shards per batch (0: from the batch size)
  bool writer = true;    // false: a process of an MPI job other than 0, which writes nothing
  nlohmann::json saved_model;  // the model --model names, once check() has read it

  bool loading() const { return !load_path.empty(); }

  /// Sets the activation --activation names; throws ArgumentError for values or combinations
  /// the program cannot use. With --model, reads the saved model and takes its shape.
  void check() {
    settings.activation = activation_from_name(activation_text);
    if (settings.epochs < 1 || settings.batch_size < 1 || settings.hidden < 1 ||
        settings.latent < 1 || !(settings.learning_rate > 0) || limit < 0 || test_limit < 0 ||
        interpolation_rows < 1 || shards < 0) {
      throw bachprop::ArgumentError("--epochs, --batch-size, --hidden, --latent, --learning-rate "
                                    "and --rows must be positive; --limit, --test-limit and "
                                    "--shards at least 0");
    }
    examples::check_checkpoint_options(checkpoint_path, resume, loading(),
                                       "--model only evaluates");
    if (!writer) {  // the files are process 0's (checkpoints too: bachprop::train sees to it)
      save_path.clear();
      save_initial_path.clear();
      summary_path.clear();
    }
    if (loading()) {
      saved_model = bachprop::parse_model_text(bachprop::read_file(load_path), load_path);
      const Settings saved = inspect_saved_model(saved_model, load_path);
      settings.activation = saved.activation;
      settings.hidden = saved.hidden;
      settings.latent = saved.latent;
      settings.inputs = saved.inputs;
    }
  }

  /// The settings of the network for images of `pixels` pixels (a loaded model must take as
  /// many).
  Settings settings_for(Index pixels) const {
    if (loading() && settings.inputs != pixels) {
      throw bachprop::FormatError(load_path + ": the model takes " +
                                  std::to_string(settings.inputs) +
                                  " pixels but the images have " + std::to_string(pixels));
    }
    Settings s = settings;
    s.inputs = pixels;
    return s;
  }

 private:
  // The settings a saved autoencoder was built with, read from its layers.
  static Settings inspect_saved_model(const nlohmann::json& document, const std::string& path) {
    const auto layers = document.find("layers");
    const auto size_of = [&](std::size_t layer, const char* key) -> Index {
      const auto& entry = (*layers)[layer];
      if (!entry.is_object() || !entry.contains(key) || !entry[key].is_number_integer() ||
          entry[key].get<Index>() < 1) {
        throw bachprop::FormatError(path + ": layer " + std::to_string(layer) +
                                    " has no valid \"" + key + "\"");
      }
      return entry[key].get<Index>();
    };
    if (layers == document.end() || !layers->is_array() || layers->size() != 7) {
      throw bachprop::FormatError(path + ": not a saved mnist_autoencoder model (expected 7 "
                                  "layers: dense, activation, dense, dense, activation, dense, "
                                  "sigmoid)");
    }
    const auto& activation = (*layers)[1];
    if (!activation.is_object() || !activation.contains("kind") ||
        !activation["kind"].is_string()) {
      throw bachprop::FormatError(path + ": layer 1 should name its activation");
    }
    Settings settings;
    settings.activation = activation_from_name(activation["kind"].get<std::string>());
    settings.inputs = size_of(0, "inputs");
    settings.hidden = size_of(0, "outputs");
    settings.latent = size_of(2, "outputs");
    return settings;
  }
};

/// Prints what the lesson finds, draws the pictures, saves the model, writes the summary.
class Report : public examples::LessonReport<Options> {
 public:
  explicit Report(const Options& options) : LessonReport(options) {}

  /// The data and the network; creates the folder for the pictures.
  void data(const std::filesystem::path& folder, const bachprop::MnistData<float>& data,
            const Settings& settings) {
    std::cout << "data: " << folder.string() << " (" << data.train.count() << " training and "
              << data.test.count() << " test images)\n"
              << "network: " << settings.inputs << "-" << settings.hidden << "-"
              << settings.latent << "-" << settings.hidden << "-" << settings.inputs << ", "
              << activation_name(settings.activation)
              << " hidden layers, linear code, sigmoid output, binary cross-entropy\n";
    settings_ = settings;
    summary_ = {{"program", "mnist_autoencoder"},
                {"seed", options_.seed},
                {"data", folder.string()},
                {"train_images", data.train.count()},
                {"test_images", data.test.count()},
                {"settings",
                 {{"hidden", settings.hidden}, {"latent", settings.latent},
                  {"activation", activation_name(settings.activation)},
                  {"epochs", settings.epochs}, {"batch_size", settings.batch_size},
                  {"learning_rate", settings.learning_rate}, {"optimiser", "adam"}}}};
  }

  /// A model read by --model instead of training.
  void loaded() {
    std::cout << "model: " << options_.load_path << " (no training)\n";
    summary_["model"] = options_.load_path;
  }

  /// Before training: saves the initial weights (--save-initial), says how it trains, and
  /// returns what bachprop::train calls back during training: a progress bar on a terminal,
  /// a line per epoch with the test error, and the log a checkpoint keeps.
  template <class Net>
  bachprop::TrainCallbacks training(Net& network, const bachprop::MnistData<float>& data) {
    const std::uint64_t seed = options_.seed;
    if (!options_.save_initial_path.empty()) {
      bachprop::save_model(network, options_.save_initial_path,
                           {{"program", "mnist_autoencoder"}, {"initial", true}, {"seed", seed}});
      std::cout << "saved the initial weights to " << options_.save_initial_path << '\n';
    }
    std::cout << "training: " << settings_.epochs << " epochs, mini-batches of "
              << settings_.batch_size << ", Adam (alpha " << settings_.learning_rate
              << "), seed " << seed << "\n";
    progress_.emplace(examples::start_progress(options_.checkpoint_path, options_.resume,
                                               settings_.epochs, data.train.count(),
                                               settings_.batch_size));
    progress_->set_loss_scale(1.0 / static_cast<double>(settings_.inputs));  // BCE per pixel
    train_images_ = data.train.count();
    bachprop::TrainCallbacks callbacks;
    callbacks.on_batch = [this](const bachprop::BatchReport& report) {
      progress_->on_batch(report);
    };
    callbacks.on_epoch = [this, &network, &data](const bachprop::EpochReport& report) {
      const auto errors = reconstruction_errors(network, data.test.images);
      train_seconds_ += report.seconds;
      const double train_bce = report.mean_loss / static_cast<double>(settings_.inputs);
      char line[200];
      std::snprintf(line, sizeof line, "epoch %3ld/%ld  train BCE %.4f  test %s  %.2f s",
                    static_cast<long>(report.epoch), static_cast<long>(settings_.epochs),
                    train_bce, errors_text(errors).c_str(), report.seconds);
      progress_->line(line);
      epochs_.push_back({{"epoch", report.epoch}, {"train_bce_per_pixel", train_bce},
                         {"test_bce_per_pixel", errors.bce}, {"test_mse_per_pixel", errors.mse},
                         {"seconds", report.seconds}});
      return true;
    };
    // The log so far travels with the checkpoint, so that a resumed run reports every epoch.
    callbacks.save_state = [this] {
      return nlohmann::json{{"epochs", epochs_}, {"train_seconds", train_seconds_}};
    };
    callbacks.restore_state = [this](const nlohmann::json& state) {
      epochs_ = state.at("epochs");
      train_seconds_ = state.at("train_seconds").get<double>();
    };
    return callbacks;
  }

  void trained() {
    progress_->clear();
    std::printf("\ntraining time %.1f s (%.1f s per epoch, %.0f images/s)\n", train_seconds_,
                train_seconds_ / static_cast<double>(settings_.epochs),
                static_cast<double>(train_images_ * settings_.epochs) / train_seconds_);
    summary_["epochs"] = epochs_;
    summary_["train_seconds"] = train_seconds_;
  }

  /// The test-set reconstruction error, beside that of always answering the mean training
  /// image.
  void test(const Errors& errors, const bachprop::MnistData<float>& data) {
    errors_ = errors;
    const double per_image = errors.bce * static_cast<double>(settings_.inputs);
    std::printf("\ntest reconstruction error: %s (BCE %.1f nats per image)\n",
                errors_text(errors).c_str(), per_image);
    if (data.train.count() > 0) {
      const auto baseline = mean_image_errors(data.train.images, data.test.images);
      std::cout << "  for scale, predicting the mean training image: " << errors_text(baseline)
                << '\n';
      summary_["mean_image"] = {{"bce_per_pixel", baseline.bce},
                                {"mse_per_pixel", baseline.mse}};
    }
    summary_["test_bce_per_pixel"] = errors.bce;
    summary_["test_bce_per_image"] = per_image;
    summary_["test_mse_per_pixel"] = errors.mse;
  }

  /// Reconstructions, interpolations between the codes of two digits and, with a 2-D code,
  /// maps of the latent space.
  template <class Net>
  void pictures(Net& network, const bachprop::LabelledImages<float>& test) {
    std::vector<std::string> pictures;
    const auto write = [&](const std::string& name, const bachprop::Image& picture) {
      const std::filesystem::path path = options_.output.file(name);
      bachprop::write_png(path, picture);
      pictures.push_back(path.string());
      std::cout << "  " << path.string() << " (" << picture.width() << "×"
                << picture.height() << ")\n";
    };
    std::cout << "\npictures:\n";
    write("mnist_reconstructions.png", reconstruction_picture(network, test, 4));
    write("mnist_interpolations.png",
          interpolation_picture(
              network, test,
              interpolation_pairs(test.labels, options_.interpolation_rows, options_.seed), 10));
    if (settings_.latent == 2) {
      const Matrix<float> codes = encode(network, test.images);
      const auto box = latent_box(codes);
      write("mnist_latent_scatter.png", latent_scatter_picture(codes, test.labels, box));
      write("mnist_latent_grid.png",
            latent_grid_picture(network, box, codes, 20, test.rows, test.columns, 1));
      if (settings_.activation == Activation::relu) {
        std::cout << "  (tip: --activation tanh spreads the 2-D codes more evenly)\n";
      }
      summary_["latent_box"] = {box.x0, box.x1, box.y0, box.y1};
    } else {
      std::cout << "  (run with --latent 2 for a map of the latent space)\n";
    }
    summary_["pictures"] = pictures;
  }

  /// Saves a trained model (--save), with its settings and test errors.
  template <class Net>
  void save(Net& network) {
    if (!options_.save_path.empty() && !options_.loading()) {
      bachprop::save_model(network, options_.save_path,
                           {{"program", "mnist_autoencoder"}, {"settings", summary_["settings"]},
                            {"test_bce_per_pixel", errors_.bce},
                            {"test_mse_per_pixel", errors_.mse}});
      std::cout << "\nsaved the model to " << options_.save_path << " (reuse it with --model)\n";
    }
  }

 private:
  static std::string errors_text(const Errors& errors) {
    char text[96];
    std::snprintf(text, sizeof text, "BCE %.4f nats/pixel, MSE %.4f/pixel", errors.bce,
                  errors.mse);
    return text;
  }

  Settings settings_;
  Errors errors_;
  std::optional<examples::TrainingProgress> progress_;
  nlohmann::json epochs_ = nlohmann::json::array();
  double train_seconds_ = 0;
  Index train_images_ = 0;
};

}  // namespace mnist_autoencoder

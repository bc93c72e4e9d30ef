#pragma once
// The mnist_digits program around its lesson (main.cpp): the options it takes, the report of the
// run — what it prints during and after training, the models it saves, the JSON summary — and
// the evaluation of a saved model (--model, --load-book) instead of training one.

#include "common/lesson.hpp"
#include "common/mnist_training.hpp"
#include "digits.hpp"

#include <bachprop/io/book_json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace mnist_digits {

/// What the command line sets (main.cpp declares the options; the defaults of `settings` are
/// those of the configuration --config names).
struct Options {
  std::uint64_t seed = 1;
  std::string summary_path;
  std::string config_text = "book";
  Settings settings;
  std::string data_dir;
  bool download = false;
  Index limit = 0;       // training images (0: all)
  Index test_limit = 0;  // test images (0: all)
  std::string load_path;
  std::string load_book_path;
  std::string save_path;
  std::string save_book_path;
  std::string checkpoint_path;
  bool resume = false;

  /// A saved model is only evaluated.
  bool evaluate_only() const { return !load_path.empty() || !load_book_path.empty(); }

  /// Sets the configuration --config names; throws ArgumentError for values or combinations
  /// the program cannot use.
  void check() {
    settings.config = config_from_name(config_text);
    if (settings.epochs < 1 || settings.hidden < 1 || settings.batch_size < 1 || limit < 0 ||
        test_limit < 0 || !(settings.learning_rate > 0) || settings.lambda < 0) {
      throw bachprop::ArgumentError("--epochs, --hidden, --batch-size and --learning-rate must be "
                                    "positive; --lambda, --limit and --test-limit at least 0");
    }
    if (!load_path.empty() && !load_book_path.empty()) {
      throw bachprop::ArgumentError("give --model or --load-book, not both");
    }
    if (!save_book_path.empty() && settings.config != Config::book) {
      throw bachprop::ArgumentError("--save-book needs --config book: network2.py networks end "
                                    "in a sigmoid layer, not a softmax");
    }
    examples::check_checkpoint_options(checkpoint_path, resume, evaluate_only(),
                                       "--model and --load-book only evaluate");
  }
};

/// Prints what the lesson finds, saves the model, writes the summary.
class Report : public examples::LessonReport<Options> {
 public:
  using LessonReport::LessonReport;

  void data(const std::filesystem::path& folder, const bachprop::MnistData<float>& data) {
    std::cout << "data: " << folder.string() << " (" << data.train.count() << " training and "
              << data.test.count() << " test images of " << data.test.rows << "×"
              << data.test.columns << " pixels)\n";
    summary_ = {{"program", "mnist_digits"}, {"seed", options_.seed},
                {"data", folder.string()}, {"train_images", data.train.count()}};
  }

  /// The network and its training, before it starts; `samples` training images.
  void training(Index inputs, Index samples) {
    const Settings& s = options_.settings;
    const bool book = s.config == Config::book;
    std::cout << "network: " << inputs << "-" << s.hidden << "-10, "
              << (book ? "sigmoid output, quadratic cost (eq. 7), weights N(0, 1)"
                       : "softmax output, cross-entropy, weights N(0, 1/n_in)")
              << "\ntraining: " << s.epochs << " epochs, mini-batches of " << s.batch_size
              << ", eta " << s.learning_rate;
    if (s.lambda > 0) {
      std::cout << ", L2 lambda " << s.lambda << " (weight decay "
                << s.lambda / static_cast<double>(samples) << " per step)";
    }
    std::cout << ", seed " << options_.seed << "\n";
    progress_.emplace(examples::start_progress(options_.checkpoint_path, options_.resume,
                                               s.epochs, samples, s.batch_size));
    summary_["config"] = config_name(s.config);
    summary_["settings"] = {{"hidden", s.hidden}, {"epochs", s.epochs},
                            {"batch_size", s.batch_size}, {"learning_rate", s.learning_rate},
                            {"lambda", s.lambda}};
    samples_ = samples;
  }

  /// What train_classifier calls during training: a progress bar on a terminal, and a line
  /// per epoch.
  Observers observers() {
    Observers observers;
    observers.on_batch = [this](const bachprop::BatchReport& report) {
      progress_->on_batch(report);
    };
    observers.on_epoch = [this](const EpochResult& result) {
      progress_->set_accuracy(result.test_accuracy);
      char line[160];
      std::snprintf(line, sizeof line, "epoch %3ld/%ld  loss %.4f  test accuracy %s  %.2f s",
                    static_cast<long>(result.epoch), static_cast<long>(options_.settings.epochs),
                    result.train_loss, percent(result.test_accuracy).c_str(), result.seconds);
      progress_->line(line);
    };
    return observers;
  }

  /// Every epoch's result (those before a resumed checkpoint included), once training ends.
  void trained(const std::vector<EpochResult>& results) {
    progress_->clear();
    if (results.empty()) {
      throw bachprop::ArgumentError("no epoch to report: --epochs " +
                                    std::to_string(options_.settings.epochs) +
                                    " ended before the checkpoint's epoch");
    }
    nlohmann::json epochs = nlohmann::json::array();
    std::vector<double> seconds;
    double best = 0;
    Index best_epoch = 0;
    for (const auto& r : results) {
      epochs.push_back({{"epoch", r.epoch},
                        {"train_loss", r.train_loss},
                        {"test_accuracy", r.test_accuracy},
                        {"seconds", r.seconds}});
      seconds.push_back(r.seconds);
      if (r.test_accuracy > best) {
        best = r.test_accuracy;
        best_epoch = r.epoch;
      }
    }
    std::sort(seconds.begin(), seconds.end());
    const double median = seconds[seconds.size() / 2];
    std::printf("\nepoch time: median %.3f s (%.0f training images/s); best test accuracy %s "
                "at epoch %ld\n",
                median, static_cast<double>(samples_) / median, percent(best).c_str(),
                static_cast<long>(best_epoch));
    summary_["epochs"] = epochs;
    summary_["epoch_seconds_median"] = median;
    summary_["best_test_accuracy"] = best;
  }

  /// The test accuracy of a trained or loaded network, and its confusion matrix.
  template <class Net>
  void test(Net& network, const bachprop::LabelledImages<float>& test) {
    const std::vector<Index> predicted = predict(network, test.images);
    const double accuracy = accuracy_of(predicted, test.labels);
    const auto correct =
        static_cast<long>(std::lround(accuracy * static_cast<double>(test.count())));
    std::cout << "\ntest accuracy " << percent(accuracy) << " (" << correct << " of "
              << test.count() << " images)\n\nconfusion matrix (rows: true digit, columns: the "
              << "network's answer)\n"
              << confusion_text(test.labels, predicted);
    summary_.update({{"test_accuracy", accuracy},
                     {"test_correct", correct},
                     {"test_images", test.count()},
                     {"confusion", confusion_json(test.labels, predicted)}});
  }

  /// Saves the trained network as --save and --save-book ask; `cost` names its loss.
  template <class Net>
  void save(Net& network, const char* cost) {
    const nlohmann::json metadata{{"program", "mnist_digits"},
                                  {"config", config_name(options_.settings.config)},
                                  {"cost", cost},
                                  {"epochs", options_.settings.epochs},
                                  {"seed", options_.seed},
                                  {"test_accuracy", summary_["test_accuracy"]}};
    if (!options_.save_path.empty()) {
      bachprop::save_model(network, options_.save_path, metadata);
      std::cout << "\nsaved the model to " << options_.save_path
                << " (evaluate it again with --model)\n";
    }
    if (!options_.save_book_path.empty()) {
      if constexpr (std::is_same_v<std::remove_cvref_t<Net>, BookNetwork>) {
        bachprop::save_book_model(network, options_.save_book_path, bachprop::BookCost::quadratic);
        std::cout << "saved it in network2.py's format to " << options_.save_book_path << '\n';
      }
    }
  }

  /// Evaluates the model --model or --load-book names on the test set, instead of training.
  int saved_model(const bachprop::LabelledImages<float>& test) {
    const Index inputs = test.images.rows();
    const std::uint64_t seed = options_.seed;
    if (const std::string& path = options_.load_book_path; !path.empty()) {
      const bachprop::BookModel model = bachprop::read_book_model(path);
      if (model.sizes.size() != 3 || model.sizes[0] != inputs || model.sizes[2] != 10) {
        throw bachprop::FormatError(path + ": holds a " + model.describe() + " network; this "
                                    "program evaluates " + std::to_string(inputs) +
                                    "-N-10 networks");
      }
      auto network = make_book_network(inputs, model.sizes[1], seed);
      bachprop::load_book_model(network, model, path);
      std::cout << "model: " << path << " (network2.py, " << model.describe() << ", "
                << bachprop::book_cost_name(model.cost) << ")\n";
      summary_["model"] = {{"file", path}, {"format", "network2.py"}, {"sizes", model.sizes}};
      this->test(network, test);
      return finish();
    }
    const std::string& path = options_.load_path;
    const nlohmann::json document = bachprop::parse_model_text(bachprop::read_file(path), path);
    const SavedShape shape = inspect_saved_model(document, path);
    if (shape.inputs != inputs) {
      throw bachprop::FormatError(path + ": the model takes " + std::to_string(shape.inputs) +
                                  " inputs but the images have " + std::to_string(inputs) +
                                  " pixels");
    }
    std::cout << "model: " << path << " (" << config_name(shape.config) << " configuration, "
              << shape.inputs << "-" << shape.hidden << "-10)\n";
    summary_["model"] = {{"file", path}, {"format", "bachprop"},
                         {"config", config_name(shape.config)}, {"hidden", shape.hidden}};
    if (shape.config == Config::book) {
      auto network = make_book_network(inputs, shape.hidden, seed);
      bachprop::model_from_json(network, document, path);
      this->test(network, test);
    } else {
      auto network = make_improved_network(inputs, shape.hidden, seed);
      bachprop::model_from_json(network, document, path);
      this->test(network, test);
    }
    return finish();
  }

 private:
  static std::string percent(double share) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f%%", share * 100.0);
    return text;
  }

  // What a saved bachprop model holds: which configuration and which sizes.
  struct SavedShape {
    Config config = Config::book;
    Index inputs = 0;
    Index hidden = 0;
  };

  static SavedShape inspect_saved_model(const nlohmann::json& document, const std::string& path) {
    const auto layers = document.find("layers");
    if (layers == document.end() || !layers->is_array() || layers->size() != 4) {
      throw bachprop::FormatError(path + ": not a saved mnist_digits model (expected 4 layers: "
                                  "dense, sigmoid, dense, sigmoid or softmax)");
    }
    const auto& first = (*layers)[0];
    const auto& last = (*layers)[3];
    if (!first.is_object() || !first.contains("inputs") || !first.contains("outputs") ||
        !first["inputs"].is_number_integer() || !first["outputs"].is_number_integer() ||
        !last.is_object() || !last.contains("kind") || !last["kind"].is_string()) {
      throw bachprop::FormatError(path + ": layer 0 should give its inputs and outputs and "
                                  "layer 3 its kind");
    }
    SavedShape shape;
    shape.inputs = first["inputs"].get<Index>();
    shape.hidden = first["outputs"].get<Index>();
    const std::string kind = last["kind"].get<std::string>();
    if (kind == "softmax") {
      shape.config = Config::improved;
    } else if (kind != "sigmoid") {
      throw bachprop::FormatError(path + ": layer 3 is '" + kind +
                                  "', expected sigmoid or softmax");
    }
    if (shape.inputs < 1 || shape.hidden < 1) {
      throw bachprop::FormatError(path + ": layer 0 has sizes " + std::to_string(shape.inputs) +
                                  "→" + std::to_string(shape.hidden));
    }
    return shape;
  }

  std::optional<examples::TrainingProgress> progress_;
  Index samples_ = 0;
};

}  // namespace mnist_digits

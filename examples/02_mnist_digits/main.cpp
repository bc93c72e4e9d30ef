// mnist_digits: the book's handwritten-digit classifier. The chapter-1 network (784-30-10,
// sigmoid, quadratic cost, η = 3, mini-batches of 10, 30 epochs) reaches about 95% on the 10,000
// test images; the chapter-3 ideas (softmax + cross-entropy, better initial weights, L2
// regularisation, 100 hidden neurons) reach about 98%. Also evaluates saved models, ours or the
// book's network2.py JSON.

#include "common/cli.hpp"
#include "common/download.hpp"
#include "common/progress.hpp"
#include "digits.hpp"

#include <bachprop/io/book_json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using bachprop::Index;
using mnist_digits::Config;
using mnist_digits::Settings;

// The configuration named after --config in argv (so that --help shows its defaults).
Config config_in_arguments(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    std::string value;
    if (argument == "--config" && i + 1 < argc) {
      value = argv[i + 1];
    } else if (argument.rfind("--config=", 0) == 0) {
      value = argument.substr(9);
    }
    if (value == "improved") {
      return Config::improved;
    }
  }
  return Config::book;
}

// What a saved bachprop model holds: which configuration and which sizes.
struct SavedShape {
  Config config = Config::book;
  Index inputs = 0;
  Index hidden = 0;
};

SavedShape inspect_saved_model(const nlohmann::json& document, const std::string& path) {
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
    throw bachprop::FormatError(path + ": layer 0 should give its inputs and outputs and layer 3 "
                                "its kind");
  }
  SavedShape shape;
  shape.inputs = first["inputs"].get<Index>();
  shape.hidden = first["outputs"].get<Index>();
  const std::string kind = last["kind"].get<std::string>();
  if (kind == "softmax") {
    shape.config = Config::improved;
  } else if (kind != "sigmoid") {
    throw bachprop::FormatError(path + ": layer 3 is '" + kind + "', expected sigmoid or softmax");
  }
  if (shape.inputs < 1 || shape.hidden < 1) {
    throw bachprop::FormatError(path + ": layer 0 has sizes " + std::to_string(shape.inputs) +
                                "→" + std::to_string(shape.hidden));
  }
  return shape;
}

std::string percent(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f%%", share * 100.0);
  return text;
}

// Prints and summarises the evaluation of a trained or loaded network on the test set.
template <class Net>
nlohmann::json evaluate(Net& network, const bachprop::LabelledImages<float>& test) {
  const std::vector<Index> predicted = mnist_digits::predict(network, test.images);
  const double accuracy = mnist_digits::accuracy_of(predicted, test.labels);
  const auto correct = static_cast<long>(std::lround(accuracy * static_cast<double>(test.count())));
  std::cout << "\ntest accuracy " << percent(accuracy) << " (" << correct << " of "
            << test.count() << " images)\n\nconfusion matrix (rows: true digit, columns: the "
            << "network's answer)\n"
            << mnist_digits::confusion_text(test.labels, predicted);
  return {{"test_accuracy", accuracy},
          {"test_correct", correct},
          {"test_images", test.count()},
          {"confusion", mnist_digits::confusion_json(test.labels, predicted)}};
}

}  // namespace

int main(int argc, char** argv) {
  using namespace bachprop;
  std::uint64_t seed = 1;
  std::string summary_path;
  std::string config_text = "book";
  Settings settings = mnist_digits::settings_for(config_in_arguments(argc, argv));
  config_text = mnist_digits::config_name(settings.config);
  std::string data_dir;
  bool download = false;
  Index limit = 0;
  Index test_limit = 0;
  std::string load_path;
  std::string load_book_path;
  std::string save_path;
  std::string save_book_path;
  std::string checkpoint_path;
  bool resume = false;
  examples::CommandLine cli(
      "mnist_digits",
      "Trains the book's MNIST digit classifier and reports its test accuracy after every epoch,\n"
      "then a confusion matrix. --config book is chapter 1's network (784-30-10, sigmoid,\n"
      "quadratic cost, eta 3, mini-batches of 10, 30 epochs, about 95%); --config improved\n"
      "uses softmax + cross-entropy, 100 hidden neurons and L2 regularisation (about 97.9%).\n"
      "The defaults shown are those of the chosen --config.");
  cli.standard(seed, summary_path)
      .option("config", config_text, "NAME", "book or improved")
      .option("epochs", settings.epochs, "N", "passes over the training set")
      .option("hidden", settings.hidden, "N", "hidden sigmoid neurons")
      .option("eta", settings.learning_rate, "ETA", "learning rate of gradient descent (eq. 13)")
      .option("lambda", settings.lambda, "L", "L2 regularisation (weight decay eta*L/n per step)")
      .option("batch-size", settings.batch_size, "M", "mini-batch size")
      .option("limit", limit, "N", "train on the first N training images only (0: all 60,000)")
      .option("test-limit", test_limit, "N", "test on the first N test images only (0: all)")
      .option("data", data_dir, "DIR", "folder with the MNIST (or Fashion-MNIST) IDX files")
      .flag("download", download, "if no data is found, download MNIST into the cache folder")
      .option("load", load_path, "FILE", "evaluate a model saved by --save (no training)")
      .option("load-book", load_book_path, "FILE",
              "evaluate a model saved by the book's network2.py (no training)")
      .option("save", save_path, "FILE", "save the trained model as bachprop JSON")
      .option("save-book", save_book_path, "FILE",
              "also save it in network2.py's JSON format (--config book only)")
      .checkpoints(checkpoint_path, resume, "weights, optimiser, shuffling state, epoch");
  if (!cli.parse(argc, argv)) {
    return cli.exit_code();
  }
  return examples::run_reporting_errors(cli.program(), [&] {
    settings.config = mnist_digits::config_from_name(config_text);
    if (settings.epochs < 1 || settings.hidden < 1 || settings.batch_size < 1 || limit < 0 ||
        test_limit < 0 || !(settings.learning_rate > 0) || settings.lambda < 0) {
      throw ArgumentError("--epochs, --hidden, --batch-size and --eta must be positive; "
                          "--lambda, --limit and --test-limit at least 0");
    }
    if (!load_path.empty() && !load_book_path.empty()) {
      throw ArgumentError("give --load or --load-book, not both");
    }
    if (!save_book_path.empty() && settings.config != Config::book) {
      throw ArgumentError("--save-book needs --config book: network2.py networks end in a "
                          "sigmoid layer, not a softmax");
    }
    const bool evaluate_only = !load_path.empty() || !load_book_path.empty();
    examples::check_checkpoint_options(checkpoint_path, resume, evaluate_only,
                                       "--load and --load-book only evaluate");

    const auto folder = examples::locate_or_download(
        examples::mnist_source(),
        {.cli_value = data_dir, .download = download,
         .interactive = examples::interactive_session()});
    // A saved model is only evaluated: no training images needed.
    const auto data = read_mnist<float>(folder, evaluate_only ? 0 : (limit > 0 ? limit : -1),
                                        test_limit > 0 ? test_limit : -1);
    const Index inputs = data.test.images.rows();
    std::cout << "data: " << folder.string() << " (" << data.train.count() << " training and "
              << data.test.count() << " test images of " << data.test.rows << "×"
              << data.test.columns << " pixels)\n";

    nlohmann::json summary{{"program", "mnist_digits"}, {"seed", seed},
                           {"data", folder.string()}, {"train_images", data.train.count()}};

    if (!load_book_path.empty()) {
      const BookModel model = read_book_model(load_book_path);
      if (model.sizes.size() != 3 || model.sizes[0] != inputs || model.sizes[2] != 10) {
        throw FormatError(load_book_path + ": holds a " + model.describe() + " network; this "
                          "program evaluates " + std::to_string(inputs) + "-N-10 networks");
      }
      auto network = mnist_digits::make_book_network(inputs, model.sizes[1], seed);
      load_book_model(network, model, load_book_path);
      std::cout << "model: " << load_book_path << " (network2.py, " << model.describe() << ", "
                << book_cost_name(model.cost) << ")\n";
      summary["model"] = {{"file", load_book_path}, {"format", "network2.py"},
                          {"sizes", model.sizes}};
      summary.update(evaluate(network, data.test));
      examples::write_summary(summary_path, summary);
      return 0;
    }
    if (!load_path.empty()) {
      const nlohmann::json document = parse_model_text(read_file(load_path), load_path);
      const SavedShape shape = inspect_saved_model(document, load_path);
      if (shape.inputs != inputs) {
        throw FormatError(load_path + ": the model takes " + std::to_string(shape.inputs) +
                          " inputs but the images have " + std::to_string(inputs) + " pixels");
      }
      std::cout << "model: " << load_path << " (" << mnist_digits::config_name(shape.config)
                << " configuration, " << shape.inputs << "-" << shape.hidden << "-10)\n";
      summary["model"] = {{"file", load_path}, {"format", "bachprop"},
                          {"config", mnist_digits::config_name(shape.config)},
                          {"hidden", shape.hidden}};
      if (shape.config == Config::book) {
        auto network = mnist_digits::make_book_network(inputs, shape.hidden, seed);
        model_from_json(network, document, load_path);
        summary.update(evaluate(network, data.test));
      } else {
        auto network = mnist_digits::make_improved_network(inputs, shape.hidden, seed);
        model_from_json(network, document, load_path);
        summary.update(evaluate(network, data.test));
      }
      examples::write_summary(summary_path, summary);
      return 0;
    }

    const bool book = settings.config == Config::book;
    std::cout << "network: " << inputs << "-" << settings.hidden << "-10, "
              << (book ? "sigmoid output, quadratic cost (eq. 7), weights N(0, 1)"
                       : "softmax output, cross-entropy, weights N(0, 1/n_in)")
              << "\ntraining: " << settings.epochs << " epochs, mini-batches of "
              << settings.batch_size << ", eta " << settings.learning_rate;
    if (settings.lambda > 0) {
      std::cout << ", L2 lambda " << settings.lambda << " (weight decay "
                << settings.lambda / static_cast<double>(data.train.count()) << " per step)";
    }
    std::cout << ", seed " << seed << "\n";
    if (!checkpoint_path.empty()) {
      std::cout << (resume ? "resuming from the checkpoint " : "checkpoints: ") << checkpoint_path
                << "\n";
    }
    std::cout << "\n";

    const Index batches = (data.train.count() + settings.batch_size - 1) / settings.batch_size;
    examples::TrainingProgress progress(settings.epochs, batches, examples::stdout_is_terminal());
    mnist_digits::Observers observers;
    observers.on_batch = [&](const BatchReport& report) { progress.on_batch(report); };
    observers.on_epoch = [&](const mnist_digits::EpochResult& result) {
      progress.set_accuracy(result.test_accuracy);
      char line[160];
      std::snprintf(line, sizeof line, "epoch %3ld/%ld  loss %.4f  test accuracy %s  %.2f s",
                    static_cast<long>(result.epoch), static_cast<long>(settings.epochs),
                    result.train_loss, percent(result.test_accuracy).c_str(), result.seconds);
      progress.line(line);
    };

    auto run = [&](auto& network, const auto& loss, const char* cost) {
      const auto results = mnist_digits::train_classifier(
          network, loss, settings, data.train, data.test, seed, observers,
          {.path = checkpoint_path, .resume = resume});
      progress.clear();
      if (results.empty()) {
        throw ArgumentError("no epoch to report: --epochs " + std::to_string(settings.epochs) +
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
                  median, static_cast<double>(data.train.count()) / median, percent(best).c_str(),
                  static_cast<long>(best_epoch));
      summary["epochs"] = epochs;
      summary["epoch_seconds_median"] = median;
      summary["best_test_accuracy"] = best;
      summary.update(evaluate(network, data.test));
      const nlohmann::json metadata{{"program", "mnist_digits"},
                                    {"config", mnist_digits::config_name(settings.config)},
                                    {"cost", cost},
                                    {"epochs", settings.epochs},
                                    {"seed", seed},
                                    {"test_accuracy", summary["test_accuracy"]}};
      if (!save_path.empty()) {
        save_model(network, save_path, metadata);
        std::cout << "\nsaved the model to " << save_path << " (evaluate it again with --load)\n";
      }
      if (!save_book_path.empty()) {
        if constexpr (std::is_same_v<std::remove_cvref_t<decltype(network)>,
                                     mnist_digits::BookNetwork>) {
          save_book_model(network, save_book_path, BookCost::quadratic);
          std::cout << "saved it in network2.py's format to " << save_book_path << '\n';
        }
      }
    };

    summary["config"] = mnist_digits::config_name(settings.config);
    summary["settings"] = {{"hidden", settings.hidden}, {"epochs", settings.epochs},
                           {"batch_size", settings.batch_size},
                           {"learning_rate", settings.learning_rate},
                           {"lambda", settings.lambda}};
    if (book) {
      auto network = mnist_digits::make_book_network(inputs, settings.hidden, seed);
      run(network, Quadratic<float>(), "quadratic");
    } else {
      auto network = mnist_digits::make_improved_network(inputs, settings.hidden, seed);
      run(network, CrossEntropy<float>(), "cross_entropy");
    }
    examples::write_summary(summary_path, summary);
    return 0;
  });
}

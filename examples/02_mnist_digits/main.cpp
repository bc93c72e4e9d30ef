// mnist_digits: the book's handwritten-digit classifier. The chapter-1 network (784-30-10,
// sigmoid, quadratic cost, η = 3, mini-batches of 10, 30 epochs) reaches about 95% on the 10,000
// test images; the chapter-3 ideas (softmax + cross-entropy, better initial weights, L2
// regularisation, 100 hidden neurons) reach about 98%. Also evaluates saved models, ours or the
// book's network2.py JSON.
//
// The lesson comes first; the command line is at the end, and report.hpp prints, saves and
// evaluates saved models. The networks and their training loop are in digits.hpp (the tests use
// them too).

#include "common/mnist_training.hpp"
#include "digits.hpp"
#include "report.hpp"

#include <string>

namespace {

using mnist_digits::Config;
using mnist_digits::Options;
using mnist_digits::Report;

int lesson(const Options& o, Report& report) {
  // The data: 28×28 images as columns of 784 pixels in [0, 1], with their digits
  // (bachprop/io/idx.hpp), found where --data says or downloaded. A saved model is only
  // evaluated: it needs no training images.
  const auto folder = examples::find_mnist(o.data_dir, o.download);
  const auto data =
      bachprop::read_mnist<float>(folder, o.evaluate_only() ? 0 : (o.limit > 0 ? o.limit : -1),
                                  o.test_limit > 0 ? o.test_limit : -1);
  report.data(folder, data);
  if (o.evaluate_only()) {
    return report.saved_model(data.test);
  }

  // Training: gradient descent (13) on mini-batches (section 4.3) of shuffled images, the
  // targets one-hot digits, L2 as a weight decay ηλ/n per step; after every epoch, the share
  // of test images whose likeliest output is the right digit.
  const bachprop::Index inputs = data.test.images.rows();
  report.training(inputs, data.train.count());
  const auto train_and_test = [&](auto& network, const auto& loss, const char* cost) {
    const auto results = mnist_digits::train_classifier(
        network, loss, o.settings, data.train, data.test, o.seed, report.observers(),
        {.path = o.checkpoint_path, .resume = o.resume});
    report.trained(results);
    report.test(network, data.test);
    report.save(network, cost);
  };
  if (o.settings.config == Config::book) {
    // Chapter 1: sigmoid hidden and output layers, weights N(0, 1), the quadratic cost (7).
    auto network = mnist_digits::make_book_network(inputs, o.settings.hidden, o.seed);
    train_and_test(network, bachprop::Quadratic<float>(), "quadratic");
  } else {
    // Chapter 3: weights N(0, 1/n_in), a softmax output with the cross-entropy (δ = a − y).
    auto network = mnist_digits::make_improved_network(inputs, o.settings.hidden, o.seed);
    train_and_test(network, bachprop::CrossEntropy<float>(), "cross_entropy");
  }
  return report.finish();
}

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

}  // namespace

int main(int argc, char** argv) {
  Options o;
  o.settings = mnist_digits::settings_for(config_in_arguments(argc, argv));
  o.config_text = mnist_digits::config_name(o.settings.config);
  examples::CommandLine cli(
      "mnist_digits",
      "Trains the book's MNIST digit classifier and reports its test accuracy after every epoch,\n"
      "then a confusion matrix. --config book is chapter 1's network (784-30-10, sigmoid,\n"
      "quadratic cost, eta 3, mini-batches of 10, 30 epochs, about 95%); --config improved\n"
      "uses softmax + cross-entropy, 100 hidden neurons and L2 regularisation (about 97.9%).\n"
      "The defaults shown are those of the chosen --config.");
  auto& s = o.settings;
  cli.standard(o.seed, o.summary_path)
      .option("config", o.config_text, "NAME", "book or improved")
      .option("epochs", s.epochs, "N", "passes over the training set")
      .option("hidden", s.hidden, "N", "hidden sigmoid neurons")
      .learning_rate(s.learning_rate, "gradient descent (η of eq. 13)")
      .option("lambda", s.lambda, "L", "L2 regularisation (weight decay eta*L/n per step)")
      .option("batch-size", s.batch_size, "M", "mini-batch size")
      .option("limit", o.limit, "N", "train on the first N training images only (0: all 60,000)")
      .option("test-limit", o.test_limit, "N", "test on the first N test images only (0: all)")
      .option("data", o.data_dir, "DIR", "folder with the MNIST (or Fashion-MNIST) IDX files")
      .flag("download", o.download, "if no data is found, download MNIST into the cache folder")
      .option("model", o.load_path, "FILE", "evaluate a model saved by --save (no training)")
      .option("load-book", o.load_book_path, "FILE",
              "evaluate a model saved by the book's network2.py (no training)")
      .option("save", o.save_path, "FILE", "save the trained model as bachprop JSON")
      .option("save-book", o.save_book_path, "FILE",
              "also save it in network2.py's JSON format (--config book only)")
      .checkpoints(o.checkpoint_path, o.resume, "weights, optimiser, shuffling state, epoch");
  return examples::run_lesson<Report>(cli, argc, argv, o, lesson);
}

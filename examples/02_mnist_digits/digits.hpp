#pragma once
// The MNIST digit classifier of the book's chapters 1 and 3, shared by the mnist_digits program
// and its tests: the two networks, their settings, training with a report per epoch, and the
// measures (accuracy, confusion matrix).

#include <bachprop/neural.hpp>
#include <bachprop/io/idx.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace mnist_digits {

using bachprop::Index;
using bachprop::Matrix;

/// The two configurations the program offers.
enum class Config {
  book,      ///< chapter 1: 784-30-10 sigmoid, quadratic cost, N(0, 1) weights, η = 3
  improved,  ///< chapter 3 ideas: softmax + cross-entropy, N(0, 1/n_in) weights, L2
};

/// How a configuration trains.
struct Settings {
  Config config = Config::book;
  Index hidden = 30;            ///< hidden sigmoid neurons
  Index epochs = 30;            ///< passes over the training set
  Index batch_size = 10;        ///< mini-batch size m (section 4.3)
  double learning_rate = 3.0;   ///< η of equation (13)
  double lambda = 0.0;          ///< L2 regularisation λ; the decay per step is ηλ/n
};

/// The book's chapter-1 network.py settings: 784-30-10, η = 3.0, mini-batches of 10, 30 epochs.
inline Settings book_settings() { return {}; }

/// Softmax + cross-entropy, 100 hidden neurons, L2 with λ = 5 (the book's chapter-3 values),
/// η = 0.1, 30 epochs. The book's η = 0.5 (for sigmoid outputs) reaches the same accuracy with
/// softmax outputs but wanders more from epoch to epoch.
inline Settings improved_settings() {
  return {.config = Config::improved, .hidden = 100, .epochs = 30, .batch_size = 10,
          .learning_rate = 0.1, .lambda = 5.0};
}

/// "book" or "improved".
inline std::string config_name(Config config) {
  return config == Config::book ? "book" : "improved";
}

/// The configuration named `name`; throws bachprop::ArgumentError for another name.
inline Config config_from_name(const std::string& name) {
  if (name == "book") {
    return Config::book;
  }
  if (name == "improved") {
    return Config::improved;
  }
  throw bachprop::ArgumentError("--config must be 'book' or 'improved', got '" + name + "'");
}

/// The settings a configuration starts from.
inline Settings settings_for(Config config) {
  return config == Config::book ? book_settings() : improved_settings();
}

/// The book's network: sigmoid hidden and output layers, weights and biases N(0, 1) as
/// network.py draws them.
inline auto make_book_network(Index inputs, Index hidden, std::uint64_t seed) {
  using namespace bachprop;
  Network network{Dense(inputs, hidden, Init::standard_normal), Sigmoid(),
                  Dense(hidden, 10, Init::standard_normal), Sigmoid()};
  network.initialise(seed);
  return network;
}
using BookNetwork = decltype(make_book_network(784, 30, 0));

/// The improved network: sigmoid hidden layer, softmax output, weights N(0, 1/n_in) as
/// network2.py draws them (so that z = W a + b starts near 1 and the hidden layer learns).
inline auto make_improved_network(Index inputs, Index hidden, std::uint64_t seed) {
  using namespace bachprop;
  Network network{Dense(inputs, hidden, Init::nielsen), Sigmoid(), Dense(hidden, 10, Init::nielsen),
                  Softmax()};
  network.initialise(seed);
  return network;
}
using ImprovedNetwork = decltype(make_improved_network(784, 100, 0));

/// The predicted digit of every column of `images`, computed 10,000 images at a time so that
/// the buffers stay small.
template <class Net>
std::vector<Index> predict(Net& network, const Matrix<float>& images) {
  std::vector<Index> predicted;
  predicted.reserve(static_cast<std::size_t>(images.cols()));
  constexpr Index chunk = 10000;
  for (Index first = 0; first < images.cols(); first += chunk) {
    const Index count = std::min(chunk, images.cols() - first);
    const auto classes = bachprop::argmax_columns(network.forward(images.middleCols(first, count)));
    predicted.insert(predicted.end(), classes.begin(), classes.end());
  }
  return predicted;
}

/// Share of `labels` that `predicted` gets right.
inline double accuracy_of(const std::vector<Index>& predicted, const std::vector<Index>& labels) {
  if (predicted.size() != labels.size() || labels.empty()) {
    throw bachprop::ShapeError("accuracy_of: " + std::to_string(predicted.size()) +
                               " predictions but " + std::to_string(labels.size()) + " labels");
  }
  std::size_t correct = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    correct += predicted[i] == labels[i] ? 1U : 0U;
  }
  return static_cast<double>(correct) / static_cast<double>(labels.size());
}

/// Test accuracy of `network` on a labelled set.
template <class Net>
double accuracy(Net& network, const bachprop::LabelledImages<float>& set) {
  return accuracy_of(predict(network, set.images), set.labels);
}

/// What one epoch gave.
struct EpochResult {
  Index epoch = 0;
  double train_loss = 0;     ///< mean loss over the epoch's mini-batches (before each update)
  double test_accuracy = 0;  ///< after the epoch
  double seconds = 0;        ///< wall time of the epoch's training (without the test)
};

/// Observers of training: every batch (for a progress display) and every epoch.
struct Observers {
  std::function<void(const bachprop::BatchReport&)> on_batch;
  std::function<void(const EpochResult&)> on_epoch;
};

/// Where train_classifier keeps checkpoints (bachprop/train/checkpoint.hpp): a file (none if
/// empty), and whether to continue from it instead of starting afresh.
using Checkpointing = bachprop::CheckpointFile;

/// Trains `network` on `train` by mini-batch gradient descent with `loss` and the settings
/// (L2 as Sgd's weight decay λ/n, n the training-set size), measuring the test accuracy after
/// every epoch. Training order depends on `seed` only. With `checkpointing.path`, a checkpoint
/// (weights, the optimiser, the shuffling state and the epoch results so far) is written after
/// every epoch; with `checkpointing.resume`, training continues from it and returns every
/// epoch's result, those run before the checkpoint included.
template <class Net, class Loss>
std::vector<EpochResult> train_classifier(Net& network, const Loss& loss, const Settings& settings,
                                          const bachprop::LabelledImages<float>& train,
                                          const bachprop::LabelledImages<float>& test,
                                          std::uint64_t seed, const Observers& observers = {},
                                          const Checkpointing& checkpointing = {}) {
  const Matrix<float> targets = bachprop::one_hot<float>(train.labels, 10);
  bachprop::Sgd<float> sgd(bachprop::SgdOptions{
      .learning_rate = settings.learning_rate,
      .weight_decay = settings.lambda / static_cast<double>(train.count())});
  std::vector<EpochResult> results;
  bachprop::TrainCallbacks callbacks;
  callbacks.on_batch = observers.on_batch;
  callbacks.on_epoch = [&](const bachprop::EpochReport& report) {
    results.push_back({report.epoch, report.mean_loss, accuracy(network, test), report.seconds});
    if (observers.on_epoch) {
      observers.on_epoch(results.back());
    }
    return true;
  };
  // The results so far travel with the checkpoint, so that a resumed run reports every epoch.
  callbacks.save_state = [&] {
    nlohmann::json log = nlohmann::json::array();
    for (const auto& r : results) {
      log.push_back({r.epoch, r.train_loss, r.test_accuracy, r.seconds});
    }
    return log;
  };
  callbacks.restore_state = [&](const nlohmann::json& log) {
    results.clear();
    for (const auto& r : log) {
      results.push_back({r.at(0).get<Index>(), r.at(1).get<double>(), r.at(2).get<double>(),
                         r.at(3).get<double>()});
    }
  };
  bachprop::TrainOptions options{.epochs = settings.epochs, .batch_size = settings.batch_size,
                                 .seed = seed};
  checkpointing.apply_to(options);
  bachprop::train(network, loss, sgd, train.images, targets, options, callbacks);
  return results;
}

/// The confusion matrix as text: one row per true digit, one column per prediction, and each
/// digit's recall (share of its images classified right).
inline std::string confusion_text(const std::vector<Index>& labels,
                                  const std::vector<Index>& predicted) {
  const auto counts = bachprop::confusion_matrix(labels, predicted, 10);
  std::string text = "true \\ predicted";
  char cell[32];
  for (int c = 0; c < 10; ++c) {
    std::snprintf(cell, sizeof cell, "%6d", c);
    text += cell;
  }
  text += "   recall\n";
  for (Index r = 0; r < 10; ++r) {
    std::snprintf(cell, sizeof cell, "%16ld", static_cast<long>(r));
    text += cell;
    for (Index c = 0; c < 10; ++c) {
      std::snprintf(cell, sizeof cell, "%6ld", counts(r, c));
      text += cell;
    }
    const long total = counts.row(r).sum();
    std::snprintf(cell, sizeof cell, "  %6.2f%%\n",
                  total > 0 ? 100.0 * static_cast<double>(counts(r, r)) / static_cast<double>(total)
                            : 0.0);
    text += cell;
  }
  return text;
}

/// The confusion matrix as JSON rows (true digit) of counts (predicted digit).
inline nlohmann::json confusion_json(const std::vector<Index>& labels,
                                     const std::vector<Index>& predicted) {
  const auto counts = bachprop::confusion_matrix(labels, predicted, 10);
  nlohmann::json rows = nlohmann::json::array();
  for (Index r = 0; r < 10; ++r) {
    nlohmann::json row = nlohmann::json::array();
    for (Index c = 0; c < 10; ++c) {
      row.push_back(counts(r, c));
    }
    rows.push_back(row);
  }
  return rows;
}

}  // namespace mnist_digits

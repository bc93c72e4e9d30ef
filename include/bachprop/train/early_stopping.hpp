#pragma once
/// @file
/// Training that keeps the best weights seen on held-out data: after every epoch a validation
/// score is computed, and the network ends with the weights of the epoch that scored best.
/// Small data sets (a few hundred chorales) are memorised after a few epochs; this stops the
/// memorising from costing anything.

#include <bachprop/train/trainer.hpp>

#include <functional>
#include <limits>
#include <vector>

namespace bachprop {

/// An epoch's training report with its validation score (lower is better).
struct ValidatedEpoch {
  EpochReport training;
  double validation = 0;
  bool best = false;  ///< the best validation score so far
};

/// Like train(), but after every epoch calls `validation_score()` (lower is better, e.g. the
/// loss on held-out data), and at the end restores the network of the best epoch. Stops early
/// after `patience` epochs without improvement (0: never). `on_epoch` sees each result.
template <class Net, Loss L, class Optimiser>
std::vector<ValidatedEpoch> train_keeping_best(
    Net& network, const L& loss, Optimiser& optimiser, const Matrix<typename Net::Scalar>& inputs,
    const Matrix<typename Net::Scalar>& targets, const TrainOptions& options,
    const std::function<double()>& validation_score, Index patience = 0,
    const std::function<void(const ValidatedEpoch&)>& on_epoch = {}) {
  std::vector<ValidatedEpoch> results;
  Net best = network;
  double best_score = std::numeric_limits<double>::infinity();
  Index since_best = 0;
  train(network, loss, optimiser, inputs, targets, options,
        {.on_epoch = [&](const EpochReport& report) {
          ValidatedEpoch result{report, validation_score(), false};
          if (result.validation < best_score) {
            best_score = result.validation;
            best = network;
            result.best = true;
            since_best = 0;
          } else {
            ++since_best;
          }
          results.push_back(result);
          if (on_epoch) {
            on_epoch(result);
          }
          return patience == 0 || since_best < patience;
        }});
  if (!results.empty()) {
    network = best;
  }
  return results;
}

}  // namespace bachprop

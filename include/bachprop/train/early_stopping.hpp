#pragma once
/// @file
/// Training that keeps the best weights seen on held-out data: after every epoch a validation
/// score is computed, and the network ends with the weights of the epoch that scored best.
/// Small data sets (a few hundred chorales) are memorised after a few epochs; this stops the
/// memorising from costing anything.

#include <bachprop/io/model_json.hpp>
#include <bachprop/train/trainer.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <vector>

namespace bachprop {

/// An epoch's training report with its validation score (lower is better).
struct ValidatedEpoch {
  EpochReport training;   ///< the epoch as train() reported it (loss, time)
  double validation = 0;  ///< the validation score after the epoch (0 when there is none)
  bool best = false;  ///< the best validation score so far
};

/// Like train(), but after every epoch calls `validation_score()` (lower is better, e.g. the
/// loss on held-out data), and at the end restores the network of the best epoch. Stops early
/// after `patience` epochs without improvement (0: never). `on_epoch` sees each result.
/// With checkpoints (TrainOptions::checkpoint_path), the best weights, their score and the
/// results so far are saved with each checkpoint, so a resumed run keeps the same best epoch
/// and returns every epoch's result.
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
        },
         .save_state = [&] {
           nlohmann::json log = nlohmann::json::array();
           for (const auto& r : results) {
             log.push_back({r.training.epoch, r.training.mean_loss, r.training.seconds,
                            r.validation, r.best});
           }
           return nlohmann::json{
               {"best_model", results.empty() ? nlohmann::json(nullptr) : model_to_json(best)},
               // JSON has no infinity: null until an epoch has scored a finite number.
               {"best_score", std::isfinite(best_score) ? nlohmann::json(best_score)
                                                        : nlohmann::json(nullptr)},
               {"since_best", since_best},
               {"results", log}};
         },
         .restore_state = [&](const nlohmann::json& state) {
           const std::string where = options.resume_from.string() + ": early stopping";
           if (!state.is_object() || !state.contains("results") || !state["results"].is_array() ||
               !state.contains("since_best") || !state["since_best"].is_number_integer()) {
             throw FormatError(where + ": the checkpoint holds no early-stopping state (was it "
                               "written by train_keeping_best?)");
           }
           results.clear();
           for (const auto& r : state["results"]) {
             if (!r.is_array() || r.size() != 5) {
               throw FormatError(where + ": a result should be [epoch, loss, seconds, "
                                 "validation, best]");
             }
             results.push_back({{r[0].get<Index>(), r[1].get<double>(), r[2].get<double>()},
                                r[3].get<double>(),
                                r[4].get<bool>()});
           }
           since_best = state["since_best"].get<Index>();
           if (!results.empty()) {
             model_from_json(best, state.at("best_model"), where + ": best model");
             const auto& score = state.at("best_score");
             best_score = score.is_number() ? score.get<double>()
                                            : std::numeric_limits<double>::infinity();
           }
         }});
  if (!results.empty()) {
    network = best;
  }
  return results;
}

}  // namespace bachprop

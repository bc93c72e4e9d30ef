#pragma once
/// @file
/// Training that keeps the best weights seen on held-out data: after every epoch a validation
/// score is computed, and the network ends with the weights of the epoch that scored best.
/// Small data sets (a few hundred chorales) are memorised after a few epochs; this stops the
/// memorising from costing anything.

#include <bachprop/io/model_json.hpp>
#include <bachprop/train/trainer.hpp>

#include <cmath>
#include <string>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

namespace bachprop {

/// An epoch's training report with its validation score (lower is better).
struct ValidatedEpoch {
  EpochReport training;   ///< the epoch as train() reported it (loss, time)
  double validation = 0;  ///< the validation score after the epoch (0 when there is none)
  bool best = false;  ///< the best validation score so far
};

/// The bookkeeping of keeping the best epoch: each epoch's validation score is recorded, the
/// network is copied whenever it scores best so far, and the epochs since then are counted.
/// train_keeping_best and the harmonisers' training (music/models/harmony_training.hpp) share it.
template <class Net>
class BestEpoch {
 public:
  /// Starts with no epoch seen; `network` gives the copy its shape.
  explicit BestEpoch(const Net& network) : best_(network) {}

  /// Records the epoch `report` with validation `score` (lower is better), copying `network` when
  /// the score is the best so far. Returns the epoch's result, marked best or not.
  ValidatedEpoch record(const Net& network, const EpochReport& report, double score) {
    ValidatedEpoch result{report, score, false};
    if (score < best_score_) {
      best_score_ = score;
      best_ = network;
      result.best = true;
      since_best_ = 0;
      seen_ = true;
    } else {
      ++since_best_;
    }
    return result;
  }

  /// True when `patience` > 0 epochs in a row have not beaten the best.
  bool out_of_patience(Index patience) const { return patience > 0 && since_best_ >= patience; }

  /// Gives `network` the weights of the best epoch (unchanged when none was recorded).
  void restore(Net& network) const {
    if (seen_) {
      network = best_;
    }
  }

  /// What a checkpoint keeps: the best weights, their score and the epochs since.
  nlohmann::json to_json() const {
    return {{"best_model", seen_ ? model_to_json(best_) : nlohmann::json(nullptr)},
            // JSON has no infinity: null until an epoch has scored a finite number.
            {"best_score", std::isfinite(best_score_) ? nlohmann::json(best_score_)
                                                      : nlohmann::json(nullptr)},
            {"since_best", since_best_}};
  }

  /// Restores to_json's state; FormatError naming `where` when it is malformed.
  void from_json(const nlohmann::json& state, const std::string& where) {
    const auto since_best =
        state.is_object() && state.contains("since_best")
            ? detail::whole_number<Index>(state["since_best"], 0, std::numeric_limits<Index>::max())
            : std::nullopt;
    if (!since_best) {
      throw FormatError(where + ": expected \"since_best\", the epochs since the best, as a whole "
                        "number ≥ 0 (was the checkpoint written by train_keeping_best?)");
    }
    since_best_ = *since_best;
    const auto& model = state.value("best_model", nlohmann::json(nullptr));
    seen_ = !model.is_null();
    if (seen_) {
      model_from_json(best_, model, where + ": best model");
    }
    const auto& score = state.value("best_score", nlohmann::json(nullptr));
    best_score_ = score.is_number() ? score.get<double>() : std::numeric_limits<double>::infinity();
  }

 private:
  Net best_;
  double best_score_ = std::numeric_limits<double>::infinity();
  Index since_best_ = 0;
  bool seen_ = false;
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
  BestEpoch<Net> best(network);
  train(network, loss, optimiser, inputs, targets, options,
        {.on_epoch = [&](const EpochReport& report) {
          results.push_back(best.record(network, report, validation_score()));
          if (on_epoch) {
            on_epoch(results.back());
          }
          return !best.out_of_patience(patience);
        },
         .save_state = [&] {
           nlohmann::json state = best.to_json();
           nlohmann::json log = nlohmann::json::array();
           for (const auto& r : results) {
             log.push_back({r.training.epoch, r.training.mean_loss, r.training.seconds,
                            r.validation, r.best});
           }
           state["results"] = std::move(log);
           return state;
         },
         .restore_state = [&](const nlohmann::json& state) {
           const std::string where = options.resume_from.string() + ": early stopping";
           if (!state.is_object() || !state.contains("results") || !state["results"].is_array()) {
             throw FormatError(where + ": the checkpoint holds no early-stopping state (was it "
                               "written by train_keeping_best?)");
           }
           results.clear();
           for (const auto& r : state["results"]) {
             const auto epoch = r.is_array() && r.size() == 5
                                    ? detail::whole_number<Index>(
                                          r[0], 1, std::numeric_limits<Index>::max())
                                    : std::nullopt;
             if (!epoch || !r[1].is_number() || !r[2].is_number() || !r[3].is_number() ||
                 !r[4].is_boolean()) {
               throw FormatError(where + ": a result should be [epoch, loss, seconds, "
                                 "validation, best]");
             }
             results.push_back({{*epoch, r[1].get<double>(), r[2].get<double>()},
                                r[3].get<double>(),
                                r[4].get<bool>()});
           }
           best.from_json(state, where);
         }});
  best.restore(network);
  return results;
}

}  // namespace bachprop

#pragma once
/// @file
/// A polyphonic model: the simple RNN reading a piano roll one frame at a time (which of 88 keys
/// sound) and predicting the next frame, each key a yes/no with its own sigmoid. Its loss,
/// binary cross-entropy summed over the keys and averaged over frames, is the negative
/// log-likelihood in nats per frame that the published results on the JSB chorales report
/// (Boulanger-Lewandowski et al. 2012 and after): frame t predicts frame t + 1.

#include <bachprop/core/network.hpp>
#include <bachprop/io/model_json.hpp>
#include <bachprop/music/models/model_file.hpp>
#include <bachprop/layers/dense.hpp>
#include <bachprop/layers/rnn.hpp>
#include <bachprop/layers/sigmoid.hpp>
#include <bachprop/loss/cross_entropy.hpp>
#include <bachprop/music/corpora/jsb.hpp>
#include <bachprop/optim/adam.hpp>
#include <bachprop/train/early_stopping.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace bachprop::music {

/// A piano roll: frames of sounding pitches (as in the JSB files), on a fixed grid.
using PianoRollFrames = std::vector<std::vector<int>>;

/// How a PianoRollRnn is trained.
struct PianoRollRnnSettings {
  Index hidden = 128;         ///< recurrent units
  Index steps = 32;           ///< frames per training window (the BPTT length)
  Index stride = 4;           ///< frames between window starts
  Index epochs = 30;          ///< passes over the training windows, at most
  Index batch_size = 16;      ///< windows per gradient step
  double learning_rate = 2e-3;  ///< Adam's step size
  double clip_norm = 5.0;     ///< gradient-norm clipping
  int transpose_down = 0;     ///< augmentation by transposition (the JSB quarter-note file is
  int transpose_up = 0;       ///< already in C major / C minor, so none by default)
  Index patience = 8;         ///< stop after this many epochs without a better validation NLL
  std::uint64_t seed = 1;     ///< batch shuffling (the weights follow the model's own seed)

  /// The settings as JSON, for a run's summary.
  nlohmann::json to_json() const {
    return {{"hidden", hidden},         {"steps", steps},
            {"stride", stride},         {"epochs", epochs},
            {"batch_size", batch_size}, {"learning_rate", learning_rate},
            {"clip_norm", clip_norm},   {"transpose_down", transpose_down},
            {"transpose_up", transpose_up}, {"patience", patience}, {"seed", seed}};
  }
};

/// The next-frame model over `keys` keys from `lowest` (88 piano keys from A0 = 21 by default).
template <Scalar S = float>
class BasicPianoRollRnn : public ModelFile<BasicPianoRollRnn<S>> {
 public:
  /// The network type: Rnn, a Dense per step, and a sigmoid per key (each key on or off).
  using Net = Network<Rnn<S>, Dense<S>, Sigmoid<S>>;

  /// A fresh model with `hidden` recurrent units over MIDI pitches lowest..lowest+keys−1, weights
  /// drawn from `seed`. Throws ArgumentError for keys outside MIDI 0..127.
  explicit BasicPianoRollRnn(Index hidden, int lowest = 21, Index keys = 88, std::uint64_t seed = 1)
      : lowest_(lowest),
        keys_(keys),
        network_(Rnn<S>(keys, hidden), Dense<S>(hidden, keys, Init::xavier),
                 Sigmoid<S>()) {
    if (lowest < 0 || keys <= 0 || lowest + keys > 128) {
      throw ArgumentError("PianoRollRnn: keys " + std::to_string(lowest) + ".." +
                          std::to_string(lowest + keys - 1) + " are outside MIDI 0..127");
    }
    network_.initialise(seed);
  }

  /// MIDI pitch of the first key (row 0).
  int lowest() const { return lowest_; }
  /// Number of keys: the rows of a frame's column.
  Index keys() const { return keys_; }
  /// The network, to train or inspect.
  Net& network() { return network_; }

  /// Writes a frame as a 0/1 column; throws ArgumentError for a pitch outside the keys.
  template <class Column>
  void encode(const std::vector<int>& frame, Column&& column) const {
    column.setZero();
    for (const int pitch : frame) {
      if (pitch < lowest_ || pitch >= lowest_ + keys_) {
        throw ArgumentError("PianoRollRnn: pitch " + std::to_string(pitch) +
                            " is outside the model's keys " + std::to_string(lowest_) + ".." +
                            std::to_string(lowest_ + keys_ - 1));
      }
      column(pitch - lowest_) = 1;
    }
  }

  /// Mean negative log-likelihood of the next frame, in nats per frame, over every frame after
  /// the first of each piece (frame t predicts t + 1).
  double nll_per_frame(const std::vector<PianoRollFrames>& pieces) {
    double total = 0;
    Index frames = 0;
    Matrix<S> inputs;
    Matrix<S> targets;
    for (const auto& piece : pieces) {
      const auto n = static_cast<Index>(piece.size()) - 1;
      if (n < 1) {
        continue;
      }
      inputs.resize(keys_, n);
      targets.resize(keys_, n);
      for (Index t = 0; t < n; ++t) {
        encode(piece[static_cast<std::size_t>(t)], inputs.col(t));
        encode(piece[static_cast<std::size_t>(t) + 1], targets.col(t));
      }
      network_.set_steps(n);
      total += static_cast<double>(network_.loss(inputs, targets, BinaryCrossEntropy<S>())) *
               static_cast<double>(n);
      frames += n;
    }
    if (frames == 0) {
      throw ArgumentError("PianoRollRnn: no piece has two frames to predict from");
    }
    return total / static_cast<double>(frames);
  }

  /// Trains on windows of the pieces (and their transpositions, if the settings ask), keeping
  /// the weights with the best NLL on `validation` (and stopping after `patience` epochs
  /// without improvement).
  std::vector<ValidatedEpoch> train(
      const std::vector<PianoRollFrames>& pieces, const PianoRollRnnSettings& settings,
      const std::vector<PianoRollFrames>& validation,
      const std::function<void(const ValidatedEpoch&)>& on_epoch = {}) {
    std::vector<PianoRollFrames> augmented_pieces;
    for (const auto& piece : pieces) {
      for (int shift = -settings.transpose_down; shift <= settings.transpose_up; ++shift) {
        PianoRollFrames moved = piece;
        bool fits = true;
        for (auto& frame : moved) {
          for (int& pitch : frame) {
            pitch += shift;
            fits = fits && pitch >= lowest_ && pitch < lowest_ + keys_;
          }
        }
        if (fits) {
          augmented_pieces.push_back(std::move(moved));
        }
      }
    }
    std::vector<std::pair<std::size_t, Index>> windows;
    for (std::size_t p = 0; p < augmented_pieces.size(); ++p) {
      const auto n = static_cast<Index>(augmented_pieces[p].size());
      for (Index start = 0; start + settings.steps + 1 <= n; start += settings.stride) {
        windows.emplace_back(p, start);
      }
    }
    if (windows.empty()) {
      throw ArgumentError("PianoRollRnn::train: no piece has the " +
                          std::to_string(settings.steps + 1) + " frames a window needs");
    }
    const auto count = static_cast<Index>(windows.size());
    Matrix<S> inputs(keys_, count * settings.steps);
    Matrix<S> targets(keys_, count * settings.steps);
    for (Index w = 0; w < count; ++w) {
      const auto& [p, start] = windows[static_cast<std::size_t>(w)];
      for (Index t = 0; t < settings.steps; ++t) {
        const auto frame = static_cast<std::size_t>(start + t);
        encode(augmented_pieces[p][frame], inputs.col(w * settings.steps + t));
        encode(augmented_pieces[p][frame + 1], targets.col(w * settings.steps + t));
      }
    }
    Adam<S> adam(settings.learning_rate);
    return train_keeping_best(
        network_, BinaryCrossEntropy<S>(), adam, inputs, targets,
        {.epochs = settings.epochs,
         .batch_size = settings.batch_size,
         .seed = settings.seed,
         .sequence_steps = settings.steps,
         .clip_norm = settings.clip_norm},
        [&] { return nll_per_frame(validation); }, settings.patience, on_epoch);
  }

  /// Starts a new piece for feed().
  void reset() { network_.reset_state(1); }

  /// Hears one frame and returns each key's probability of sounding in the next.
  const Matrix<S>& feed(const std::vector<int>& frame) {
    input_.resize(keys_, 1);
    encode(frame, input_.col(0));
    return network_.step(input_);
  }

  /// The model as JSON: the network, and in its metadata the keys, the size and `extra`.
  nlohmann::json to_json(const nlohmann::json& extra = nlohmann::json::object()) const {
    nlohmann::json metadata = extra;
    metadata["lowest"] = lowest_;
    metadata["keys"] = keys_;
    metadata["hidden"] = network_.template layer<0>().hidden_size();
    return model_document(network_, "piano_roll_rnn", std::move(metadata));
  }

  /// A model from a document written by to_json; `source` names it in errors.
  static BasicPianoRollRnn from_json(const nlohmann::json& document, const std::string& source) {
    const nlohmann::json& metadata =
        model_metadata(document, "piano_roll_rnn", "piano-roll RNN", source);
    const Index hidden = metadata_size(metadata, "hidden", 1, 100000, source);
    const auto lowest = static_cast<int>(metadata_size(metadata, "lowest", 0, 127, source));
    const Index keys = metadata_size(metadata, "keys", 1, 128 - lowest, source);
    require_stored_matrix(document, 0, "input_weights", hidden, keys, source);
    require_stored_matrix(document, 0, "recurrent_weights", hidden, hidden, source);
    BasicPianoRollRnn model(hidden, lowest, keys);
    model_from_json(model.network_, document, source);
    return model;
  }

 private:
  int lowest_;
  Index keys_;
  Net network_;
  Matrix<S> input_;
};

/// The piano-roll RNN in single precision, as the programs train and save it.
using PianoRollRnn = BasicPianoRollRnn<float>;

/// The frames of every chorale of a JSB split (silent voices left out).
inline std::vector<PianoRollFrames> piano_rolls(const std::vector<JsbChorale>& chorales) {
  std::vector<PianoRollFrames> rolls;
  rolls.reserve(chorales.size());
  for (const auto& chorale : chorales) {
    PianoRollFrames frames;
    frames.reserve(chorale.steps.size());
    for (const auto& step : chorale.steps) {
      std::vector<int> sounding;
      for (const int pitch : step) {
        if (pitch != silent_voice) {  // the separated file marks silent voices with -1
          sounding.push_back(pitch);
        }
      }
      frames.push_back(std::move(sounding));
    }
    rolls.push_back(std::move(frames));
  }
  return rolls;
}

}  // namespace bachprop::music

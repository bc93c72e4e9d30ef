#pragma once
/// @file
/// A next-note model of melodies: a recurrent layer reading one note per step (one-hot pitch
/// and duration) and predicting the next note's pitch and duration, each with its own softmax.
/// The recurrent layer is the simple RNN of equation (25) (MelodyRnn), the LSTM of (26)-(32)
/// (MelodyLstm) or the GRU of (33)-(37) (MelodyGru). Trained on windows of melodies in every
/// transposition within a range, evaluated in bits per pitch (and per note) on held-out
/// melodies, and run one step at a time to generate.

#include <bachprop/core/network.hpp>
#include <bachprop/io/model_json.hpp>
#include <bachprop/layers/dense.hpp>
#include <bachprop/layers/dropout.hpp>
#include <bachprop/layers/grouped_softmax.hpp>
#include <bachprop/layers/gru.hpp>
#include <bachprop/layers/lstm.hpp>
#include <bachprop/layers/rnn.hpp>
#include <bachprop/loss/cross_entropy.hpp>
#include <bachprop/music/encoding/melody_vocabulary.hpp>
#include <bachprop/music/evaluate/melody_scores.hpp>
#include <bachprop/music/models/model_file.hpp>
#include <bachprop/music/score/note_sequence.hpp>
#include <bachprop/optim/adam.hpp>
#include <bachprop/train/early_stopping.hpp>
#include <bachprop/train/shard_exchange.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace bachprop::music {

/// How a MelodyRnn is trained.
struct MelodyRnnSettings {
  Index hidden = 64;            ///< recurrent units
  double dropout = 0.0;         ///< rate the recurrent outputs are dropped at while training
  Index steps = 32;             ///< notes per training window (the BPTT length)
  Index stride = 4;             ///< notes between the starts of consecutive windows
  Index epochs = 30;            ///< passes over the training windows
  Index batch_size = 32;        ///< windows per gradient step
  double learning_rate = 3e-3;  ///< Adam
  double clip_norm = 5.0;       ///< gradient-norm clipping
  int transpose_down = 5;       ///< augmentation: every transposition from −down…
  int transpose_up = 6;         ///< …to +up semitones that fits the vocabulary
  std::uint64_t seed = 1;       ///< batch shuffling (the weights follow the model's own seed)
  /// Data-parallel shards per batch (TrainOptions::shards; 0: from the batch size).
  Index shards = 0;
  /// The other processes of an MPI job training the same model (TrainOptions::exchange,
  /// mpi/exchange.hpp), or none. Not part of the settings' JSON: where a model was trained.
  ShardExchange* exchange = nullptr;

  /// The settings as JSON, for a run's summary.
  nlohmann::json to_json() const {
    return {{"hidden", hidden},
            {"dropout", dropout},
            {"steps", steps},
            {"stride", stride},
            {"epochs", epochs},
            {"batch_size", batch_size},
            {"learning_rate", learning_rate},
            {"clip_norm", clip_norm},
            {"transpose_down", transpose_down},
            {"transpose_up", transpose_up},
            {"seed", seed},
            {"shards", shards}};
  }
};


/// Every transposition of each melody from −down to +up semitones whose notes all stay in the
/// vocabulary (the original always included if it fits).
inline std::vector<NoteSequence> augmented(const std::vector<NoteSequence>& melodies,
                                           const MelodyVocabulary& vocabulary, int down, int up) {
  std::vector<NoteSequence> out;
  for (const auto& melody : melodies) {
    for (int shift = -down; shift <= up; ++shift) {
      const NoteSequence moved = transposed(melody, shift);
      if (std::all_of(moved.pitches.begin(), moved.pitches.end(),
                      [&](int p) { return vocabulary.has_pitch(p); })) {
        out.push_back(moved);
      }
    }
  }
  return out;
}

/// The recurrent layers a melody model can be built on, as its file names them
/// (metadata.cell), with the number of gate blocks stacked in their weight matrices.
template <class Cell>
struct MelodyCell;
/// The simple RNN of (25): one block.
template <Scalar S>
struct MelodyCell<Rnn<S>> {
  static constexpr std::string_view name = "rnn";  ///< metadata.cell
  static constexpr Index gates = 1;                ///< blocks of hidden rows in input_weights
};
/// The LSTM of (26)-(32): gates i, f, g, o.
template <Scalar S>
struct MelodyCell<Lstm<S>> {
  static constexpr std::string_view name = "lstm";  ///< metadata.cell
  static constexpr Index gates = 4;                 ///< blocks of hidden rows in input_weights
};
/// The GRU of (33)-(37): gates r, z, n.
template <Scalar S>
struct MelodyCell<Gru<S>> {
  static constexpr std::string_view name = "gru";  ///< metadata.cell
  static constexpr Index gates = 3;                ///< blocks of hidden rows in input_weights
};

/// The cell a melody model file was saved with ("rnn" for files that do not say: those came
/// before the gated cells). FormatError naming `source` for a value that is not a cell's name.
inline std::string melody_cell_of(const nlohmann::json& metadata, const std::string& source) {
  const auto found = metadata.find("cell");
  if (found == metadata.end()) {
    return "rnn";
  }
  if (!found->is_string() || (*found != "rnn" && *found != "lstm" && *found != "gru")) {
    throw FormatError(source + ": metadata.cell must be \"rnn\", \"lstm\" or \"gru\", found " +
                      bachprop::detail::json_excerpt(*found));
  }
  return found->get<std::string>();
}

/// The recurrent next-note model on the recurrent layer `Cell` (Rnn, Lstm or Gru).
template <class Cell>
class MelodyModel : public ModelFile<MelodyModel<Cell>> {
 public:
  /// The element type, float or double.
  using S = typename Cell::Scalar;
  /// The network type: the recurrent layer, dropout on its output while training, a Dense per
  /// step, then one softmax for the pitch, one for the duration.
  using Net = Network<Cell, Dropout<S>, Dense<S>, GroupedSoftmax<S>>;

  /// A fresh model over `vocabulary` (one-hot pitch stacked on one-hot duration, in and out)
  /// with `hidden` recurrent units, weights drawn from `seed`, and `dropout`, the rate at which
  /// the recurrent layer's outputs are dropped while training (0: none).
  MelodyModel(MelodyVocabulary vocabulary, Index hidden, std::uint64_t seed = 1,
              double dropout = 0.0)
      : vocabulary_(std::move(vocabulary)),
        network_(Cell(vocabulary_.size(), hidden), Dropout<S>(dropout),
                 Dense<S>(hidden, vocabulary_.size(), Init::xavier),
                 GroupedSoftmax<S>({vocabulary_.pitch_count(), vocabulary_.duration_count()})) {
    network_.initialise(seed);
  }

  /// The pitches and durations the model reads and predicts.
  const MelodyVocabulary& vocabulary() const { return vocabulary_; }
  /// The recurrent layer's name in model files: "rnn", "lstm" or "gru".
  static constexpr std::string_view cell() { return MelodyCell<Cell>::name; }
  /// Recurrent units.
  Index hidden_size() const { return network_.template layer<0>().hidden_size(); }
  /// The rate at which the recurrent layer's outputs are dropped while training.
  double dropout() const { return network_.template layer<1>().rate(); }
  /// The network, to train or inspect.
  Net& network() { return network_; }
  /// The network, read-only.
  const Net& network() const { return network_; }

  /// Windows of steps + 1 notes (inputs: notes 0..steps−1, targets: notes 1..steps), every
  /// `stride` notes and one more ending at the melody's last note, stored sequence after
  /// sequence as the trainer expects. Melodies shorter than a window give none.
  void make_windows(const std::vector<NoteSequence>& melodies, Index steps, Index stride,
                    Matrix<S>& inputs, Matrix<S>& targets) const {
    std::vector<std::pair<std::size_t, std::size_t>> windows;  // (melody, first note)
    for (std::size_t m = 0; m < melodies.size(); ++m) {
      const auto n = static_cast<Index>(melodies[m].size());
      if (n < steps + 1) {
        continue;
      }
      Index start = 0;
      for (; start + steps + 1 <= n; start += stride) {
        windows.emplace_back(m, static_cast<std::size_t>(start));
      }
      if (start - stride != n - steps - 1) {
        windows.emplace_back(m, static_cast<std::size_t>(n - steps - 1));
      }
    }
    const auto count = static_cast<Index>(windows.size());
    inputs.setZero(vocabulary_.size(), count * steps);
    targets.setZero(vocabulary_.size(), count * steps);
    for (Index w = 0; w < count; ++w) {
      const auto& [m, first] = windows[static_cast<std::size_t>(w)];
      for (Index t = 0; t < steps; ++t) {
        vocabulary_.encode(melodies[m], first + static_cast<std::size_t>(t),
                           inputs.col(w * steps + t));
        vocabulary_.encode(melodies[m], first + static_cast<std::size_t>(t) + 1,
                           targets.col(w * steps + t));
      }
    }
  }

  /// Trains on every transposition of `melodies` in the settings' range (cross-entropy of the
  /// next pitch plus that of the next duration, Adam, clipped gradients). With `validation`
  /// melodies, scores them after every epoch and ends with the weights of the epoch that
  /// predicted them best (fewest bits per note): a model this size starts to memorise a few
  /// hundred chorales within a few epochs. `on_epoch` sees each epoch's report and validation
  /// bits per note (0 without validation melodies). With a `checkpoint` file the run writes a
  /// checkpoint after every epoch and, when asked, resumes from one first, ending with the same
  /// weights as a run never interrupted (the results returned without validation melodies are
  /// those of the epochs this call ran).
  std::vector<ValidatedEpoch> train(const std::vector<NoteSequence>& melodies,
                                    const MelodyRnnSettings& settings,
                                    const std::vector<NoteSequence>& validation = {},
                                    const std::function<void(const ValidatedEpoch&)>& on_epoch = {},
                                    const CheckpointFile& checkpoint = {}) {
    Matrix<S> inputs;
    Matrix<S> targets;
    make_windows(augmented(melodies, vocabulary_, settings.transpose_down, settings.transpose_up),
                 settings.steps, settings.stride, inputs, targets);
    if (inputs.cols() == 0) {
      throw ArgumentError("MelodyRnn::train: no melody has the " +
                          std::to_string(settings.steps + 1) + " notes a window needs");
    }
    Adam<S> adam(settings.learning_rate);
    TrainOptions options{.epochs = settings.epochs,
                         .batch_size = settings.batch_size,
                         .seed = settings.seed,
                         .sequence_steps = settings.steps,
                         .clip_norm = settings.clip_norm};
    options.shards = settings.shards;
    options.exchange = settings.exchange;
    checkpoint.apply_to(options);
    if (validation.empty()) {
      std::vector<ValidatedEpoch> results;
      bachprop::train(network_, CrossEntropy<S>(), adam, inputs, targets, options,
                      {.on_epoch = [&](const EpochReport& report) {
                        results.push_back({report, 0.0, false});
                        if (on_epoch) {
                          on_epoch(results.back());
                        }
                        return true;
                      }});
      return results;
    }
    return train_keeping_best(network_, CrossEntropy<S>(), adam, inputs, targets, options,
                              [&] { return evaluate(validation).bits_per_note(); }, 0, on_epoch);
  }

  /// The predicted distributions for notes 1..n−1 of `notes`, having heard the notes before:
  /// one column per predicted note, the pitch probabilities then the duration probabilities.
  Matrix<S> predict(const NoteSequence& notes) {
    if (notes.size() < 2) {
      return Matrix<S>(vocabulary_.size(), 0);
    }
    const auto n = static_cast<Index>(notes.size()) - 1;
    Matrix<S> inputs(vocabulary_.size(), n);
    for (Index t = 0; t < n; ++t) {
      vocabulary_.encode(notes, static_cast<std::size_t>(t), inputs.col(t));
    }
    network_.set_steps(n);
    return network_.forward(inputs);
  }

  /// Scores on held-out melodies: every note after the first is predicted from those before.
  MelodyScores evaluate(const std::vector<NoteSequence>& melodies) {
    return score_melodies(vocabulary_, melodies, [this](const NoteSequence& notes) {
      return predict(notes);
    });
  }

  /// Starts a new melody for feed() (or `batch` melodies side by side for feed_batch()).
  void reset(Index batch = 1) { network_.reset_state(batch); }

  /// Hears one note and returns the distribution of the next: the pitch probabilities
  /// (vocabulary pitch order) then the duration probabilities. Allocates nothing once warm.
  const Matrix<S>& feed(int pitch, double duration) {
    input_.setZero(vocabulary_.size(), 1);
    input_(vocabulary_.pitch_index(pitch), 0) = 1;
    input_(vocabulary_.pitch_count() + vocabulary_.duration_index(duration), 0) = 1;
    return network_.step(input_);
  }

  /// Hears one note for each of the melodies side by side (melody b: pitches[b], durations[b])
  /// and returns their next notes' distributions, one column each, as feed() does for one.
  /// Allocates nothing once warm.
  const Matrix<S>& feed_batch(std::span<const int> pitches, std::span<const double> durations) {
    if (pitches.size() != durations.size() || pitches.empty()) {
      throw ArgumentError("MelodyModel::feed_batch: " + std::to_string(pitches.size()) +
                          " pitches and " + std::to_string(durations.size()) + " durations");
    }
    const auto batch = static_cast<Index>(pitches.size());
    input_.setZero(vocabulary_.size(), batch);
    for (Index b = 0; b < batch; ++b) {
      const auto i = static_cast<std::size_t>(b);
      input_(vocabulary_.pitch_index(pitches[i]), b) = 1;
      input_(vocabulary_.pitch_count() + vocabulary_.duration_index(durations[i]), b) = 1;
    }
    return network_.step(input_);
  }

  /// Reorders the melodies side by side: melody j continues the old melody from[j] (their
  /// number may change), as a beam search keeps its best hypotheses.
  void reorder(std::span<const Index> from) { network_.reorder_state(from); }

  /// The model as JSON: the network, and in its metadata the vocabulary, the hidden size and
  /// whatever `extra` holds (training settings, scores).
  nlohmann::json to_json(const nlohmann::json& extra = nlohmann::json::object()) const {
    nlohmann::json metadata = extra;
    metadata["vocabulary"] = vocabulary_.to_json();
    metadata["hidden"] = hidden_size();
    metadata["cell"] = cell();
    return model_document(network_, "melody_rnn", std::move(metadata));
  }

  /// A model from a document written by to_json; `source` names it in errors.
  static MelodyModel from_json(const nlohmann::json& document, const std::string& source) {
    const nlohmann::json& metadata = model_metadata(document, "melody_rnn", "melody RNN", source);
    const std::string stored_cell = melody_cell_of(metadata, source);
    if (stored_cell != cell()) {
      throw FormatError(source + ": this melody model's cell is " + stored_cell + ", not " +
                        std::string(cell()) +
                        " (load it as the model of its cell, or with load_any_melody_model)");
    }
    const auto vocabulary =
        MelodyVocabulary::from_json(metadata.value("vocabulary", nlohmann::json()), source);
    const Index hidden = metadata_size(metadata, "hidden", 1, 100000, source);
    // The network is built from these sizes: check first that the file holds matrices of them,
    // so that a forged size is refused rather than allocated.
    const Index rows = MelodyCell<Cell>::gates * hidden;
    require_stored_matrix(document, 0, "input_weights", rows, vocabulary.size(), source);
    require_stored_matrix(document, 0, "recurrent_weights", rows, hidden, source);
    // Files from before the dropout layer have three layers: they read as dropout 0.
    const nlohmann::json& layers = document.at("layers");
    if (layers.size() + 1 == Net::depth) {
      nlohmann::json upgraded = document;
      const nlohmann::json no_dropout = {{"kind", "dropout"}, {"config", {{"rate", 0.0}}}};
      upgraded["layers"].insert(upgraded["layers"].begin() + 1, no_dropout);
      return from_json(upgraded, source);
    }
    MelodyModel model(vocabulary, hidden, 1, stored_dropout(layers, source));
    model_from_json(model.network_, document, source);
    return model;
  }

 private:
  // The rate of the dropout layer (layer 1) in a document's `layers`, checked before the network
  // is built with it (model_from_json then checks the rest against that network).
  static double stored_dropout(const nlohmann::json& layers, const std::string& source) {
    const nlohmann::json* rate = nullptr;
    if (layers.size() > 1 && layers[1].is_object()) {
      const auto config = layers[1].find("config");
      if (config != layers[1].end() && config->is_object() && config->contains("rate")) {
        rate = &config->at("rate");
      }
    }
    if (rate == nullptr || !rate->is_number() ||
        !(rate->get<double>() >= 0.0 && rate->get<double>() < 1.0)) {
      throw FormatError(source +
                        ": layer 1 (dropout) needs config.rate, a number in [0, 1), found " +
                        (rate == nullptr ? std::string("none")
                                         : bachprop::detail::json_excerpt(*rate)));
    }
    return rate->get<double>();
  }

  MelodyVocabulary vocabulary_;
  Net network_;
  Matrix<S> input_;
};

/// The next-note scores of `predict` (a melody → the distributions of its notes 1..n−1, as
/// MelodyModel::predict gives them) on `melodies`, whose pitches must be in `vocabulary`.
template <class Predict>
MelodyScores score_melodies(const MelodyVocabulary& vocabulary,
                            const std::vector<NoteSequence>& melodies, Predict&& predict) {
  vocabulary.require_pitches(melodies, "MelodyModel::evaluate");
  MelodyScoreSum sum(/*durations=*/true);
  const Index pitches = vocabulary.pitch_count();
  for (const NoteSequence& notes : melodies) {
    const auto predicted = predict(notes);
    for (Index t = 0; t < predicted.cols(); ++t) {
      const auto next = static_cast<std::size_t>(t) + 1;
      sum.add_pitch(predicted.col(t).head(pitches), vocabulary.pitch_index(notes.pitches[next]));
      sum.add_duration(predicted.col(t).tail(vocabulary.duration_count()),
                       vocabulary.duration_index(notes.durations[next]));
    }
  }
  return sum.scores();
}

/// The scores of an ensemble: the mean of the distributions `models` predict (the same kind of
/// model trained from different seeds, over one vocabulary), a cheap way to average out what
/// each network learnt by chance. Throws ArgumentError for no models or differing vocabularies.
template <class Model>
MelodyScores evaluate_ensemble(std::vector<Model>& models,
                               const std::vector<NoteSequence>& melodies) {
  if (models.empty()) {
    throw ArgumentError("evaluate_ensemble: no models");
  }
  for (const Model& model : models) {
    if (!(model.vocabulary() == models.front().vocabulary())) {
      throw ArgumentError("evaluate_ensemble: the models have different vocabularies");
    }
  }
  using S = typename Model::S;
  return score_melodies(models.front().vocabulary(), melodies, [&](const NoteSequence& notes) {
    Matrix<S> mean = models.front().predict(notes);
    for (std::size_t m = 1; m < models.size(); ++m) {
      mean += models[m].predict(notes);
    }
    return Matrix<S>(mean / static_cast<S>(models.size()));
  });
}

/// The melody model on the simple RNN, in single precision, as the programs train and save it.
using MelodyRnn = MelodyModel<Rnn<float>>;
/// The melody model on the LSTM.
using MelodyLstm = MelodyModel<Lstm<float>>;
/// The melody model on the GRU.
using MelodyGru = MelodyModel<Gru<float>>;

/// A melody model on any of the three cells, as a file may hold one.
using AnyMelodyModel = std::variant<MelodyRnn, MelodyLstm, MelodyGru>;

/// The melody model in `document` whatever its cell (metadata.cell); `source` names it in errors.
inline AnyMelodyModel any_melody_model_from_json(const nlohmann::json& document,
                                                 const std::string& source) {
  const nlohmann::json& metadata = model_metadata(document, "melody_rnn", "melody RNN", source);
  const std::string cell = melody_cell_of(metadata, source);
  if (cell == MelodyLstm::cell()) {
    return MelodyLstm::from_json(document, source);
  }
  if (cell == MelodyGru::cell()) {
    return MelodyGru::from_json(document, source);
  }
  return MelodyRnn::from_json(document, source);
}

/// Reads a melody model file saved by MelodyModel::save, whatever its cell. Throws IoError for
/// an unreadable file, FormatError for one that is not a melody model.
inline AnyMelodyModel load_any_melody_model(const std::filesystem::path& path) {
  return any_melody_model_from_json(parse_model_text(read_file(path), path.string()),
                                    path.string());
}

}  // namespace bachprop::music

#pragma once
/// @file
/// A next-note model of melodies: the simple RNN of equation (25) reading one note per step
/// (one-hot pitch and duration) and predicting the next note's pitch and duration, each with its
/// own softmax. Trained on windows of melodies in every transposition within a range, evaluated
/// in bits per pitch (and per note) on held-out melodies, and run one step at a time to
/// generate.

#include <bachprop/core/network.hpp>
#include <bachprop/io/model_json.hpp>
#include <bachprop/layers/dense.hpp>
#include <bachprop/layers/grouped_softmax.hpp>
#include <bachprop/layers/rnn.hpp>
#include <bachprop/loss/cross_entropy.hpp>
#include <bachprop/music/melody_scores.hpp>
#include <bachprop/music/note_sequence.hpp>
#include <bachprop/optim/adam.hpp>
#include <bachprop/train/early_stopping.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace bachprop::music {

/// How a MelodyRnn is trained.
struct MelodyRnnSettings {
  Index hidden = 64;            ///< recurrent units
  Index steps = 32;             ///< notes per training window (the BPTT length)
  Index stride = 4;             ///< notes between the starts of consecutive windows
  Index epochs = 30;            ///< passes over the training windows
  Index batch_size = 32;        ///< windows per gradient step
  double learning_rate = 3e-3;  ///< Adam
  double clip_norm = 5.0;       ///< gradient-norm clipping
  int transpose_down = 5;       ///< augmentation: every transposition from −down…
  int transpose_up = 6;         ///< …to +up semitones that fits the vocabulary
  std::uint64_t seed = 1;       ///< batch shuffling (the weights follow the model's own seed)

  /// The settings as JSON, for a run's summary.
  nlohmann::json to_json() const {
    return {{"hidden", hidden},         {"steps", steps},
            {"stride", stride},         {"epochs", epochs},
            {"batch_size", batch_size}, {"learning_rate", learning_rate},
            {"clip_norm", clip_norm},   {"transpose_down", transpose_down},
            {"transpose_up", transpose_up}, {"seed", seed}};
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

/// The recurrent next-note model.
class MelodyRnn {
 public:
  /// The network type: Rnn, a Dense per step, then one softmax for the pitch, one for the duration.
  using Net = Network<Rnn<float>, Dense<float>, GroupedSoftmax<float>>;

  /// A fresh model over `vocabulary` (one-hot pitch stacked on one-hot duration, in and out)
  /// with `hidden` recurrent units, weights drawn from `seed`.
  MelodyRnn(MelodyVocabulary vocabulary, Index hidden, std::uint64_t seed = 1)
      : vocabulary_(std::move(vocabulary)),
        network_(Rnn<float>(vocabulary_.size(), hidden),
                 Dense<float>(hidden, vocabulary_.size(), Init::xavier),
                 GroupedSoftmax<float>({vocabulary_.pitch_count(), vocabulary_.duration_count()})) {
    network_.initialise(seed);
  }

  /// The pitches and durations the model reads and predicts.
  const MelodyVocabulary& vocabulary() const { return vocabulary_; }
  /// Recurrent units.
  Index hidden_size() const { return network_.layer<0>().hidden_size(); }
  /// The network, to train or inspect.
  Net& network() { return network_; }
  /// The network, read-only.
  const Net& network() const { return network_; }

  /// Windows of steps + 1 notes (inputs: notes 0..steps−1, targets: notes 1..steps), every
  /// `stride` notes and one more ending at the melody's last note, stored sequence after
  /// sequence as the trainer expects. Melodies shorter than a window give none.
  void make_windows(const std::vector<NoteSequence>& melodies, Index steps, Index stride,
                    Matrix<float>& inputs, Matrix<float>& targets) const {
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
  /// bits per note (0 without validation melodies).
  std::vector<ValidatedEpoch> train(const std::vector<NoteSequence>& melodies,
                                    const MelodyRnnSettings& settings,
                                    const std::vector<NoteSequence>& validation = {},
                                    const std::function<void(const ValidatedEpoch&)>& on_epoch = {}) {
    Matrix<float> inputs;
    Matrix<float> targets;
    make_windows(augmented(melodies, vocabulary_, settings.transpose_down, settings.transpose_up),
                 settings.steps, settings.stride, inputs, targets);
    if (inputs.cols() == 0) {
      throw ArgumentError("MelodyRnn::train: no melody has the " +
                          std::to_string(settings.steps + 1) + " notes a window needs");
    }
    Adam<float> adam(settings.learning_rate);
    const TrainOptions options{.epochs = settings.epochs,
                               .batch_size = settings.batch_size,
                               .seed = settings.seed,
                               .sequence_steps = settings.steps,
                               .clip_norm = settings.clip_norm};
    if (validation.empty()) {
      std::vector<ValidatedEpoch> results;
      bachprop::train(network_, CrossEntropy<float>(), adam, inputs, targets, options,
                      {.on_epoch = [&](const EpochReport& report) {
                        results.push_back({report, 0.0, false});
                        if (on_epoch) {
                          on_epoch(results.back());
                        }
                        return true;
                      }});
      return results;
    }
    return train_keeping_best(network_, CrossEntropy<float>(), adam, inputs, targets, options,
                              [&] { return evaluate(validation).bits_per_note(); }, 0, on_epoch);
  }

  /// The predicted distributions for notes 1..n−1 of `notes`, having heard the notes before:
  /// one column per predicted note, the pitch probabilities then the duration probabilities.
  Matrix<float> predict(const NoteSequence& notes) {
    if (notes.size() < 2) {
      return Matrix<float>(vocabulary_.size(), 0);
    }
    const auto n = static_cast<Index>(notes.size()) - 1;
    Matrix<float> inputs(vocabulary_.size(), n);
    for (Index t = 0; t < n; ++t) {
      vocabulary_.encode(notes, static_cast<std::size_t>(t), inputs.col(t));
    }
    network_.set_steps(n);
    return network_.forward(inputs);
  }

  /// Scores on held-out melodies: every note after the first is predicted from those before.
  MelodyScores evaluate(const std::vector<NoteSequence>& melodies) {
    MelodyScores scores;
    scores.duration_accuracy = 0;
    scores.bits_per_duration = 0;
    const Index pitches = vocabulary_.pitch_count();
    for (std::size_t m = 0; m < melodies.size(); ++m) {
      const NoteSequence& notes = melodies[m];
      for (const int p : notes.pitches) {
        if (!vocabulary_.has_pitch(p)) {
          throw ArgumentError("MelodyRnn::evaluate: melody " + std::to_string(m) + " has pitch " +
                              std::to_string(p) + ", outside the model's range " +
                              std::to_string(vocabulary_.lowest_pitch) + ".." +
                              std::to_string(vocabulary_.highest_pitch));
        }
      }
      const Matrix<float> predicted = predict(notes);
      for (Index t = 0; t < predicted.cols(); ++t) {
        const auto next = static_cast<std::size_t>(t) + 1;
        const Index pitch = vocabulary_.pitch_index(notes.pitches[next]);
        const Index duration = vocabulary_.duration_index(notes.durations[next]);
        const auto pitch_column = predicted.col(t).head(pitches);
        const auto duration_column = predicted.col(t).tail(vocabulary_.duration_count());
        Index best_pitch = 0;
        Index best_duration = 0;
        pitch_column.maxCoeff(&best_pitch);
        duration_column.maxCoeff(&best_duration);
        scores.pitch_accuracy += best_pitch == pitch ? 1 : 0;
        scores.duration_accuracy += best_duration == duration ? 1 : 0;
        scores.bits_per_pitch -= std::log2(std::max(1e-12, double(pitch_column(pitch))));
        scores.bits_per_duration -= std::log2(std::max(1e-12, double(duration_column(duration))));
        ++scores.notes;
      }
    }
    if (scores.notes > 0) {
      const auto n = static_cast<double>(scores.notes);
      scores.pitch_accuracy /= n;
      scores.duration_accuracy /= n;
      scores.bits_per_pitch /= n;
      scores.bits_per_duration /= n;
    }
    return scores;
  }

  /// Starts a new melody for feed().
  void reset() { network_.reset_state(1); }

  /// Hears one note and returns the distribution of the next: the pitch probabilities
  /// (vocabulary pitch order) then the duration probabilities. Allocates nothing once warm.
  const Matrix<float>& feed(int pitch, double duration) {
    input_.setZero(vocabulary_.size(), 1);
    input_(vocabulary_.pitch_index(pitch), 0) = 1;
    input_(vocabulary_.pitch_count() + vocabulary_.duration_index(duration), 0) = 1;
    return network_.step(input_);
  }

  /// The model as JSON: the network, and in its metadata the vocabulary, the hidden size and
  /// whatever `extra` holds (training settings, scores).
  nlohmann::json to_json(const nlohmann::json& extra = nlohmann::json::object()) const {
    nlohmann::json metadata = extra;
    metadata["model"] = "melody_rnn";
    metadata["vocabulary"] = vocabulary_.to_json();
    metadata["hidden"] = hidden_size();
    return model_to_json(network_, metadata);
  }

  /// Writes to_json(extra) to path atomically; throws IoError when it cannot.
  void save(const std::filesystem::path& path,
            const nlohmann::json& extra = nlohmann::json::object()) const {
    write_file_atomically(path, to_json(extra).dump() + "\n");
  }

  /// A model from a document written by to_json; `source` names it in errors.
  static MelodyRnn from_json(const nlohmann::json& document, const std::string& source) {
    if (!document.is_object() || !document.contains("metadata") ||
        !document["metadata"].is_object()) {
      throw FormatError(source + ": not a melody model (no metadata)");
    }
    const nlohmann::json& metadata = document["metadata"];
    const auto kind = metadata.find("model");
    if (kind == metadata.end() || *kind != "melody_rnn") {
      throw FormatError(source + ": not a melody RNN model (metadata.model is " +
                        (kind == metadata.end() ? std::string("missing")
                                                : bachprop::detail::json_excerpt(*kind)) +
                        ")");
    }
    const auto vocabulary = MelodyVocabulary::from_json(metadata.value("vocabulary", nlohmann::json()), source);
    const auto stored_hidden = metadata.find("hidden");
    if (stored_hidden == metadata.end() || !stored_hidden->is_number_integer() ||
        *stored_hidden <= 0 || *stored_hidden > 100000) {
      throw FormatError(source + ": metadata.hidden must be a positive size (at most 100000), "
                        "found " + (stored_hidden == metadata.end()
                                        ? std::string("none")
                                        : bachprop::detail::json_excerpt(*stored_hidden)));
    }
    const auto hidden = stored_hidden->get<Index>();
    // The network is built from these sizes: check first that the file holds matrices of them,
    // so that a forged size is refused rather than allocated.
    require_stored_matrix(document, 0, "input_weights", hidden, vocabulary.size(), source);
    require_stored_matrix(document, 0, "recurrent_weights", hidden, hidden, source);
    MelodyRnn model(vocabulary, hidden);
    model_from_json(model.network_, document, source);
    return model;
  }

  /// Reads a model saved by save. Throws IoError for an unreadable file, FormatError for one that
  /// is not a melody RNN model.
  static MelodyRnn load(const std::filesystem::path& path) {
    return from_json(parse_model_text(read_file(path), path.string()), path.string());
  }

 private:
  MelodyVocabulary vocabulary_;
  Net network_;
  Matrix<float> input_;
};

}  // namespace bachprop::music

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
#include <bachprop/music/encoding/melody_vocabulary.hpp>
#include <bachprop/music/evaluate/melody_scores.hpp>
#include <bachprop/music/models/model_file.hpp>
#include <bachprop/music/score/note_sequence.hpp>
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
template <Scalar S = float>
class BasicMelodyRnn : public ModelFile<BasicMelodyRnn<S>> {
 public:
  /// The network type: Rnn, a Dense per step, then one softmax for the pitch, one for the duration.
  using Net = Network<Rnn<S>, Dense<S>, GroupedSoftmax<S>>;

  /// A fresh model over `vocabulary` (one-hot pitch stacked on one-hot duration, in and out)
  /// with `hidden` recurrent units, weights drawn from `seed`.
  BasicMelodyRnn(MelodyVocabulary vocabulary, Index hidden, std::uint64_t seed = 1)
      : vocabulary_(std::move(vocabulary)),
        network_(Rnn<S>(vocabulary_.size(), hidden),
                 Dense<S>(hidden, vocabulary_.size(), Init::xavier),
                 GroupedSoftmax<S>({vocabulary_.pitch_count(), vocabulary_.duration_count()})) {
    network_.initialise(seed);
  }

  /// The pitches and durations the model reads and predicts.
  const MelodyVocabulary& vocabulary() const { return vocabulary_; }
  /// Recurrent units.
  Index hidden_size() const { return network_.template layer<0>().hidden_size(); }
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
    vocabulary_.require_pitches(melodies, "MelodyRnn::evaluate");
    MelodyScoreSum sum(/*durations=*/true);
    const Index pitches = vocabulary_.pitch_count();
    for (const NoteSequence& notes : melodies) {
      const Matrix<S> predicted = predict(notes);
      for (Index t = 0; t < predicted.cols(); ++t) {
        const auto next = static_cast<std::size_t>(t) + 1;
        sum.add_pitch(predicted.col(t).head(pitches), vocabulary_.pitch_index(notes.pitches[next]));
        sum.add_duration(predicted.col(t).tail(vocabulary_.duration_count()),
                         vocabulary_.duration_index(notes.durations[next]));
      }
    }
    return sum.scores();
  }

  /// Starts a new melody for feed().
  void reset() { network_.reset_state(1); }

  /// Hears one note and returns the distribution of the next: the pitch probabilities
  /// (vocabulary pitch order) then the duration probabilities. Allocates nothing once warm.
  const Matrix<S>& feed(int pitch, double duration) {
    input_.setZero(vocabulary_.size(), 1);
    input_(vocabulary_.pitch_index(pitch), 0) = 1;
    input_(vocabulary_.pitch_count() + vocabulary_.duration_index(duration), 0) = 1;
    return network_.step(input_);
  }

  /// The model as JSON: the network, and in its metadata the vocabulary, the hidden size and
  /// whatever `extra` holds (training settings, scores).
  nlohmann::json to_json(const nlohmann::json& extra = nlohmann::json::object()) const {
    nlohmann::json metadata = extra;
    metadata["vocabulary"] = vocabulary_.to_json();
    metadata["hidden"] = hidden_size();
    return model_document(network_, "melody_rnn", std::move(metadata));
  }

  /// A model from a document written by to_json; `source` names it in errors.
  static BasicMelodyRnn from_json(const nlohmann::json& document, const std::string& source) {
    const nlohmann::json& metadata = model_metadata(document, "melody_rnn", "melody RNN", source);
    const auto vocabulary =
        MelodyVocabulary::from_json(metadata.value("vocabulary", nlohmann::json()), source);
    const Index hidden = metadata_size(metadata, "hidden", 1, 100000, source);
    // The network is built from these sizes: check first that the file holds matrices of them,
    // so that a forged size is refused rather than allocated.
    require_stored_matrix(document, 0, "input_weights", hidden, vocabulary.size(), source);
    require_stored_matrix(document, 0, "recurrent_weights", hidden, hidden, source);
    BasicMelodyRnn model(vocabulary, hidden);
    model_from_json(model.network_, document, source);
    return model;
  }

 private:
  MelodyVocabulary vocabulary_;
  Net network_;
  Matrix<S> input_;
};

/// The melody RNN in single precision, as the programs train and save it.
using MelodyRnn = BasicMelodyRnn<float>;

}  // namespace bachprop::music

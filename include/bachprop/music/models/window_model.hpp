#pragma once
/// @file
/// The feedforward melody model of the derivation paper's section 6: the embeddings of 32
/// consecutive notes in (one-hot pitch, MIDI 36-81, and one-hot duration in eighths, stacked),
/// the next 32 notes out, through one hidden sigmoid layer.
///
/// Two output layers are provided:
///   - WindowOutput::paper: sigmoid outputs with the quadratic cost (7), as the paper trained
///     it. Every output is its own yes/no, so a note's 46 pitch outputs are not a distribution;
///     the paper normalised them and sampled.
///   - WindowOutput::softmax: the fix, a softmax over each note's pitches and one over its
///     durations (GroupedSoftmax, 64 groups) with cross-entropy: each position's output is a
///     proper distribution over its pitches, trained by the loss that goes with it.
///
/// The first notes of a melody have fewer than 32 notes before them; their missing context is
/// left as zero columns (no note), so that every note after the first can be predicted.

#include <bachprop/core/network.hpp>
#include <bachprop/io/model_json.hpp>
#include <bachprop/layers/dense.hpp>
#include <bachprop/layers/grouped_softmax.hpp>
#include <bachprop/layers/sigmoid.hpp>
#include <bachprop/loss/cross_entropy.hpp>
#include <bachprop/loss/quadratic.hpp>
#include <bachprop/music/encoding/note_embedding.hpp>
#include <bachprop/music/score/note_sequence.hpp>
#include <bachprop/optim/adam.hpp>
#include <bachprop/optim/sgd.hpp>
#include <bachprop/train/early_stopping.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

namespace bachprop::music {

/// Which output layer and cost (see the file comment).
enum class WindowOutput { paper, softmax };

/// How a window model is built and trained.
struct WindowModelSettings {
  WindowOutput output = WindowOutput::softmax;  ///< the paper's sigmoids or per-note softmaxes
  Index context = 32;   ///< notes in
  Index horizon = 32;   ///< notes out
  Index hidden = 100;   ///< sigmoid neurons of the hidden layer
  Index epochs = 20;      ///< passes over the training windows, at most
  Index batch_size = 10;  ///< windows per gradient step
  /// η of plain gradient descent for the paper's version (as in the book), Adam's rate for the
  /// softmax version.
  double learning_rate = 1.0;
  int transpose_down = 0;  ///< augmentation by transposition, as for the RNN
  int transpose_up = 0;    ///< (0, 0: none)
  Index patience = 4;      ///< early stopping on the validation melodies
  std::uint64_t seed = 1;  ///< weights and batch shuffling follow it
};

/// The paper's embedding with eighth-note durations: MIDI 36..81 and 1..16 eighths.
inline NoteEmbedding paper_embedding() { return {36, 81, 16, false}; }

/// Notes on the paper's grid: durations rounded to whole eighths (at least one, at most 16).
inline NoteSequence on_eighth_grid(const NoteSequence& notes) {
  NoteSequence out = notes;
  for (double& d : out.durations) {
    d = std::clamp(std::round(d * 2.0), 1.0, 16.0) / 2.0;
  }
  return out;
}

/// The feedforward window model.
template <Scalar S = float>
class BasicWindowModel {
 public:
  /// The paper's network: Dense, sigmoid, Dense, sigmoid per output row (quadratic cost).
  using PaperNet = Network<Dense<S>, Sigmoid<S>, Dense<S>, Sigmoid<S>>;
  /// The fix: the same, but a softmax over each predicted note's pitch and over its duration.
  using SoftmaxNet = Network<Dense<S>, Sigmoid<S>, Dense<S>, GroupedSoftmax<S>>;

  /// A fresh network of the chosen output kind, weights drawn from settings.seed. Throws
  /// ArgumentError for sizes that are not positive.
  explicit BasicWindowModel(const WindowModelSettings& settings)
      : settings_(settings), embedding_(paper_embedding()) {
    const Index in = settings.context * embedding_.rows();
    const Index out = settings.horizon * embedding_.rows();
    if (settings.output == WindowOutput::paper) {
      network_ = PaperNet(Dense<S>(in, settings.hidden), Sigmoid<S>(),
                          Dense<S>(settings.hidden, out), Sigmoid<S>());
    } else {
      std::vector<Index> groups;
      for (Index i = 0; i < settings.horizon; ++i) {
        groups.push_back(embedding_.pitch_rows());
        groups.push_back(embedding_.duration_rows());
      }
      network_ = SoftmaxNet(Dense<S>(in, settings.hidden), Sigmoid<S>(),
                            Dense<S>(settings.hidden, out), GroupedSoftmax<S>(groups));
    }
    std::visit([&](auto& net) { net.initialise(settings.seed); }, network_);
  }

  /// The settings the model was built with.
  const WindowModelSettings& settings() const { return settings_; }
  /// The note encoding of every input and output column block (paper_embedding()).
  const NoteEmbedding& embedding() const { return embedding_; }

  /// The input column for predicting note `t` of `notes`: the embeddings of notes
  /// t − context .. t − 1, zero columns before the melody starts.
  template <class Column>
  void encode_context(const NoteSequence& notes, Index t, Column&& column) const {
    column.setZero();
    const Index rows = embedding_.rows();
    for (Index k = 0; k < settings_.context; ++k) {
      const Index note = t - settings_.context + k;
      if (note >= 0) {
        encode_note(notes, note, column.segment(k * rows, rows));
      }
    }
  }

  /// Training pairs: for every note t ≥ 1 whose whole horizon lies inside its melody, the
  /// context before t in, notes t .. t + horizon − 1 out.
  void make_examples(const std::vector<NoteSequence>& melodies, Matrix<S>& inputs,
                     Matrix<S>& targets) const {
    std::vector<std::pair<std::size_t, Index>> positions;
    for (std::size_t m = 0; m < melodies.size(); ++m) {
      const auto n = static_cast<Index>(melodies[m].size());
      for (Index t = 1; t + settings_.horizon <= n; ++t) {
        positions.emplace_back(m, t);
      }
    }
    const Index rows = embedding_.rows();
    inputs.setZero(settings_.context * rows, static_cast<Index>(positions.size()));
    targets.setZero(settings_.horizon * rows, static_cast<Index>(positions.size()));
    for (std::size_t i = 0; i < positions.size(); ++i) {
      const auto& [m, t] = positions[i];
      const auto column = static_cast<Index>(i);
      encode_context(melodies[m], t, inputs.col(column));
      for (Index k = 0; k < settings_.horizon; ++k) {
        encode_note(melodies[m], t + k, targets.col(column).segment(k * rows, rows));
      }
    }
  }

  /// Trains on the melodies (on the eighth grid, transposed as the settings ask), keeping the
  /// weights that predict the validation melodies' next notes best (bits per note).
  std::vector<ValidatedEpoch> train(
      const std::vector<NoteSequence>& melodies, const std::vector<NoteSequence>& validation,
      const std::function<void(const ValidatedEpoch&)>& on_epoch = {}) {
    std::vector<NoteSequence> grid;
    for (const auto& m : melodies) {
      for (int shift = -settings_.transpose_down; shift <= settings_.transpose_up; ++shift) {
        const NoteSequence moved = on_eighth_grid(transposed(m, shift));
        if (fits(moved)) {
          grid.push_back(moved);
        }
      }
    }
    Matrix<S> inputs;
    Matrix<S> targets;
    make_examples(grid, inputs, targets);
    if (inputs.cols() == 0) {
      throw ArgumentError("WindowModel::train: no melody is long enough for a " +
                          std::to_string(settings_.horizon) + "-note horizon");
    }
    const TrainOptions options{.epochs = settings_.epochs,
                               .batch_size = settings_.batch_size,
                               .seed = settings_.seed};
    auto score = [&] { return next_note_bits(validation).second; };
    return std::visit(
        [&](auto& net) {
          if constexpr (std::is_same_v<std::remove_cvref_t<decltype(net)>, PaperNet>) {
            Sgd<S> sgd(settings_.learning_rate);
            return train_keeping_best(net, Quadratic<S>(), sgd, inputs, targets, options,
                                      score, settings_.patience, on_epoch);
          } else {
            Adam<S> adam(settings_.learning_rate);
            return train_keeping_best(net, CrossEntropy<S>(), adam, inputs, targets, options,
                                      score, settings_.patience, on_epoch);
          }
        },
        network_);
  }

  /// The network's outputs for a batch of contexts (horizon × embedding rows per column).
  const Matrix<S>& forward(const Matrix<S>& contexts) {
    return std::visit([&](auto& net) -> const Matrix<S>& { return net.forward(contexts); },
                      network_);
  }

  /// The next note's pitch distribution for every note t ≥ 1 of `notes` (one column each, the
  /// embedding's pitch order): position 0 of the output, normalised to sum to 1 (for the
  /// paper's sigmoid outputs this is the normalisation the paper sampled from).
  Matrix<S> next_pitch_distributions(const NoteSequence& notes) {
    return next_distributions(notes, true);
  }
  /// The same for the next note's duration (the embedding's duration order).
  Matrix<S> next_duration_distributions(const NoteSequence& notes) {
    return next_distributions(notes, false);
  }

  /// Mean bits per pitch and per note (pitch + duration) of the next note over every note
  /// t ≥ 1 of the melodies (on the eighth grid).
  std::pair<double, double> next_note_bits(const std::vector<NoteSequence>& melodies) {
    double pitch_bits = 0;
    double note_bits = 0;
    std::size_t count = 0;
    for (const auto& original : melodies) {
      const NoteSequence notes = on_eighth_grid(original);
      const Matrix<S> pitches = next_pitch_distributions(notes);
      const Matrix<S> durations = next_duration_distributions(notes);
      for (Index t = 1; t < static_cast<Index>(notes.size()); ++t) {
        const double p =
            pitches(embedding_.pitch_row(notes.pitches[static_cast<std::size_t>(t)]), t - 1);
        const double d =
            durations(embedding_.duration_row(notes.durations[static_cast<std::size_t>(t)]), t - 1);
        pitch_bits -= std::log2(std::max(p, 1e-12));
        note_bits -= std::log2(std::max(p, 1e-12)) + std::log2(std::max(d, 1e-12));
        ++count;
      }
    }
    return {pitch_bits / static_cast<double>(std::max<std::size_t>(count, 1)),
            note_bits / static_cast<double>(std::max<std::size_t>(count, 1))};
  }

  /// True when every pitch of `notes` is in the embedding's range.
  bool fits(const NoteSequence& notes) const {
    return std::all_of(notes.pitches.begin(), notes.pitches.end(), [&](int p) {
      return p >= embedding_.lowest_pitch && p <= embedding_.highest_pitch;
    });
  }

 private:
  template <class Column>
  void encode_note(const NoteSequence& notes, Index i, Column&& column) const {
    embedding_.encode_event({notes.pitches[static_cast<std::size_t>(i)],
                             notes.durations[static_cast<std::size_t>(i)]},
                            column);
  }

  Matrix<S> next_distributions(const NoteSequence& notes, bool pitch) {
    const auto n = static_cast<Index>(notes.size());
    const Index rows = embedding_.rows();
    const Index block = pitch ? embedding_.pitch_rows() : embedding_.duration_rows();
    const Index offset = pitch ? 0 : embedding_.pitch_rows();
    Matrix<S> contexts(settings_.context * rows, std::max<Index>(n - 1, 0));
    for (Index t = 1; t < n; ++t) {
      encode_context(notes, t, contexts.col(t - 1));
    }
    Matrix<S> out = forward(contexts).topRows(rows).middleRows(offset, block);
    for (Index j = 0; j < out.cols(); ++j) {
      const S total = out.col(j).sum();
      out.col(j) /= total > 0 ? total : S(1);
    }
    return out;
  }

  WindowModelSettings settings_;
  NoteEmbedding embedding_;
  std::variant<PaperNet, SoftmaxNet> network_{
      PaperNet(Dense<S>(1, 1), Sigmoid<S>(), Dense<S>(1, 1), Sigmoid<S>())};
};

/// The window model in single precision, as the programs train and save it.
using WindowModel = BasicWindowModel<float>;

}  // namespace bachprop::music

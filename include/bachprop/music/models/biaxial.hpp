#pragma once
/// @file
/// The biaxial piano model (after Johnson 2015): two LSTM stacks on two axes. Along **time**, one
/// LSTM stack runs for every key of the keyboard, the same weights for all 88 (each key hears the
/// previous frame from its own point of view: music/encoding/biaxial_features.hpp), so what it
/// learns holds in every transposition. The result is **transposed**: at each frame a second
/// LSTM stack runs along the **keyboard**, bottom to top, hearing each key's time-axis output
/// and whether the key below it is played and struck in this frame. A dense layer gives each key
/// two logits: it is played; it is struck anew (articulated) rather than held.
///
/// Because key k is predicted from the past and from keys 0..k−1 of its own frame, the
/// probability of a frame is the product of the keys' conditional probabilities, exactly: the
/// model's loss is the frame's negative log-likelihood, and the play part of it is the figure
/// the JSB benchmark reports. Training feeds the true keys below (teacher forcing along the
/// keyboard); generation draws them key by key. Equations (48)-(54), docs/derivation.md.
///
/// Layout. A batch of B segments of T frames over K keys: the time-axis networks read
/// features × (T·B·K) columns, column t·BK + bK + k (time-major, sequences the B·K keys); the
/// note-axis networks read (H + 2) × (K·T·B), column k·TB + tB + b (key-major: the keyboard is
/// their time). Frames past a piece's end pad a segment and count nowhere: both axes only look
/// back, so padding after the end changes nothing before it.

#include <bachprop/core/network.hpp>
#include <bachprop/core/network_group.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/layers/dense.hpp>
#include <bachprop/layers/dropout.hpp>
#include <bachprop/layers/lstm.hpp>
#include <bachprop/music/encoding/biaxial_features.hpp>
#include <bachprop/music/models/model_file.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace bachprop::music {

/// What the model reads of a piece: `play` and `articulate` flags (keys × frames, struck ⊆
/// played) and the frames in a bar, for the beat. music/encoding/articulated_roll.hpp's
/// ArticulatedRoll is one.
template <class R>
concept BiaxialRoll = requires(const R& roll) {
  { roll.play } -> std::convertible_to<const RollMatrix&>;
  { roll.articulate } -> std::convertible_to<const RollMatrix&>;
  { roll.frames_per_bar } -> std::convertible_to<Index>;
};

/// Frames `start` .. start + T − 1 of a piece, one sequence of a training batch.
template <BiaxialRoll R>
struct BiaxialSegment {
  const R* piece = nullptr;  ///< the piece (outlives the batch)
  Index start = 0;           ///< its first frame
};

/// The sizes of a biaxial model.
struct BiaxialShape {
  Index time_hidden_1 = 96;  ///< units of the first time-axis LSTM
  Index time_hidden_2 = 96;  ///< units of the second time-axis LSTM
  Index note_hidden_1 = 64;  ///< units of the first note-axis LSTM
  Index note_hidden_2 = 32;  ///< units of the second note-axis LSTM
  double dropout = 0.5;      ///< dropout after every LSTM while training
  int lowest_pitch = 21;     ///< MIDI pitch of key 0 (A0)
  Index keys = 88;           ///< keys on the keyboard
};

/// Negative log-likelihoods of some frames, in nats, summed: the play outputs (every key) and
/// the articulate outputs (the played keys), and how many frames they cover.
struct BiaxialNats {
  double play = 0;        ///< −Σ log P(play flags)
  double articulate = 0;  ///< −Σ log P(articulate flags of the played keys)
  double frames = 0;      ///< frames counted
  /// Nats per frame of the play outputs: the benchmark's figure.
  double play_per_frame() const { return frames > 0 ? play / frames : 0.0; }
  /// Nats per frame of both outputs: the training loss.
  double per_frame() const { return frames > 0 ? (play + articulate) / frames : 0.0; }
  /// Adds another count.
  BiaxialNats& operator+=(const BiaxialNats& other) {
    play += other.play;
    articulate += other.articulate;
    frames += other.frames;
    return *this;
  }
};

/// The biaxial model (file comment) in scalar type S.
template <Scalar S = float>
class BasicBiaxialModel : public ModelFile<BasicBiaxialModel<S>> {
 public:
  /// The time axis: two LSTMs, each followed by dropout.
  using TimeNet = Network<Lstm<S>, Dropout<S>, Lstm<S>, Dropout<S>>;
  /// The note axis: two LSTMs with dropout, then the two logits of each key.
  using NoteNet = Network<Lstm<S>, Dropout<S>, Lstm<S>, Dropout<S>, Dense<S>>;
  /// Both, as one list of layers and parameters (for the optimisers, JSON and checkpoints).
  using Networks = NetworkGroup<TimeNet, NoteNet>;

  /// A model of `shape`, weights drawn from `seed` (dropout masks from seeds derived from it).
  /// Throws ArgumentError for sizes that are not positive, a dropout outside [0, 1) or keys
  /// outside MIDI 0..127.
  explicit BasicBiaxialModel(const BiaxialShape& shape = {}, std::uint64_t seed = 1)
      : shape_(checked(shape)), networks_(time_network(shape_, seed), note_network(shape_, seed)) {
    networks_.initialise(seed);
  }

  /// The sizes.
  const BiaxialShape& shape() const { return shape_; }
  /// Both networks, to train (optimisers, clipping, checkpoints take them as they are).
  Networks& networks() { return networks_; }
  /// Both networks, read-only.
  const Networks& networks() const { return networks_; }
  /// Training (dropout on) or evaluation.
  void set_training(bool training) { networks_.set_training(training); }

  /// One gradient evaluation on a batch of segments of `steps` frames: forward along both axes,
  /// the loss (52) and backward (53)-(54). Afterwards every parameter holds the gradient of the
  /// loss per frame (play and articulate nats over the frames that exist). Returns the nats.
  template <BiaxialRoll R>
  BiaxialNats compute_gradients(const std::vector<BiaxialSegment<R>>& segments, Index steps) {
    forward(segments, steps);
    const BiaxialNats nats = output_loss(segments, steps, 0, true);
    // doc:begin biaxial-backward
    // (54) the note axis back to its inputs; the time-axis rows of ∂C/∂u are ∂C/∂h, transposed
    // back to the time axis's columns; the key-below rows are data and stop there
    const Matrix<S>& note_gradient = note().backward(output_gradient_);
    for_each_cell(segments.size(), steps, [&](Index time_column, Index note_column) {
      time_gradient_.col(time_column) = note_gradient.col(note_column).head(time_output_rows());
    });
    time().backward_parameters(time_gradient_);
    // doc:end biaxial-backward
    return nats;
  }

  /// The nats of a batch without a backward pass (frames at or after `first_frame` of their
  /// piece).
  template <BiaxialRoll R>
  BiaxialNats loss(const std::vector<BiaxialSegment<R>>& segments, Index steps,
                   Index first_frame = 0) {
    forward(segments, steps);
    return output_loss(segments, steps, first_frame, false);
  }

  /// The nats of a whole piece, in evaluation mode, counting frames from `first_frame` on (1: as
  /// the JSB benchmark counts, every frame predicted from at least one before it).
  template <BiaxialRoll R>
  BiaxialNats piece_nats(const R& piece, Index first_frame = 1) {
    const bool was_training = networks_.template network<0>().training();
    set_training(false);
    const std::vector<BiaxialSegment<R>> whole{{&piece, 0}};
    const BiaxialNats nats = loss(whole, piece.play.cols(), first_frame);
    set_training(was_training);
    return nats;
  }

  /// Starts a new piece for hear() and draw(): the time axis's state is zero, the frame before
  /// is silence.
  void start_piece() {
    time().reset_state(shape_.keys);
    previous_play_.setZero(shape_.keys);
    previous_articulate_.setZero(shape_.keys);
    frame_ = 0;
  }

  /// Hears frame `frame` of `piece` (a primer): the time axis advances one frame.
  template <BiaxialRoll R>
  void hear(const R& piece, Index frame, Index frames_per_bar) {
    advance_time(frames_per_bar);
    previous_play_ = piece.play.col(frame);
    previous_articulate_ = piece.articulate.col(frame);
  }

  /// Draws the next frame key by key, bottom to top, each key played with probability
  /// σ(z/temperature) given the past and the keys below, and struck anew with σ(z'/temperature)
  /// when it is played and was played before (a key that was silent is always struck). Returns
  /// the frame's played flags (articulations in last_articulated()). Allocates nothing once the
  /// buffers have their sizes.
  const Eigen::Matrix<std::uint8_t, Eigen::Dynamic, 1>& draw(Rng& rng, Index frames_per_bar,
                                                            double temperature = 1.0) {
    if (!(temperature > 0.0) || !std::isfinite(temperature)) {
      throw ArgumentError("BiaxialModel::draw: the temperature must be positive and finite");
    }
    const Matrix<S>& time_output = advance_time(frames_per_bar);
    const Index hidden = time_output_rows();
    note().reset_state(1);
    note_step_.resize(hidden + 2, 1);
    drawn_play_.setZero(shape_.keys);
    drawn_articulate_.setZero(shape_.keys);
    for (Index k = 0; k < shape_.keys; ++k) {
      note_step_.col(0).head(hidden) = time_output.col(k);
      note_step_(hidden, 0) = k > 0 ? S(drawn_play_(k - 1)) : S(0);
      note_step_(hidden + 1, 0) = k > 0 ? S(drawn_articulate_(k - 1)) : S(0);
      const Matrix<S>& logits = note().step(note_step_);
      const bool played = rng.uniform() < sigmoid(static_cast<double>(logits(0, 0)) / temperature);
      const bool struck =
          played && (previous_play_(k) == 0 ||
                     rng.uniform() < sigmoid(static_cast<double>(logits(1, 0)) / temperature));
      drawn_play_(k) = played ? 1 : 0;
      drawn_articulate_(k) = struck ? 1 : 0;
    }
    previous_play_ = drawn_play_;
    previous_articulate_ = drawn_articulate_;
    return drawn_play_;
  }
  /// The articulate flags of the frame draw() returned last.
  const Eigen::Matrix<std::uint8_t, Eigen::Dynamic, 1>& last_articulated() const {
    return drawn_articulate_;
  }

  /// The model as JSON: both networks' layers, and in the metadata the shape and `extra`.
  nlohmann::json to_json(const nlohmann::json& extra = nlohmann::json::object()) const {
    nlohmann::json metadata = extra;
    metadata["time_hidden"] = {shape_.time_hidden_1, shape_.time_hidden_2};
    metadata["note_hidden"] = {shape_.note_hidden_1, shape_.note_hidden_2};
    metadata["dropout"] = shape_.dropout;
    metadata["lowest"] = shape_.lowest_pitch;
    metadata["keys"] = shape_.keys;
    metadata["features"] = biaxial_feature_count;
    return model_document(networks_, "biaxial", std::move(metadata));
  }

  /// A model from a document written by to_json; `source` names it in errors.
  static BasicBiaxialModel from_json(const nlohmann::json& document, const std::string& source) {
    const nlohmann::json& metadata = model_metadata(document, "biaxial", "biaxial model", source);
    BiaxialShape shape;
    const auto sizes = [&](const char* key, Index& first, Index& second) {
      const auto found = metadata.find(key);
      if (found == metadata.end() || !found->is_array() || found->size() != 2) {
        throw FormatError(source + ": metadata '" + key + "' should list two layer sizes");
      }
      nlohmann::json pair = {{"first", (*found)[0]}, {"second", (*found)[1]}};
      first = metadata_size(pair, "first", 1, 100000, source);
      second = metadata_size(pair, "second", 1, 100000, source);
    };
    sizes("time_hidden", shape.time_hidden_1, shape.time_hidden_2);
    sizes("note_hidden", shape.note_hidden_1, shape.note_hidden_2);
    shape.lowest_pitch = static_cast<int>(metadata_size(metadata, "lowest", 0, 127, source));
    shape.keys = metadata_size(metadata, "keys", 1, 128 - shape.lowest_pitch, source);
    metadata_size(metadata, "features", biaxial_feature_count, biaxial_feature_count, source);
    const auto rate = metadata.find("dropout");
    if (rate == metadata.end() || !rate->is_number() || !(rate->get<double>() >= 0.0) ||
        !(rate->get<double>() < 1.0)) {
      throw FormatError(source + ": metadata 'dropout' should be a rate in [0, 1)");
    }
    shape.dropout = rate->get<double>();
    // A forged size must be backed by the matrices stored: checked before anything is built.
    const Index t1 = shape.time_hidden_1, t2 = shape.time_hidden_2;
    const Index n1 = shape.note_hidden_1, n2 = shape.note_hidden_2;
    require_stored_matrix(document, 0, "input_weights", 4 * t1, biaxial_feature_count, source);
    require_stored_matrix(document, 0, "recurrent_weights", 4 * t1, t1, source);
    require_stored_matrix(document, 2, "input_weights", 4 * t2, t1, source);
    require_stored_matrix(document, 2, "recurrent_weights", 4 * t2, t2, source);
    require_stored_matrix(document, 4, "input_weights", 4 * n1, t2 + 2, source);
    require_stored_matrix(document, 4, "recurrent_weights", 4 * n1, n1, source);
    require_stored_matrix(document, 6, "input_weights", 4 * n2, n1, source);
    require_stored_matrix(document, 6, "recurrent_weights", 4 * n2, n2, source);
    require_stored_matrix(document, 8, "weights", 2, n2, source);
    BasicBiaxialModel model(shape);
    model_from_json(model.networks_, document, source);
    return model;
  }

 private:
  static BiaxialShape checked(const BiaxialShape& shape) {
    if (shape.time_hidden_1 < 1 || shape.time_hidden_2 < 1 || shape.note_hidden_1 < 1 ||
        shape.note_hidden_2 < 1 || shape.keys < 1 || shape.lowest_pitch < 0 ||
        shape.lowest_pitch + shape.keys > 128 || !(shape.dropout >= 0.0) ||
        !(shape.dropout < 1.0)) {
      throw ArgumentError(
          "BiaxialModel: expected positive layer sizes, keys within MIDI 0..127 and a dropout "
          "rate in [0, 1)");
    }
    return shape;
  }
  static TimeNet time_network(const BiaxialShape& s, std::uint64_t seed) {
    return TimeNet(Lstm<S>(biaxial_feature_count, s.time_hidden_1),
                   Dropout<S>(s.dropout, seed + 11), Lstm<S>(s.time_hidden_1, s.time_hidden_2),
                   Dropout<S>(s.dropout, seed + 12));
  }
  static NoteNet note_network(const BiaxialShape& s, std::uint64_t seed) {
    return NoteNet(Lstm<S>(s.time_hidden_2 + 2, s.note_hidden_1), Dropout<S>(s.dropout, seed + 13),
                   Lstm<S>(s.note_hidden_1, s.note_hidden_2), Dropout<S>(s.dropout, seed + 14),
                   Dense<S>(s.note_hidden_2, 2, Init::xavier));
  }
  TimeNet& time() { return networks_.template network<0>(); }
  NoteNet& note() { return networks_.template network<1>(); }
  Index time_output_rows() const { return shape_.time_hidden_2; }
  static double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }
  // log(1 + e^z) without overflow.
  static double softplus(double z) { return std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z))); }

  // Calls cell(time-axis column, note-axis column) for every (frame, segment, key) of a batch.
  template <class F>
  void for_each_cell(std::size_t segments, Index steps, F&& cell) const {
    const auto b = static_cast<Index>(segments);
    const Index keys = shape_.keys;
    for (Index k = 0; k < keys; ++k) {
      for (Index t = 0; t < steps; ++t) {
        for (Index s = 0; s < b; ++s) {
          cell(t * b * keys + s * keys + k, k * steps * b + t * b + s);
        }
      }
    }
  }

  // Both axes forward over a batch: features (48), the time axis (49), the transpose with the
  // keys below (50), the note axis and its logits (51).
  template <BiaxialRoll R>
  void forward(const std::vector<BiaxialSegment<R>>& segments, Index steps) {
    const auto b = static_cast<Index>(segments.size());
    const Index keys = shape_.keys;
    if (b < 1 || steps < 1) {
      throw ArgumentError("BiaxialModel: a batch needs at least one segment of one frame");
    }
    time_input_.resize(biaxial_feature_count, steps * b * keys);
    for (Index s = 0; s < b; ++s) {
      const R& piece = checked_piece(*segments[static_cast<std::size_t>(s)].piece);
      for (Index t = 0; t < steps; ++t) {
        const Index frame = segments[static_cast<std::size_t>(s)].start + t;
        auto block = time_input_.middleCols(t * b * keys + s * keys, keys);
        if (frame >= piece.play.cols()) {
          block.setZero();  // padding past the end: counted nowhere
        } else if (frame == 0) {
          biaxial_features_after_silence(shape_.lowest_pitch, keys, frame, piece.frames_per_bar,
                                         block);
        } else {
          biaxial_features(piece.play.col(frame - 1), piece.articulate.col(frame - 1),
                           shape_.lowest_pitch, keys, frame, piece.frames_per_bar, block);
        }
      }
    }
    time().set_steps(steps);
    const Matrix<S>& time_output = time().forward(time_input_);
    const Index hidden = time_output_rows();
    // doc:begin biaxial-transpose
    // (50) u_{k,t} = [h_{k,t}; played and struck flags of key k − 1 in frame t] (teacher forcing)
    note_input_.resize(hidden + 2, steps * b * keys);
    time_gradient_.resize(hidden, steps * b * keys);
    for_each_cell(segments.size(), steps, [&](Index time_column, Index note_column) {
      const Index k = note_column / (steps * b);
      const Index t = (note_column / b) % steps;
      const auto& segment = segments[static_cast<std::size_t>(note_column % b)];
      const Index frame = segment.start + t;
      const bool below = k > 0 && frame < segment.piece->play.cols();
      note_input_.col(note_column).head(hidden) = time_output.col(time_column);
      note_input_(hidden, note_column) = below ? S(segment.piece->play(k - 1, frame)) : S(0);
      note_input_(hidden + 1, note_column) =
          below ? S(segment.piece->articulate(k - 1, frame)) : S(0);
    });
    // doc:end biaxial-transpose
    note().set_steps(keys);
    logits_ = &note().forward(note_input_);
  }

  // The loss (52) of the latest forward and, when asked, its gradient (53) in output_gradient_.
  template <BiaxialRoll R>
  BiaxialNats output_loss(const std::vector<BiaxialSegment<R>>& segments, Index steps,
                          Index first_frame, bool want_gradient) {
    const auto b = static_cast<Index>(segments.size());
    const Index keys = shape_.keys;
    const Matrix<S>& logits = *logits_;
    BiaxialNats nats;
    for (const auto& segment : segments) {
      const Index end = std::min(segment.start + steps, segment.piece->play.cols());
      nats.frames += static_cast<double>(std::max<Index>(
          0, end - std::max(segment.start, first_frame)));
    }
    if (want_gradient) {
      output_gradient_.setZero(2, logits.cols());
    }
    const double scale = nats.frames > 0 ? 1.0 / nats.frames : 0.0;
    for (Index k = 0; k < keys; ++k) {
      for (Index t = 0; t < steps; ++t) {
        for (Index s = 0; s < b; ++s) {
          const auto& segment = segments[static_cast<std::size_t>(s)];
          const Index frame = segment.start + t;
          if (frame >= segment.piece->play.cols() || frame < first_frame) {
            continue;
          }
          const Index column = k * steps * b + t * b + s;
          const double y = segment.piece->play(k, frame);
          const double a = segment.piece->articulate(k, frame);
          const double z_play = static_cast<double>(logits(0, column));
          const double z_strike = static_cast<double>(logits(1, column));
          // doc:begin biaxial-loss
          // (52) −log P = softplus(z) − y·z for the play flag, and for a played key the strike
          // flag's; (53) ∂C/∂z = σ(z) − y, ∂C/∂z' = y(σ(z') − a), per frame of the batch
          nats.play += softplus(z_play) - y * z_play;
          nats.articulate += y * (softplus(z_strike) - a * z_strike);
          if (want_gradient) {
            output_gradient_(0, column) = static_cast<S>((sigmoid(z_play) - y) * scale);
            output_gradient_(1, column) = static_cast<S>(y * (sigmoid(z_strike) - a) * scale);
          }
          // doc:end biaxial-loss
        }
      }
    }
    return nats;
  }

  // One frame of the time axis for hear() and draw(), from the previous frame's flags.
  const Matrix<S>& advance_time(Index frames_per_bar) {
    if (previous_play_.size() != shape_.keys) {
      start_piece();
    }
    step_input_.resize(biaxial_feature_count, shape_.keys);
    if (frame_ == 0) {
      biaxial_features_after_silence(shape_.lowest_pitch, shape_.keys, 0, frames_per_bar,
                                     step_input_);
    } else {
      biaxial_features(previous_play_, previous_articulate_, shape_.lowest_pitch, shape_.keys,
                       frame_, frames_per_bar, step_input_);
    }
    ++frame_;
    return time().step(step_input_);
  }

  template <BiaxialRoll R>
  const R& checked_piece(const R& piece) const {
    if (piece.play.rows() != shape_.keys || piece.articulate.rows() != shape_.keys ||
        piece.articulate.cols() != piece.play.cols() || piece.frames_per_bar < 1) {
      throw ArgumentError("BiaxialModel: a piece must have " + std::to_string(shape_.keys) +
                          " keys of play and articulate flags over the same frames and a "
                          "positive bar length (it has " + std::to_string(piece.play.rows()) +
                          " keys)");
    }
    return piece;
  }

  BiaxialShape shape_;
  Networks networks_;
  Matrix<S> time_input_, note_input_, output_gradient_, time_gradient_, step_input_, note_step_;
  Eigen::Matrix<std::uint8_t, Eigen::Dynamic, 1> previous_play_, previous_articulate_;
  Eigen::Matrix<std::uint8_t, Eigen::Dynamic, 1> drawn_play_, drawn_articulate_;
  const Matrix<S>* logits_ = nullptr;  // the note axis's output after the latest forward
  Index frame_ = 0;
};

/// The biaxial model in single precision, as the program trains and saves it.
using BiaxialModel = BasicBiaxialModel<float>;

}  // namespace bachprop::music

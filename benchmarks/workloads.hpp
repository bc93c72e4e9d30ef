#pragma once
/// @file
/// The benchmark workloads, shared by the benchmark program and its shape table: each one's
/// network, its synthetic data and the arithmetic it needs per sample.
///
/// Every figure the runner compares (samples per second, GFLOP/s) is computed from the same
/// shapes on every side: the PyTorch and numpy twins (torch_twin.py, numpy_twin.py) build the
/// same networks and read the same constants from `shapes.json`, which this program writes.
/// The biaxial model's workloads (issue 18) have no twin: they are bachprop's alone.

#include <bachprop/bachprop.hpp>
#include <bachprop/music/models/biaxial.hpp>
#include <bachprop/music/models/biaxial_training.hpp>

#include <algorithm>
#include <cstdint>
#include <string>

namespace bench {

using bachprop::Index;
using bachprop::Matrix;

/// Sizes of every workload (the twins use the same numbers).
struct Shapes {
  // 1. the book's MNIST network 784-30-10, sigmoid, quadratic cost, SGD (Nielsen's network.py)
  static constexpr Index book_inputs = 784;
  static constexpr Index book_hidden = 30;
  static constexpr Index book_outputs = 10;
  static constexpr Index book_samples = 12800;  // divisible by 10, 64 and 256: no ragged batch
  static constexpr double book_learning_rate = 3.0;
  // 2. the autoencoder 784-128-32-128-784, sigmoid everywhere, binary cross-entropy, Adam
  static constexpr Index auto_inputs = 784;
  static constexpr Index auto_wide = 128;
  static constexpr Index auto_code = 32;
  static constexpr Index auto_samples = 5120;  // divisible by 64 and 256
  static constexpr double auto_learning_rate = 1e-3;
  // 3-4. the next-note RNN: one-hot vocabulary 64, tanh hidden 128, Dense 128→64 + softmax,
  // cross-entropy at every step, 32 steps, full BPTT, SGD
  static constexpr Index rnn_vocabulary = 64;
  static constexpr Index rnn_hidden = 128;
  static constexpr Index rnn_steps = 32;
  static constexpr Index rnn_sequences = 640;  // 20 batches of 32
  static constexpr double rnn_learning_rate = 0.1;
  static constexpr Index generation_steps = 20000;  // per timed repeat
  // 6-7. the next-note LSTM: the RNN's vocabulary, data, steps, loss and SGD, an Lstm 128 in
  // place of the Rnn (four gates: four times the RNN's products)
  static constexpr Index lstm_hidden = 128;
  // 5. the practical limit
  static constexpr Index gemm_size = 1024;
  // 8-9. the biaxial piano model (issue 18), ours only: the bach_biaxial program's model and
  // training (biaxial_shape(), biaxial_settings()) on synthetic four-voice pieces
  static constexpr Index biaxial_pieces = 4;
  static constexpr Index biaxial_piece_frames = 320;  // 9 windows of 64 at stride 32, none padded
  static constexpr Index biaxial_frames_per_bar = 16;
  static constexpr Index biaxial_steps = 8;             // training steps per timed repeat
  static constexpr Index biaxial_generated_frames = 64;  // frames drawn per timed repeat
  static constexpr double biaxial_frame_budget_ms = 125;  // a sixteenth at 120 beats a minute
};

/// Multiply-adds counted as 2 FLOPs, products only (what any implementation must compute; the
/// first layer's input gradient is not needed and not counted). The same count is used for
/// every side, so GFLOP/s compare like with like.
inline double dense_training_flops(std::initializer_list<Index> widths) {
  double flops = 0;
  Index previous = -1;
  bool first = true;
  for (const Index width : widths) {
    if (previous > 0) {
      const double weights = static_cast<double>(previous) * static_cast<double>(width);
      flops += 2 * weights;            // forward W a
      flops += 2 * weights;            // backward δ aᵀ
      flops += first ? 0 : 2 * weights;  // backward Wᵀ δ, except into the input
      first = false;
    }
    previous = width;
  }
  return flops;
}

/// FLOPs per training sequence of the RNN workload: the work a sequence needs, products only.
/// The inputs are one-hot notes, so W_xh x_t is a column of W_xh (a gather, no arithmetic) and
/// ∂C/∂W_xh a sum of δ columns (additions only): neither is counted, although the twins compute
/// them as dense products (that work is theirs, not the workload's). Counted: the recurrent
/// products from step 1 (h_{-1} = 0), the output layer's, and their gradients.
inline double rnn_training_flops() {
  const double v = Shapes::rnn_vocabulary;
  const double h = Shapes::rnn_hidden;
  const double t = Shapes::rnn_steps;
  const double forward = (t - 1) * 2 * h * h + t * 2 * v * h;
  const double backward = t * 2 * v * h * 2          // output layer: δ hᵀ and Wᵀ δ
                          + (t - 1) * 2 * h * h * 2;  // W_hh gradient and W_hhᵀ δ through time
  return forward + backward;
}

/// FLOPs of one generation step (batch 1): W_hh h and the output layer (the one-hot input's
/// W_xh x is a gather, not counted).
inline double rnn_step_flops() {
  const double v = Shapes::rnn_vocabulary;
  const double h = Shapes::rnn_hidden;
  return 2 * h * h + 2 * v * h;
}

/// FLOPs per training sequence of the LSTM workload, counted as for the RNN: each of the four
/// gates has the RNN's recurrent products (from step 1, h_{-1} = 0), then the same output layer;
/// the one-hot input projection W_x x_t (a gather) and its gradient (sums of δ columns) are not
/// counted, nor the gates' elementwise work.
inline double lstm_training_flops() {
  const double v = Shapes::rnn_vocabulary;
  const double h = Shapes::lstm_hidden;
  const double t = Shapes::rnn_steps;
  const double g = 4 * h;  // the four gates' rows
  const double forward = (t - 1) * 2 * g * h + t * 2 * v * h;
  const double backward = t * 2 * v * h * 2          // output layer: δ hᵀ and Wᵀ δ
                          + (t - 1) * 2 * g * h * 2;  // W_h gradient and W_hᵀ δ through time
  return forward + backward;
}

/// FLOPs of one LSTM generation step (batch 1): W_h h for the four gates and the output layer.
inline double lstm_step_flops() {
  const double v = Shapes::rnn_vocabulary;
  const double h = Shapes::lstm_hidden;
  return 2 * 4 * h * h + 2 * v * h;
}

/// The biaxial model's shape: the bach_biaxial program's default (time-axis LSTMs 96 and 96,
/// note-axis LSTMs 64 and 32, dropout 0.5, the 88 piano keys).
inline bachprop::music::BiaxialShape biaxial_shape() { return {}; }

/// The program's training settings: windows of 64 frames, one window per Adadelta step (η = 1),
/// gradients clipped at norm 5.
inline bachprop::music::BiaxialTrainingSettings biaxial_settings() { return {.batch_size = 1}; }

/// FLOPs of the biaxial model's training per frame, at `windows` windows of T frames per step,
/// counting the products only, as for the LSTM workload. Per LSTM of h units reading n inputs
/// over C columns of which R have a step before them: forward 2·4h·n·C (W_x x) + 2·4h·h·R
/// (W_h h_{t−1}, not at the first step), backward 2·4h·n·C (∂C/∂W_x) + 2·4h·h·R (∂C/∂W_h) +
/// 2·4h·h·R (W_hᵀ δ through time) + 2·4h·n·C (W_xᵀ δ, the input's gradient, except for the first
/// time-axis layer, whose input is data: backward_parameters). The time axis runs B·K sequences
/// of T steps (C = T·B·K, R = (T−1)·B·K), the note axis T·B sequences of K steps (C = K·T·B,
/// R = (K−1)·T·B); the dense layer's 2 logits per key cost 2·2·n·C forward and twice that
/// backward. Dropout, the gates' and the loss's elementwise work are not counted.
inline double biaxial_training_flops(Index windows) {
  const bachprop::music::BiaxialShape shape = biaxial_shape();
  const auto k = static_cast<double>(shape.keys);
  const auto t = static_cast<double>(biaxial_settings().segment_frames);
  const auto b = static_cast<double>(windows);
  const double columns = t * b * k;
  auto lstm = [](double n, double h, double c, double r, bool input_gradient) {
    const double g = 4 * h;
    return 2 * g * n * c + 2 * g * h * r              // forward
           + 2 * g * n * c + 2 * g * h * r * 2        // ∂C/∂W_x, ∂C/∂W_h, W_hᵀ δ
           + (input_gradient ? 2 * g * n * c : 0.0);  // W_xᵀ δ
  };
  const auto features = static_cast<double>(bachprop::music::biaxial_feature_count);
  const auto h1 = static_cast<double>(shape.time_hidden_1);
  const auto h2 = static_cast<double>(shape.time_hidden_2);
  const auto n1 = static_cast<double>(shape.note_hidden_1);
  const auto n2 = static_cast<double>(shape.note_hidden_2);
  const double time_later = (t - 1) * b * k;
  const double note_later = (k - 1) * t * b;
  const double flops = lstm(features, h1, columns, time_later, false) +
                       lstm(h1, h2, columns, time_later, true) +
                       lstm(h2 + 2, n1, columns, note_later, true) +
                       lstm(n1, n2, columns, note_later, true) + 3 * 2 * 2 * n2 * columns;
  return flops / (t * b);
}

/// FLOPs of one generated frame (BasicBiaxialModel::draw): one time-axis step at batch K, then
/// K note-axis steps at batch 1; a step computes W_x x + W_h h whatever the state (the first
/// note step's h is zero, its product done all the same), then the dense layer's 2 logits.
inline double biaxial_generation_flops() {
  const bachprop::music::BiaxialShape shape = biaxial_shape();
  const auto k = static_cast<double>(shape.keys);
  auto lstm_step = [](double n, double h) { return 2 * 4 * h * (n + h); };
  const auto features = static_cast<double>(bachprop::music::biaxial_feature_count);
  const auto h1 = static_cast<double>(shape.time_hidden_1);
  const auto h2 = static_cast<double>(shape.time_hidden_2);
  const auto n1 = static_cast<double>(shape.note_hidden_1);
  const auto n2 = static_cast<double>(shape.note_hidden_2);
  return k * (lstm_step(features, h1) + lstm_step(h1, h2)) +
         k * (lstm_step(h2 + 2, n1) + lstm_step(n1, n2) + 2 * 2 * n2);
}

/// A synthetic piece for the biaxial model: four voices walking by steps of at most two
/// semitones around E2, E3, C4 and G4, each note held 1, 2 or 4 frames and struck anew, now and
/// then a rest (speed does not depend on what is played, but the rolls look like chorales).
inline bachprop::music::ArticulatedRoll random_chords(Index frames, std::uint64_t seed) {
  bachprop::music::ArticulatedRoll roll;
  roll.frames_per_bar = Shapes::biaxial_frames_per_bar;
  const Index keys = biaxial_shape().keys;
  roll.lowest_pitch = biaxial_shape().lowest_pitch;
  roll.play = bachprop::music::RollMatrix::Zero(keys, frames);
  roll.articulate = bachprop::music::RollMatrix::Zero(keys, frames);
  bachprop::Rng rng(seed);
  for (const int centre : {40, 52, 60, 67}) {
    int pitch = centre;
    for (Index t = 0; t < frames;) {
      pitch = std::clamp(pitch + static_cast<int>(rng.below(5)) - 2, centre - 7, centre + 7);
      const Index length = Index{1} << rng.below(3);
      const bool rest = rng.below(10) == 0;
      for (Index i = 0; i < length && t + i < frames && !rest; ++i) {
        roll.play(pitch - roll.lowest_pitch, t + i) = 1;
        if (i == 0) {
          roll.articulate(pitch - roll.lowest_pitch, t + i) = 1;
        }
      }
      t += length;
    }
  }
  return roll;
}

/// The book's network.
inline auto book_network() {
  using namespace bachprop;
  return Network{Dense<float>(Shapes::book_inputs, Shapes::book_hidden), Sigmoid<float>(),
                 Dense<float>(Shapes::book_hidden, Shapes::book_outputs), Sigmoid<float>()};
}

/// The autoencoder.
inline auto autoencoder_network() {
  using namespace bachprop;
  const Init init = Init::xavier;
  return Network{Dense<float>(Shapes::auto_inputs, Shapes::auto_wide, init), Sigmoid<float>(),
                 Dense<float>(Shapes::auto_wide, Shapes::auto_code, init), Sigmoid<float>(),
                 Dense<float>(Shapes::auto_code, Shapes::auto_wide, init), Sigmoid<float>(),
                 Dense<float>(Shapes::auto_wide, Shapes::auto_inputs, init), Sigmoid<float>()};
}

/// The next-note RNN: Rnn → Dense → Softmax.
inline auto rnn_network() {
  using namespace bachprop;
  return Network{Rnn<float>(Shapes::rnn_vocabulary, Shapes::rnn_hidden),
                 Dense<float>(Shapes::rnn_hidden, Shapes::rnn_vocabulary, Init::xavier),
                 Softmax<float>()};
}

/// The next-note LSTM: Lstm → Dense → Softmax.
inline auto lstm_network() {
  using namespace bachprop;
  return Network{Lstm<float>(Shapes::rnn_vocabulary, Shapes::lstm_hidden),
                 Dense<float>(Shapes::lstm_hidden, Shapes::rnn_vocabulary, Init::xavier),
                 Softmax<float>()};
}

/// Uniform [0, 1) entries, like pixel intensities.
inline Matrix<float> uniform_matrix(Index rows, Index cols, std::uint64_t seed) {
  bachprop::Rng rng(seed);
  Matrix<float> m(rows, cols);
  for (Index i = 0; i < m.size(); ++i) {
    m.data()[i] = static_cast<float>(rng.uniform());
  }
  return m;
}

/// One-hot columns of random classes.
inline Matrix<float> random_one_hot(Index classes, Index cols, std::uint64_t seed) {
  bachprop::Rng rng(seed);
  Matrix<float> m = Matrix<float>::Zero(classes, cols);
  for (Index j = 0; j < cols; ++j) {
    m(static_cast<Index>(rng.below(static_cast<std::uint64_t>(classes))), j) = 1.0F;
  }
  return m;
}

/// Random melodies as the trainer stores sequences (sequence after sequence, `steps` columns
/// each): inputs one-hot notes, targets the next note of the same walk.
inline void random_melodies(Index sequences, Index steps, Index vocabulary, std::uint64_t seed,
                            Matrix<float>& inputs, Matrix<float>& targets) {
  bachprop::Rng rng(seed);
  inputs.setZero(vocabulary, sequences * steps);
  targets.setZero(vocabulary, sequences * steps);
  for (Index s = 0; s < sequences; ++s) {
    auto note = static_cast<Index>(rng.below(static_cast<std::uint64_t>(vocabulary)));
    for (Index t = 0; t < steps; ++t) {
      const auto next = static_cast<Index>(rng.below(static_cast<std::uint64_t>(vocabulary)));
      inputs(note, s * steps + t) = 1.0F;
      targets(next, s * steps + t) = 1.0F;
      note = next;
    }
  }
}

}  // namespace bench

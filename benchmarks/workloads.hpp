#pragma once
/// @file
/// The benchmark workloads, shared by the benchmark program and its shape table: each one's
/// network, its synthetic data and the arithmetic it needs per sample.
///
/// Every figure the runner compares (samples per second, GFLOP/s) is computed from the same
/// shapes on every side: the PyTorch and numpy twins (torch_twin.py, numpy_twin.py) build the
/// same networks and read the same constants from `shapes.json`, which this program writes.

#include <bachprop/bachprop.hpp>

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

/// FLOPs per training sequence of the RNN workload (one-hot inputs counted as a dense product,
/// as the twins compute them; the recurrent products start at step 1 since h_{-1} = 0).
inline double rnn_training_flops() {
  const double v = Shapes::rnn_vocabulary;
  const double h = Shapes::rnn_hidden;
  const double t = Shapes::rnn_steps;
  const double forward = t * 2 * h * v + (t - 1) * 2 * h * h + t * 2 * v * h;
  const double backward = t * 2 * v * h * 2       // output layer: δ hᵀ and Wᵀ δ
                          + (t - 1) * 2 * h * h * 2  // W_hh gradient and W_hhᵀ δ through time
                          + t * 2 * h * v;        // W_xh gradient (no input gradient)
  return forward + backward;
}

/// FLOPs of one generation step (batch 1).
inline double rnn_step_flops() {
  const double v = Shapes::rnn_vocabulary;
  const double h = Shapes::rnn_hidden;
  return 2 * h * v + 2 * h * h + 2 * v * h;
}

/// FLOPs per training sequence of the LSTM workload, counted as for the RNN: each of the four
/// gates has the RNN's input and recurrent products (the recurrent ones from step 1, h_{-1} = 0),
/// then the same output layer. The gates' elementwise work is not counted.
inline double lstm_training_flops() {
  const double v = Shapes::rnn_vocabulary;
  const double h = Shapes::lstm_hidden;
  const double t = Shapes::rnn_steps;
  const double g = 4 * h;  // the four gates' rows
  const double forward = t * 2 * g * v + (t - 1) * 2 * g * h + t * 2 * v * h;
  const double backward = t * 2 * v * h * 2       // output layer: δ hᵀ and Wᵀ δ
                          + (t - 1) * 2 * g * h * 2  // W_h gradient and W_hᵀ δ through time
                          + t * 2 * g * v;        // W_x gradient (no input gradient)
  return forward + backward;
}

/// FLOPs of one LSTM generation step (batch 1).
inline double lstm_step_flops() {
  const double v = Shapes::rnn_vocabulary;
  const double h = Shapes::lstm_hidden;
  return 2 * 4 * h * v + 2 * 4 * h * h + 2 * v * h;
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

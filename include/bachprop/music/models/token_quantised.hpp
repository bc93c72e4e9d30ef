#pragma once
/// @file
/// The token LSTM (token_lstm.hpp) for small devices: every weight matrix kept as 8-bit
/// integers with one scale per row, W ≈ diag(s)·Q (55), the biases in float; for generation
/// only (reset and step, as TokenLstm's, so generate_tokens plays either). A quarter of the
/// float model's bytes, in memory and in its file (token_quantised_file.hpp). The products read
/// Q a column at a time (y += q_j x_j, then y ⊙ s), which every compiler vectorises without
/// reordering a sum, so the result does not depend on the vector width.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/layers/lstm.hpp>
#include <bachprop/music/encoding/chord_tokens.hpp>
#include <bachprop/music/encoding/vocabulary.hpp>
#include <bachprop/music/generate/sampling.hpp>
#include <bachprop/music/models/token_lstm.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace bachprop::music {

/// The largest weight or bias (in magnitude) a quantised model holds: with every input of a
/// product in [−10⁶, 10⁶] (the embedding's entries) or in [−1, 1] (an LSTM's h), every sum a
/// step makes stays far inside float's range, so the probabilities are finite.
inline constexpr double quantised_weight_limit = 1e6;

/// A rows × cols float matrix as 8-bit integers, one scale per row: W_rj ≈ s_r·q_rj with
/// s_r = max_j |W_rj| / 127 and q_rj = round(W_rj / s_r) in [−127, 127] (55). Q is stored
/// column after column.
struct QuantisedMatrix {
  Index rows = 0;                     ///< of W
  Index cols = 0;                     ///< of W
  std::vector<std::int8_t> values{};  ///< q, column-major, rows·cols
  std::vector<float> scales{};        ///< s, one per row

  /// W quantised by (55). A row of zeros keeps scale 0 (and q = 0).
  static QuantisedMatrix of(const Matrix<float>& w) {
    QuantisedMatrix m;
    m.rows = w.rows();
    m.cols = w.cols();
    m.values.resize(static_cast<std::size_t>(w.size()));
    m.scales.resize(static_cast<std::size_t>(w.rows()));
    for (Index r = 0; r < w.rows(); ++r) {
      // doc:begin quantise-row
      // (55) s_r = max_j |W_rj| / 127, q_rj = round(W_rj / s_r)
      const float largest = w.row(r).cwiseAbs().maxCoeff();
      const float scale = largest / 127.0F;
      for (Index j = 0; j < w.cols(); ++j) {
        const float q = scale > 0 ? std::round(w(r, j) / scale) : 0.0F;
        m.values[static_cast<std::size_t>(j * w.rows() + r)] =
            static_cast<std::int8_t>(std::clamp(q, -127.0F, 127.0F));
      }
      m.scales[static_cast<std::size_t>(r)] = scale;
      // doc:end quantise-row
    }
    return m;
  }

  /// s_r·q_rj, the weight as the products use it.
  float at(Index r, Index j) const {
    return scales[static_cast<std::size_t>(r)] *
           static_cast<float>(values[static_cast<std::size_t>(j * rows + r)]);
  }

  /// y ← diag(s)·Q·x (+ b when given): Q read a column at a time, each y_r a sum in the order
  /// of j. `sums` is scratch of `rows` entries. Allocates nothing.
  void multiply(std::span<const float> x, std::span<float> y, std::span<float> sums,
                std::span<const float> bias = {}) const {
    const auto n = static_cast<std::size_t>(rows);
    const auto m = static_cast<std::size_t>(cols);
    std::fill(sums.begin(), sums.end(), 0.0F);
    const std::int8_t* q = values.data();
    std::size_t j = 0;
    // Four columns per pass over the sums (fewer loads and stores of them), added one after
    // another as the single-column loop below adds them: the same sums.
    for (; j + 4 <= m; j += 4) {
      const std::int8_t* q0 = q + j * n;
      const std::int8_t* q1 = q0 + n;
      const std::int8_t* q2 = q1 + n;
      const std::int8_t* q3 = q2 + n;
      const float x0 = x[j];
      const float x1 = x[j + 1];
      const float x2 = x[j + 2];
      const float x3 = x[j + 3];
      for (std::size_t r = 0; r < n; ++r) {
        float sum = sums[r];
        sum += static_cast<float>(q0[r]) * x0;
        sum += static_cast<float>(q1[r]) * x1;
        sum += static_cast<float>(q2[r]) * x2;
        sum += static_cast<float>(q3[r]) * x3;
        sums[r] = sum;
      }
    }
    for (; j < m; ++j) {
      const std::int8_t* column = q + j * n;
      const float xj = x[j];
      for (std::size_t r = 0; r < n; ++r) {
        sums[r] += static_cast<float>(column[r]) * xj;
      }
    }
    for (std::size_t r = 0; r < n; ++r) {
      y[r] = scales[r] * sums[r] + (bias.empty() ? 0.0F : bias[r]);
    }
  }

  /// Bytes the matrix holds: one per weight, four per scale.
  std::size_t bytes() const { return values.size() + 4 * scales.size(); }
};

/// One LSTM of the quantised model: W_x, W_h in 8 bits, b in float, and the state it carries.
struct QuantisedLstmLayer {
  QuantisedMatrix input_weights{};      ///< W_x, 4H × inputs (gates i, f, g, o)
  QuantisedMatrix recurrent_weights{};  ///< W_h, 4H × H
  std::vector<float> biases{};          ///< b, 4H
  std::vector<float> hidden{};          ///< h_t
  std::vector<float> cell{};            ///< c_t
};

/// The quantised TokenLstm: embedding, LSTMs, the dense layer in 8 bits (55), the same
/// vocabulary, duration classes and shape; step() gives what TokenLstm::step gives to within
/// the rounding of (55). Dropout is the identity when generating, so it has none.
class QuantisedTokenLstm {
 public:
  QuantisedTokenLstm() = default;

  /// The float model's weights quantised.
  explicit QuantisedTokenLstm(const TokenLstm& model)
      : vocabulary_(model.vocabulary()), durations_(model.durations()), shape_(model.shape()) {
    shape_.dropout = 0;  // generation only: no dropout
    shape_.input_dropout = 0;
    std::visit([this](const auto& net) { take(net); }, model.network());
    check_values();
    allocate();
  }

  /// A model from its parts (token_quantised_file.hpp reads them); ArgumentError when their
  /// sizes disagree with the shape, the vocabulary and the duration classes.
  QuantisedTokenLstm(Vocabulary vocabulary, DurationClasses durations, TokenLstmShape shape,
                     QuantisedMatrix embedding, std::vector<QuantisedLstmLayer> layers,
                     QuantisedMatrix dense, std::vector<float> dense_biases)
      : vocabulary_(std::move(vocabulary)),
        durations_(std::move(durations)),
        shape_(shape),
        embedding_(std::move(embedding)),
        layers_(std::move(layers)),
        dense_(std::move(dense)),
        dense_biases_(std::move(dense_biases)) {
    check_sizes();
    check_values();
    allocate();
  }

  const Vocabulary& vocabulary() const { return vocabulary_; }      ///< the tokens
  const DurationClasses& durations() const { return durations_; }   ///< the duration classes
  const TokenLstmShape& shape() const { return shape_; }            ///< the sizes
  Index tokens() const { return static_cast<Index>(vocabulary_.size()); }        ///< V
  Index duration_count() const { return static_cast<Index>(durations_.size()); }  ///< D
  /// Embedding columns: V·D when the network hears durations, else V.
  Index inputs() const { return shape_.hears_durations ? tokens() * duration_count() : tokens(); }
  const QuantisedMatrix& embedding() const { return embedding_; }  ///< inputs × embedding
  const std::vector<QuantisedLstmLayer>& layers() const { return layers_; }  ///< the LSTMs
  const QuantisedMatrix& dense() const { return dense_; }  ///< (V + D) × hidden
  const std::vector<float>& dense_biases() const { return dense_biases_; }  ///< V + D

  /// Bytes of the weights, scales and biases (what the file holds besides its metadata).
  std::size_t bytes() const {
    std::size_t total = embedding_.bytes() + dense_.bytes() + 4 * dense_biases_.size();
    for (const auto& layer : layers_) {
      total += layer.input_weights.bytes() + layer.recurrent_weights.bytes() +
               4 * layer.biases.size();
    }
    return total;
  }

  /// Starts a new piece for step(): h = c = 0 in every layer.
  void reset() {
    for (auto& layer : layers_) {
      std::fill(layer.hidden.begin(), layer.hidden.end(), 0.0F);
      std::fill(layer.cell.begin(), layer.cell.end(), 0.0F);
    }
  }

  /// Hears one token lasting duration class `duration` and returns the next token's
  /// probabilities (V rows) then the next duration's (D rows), one column, as TokenLstm::step.
  /// Allocates nothing.
  const Matrix<float>& step(int token, int duration) {
    const Index id = shape_.hears_durations
                         ? static_cast<Index>(token) * duration_count() + duration
                         : static_cast<Index>(token);
    if (id < 0 || id >= inputs()) {
      throw ArgumentError("QuantisedTokenLstm::step: token " + std::to_string(token) +
                          " and duration " + std::to_string(duration) + " are out of range");
    }
    // The embedding's column for the id: its row of the quantised inputs × embedding table.
    for (Index e = 0; e < shape_.embedding; ++e) {
      input_[static_cast<std::size_t>(e)] = embedding_.at(id, e);
    }
    std::span<const float> x(input_.data(), static_cast<std::size_t>(shape_.embedding));
    for (auto& layer : layers_) {
      step_layer(layer, x);
      x = layer.hidden;
    }
    dense_.multiply(x, std::span<float>(output_.data(), output_.size()), sums_, dense_biases_);
    softmax(0, tokens());
    softmax(tokens(), duration_count());
    return output_;
  }

 private:
  template <class Net>
  void take(const Net& net) {
    embedding_ = QuantisedMatrix::of(net.template layer<0>().weights().value.transpose());
    take_lstms(net, std::make_index_sequence<(Net::depth - 4) / 2>());
    const auto& dense = net.template layer<Net::depth - 2>();
    dense_ = QuantisedMatrix::of(dense.weights().value);
    dense_biases_.assign(dense.biases().value.data(),
                         dense.biases().value.data() + dense.biases().value.size());
  }
  template <class Net, std::size_t... K>
  void take_lstms(const Net& net, std::index_sequence<K...>) {
    (take_lstm(net.template layer<2 + 2 * K>()), ...);
  }
  void take_lstm(const Lstm<float>& lstm) {
    QuantisedLstmLayer layer;
    layer.input_weights = QuantisedMatrix::of(lstm.input_weights().value);
    layer.recurrent_weights = QuantisedMatrix::of(lstm.recurrent_weights().value);
    const auto& b = lstm.biases().value;
    layer.biases.assign(b.data(), b.data() + b.size());
    layers_.push_back(std::move(layer));
  }

  // Every weight (127 steps of its row's scale at most) and bias within quantised_weight_limit.
  void check_values() const {
    const auto fits = [](const std::vector<float>& values, double most) {
      return std::all_of(values.begin(), values.end(),
                         [most](float v) { return std::abs(v) <= most; });
    };
    const double scale = quantised_weight_limit / 127;
    bool in_range = fits(embedding_.scales, scale) && fits(dense_.scales, scale) &&
                    fits(dense_biases_, quantised_weight_limit);
    for (const auto& layer : layers_) {
      in_range = in_range && fits(layer.input_weights.scales, scale) &&
                 fits(layer.recurrent_weights.scales, scale) &&
                 fits(layer.biases, quantised_weight_limit);
    }
    if (!in_range) {
      throw ArgumentError("QuantisedTokenLstm: a weight or bias is not a number within ±10⁶");
    }
  }

  void check_sizes() const {
    const Index h = shape_.hidden;
    bool fits = embedding_.rows == inputs() && embedding_.cols == shape_.embedding &&
                static_cast<Index>(layers_.size()) == shape_.layers &&
                dense_.rows == tokens() + duration_count() && dense_.cols == h &&
                static_cast<Index>(dense_biases_.size()) == dense_.rows;
    Index in = shape_.embedding;
    for (const auto& layer : layers_) {
      fits = fits && layer.input_weights.rows == 4 * h && layer.input_weights.cols == in &&
             layer.recurrent_weights.rows == 4 * h && layer.recurrent_weights.cols == h &&
             static_cast<Index>(layer.biases.size()) == 4 * h;
      in = h;
    }
    if (!fits) {
      throw ArgumentError("QuantisedTokenLstm: the matrices' sizes do not fit the shape " +
                          shape_.to_json().dump() + ", " + std::to_string(tokens()) +
                          " tokens and " + std::to_string(duration_count()) + " durations");
    }
  }

  void allocate() {
    const auto h = static_cast<std::size_t>(shape_.hidden);
    for (auto& layer : layers_) {
      layer.hidden.assign(h, 0.0F);
      layer.cell.assign(h, 0.0F);
    }
    input_.assign(static_cast<std::size_t>(shape_.embedding), 0.0F);
    gates_.assign(4 * h, 0.0F);
    recurrent_.assign(4 * h, 0.0F);
    sums_.assign(std::max<std::size_t>(4 * h, static_cast<std::size_t>(dense_.rows)), 0.0F);
    output_.setZero(tokens() + duration_count(), 1);
  }

  // (26)-(28) with the products of (55): z = W_x x + b + W_h h_{t−1}, then the gates, c and h.
  void step_layer(QuantisedLstmLayer& layer, std::span<const float> x) {
    const std::size_t n = layer.hidden.size();
    layer.input_weights.multiply(x, gates_, sums_, layer.biases);
    layer.recurrent_weights.multiply(layer.hidden, recurrent_, sums_);
    for (std::size_t r = 0; r < n; ++r) {
      const float i = sigmoid(gates_[r] + recurrent_[r]);
      const float f = sigmoid(gates_[n + r] + recurrent_[n + r]);
      const float g = std::tanh(gates_[2 * n + r] + recurrent_[2 * n + r]);
      const float o = sigmoid(gates_[3 * n + r] + recurrent_[3 * n + r]);
      layer.cell[r] = f * layer.cell[r] + i * g;
      layer.hidden[r] = o * std::tanh(layer.cell[r]);
    }
  }
  static float sigmoid(float z) { return 1.0F / (1.0F + std::exp(-z)); }

  // A numerically stable softmax of the output rows [first, first + count), in place.
  void softmax(Index first, Index count) {
    auto group = output_.col(0).segment(first, count);
    const float top = group.maxCoeff();
    group = (group.array() - top).exp();
    group /= group.sum();
  }

  Vocabulary vocabulary_{};
  DurationClasses durations_{};
  TokenLstmShape shape_{};
  QuantisedMatrix embedding_{};  // inputs × embedding (each id's vector a row)
  std::vector<QuantisedLstmLayer> layers_{};
  QuantisedMatrix dense_{};
  std::vector<float> dense_biases_{};
  std::vector<float> input_{};
  std::vector<float> gates_{};
  std::vector<float> recurrent_{};
  std::vector<float> sums_{};
  Matrix<float> output_{};
};

/// How often the quantised model's likeliest next token is the float model's, every token after
/// a piece's first heard one step at a time (the positions TokenLstm::evaluate scores).
struct QuantisedAgreement {
  std::size_t steps = 0;   ///< positions compared
  std::size_t agreed = 0;  ///< where the two argmax tokens are the same
  /// agreed / steps (1 with no steps).
  double share() const {
    return steps == 0 ? 1.0 : static_cast<double>(agreed) / static_cast<double>(steps);
  }
};

/// The two models' argmax tokens compared on held-out pieces (ids and duration classes).
inline QuantisedAgreement argmax_agreement(TokenLstm& model, QuantisedTokenLstm& quantised,
                                           const std::vector<std::vector<int>>& ids,
                                           const std::vector<std::vector<int>>& durations) {
  QuantisedAgreement agreement;
  const auto v = static_cast<std::size_t>(model.tokens());
  for (std::size_t p = 0; p < ids.size(); ++p) {
    model.reset();
    quantised.reset();
    for (std::size_t t = 0; t + 1 < ids[p].size(); ++t) {
      const Matrix<float>& a = model.step(ids[p][t], durations[p][t]);
      const Matrix<float>& b = quantised.step(ids[p][t], durations[p][t]);
      agreement.agreed += argmax(std::span<const float>(a.data(), v)) ==
                                  argmax(std::span<const float>(b.data(), v))
                              ? 1
                              : 0;
      ++agreement.steps;
    }
  }
  return agreement;
}

}  // namespace bachprop::music

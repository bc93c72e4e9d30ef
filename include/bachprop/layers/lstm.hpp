#pragma once
/// @file
/// The long short-term memory layer (Hochreiter & Schmidhuber, with the forget gate of Gers et
/// al.), as torch.nn.LSTM computes it: equations (26)-(28) forward, (29)-(32) backward through
/// time (docs/derivation.md). Beside the hidden state h it carries a cell state c that each step
/// scales by the forget gate and adds to, so the gradient along c is multiplied by f, not by
/// Wᵀ·diag(σ'), at every step back.
///
/// The layout is the Rnn's (layers/rnn.hpp): a batch of B sequences of T steps is features ×
/// (T·B), time-major, column t·B + b for step t of sequence b; the output is every h_t.
///
/// The four gates' weights are stacked in PyTorch's order, i, f, g, o: W_x is 4H × inputs (rows
/// 0..H−1 the input gate, H..2H−1 the forget gate, 2H..3H−1 the candidate, 3H..4H−1 the output
/// gate), W_h is 4H × H, b is 4H × 1. torch.nn.LSTM's weight_ih_l0 and weight_hh_l0 are W_x and
/// W_h as they are; its two biases add up to b (b = bias_ih_l0 + bias_hh_l0).

#include <bachprop/core/error.hpp>
#include <bachprop/core/init.hpp>
#include <bachprop/core/layer.hpp>
#include <bachprop/core/parameter.hpp>
#include <bachprop/core/product.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/layers/input_projection.hpp>
#include <bachprop/layers/sequence.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop {

/// Settings of an Lstm beyond its sizes.
struct LstmOptions {
  /// Backpropagate through at most this many steps (0: the whole sequence), as RnnOptions: the
  /// states flow across chunk boundaries forward, the gradients (along h and c) do not flow
  /// back across them.
  Index truncation = 0;
  /// Scheme of the input weights W_x; each gate's block of W_h starts orthogonal.
  Init input_init = Init::xavier;
  /// The forget gate's bias at the start: 1 lets the cell remember from the first step
  /// (Jozefowicz et al. 2015; Keras's unit_forget_bias); the other biases start at 0.
  double forget_bias = 1.0;
};

/// An LSTM layer: `inputs` features in, `hidden` units out, per step.
template <Scalar S = float>
class Lstm {
 public:
  /// The element type, float or double.
  using Scalar = S;

  /// `inputs` features in, `hidden` units out, weights drawn from `seed`. Without a seed the
  /// layer is unseeded() until a Network draws it afresh, as Dense. Throws ArgumentError on a
  /// size that is not positive or a negative truncation.
  Lstm(Index inputs, Index hidden, LstmOptions options = {},
       std::optional<std::uint64_t> seed = std::nullopt)
      : input_weights_("input_weights", 4 * hidden, inputs, true),
        recurrent_weights_("recurrent_weights", 4 * hidden, hidden, true),
        biases_("biases", 4 * hidden, 1, false),
        options_(options) {
    detail::check_recurrent_sizes("Lstm", inputs, hidden, options.truncation);
    Rng rng(seed.value_or(0));
    initialise(rng);
    unseeded_ = !seed.has_value();
  }

  /// "lstm", the kind a saved model must match.
  std::string_view kind() const { return "lstm"; }
  /// Features per step: the rows of the input.
  Index input_size() const { return input_weights_.value.cols(); }
  /// Hidden units: the rows of the output.
  Index output_size() const { return recurrent_weights_.value.cols(); }
  /// Hidden units, the size of h_t and c_t.
  Index hidden_size() const { return output_size(); }
  /// The truncation, input initialisation and forget bias in use.
  const LstmOptions& options() const { return options_; }

  /// Steps per sequence in the batches that follow (T of the time-major layout).
  void set_steps(Index steps) { steps_ = detail::checked_steps("Lstm", steps); }
  /// Steps per sequence (T) the next forward assumes.
  Index steps() const { return steps_; }

  /// Backpropagate through at most `steps` steps (0: all).
  void set_truncation(Index steps) {
    options_.truncation = detail::checked_truncation("Lstm", steps);
  }

  /// W_x by the options' scheme, each gate's H × H block of W_h a random orthogonal matrix,
  /// b = 0 but the forget gate's block, which is options().forget_bias.
  void initialise(Rng& rng) {
    initialise_affine(options_.input_init, input_weights_.value, biases_.value, rng);
    const Index n = hidden_size();
    for (Index gate = 0; gate < 4; ++gate) {
      recurrent_weights_.value.middleRows(gate * n, n) = random_orthogonal<S>(n, rng);
    }
    biases_.value.setZero();
    biases_.value.middleRows(n, n).setConstant(static_cast<S>(options_.forget_bias));
    unseeded_ = false;
  }

  /// True while the parameters are the draw of a layer built without a seed, untouched since
  /// (see Dense::unseeded).
  bool unseeded() const { return unseeded_; }

  /// Every hidden state of a batch of sequences: x is inputs × (T·B), time-major; h_{−1} =
  /// c_{−1} = 0. Keeps a copy of x for backward, so x may be a temporary.
  const Matrix<S>& forward(const Matrix<S>& input) {
    detail::check_sequence_batch("Lstm", input, input_size(), steps_);
    input_.copy(input);
    return forward_through_time(input_.get());  // the copy: `input` may be this layer's output
  }

  /// forward without the copy: keeps a reference to x, which must stay alive and unchanged
  /// until backward (the rule in core/layer.hpp). What a Network calls.
  const Matrix<S>& forward_borrowing(const Matrix<S>& input) {
    detail::check_sequence_batch("Lstm", input, input_size(), steps_);
    input_.borrow(input);
    return forward_through_time(input);
  }

  /// Backpropagation through time. Given ∂C/∂h_t for every step (hidden × (T·B): what the
  /// layer above sent back), stores the three parameter gradients and returns ∂C/∂x_t.
  const Matrix<S>& backward(const Matrix<S>& output_gradient) {
    backward_parameters_only(output_gradient);
    // ∂C/∂x_t = W_xᵀ δ_t for every step at once, δ_t the four gates' ∂C/∂z stacked
    input_gradient_.resize(input_size(), gate_gradients_.cols());
    multiply_transposed_a(input_gradient_, input_weights_.value, gate_gradients_,
                          transposed_input_weights_);
    return input_gradient_;
  }

  /// The parameter half of backward (a network's first layer needs nothing more).
  void backward_parameters_only(const Matrix<S>& output_gradient) {
    if (hidden_.size() == 0 || input_.empty()) {
      throw ArgumentError("Lstm: backward called before forward");
    }
    if (output_gradient.rows() != hidden_.rows() || output_gradient.cols() != hidden_.cols()) {
      throw ShapeError("Lstm: backward expects a gradient of shape " + shape_string(hidden_) +
                       " (hidden × steps·batch), got " + shape_string(output_gradient));
    }
    const Index n = hidden_size();
    const Index batch = hidden_.cols() / steps_;
    const Index later = (steps_ - 1) * batch;  // columns of the steps 1 … T−1
    gate_gradients_.resize(4 * n, hidden_.cols());
    carried_hidden_.setZero(n, batch);
    carried_cell_.setZero(n, batch);
    dc_.resize(n, batch);
    transposed_recurrent_weights_ = recurrent_weights_.value.transpose();  // read at every step
    // doc:begin lstm-backward
    // BPTT, from the last step back. h_t feeds the output at t and, through W_h, the gates of
    // step t+1; c_t feeds h_t and, through the forget gate, c_{t+1}.
    for (Index t = steps_ - 1; t >= 0; --t) {
      const auto gates = gates_.middleCols(t * batch, batch);
      const auto i = gates.topRows(n).array();
      const auto f = gates.middleRows(n, n).array();
      const auto g = gates.middleRows(2 * n, n).array();
      const auto o = gates.bottomRows(n).array();
      const auto tanh_c = cell_tanh_.middleCols(t * batch, batch).array();
      auto dz = gate_gradients_.middleCols(t * batch, batch);
      // (29) ∂C/∂h_t: what the layer above sent for step t, plus W_hᵀ δ_{t+1}
      dh_ = output_gradient.middleCols(t * batch, batch) + carried_hidden_;
      // (30) ∂C/∂c_t: through h_t = o ⊙ tanh(c_t), plus what c_{t+1} = f_{t+1} ⊙ c_t + … sent
      dc_.array() = carried_cell_.array() + dh_.array() * o * (S(1) - tanh_c.square());
      // (31) each gate's δ = ∂C/∂z, σ' and tanh' written through the stored gate values
      dz.bottomRows(n).array() = dh_.array() * tanh_c * o * (S(1) - o);
      dz.topRows(n).array() = dc_.array() * g * i * (S(1) - i);
      dz.middleRows(2 * n, n).array() = dc_.array() * i * (S(1) - g.square());
      if (t > 0) {
        const auto c_before = cells_.middleCols((t - 1) * batch, batch).array();
        dz.middleRows(n, n).array() = dc_.array() * c_before * f * (S(1) - f);
      } else {
        dz.middleRows(n, n).setZero();  // c_{−1} = 0: the forget gate had nothing to scale
      }
      if (t > 0) {
        if (options_.truncation > 0 && t % options_.truncation == 0) {
          carried_hidden_.setZero();  // truncated BPTT: the gradient stops at a chunk boundary
          carried_cell_.setZero();
        } else {
          multiply(carried_hidden_, transposed_recurrent_weights_, dz);  // W_hᵀ δ_t
          carried_cell_.array() = dc_.array() * f;  // (30)'s second term for c_{t−1}
        }
      }
    }
    // (32) ∂C/∂W_h = Σ_{t≥1} δ_t h_{t−1}ᵀ, ∂C/∂W_x = Σ_t δ_t x_tᵀ, ∂C/∂b = Σ_t δ_t: one product
    // each over every step, as for (25); ∂C/∂W_h one gate's rows at a time, so that the left
    // factor stays within the product kernel's cache budget (core/product.hpp)
    recurrent_weights_.gradient.resize(4 * n, n);
    for (Index gate = 0; gate < 4; ++gate) {
      multiply_transposed_b(recurrent_weights_.gradient.middleRows(gate * n, n),
                            gate_gradients_.middleRows(gate * n, n).rightCols(later),
                            hidden_.leftCols(later));
    }
    detail::input_weight_gradient(gate_gradients_, input_.get(), hot_, input_weights_.gradient);
    biases_.gradient.noalias() = gate_gradients_.rowwise().sum();
    // doc:end lstm-backward
  }

  /// Starts fresh sequences for step(): h = c = 0 for `batch` parallel sequences.
  void reset_state(Index batch = 1) {
    if (batch <= 0) {
      throw ArgumentError("Lstm: reset_state needs a positive batch, got " +
                          std::to_string(batch));
    }
    state_.setZero(hidden_size(), batch);
    cell_state_.setZero(hidden_size(), batch);
  }

  /// One step of (26)-(28) for generation: x_t is inputs × B; returns h_t and keeps h_t and c_t
  /// as the state for the next call. Allocates nothing once the state has its size.
  const Matrix<S>& step(const Matrix<S>& input) {
    if (input.rows() != input_size()) {
      throw ShapeError("Lstm::step: the input has " + std::to_string(input.rows()) +
                       " features but the layer expects " + std::to_string(input_size()));
    }
    if (state_.cols() != input.cols() || state_.rows() != hidden_size()) {
      reset_state(input.cols());
    }
    detail::project_inputs(input_weights_.value, biases_.value, input, step_hot_, step_gates_);
    multiply_add(step_gates_, recurrent_weights_.value, state_);
    step_cell_tanh_.resize(hidden_size(), input.cols());
    update_state(step_gates_, cell_state_, cell_state_, step_cell_tanh_, state_);
    return state_;
  }

  /// The hidden state h carried by step().
  const Matrix<S>& state() const { return state_; }
  /// The cell state c carried by step().
  const Matrix<S>& cell_state() const { return cell_state_; }
  /// Reorders the parallel sequences step() carries (h and c): sequence j
  /// continues the old sequence from[j], so their number may change (a beam search keeps
  /// its best hypotheses so). Allocates nothing once warm; ShapeError for a `from` that does
  /// not fit the state.
  void reorder_state(std::span<const Index> from) {
    detail::reorder_state_columns("Lstm", state_, from, reorder_scratch_);
    detail::reorder_state_columns("Lstm", cell_state_, from, reorder_scratch_);
  }

  /// Visits W_x, W_h, then b (the order saved models and optimisers rely on).
  template <class F>
  void for_each_parameter(F&& visit) {
    unseeded_ = false;
    visit(input_weights_);
    visit(recurrent_weights_);
    visit(biases_);
  }
  /// Visits W_x, W_h, then b, read-only.
  template <class F>
  void for_each_parameter(F&& visit) const {
    visit(input_weights_);
    visit(recurrent_weights_);
    visit(biases_);
  }

  /// W_x (4·hidden × inputs, gates i, f, g, o) and its gradient.
  Parameter<S>& input_weights() {
    unseeded_ = false;
    return input_weights_;
  }
  /// W_x (4·hidden × inputs, gates i, f, g, o) and its gradient, read-only.
  const Parameter<S>& input_weights() const { return input_weights_; }
  /// W_h (4·hidden × hidden, gates i, f, g, o) and its gradient.
  Parameter<S>& recurrent_weights() {
    unseeded_ = false;
    return recurrent_weights_;
  }
  /// W_h (4·hidden × hidden, gates i, f, g, o) and its gradient, read-only.
  const Parameter<S>& recurrent_weights() const { return recurrent_weights_; }
  /// b (4·hidden × 1, gates i, f, g, o) and its gradient.
  Parameter<S>& biases() {
    unseeded_ = false;
    return biases_;
  }
  /// b (4·hidden × 1, gates i, f, g, o) and its gradient, read-only.
  const Parameter<S>& biases() const { return biases_; }

 private:
  const Matrix<S>& forward_through_time(const Matrix<S>& input) {
    const Index n = hidden_size();
    const Index batch = input.cols() / steps_;
    cells_.resize(n, input.cols());
    cell_tanh_.resize(n, input.cols());
    hidden_.resize(n, input.cols());
    // doc:begin lstm-forward
    // (26) z = W_x x_t + W_h h_{t−1} + b for the four gates: the input projection for all steps
    // at once (one product, or one column of W_x per one-hot x_t), then the recurrent term,
    // which has to wait for the step before.
    detail::project_inputs(input_weights_.value, biases_.value, input, hot_, gates_);
    for (Index t = 0; t < steps_; ++t) {
      auto gates = gates_.middleCols(t * batch, batch);
      if (t > 0) {
        multiply_add(gates, recurrent_weights_.value, hidden_.middleCols((t - 1) * batch, batch));
      }
      // (27)-(28): the gates, then c_t and h_t (c_{t−1} = 0 at t = 0, where c_before is unread)
      auto c_before = cells_.middleCols(std::max<Index>(t - 1, 0) * batch, batch);
      update_state(gates, c_before, cells_.middleCols(t * batch, batch),
                   cell_tanh_.middleCols(t * batch, batch), hidden_.middleCols(t * batch, batch),
                   t == 0);
    }
    // doc:end lstm-forward
    return hidden_;
  }

  // (27)-(28) for one step: the gates' activations in place of z, then c_t and h_t. With
  // `first`, c_{t−1} = 0 and `c_before` is not read (it may alias `c`).
  template <class Gates, class CellBefore, class Cell, class CellTanh, class Hidden>
  void update_state(Gates&& gates, const CellBefore& c_before, Cell&& c, CellTanh&& tanh_c,
                    Hidden&& h, bool first = false) const {
    const Index n = hidden_size();
    // doc:begin lstm-gates
    // (27) i, f, o = σ(z_i), σ(z_f), σ(z_o); g = tanh(z_g)
    auto i = gates.topRows(n).array();
    auto f = gates.middleRows(n, n).array();
    auto g = gates.middleRows(2 * n, n).array();
    auto o = gates.bottomRows(n).array();
    i = (S(1) + (-i).exp()).inverse();
    f = (S(1) + (-f).exp()).inverse();
    g = g.tanh();
    o = (S(1) + (-o).exp()).inverse();
    // (28) c_t = f ⊙ c_{t−1} + i ⊙ g, h_t = o ⊙ tanh(c_t)
    if (first) {
      c.array() = i * g;
    } else {
      c.array() = f * c_before.array() + i * g;
    }
    tanh_c.array() = c.array().tanh();
    h.array() = o * tanh_c.array();
    // doc:end lstm-gates
  }

  Parameter<S> input_weights_;      // W_x: 4·hidden × inputs
  Parameter<S> recurrent_weights_;  // W_h: 4·hidden × hidden
  Parameter<S> biases_;             // b: 4·hidden × 1
  LstmOptions options_;
  bool unseeded_ = false;
  Index steps_ = 1;
  KeptInput<S> input_;        // X of the latest forward
  std::vector<Index> hot_;    // the row of each column's 1, when X is one-hot
  Matrix<S> gates_;           // every step's i, f, g, o (activated), 4·hidden × T·B
  Matrix<S> cells_;           // every c_t
  Matrix<S> cell_tanh_;       // every tanh(c_t)
  Matrix<S> hidden_;          // every h_t
  Matrix<S> gate_gradients_;  // every δ_t = ∂C/∂z_t, the four gates stacked
  Matrix<S> dh_;              // ∂C/∂h_t of the step being worked back through
  Matrix<S> dc_;              // ∂C/∂c_t of that step
  Matrix<S> carried_hidden_;  // W_hᵀ δ_{t+1}, flowing back in time
  Matrix<S> carried_cell_;    // ∂C/∂c_{t+1} ⊙ f_{t+1}, flowing back along the cell
  Matrix<S> input_gradient_;
  Matrix<S> transposed_recurrent_weights_;  // W_hᵀ and W_xᵀ laid out for the product
  Matrix<S> transposed_input_weights_;      // kernel (scratch)
  Matrix<S> state_;           // h carried by step()
  Matrix<S> cell_state_;      // c carried by step()
  Matrix<S> reorder_scratch_;  // a reordered state before it is swapped in
  Matrix<S> step_gates_;      // the gates of the step being computed
  Matrix<S> step_cell_tanh_;  // tanh(c) of that step
  std::vector<Index> step_hot_;  // hot_ for step()
};

}  // namespace bachprop

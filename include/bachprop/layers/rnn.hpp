#pragma once
/// @file
/// The simple recurrent layer of equation (25), h_t = σ(W_xh x_t + W_hh h_{t−1} + b_h), trained
/// by backpropagation through time (full or truncated), with a stateful single-step API for
/// generation.
///
/// A batch of B sequences of T steps is one matrix, features × (T·B), time-major: column t·B + b
/// holds step t of sequence b. The layer reads T from set_steps() (a Network passes it on) and
/// infers B from the number of columns. Its output is every hidden state, hidden × (T·B), so a
/// Dense layer after it applies to every step in one product (many-to-many); LastStep
/// (layers/last_step.hpp) keeps only the final step (many-to-one).

#include <bachprop/core/error.hpp>
#include <bachprop/core/init.hpp>
#include <bachprop/core/layer.hpp>
#include <bachprop/core/parameter.hpp>
#include <bachprop/core/product.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/layers/input_projection.hpp>
#include <bachprop/layers/sequence.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bachprop {

/// The σ of equation (25).
enum class RnnActivation { tanh, sigmoid };

/// Settings of an Rnn beyond its sizes.
struct RnnOptions {
  RnnActivation activation = RnnActivation::tanh;  ///< σ of equation (25)
  /// Backpropagate through at most this many steps (0: the whole sequence). The sequence is cut
  /// into chunks of `truncation` steps; the hidden state flows across chunks in the forward
  /// pass, the gradient does not flow back across them.
  Index truncation = 0;
  /// Scheme of the input weights W_xh; the recurrent weights W_hh start orthogonal, the biases
  /// at zero.
  Init input_init = Init::xavier;
};

/// A simple (Elman) recurrent layer: `inputs` features in, `hidden` units out, per step.
template <Scalar S = float>
class Rnn {
 public:
  /// The element type, float or double.
  using Scalar = S;

  /// `inputs` features in, `hidden` units out, weights drawn from `seed`. Without a seed the
  /// layer is unseeded() until a Network draws it afresh, as Dense. Throws ArgumentError on a
  /// size that is not positive or a negative truncation.
  Rnn(Index inputs, Index hidden, RnnOptions options = {},
      std::optional<std::uint64_t> seed = std::nullopt)
      : input_weights_("input_weights", hidden, inputs, true),
        recurrent_weights_("recurrent_weights", hidden, hidden, true),
        biases_("biases", hidden, 1, false),
        options_(options) {
    detail::check_recurrent_sizes("Rnn", inputs, hidden, options.truncation);
    Rng rng(seed.value_or(0));
    initialise(rng);
    unseeded_ = !seed.has_value();
  }

  /// "rnn_tanh" or "rnn_sigmoid": the activation is part of what a saved model must match.
  std::string_view kind() const {
    return options_.activation == RnnActivation::tanh ? "rnn_tanh" : "rnn_sigmoid";
  }
  /// Features per step: the rows of the input.
  Index input_size() const { return input_weights_.value.cols(); }
  /// Hidden units: the rows of the output.
  Index output_size() const { return input_weights_.value.rows(); }
  /// Hidden units, the size of h_t.
  Index hidden_size() const { return output_size(); }
  /// The activation, truncation and input initialisation in use.
  const RnnOptions& options() const { return options_; }

  /// Steps per sequence in the batches that follow (T of the time-major layout).
  void set_steps(Index steps) { steps_ = detail::checked_steps("Rnn", steps); }
  /// Steps per sequence (T) the next forward assumes.
  Index steps() const { return steps_; }

  /// Backpropagate through at most `steps` steps (0: all).
  void set_truncation(Index steps) {
    options_.truncation = detail::checked_truncation("Rnn", steps);
  }

  /// W_xh by the options' scheme, W_hh a random orthogonal matrix (so that repeated products
  /// neither shrink nor blow up the state at the start), b_h = 0.
  void initialise(Rng& rng) {
    initialise_affine(options_.input_init, input_weights_.value, biases_.value, rng);
    biases_.value.setZero();
    recurrent_weights_.value = random_orthogonal<S>(hidden_size(), rng);
    unseeded_ = false;
  }

  /// True while the parameters are the draw of a layer built without a seed, untouched since
  /// (see Dense::unseeded).
  bool unseeded() const { return unseeded_; }

  /// Every hidden state of a batch of sequences: x is inputs × (T·B), time-major; h_{−1} = 0.
  /// Keeps a copy of x for backward, so x may be a temporary.
  const Matrix<S>& forward(const Matrix<S>& input) {
    detail::check_sequence_batch("Rnn", input, input_size(), steps_);
    input_.copy(input);
    return forward_through_time(input_.get());  // the copy: `input` may be this layer's output
  }

  /// forward without the copy: keeps a reference to x, which must stay alive and unchanged
  /// until backward (the rule in core/layer.hpp). What a Network calls.
  const Matrix<S>& forward_borrowing(const Matrix<S>& input) {
    detail::check_sequence_batch("Rnn", input, input_size(), steps_);
    input_.borrow(input);
    return forward_through_time(input);
  }

  /// Backpropagation through time. Given ∂C/∂h_t for every step (hidden × (T·B): what the
  /// layer above sent back), stores the three parameter gradients and returns ∂C/∂x_t.
  const Matrix<S>& backward(const Matrix<S>& output_gradient) {
    backward_parameters_only(output_gradient);
    // ∂C/∂x_t = W_xhᵀ δ_t for every step at once
    input_gradient_.resize(input_size(), pre_activation_gradient_.cols());
    multiply_transposed_a(input_gradient_, input_weights_.value, pre_activation_gradient_,
                          transposed_input_weights_);
    return input_gradient_;
  }

  /// The parameter half of backward (a network's first layer needs nothing more).
  void backward_parameters_only(const Matrix<S>& output_gradient) {
    if (hidden_.size() == 0 || input_.empty()) {
      throw ArgumentError("Rnn: backward called before forward");
    }
    if (output_gradient.rows() != hidden_.rows() || output_gradient.cols() != hidden_.cols()) {
      throw ShapeError("Rnn: backward expects a gradient of shape " + shape_string(hidden_) +
                       " (hidden × steps·batch), got " + shape_string(output_gradient));
    }
    const Index batch = hidden_.cols() / steps_;
    const Index later = (steps_ - 1) * batch;  // columns of the steps 1 … T−1
    pre_activation_gradient_.resize(hidden_.rows(), hidden_.cols());
    carried_.setZero(hidden_size(), batch);
    transposed_recurrent_weights_ = recurrent_weights_.value.transpose();  // read at every step
    recurrent_weights_.gradient.resize(hidden_size(), hidden_size());
    // doc:begin rnn-backward
    // BPTT, from the last step back: h_t feeds the output at t and, through W_hh, step t+1.
    for (Index t = steps_ - 1; t >= 0; --t) {
      auto dz_t = pre_activation_gradient_.middleCols(t * batch, batch);
      // ∂C/∂h_t = (what the layer above sent for step t) + W_hhᵀ δ_{t+1}
      dz_t = output_gradient.middleCols(t * batch, batch) + carried_;
      // δ_t = ∂C/∂z_t = ∂C/∂h_t ⊙ σ'(z_t), σ' from the stored h_t as in (16)-(17)
      multiply_by_derivative(dz_t, hidden_.middleCols(t * batch, batch));
      if (t > 0) {
        // (17) through time: the part of ∂C/∂h_{t-1} that comes from step t
        if (options_.truncation > 0 && t % options_.truncation == 0) {
          carried_.setZero();  // truncated BPTT: the gradient stops at a chunk boundary
        } else {
          multiply(carried_, transposed_recurrent_weights_, dz_t);  // W_hhᵀ δ_t
        }
      }
    }
    // ∂C/∂W_hh = Σ_{t≥1} δ_t h_{t-1}ᵀ, the (22) of the recurrent weights: one product of the
    // δ of steps 1 … T−1 with the h of steps 0 … T−2
    multiply_transposed_b(recurrent_weights_.gradient, pre_activation_gradient_.rightCols(later),
                          hidden_.leftCols(later));
    // ∂C/∂W_xh = Σ_t δ_t x_tᵀ and ∂C/∂b_h = Σ_t δ_t: one product over every step (20), (22)
    // (for one-hot x_t, a sum of δ columns)
    input_weight_gradient(pre_activation_gradient_, input_.get(), input_weights_.gradient);
    biases_.gradient.noalias() = pre_activation_gradient_.rowwise().sum();
    // doc:end rnn-backward
  }

  /// Starts a fresh sequence for step(): h = 0 for `batch` parallel sequences.
  void reset_state(Index batch = 1) {
    if (batch <= 0) {
      throw ArgumentError("Rnn: reset_state needs a positive batch, got " + std::to_string(batch));
    }
    state_.setZero(hidden_size(), batch);
  }

  /// One step of (25) for generation: x_t is inputs × B; returns h_t and keeps it as the state
  /// for the next call. Allocates nothing once the state has its size.
  const Matrix<S>& step(const Matrix<S>& input) {
    if (input.rows() != input_size()) {
      throw ShapeError("Rnn::step: the input has " + std::to_string(input.rows()) +
                       " features but the layer expects " + std::to_string(input_size()));
    }
    if (state_.cols() != input.cols() || state_.rows() != hidden_size()) {
      reset_state(input.cols());
    }
    // doc:begin rnn-step
    // (25) for one step: the new state from the input and the previous state
    project_inputs(input, step_hot_, step_buffer_);                // W_xh x + b
    multiply_add(step_buffer_, recurrent_weights_.value, state_);  // + W_hh h
    activate(step_buffer_);
    state_.swap(step_buffer_);
    // doc:end rnn-step
    return state_;
  }

  /// The hidden state carried by step().
  const Matrix<S>& state() const { return state_; }
  /// Reorders the parallel sequences step() carries: sequence j
  /// continues the old sequence from[j], so their number may change (a beam search keeps
  /// its best hypotheses so). Allocates nothing once warm; ShapeError for a `from` that does
  /// not fit the state.
  void reorder_state(std::span<const Index> from) {
    detail::reorder_state_columns("Rnn", state_, from, reorder_scratch_);
  }

  /// Visits W_xh, W_hh, then b_h (the order saved models and optimisers rely on).
  template <class F>
  void for_each_parameter(F&& visit) {
    unseeded_ = false;
    visit(input_weights_);
    visit(recurrent_weights_);
    visit(biases_);
  }
  /// Visits W_xh, W_hh, then b_h, read-only.
  template <class F>
  void for_each_parameter(F&& visit) const {
    visit(input_weights_);
    visit(recurrent_weights_);
    visit(biases_);
  }

  /// W_xh (hidden × inputs) and its gradient.
  Parameter<S>& input_weights() {
    unseeded_ = false;
    return input_weights_;
  }
  /// W_xh (hidden × inputs) and its gradient, read-only.
  const Parameter<S>& input_weights() const { return input_weights_; }
  /// W_hh (hidden × hidden) and its gradient.
  Parameter<S>& recurrent_weights() {
    unseeded_ = false;
    return recurrent_weights_;
  }
  /// W_hh (hidden × hidden) and its gradient, read-only.
  const Parameter<S>& recurrent_weights() const { return recurrent_weights_; }
  /// b_h (hidden × 1) and its gradient.
  Parameter<S>& biases() {
    unseeded_ = false;
    return biases_;
  }
  /// b_h (hidden × 1) and its gradient, read-only.
  const Parameter<S>& biases() const { return biases_; }

 private:
  const Matrix<S>& forward_through_time(const Matrix<S>& input) {
    const Index batch = input.cols() / steps_;
    // doc:begin rnn-forward
    // (25) with the input projection for all steps at once, W_xh X + b (one product, or one
    // column of W_xh per one-hot x_t); only the recurrent term W_hh h_{t-1} has to wait for
    // the step before.
    project_inputs(input, hot_, hidden_);
    for (Index t = 0; t < steps_; ++t) {
      auto h_t = hidden_.middleCols(t * batch, batch);
      if (t > 0) {
        multiply_add(h_t, recurrent_weights_.value, hidden_.middleCols((t - 1) * batch, batch));
      }
      activate(h_t);
    }
    // doc:end rnn-forward
    return hidden_;
  }

  // out = W_xh X + b·1ᵀ, one column of W_xh per one-hot column of X (layers/input_projection.hpp)
  void project_inputs(const Matrix<S>& x, std::vector<Index>& hot, Matrix<S>& out) const {
    detail::project_inputs(input_weights_.value, biases_.value, x, hot, out);
  }

  // ∂C/∂W_xh = δ Xᵀ, a sum of δ columns for one-hot X
  void input_weight_gradient(const Matrix<S>& delta, const Matrix<S>& x, Matrix<S>& out) const {
    detail::input_weight_gradient(delta, x, hot_, out);
  }

  template <class Block>
  void activate(Block&& z) const {
    if (options_.activation == RnnActivation::tanh) {
      z = z.array().tanh().matrix();
    } else {
      z = (S(1) + (-z.array()).exp()).inverse().matrix();
    }
  }

  // g ⊙ σ'(z) with σ' written through h = σ(z): 1 − h² for tanh, h(1 − h) for the sigmoid.
  template <class Block, class HBlock>
  void multiply_by_derivative(Block&& g, const HBlock& h) const {
    if (options_.activation == RnnActivation::tanh) {
      g.array() *= S(1) - h.array().square();
    } else {
      g.array() *= h.array() * (S(1) - h.array());
    }
  }

  Parameter<S> input_weights_;      // W_xh: hidden × inputs
  Parameter<S> recurrent_weights_;  // W_hh: hidden × hidden
  Parameter<S> biases_;             // b_h: hidden × 1
  RnnOptions options_;
  bool unseeded_ = false;
  Index steps_ = 1;
  KeptInput<S> input_;                 // X of the latest forward
  std::vector<Index> hot_;             // the row of each column's 1, when X is one-hot
  Matrix<S> hidden_;                   // every h_t of the latest forward
  Matrix<S> pre_activation_gradient_;  // every δ_t = ∂C/∂z_t
  Matrix<S> carried_;                  // W_hhᵀ δ_{t+1}, flowing back in time
  Matrix<S> input_gradient_;
  Matrix<S> transposed_recurrent_weights_;  // W_hhᵀ and W_xhᵀ laid out for the product
  Matrix<S> transposed_input_weights_;      // kernel (scratch)
  Matrix<S> state_;                // h carried by step()
  Matrix<S> reorder_scratch_;  // a reordered state before it is swapped in
  Matrix<S> step_buffer_;          // the next h being computed
  std::vector<Index> step_hot_;    // hot_ for step()
};

}  // namespace bachprop

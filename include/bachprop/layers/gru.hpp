#pragma once
/// @file
/// The gated recurrent unit (Cho et al. 2014), as torch.nn.GRU computes it: equations (33)-(34)
/// forward, (35)-(37) backward through time (docs/derivation.md). One state h, which each step
/// moves part of the way (the update gate z) towards a candidate n; the reset gate r decides
/// how much of the old state the candidate sees.
///
/// The layout is the Rnn's (layers/rnn.hpp): features × (T·B), time-major, column t·B + b for
/// step t of sequence b; the output is every h_t.
///
/// The three gates' weights are stacked in PyTorch's order, r, z, n: W_x is 3H × inputs, W_h is
/// 3H × H. Unlike the LSTM's, the two biases cannot be merged, because r multiplies the
/// candidate's recurrent term with its bias, r ⊙ (W_hn h + b_hn): the layer keeps both, b_x and
/// b_h, as torch.nn.GRU's bias_ih_l0 and bias_hh_l0.

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

/// Settings of a Gru beyond its sizes.
struct GruOptions {
  /// Backpropagate through at most this many steps (0: the whole sequence), as RnnOptions.
  Index truncation = 0;
  /// Scheme of the input weights W_x; each gate's block of W_h starts orthogonal, the biases at
  /// zero.
  Init input_init = Init::xavier;
};

/// A GRU layer: `inputs` features in, `hidden` units out, per step.
template <Scalar S = float>
class Gru {
 public:
  /// The element type, float or double.
  using Scalar = S;

  /// `inputs` features in, `hidden` units out, weights drawn from `seed`. Without a seed the
  /// layer is unseeded() until a Network draws it afresh, as Dense. Throws ArgumentError on a
  /// size that is not positive or a negative truncation.
  Gru(Index inputs, Index hidden, GruOptions options = {},
      std::optional<std::uint64_t> seed = std::nullopt)
      : input_weights_("input_weights", 3 * hidden, inputs, true),
        recurrent_weights_("recurrent_weights", 3 * hidden, hidden, true),
        input_biases_("input_biases", 3 * hidden, 1, false),
        recurrent_biases_("recurrent_biases", 3 * hidden, 1, false),
        options_(options) {
    detail::check_recurrent_sizes("Gru", inputs, hidden, options.truncation);
    Rng rng(seed.value_or(0));
    initialise(rng);
    unseeded_ = !seed.has_value();
  }

  /// "gru", the kind a saved model must match.
  std::string_view kind() const { return "gru"; }
  /// Features per step: the rows of the input.
  Index input_size() const { return input_weights_.value.cols(); }
  /// Hidden units: the rows of the output.
  Index output_size() const { return recurrent_weights_.value.cols(); }
  /// Hidden units, the size of h_t.
  Index hidden_size() const { return output_size(); }
  /// The truncation and input initialisation in use.
  const GruOptions& options() const { return options_; }

  /// Steps per sequence in the batches that follow (T of the time-major layout).
  void set_steps(Index steps) { steps_ = detail::checked_steps("Gru", steps); }
  /// Steps per sequence (T) the next forward assumes.
  Index steps() const { return steps_; }

  /// Backpropagate through at most `steps` steps (0: all).
  void set_truncation(Index steps) {
    options_.truncation = detail::checked_truncation("Gru", steps);
  }

  /// W_x by the options' scheme, each gate's H × H block of W_h a random orthogonal matrix,
  /// both biases 0.
  void initialise(Rng& rng) {
    initialise_affine(options_.input_init, input_weights_.value, input_biases_.value, rng);
    const Index n = hidden_size();
    for (Index gate = 0; gate < 3; ++gate) {
      recurrent_weights_.value.middleRows(gate * n, n) = random_orthogonal<S>(n, rng);
    }
    input_biases_.value.setZero();
    recurrent_biases_.value.setZero();
    unseeded_ = false;
  }

  /// True while the parameters are the draw of a layer built without a seed, untouched since
  /// (see Dense::unseeded).
  bool unseeded() const { return unseeded_; }

  /// Every hidden state of a batch of sequences: x is inputs × (T·B), time-major; h_{−1} = 0.
  /// Keeps a copy of x for backward, so x may be a temporary.
  const Matrix<S>& forward(const Matrix<S>& input) {
    detail::check_sequence_batch("Gru", input, input_size(), steps_);
    input_.copy(input);
    return forward_through_time(input_.get());  // the copy: `input` may be this layer's output
  }

  /// forward without the copy: keeps a reference to x, which must stay alive and unchanged
  /// until backward (the rule in core/layer.hpp). What a Network calls.
  const Matrix<S>& forward_borrowing(const Matrix<S>& input) {
    detail::check_sequence_batch("Gru", input, input_size(), steps_);
    input_.borrow(input);
    return forward_through_time(input);
  }

  /// Backpropagation through time. Given ∂C/∂h_t for every step (hidden × (T·B): what the
  /// layer above sent back), stores the four parameter gradients and returns ∂C/∂x_t.
  const Matrix<S>& backward(const Matrix<S>& output_gradient) {
    backward_parameters_only(output_gradient);
    // ∂C/∂x_t = W_xᵀ δᵃ_t for every step at once
    input_gradient_.resize(input_size(), input_deltas_.cols());
    multiply_transposed_a(input_gradient_, input_weights_.value, input_deltas_,
                          transposed_input_weights_);
    return input_gradient_;
  }

  /// The parameter half of backward (a network's first layer needs nothing more).
  void backward_parameters_only(const Matrix<S>& output_gradient) {
    if (hidden_.size() == 0 || input_.empty()) {
      throw ArgumentError("Gru: backward called before forward");
    }
    if (output_gradient.rows() != hidden_.rows() || output_gradient.cols() != hidden_.cols()) {
      throw ShapeError("Gru: backward expects a gradient of shape " + shape_string(hidden_) +
                       " (hidden × steps·batch), got " + shape_string(output_gradient));
    }
    const Index n = hidden_size();
    const Index batch = hidden_.cols() / steps_;
    const Index later = (steps_ - 1) * batch;  // columns of the steps 1 … T−1
    input_deltas_.resize(3 * n, hidden_.cols());
    recurrent_deltas_.resize(3 * n, hidden_.cols());
    carried_.setZero(n, batch);
    transposed_recurrent_weights_ = recurrent_weights_.value.transpose();  // read at every step
    // doc:begin gru-backward
    // BPTT, from the last step back: h_t feeds the output at t and step t+1, both through the
    // gates (W_h) and directly (z_{t+1} ⊙ h_t).
    for (Index t = steps_ - 1; t >= 0; --t) {
      const auto gates = gates_.middleCols(t * batch, batch);
      const auto r = gates.topRows(n).array();
      const auto z = gates.middleRows(n, n).array();
      const auto candidate = gates.bottomRows(n).array();
      const auto recurrent_n = recurrent_candidate_.middleCols(t * batch, batch).array();
      auto da = input_deltas_.middleCols(t * batch, batch);
      auto du = recurrent_deltas_.middleCols(t * batch, batch);
      // (35) ∂C/∂h_t: what the layer above sent for step t, plus what step t+1 sent back
      dh_ = output_gradient.middleCols(t * batch, batch) + carried_;
      // (36) the gates' δ, with respect to a = W_x x + b_x and u = W_h h + b_h; they differ only
      // in the candidate's block, where u is scaled by r
      if (t > 0) {
        const auto h_before = hidden_.middleCols((t - 1) * batch, batch).array();
        da.middleRows(n, n).array() = dh_.array() * (h_before - candidate) * z * (S(1) - z);
      } else {
        da.middleRows(n, n).array() = -dh_.array() * candidate * z * (S(1) - z);  // h_{−1} = 0
      }
      da.bottomRows(n).array() = dh_.array() * (S(1) - z) * (S(1) - candidate.square());
      da.topRows(n).array() = da.bottomRows(n).array() * recurrent_n * r * (S(1) - r);
      du.topRows(2 * n) = da.topRows(2 * n);
      du.bottomRows(n).array() = da.bottomRows(n).array() * r;
      if (t > 0) {
        if (options_.truncation > 0 && t % options_.truncation == 0) {
          carried_.setZero();  // truncated BPTT: the gradient stops at a chunk boundary
        } else {
          // (35)'s carry to h_{t−1}: W_hᵀ δᵘ_t, plus z_t ⊙ ∂C/∂h_t from h_t = … + z ⊙ h_{t−1}
          multiply(carried_, transposed_recurrent_weights_, du);
          carried_.array() += dh_.array() * z;
        }
      }
    }
    // (37) ∂C/∂W_h = Σ_{t≥1} δᵘ_t h_{t−1}ᵀ, ∂C/∂b_h = Σ_t δᵘ_t, ∂C/∂W_x = Σ_t δᵃ_t x_tᵀ,
    // ∂C/∂b_x = Σ_t δᵃ_t; ∂C/∂W_h one gate's rows at a time, as the Lstm's
    recurrent_weights_.gradient.resize(3 * n, n);
    for (Index gate = 0; gate < 3; ++gate) {
      multiply_transposed_b(recurrent_weights_.gradient.middleRows(gate * n, n),
                            recurrent_deltas_.middleRows(gate * n, n).rightCols(later),
                            hidden_.leftCols(later));
    }
    recurrent_biases_.gradient.noalias() = recurrent_deltas_.rowwise().sum();
    detail::input_weight_gradient(input_deltas_, input_.get(), hot_, input_weights_.gradient);
    input_biases_.gradient.noalias() = input_deltas_.rowwise().sum();
    // doc:end gru-backward
  }

  /// Starts fresh sequences for step(): h = 0 for `batch` parallel sequences.
  void reset_state(Index batch = 1) {
    if (batch <= 0) {
      throw ArgumentError("Gru: reset_state needs a positive batch, got " +
                          std::to_string(batch));
    }
    state_.setZero(hidden_size(), batch);
  }

  /// One step of (33)-(34) for generation: x_t is inputs × B; returns h_t and keeps it as the
  /// state for the next call. Allocates nothing once the state has its size.
  const Matrix<S>& step(const Matrix<S>& input) {
    if (input.rows() != input_size()) {
      throw ShapeError("Gru::step: the input has " + std::to_string(input.rows()) +
                       " features but the layer expects " + std::to_string(input_size()));
    }
    if (state_.cols() != input.cols() || state_.rows() != hidden_size()) {
      reset_state(input.cols());
    }
    detail::project_inputs(input_weights_.value, input_biases_.value, input, step_hot_,
                           step_gates_);
    step_recurrent_.resize(3 * hidden_size(), input.cols());
    multiply(step_recurrent_, recurrent_weights_.value, state_, recurrent_biases_.value.data());
    step_candidate_.resize(hidden_size(), input.cols());
    update_state(step_gates_, step_recurrent_, step_candidate_, state_, state_);
    return state_;
  }

  /// The hidden state carried by step().
  const Matrix<S>& state() const { return state_; }
  /// Reorders the parallel sequences step() carries: sequence j
  /// continues the old sequence from[j], so their number may change (a beam search keeps
  /// its best hypotheses so). Allocates nothing once warm; ShapeError for a `from` that does
  /// not fit the state.
  void reorder_state(std::span<const Index> from) {
    detail::reorder_state_columns("Gru", state_, from, reorder_scratch_);
  }

  /// Visits W_x, W_h, b_x, then b_h (the order saved models and optimisers rely on).
  template <class F>
  void for_each_parameter(F&& visit) {
    unseeded_ = false;
    visit(input_weights_);
    visit(recurrent_weights_);
    visit(input_biases_);
    visit(recurrent_biases_);
  }
  /// Visits W_x, W_h, b_x, then b_h, read-only.
  template <class F>
  void for_each_parameter(F&& visit) const {
    visit(input_weights_);
    visit(recurrent_weights_);
    visit(input_biases_);
    visit(recurrent_biases_);
  }

  /// W_x (3·hidden × inputs, gates r, z, n) and its gradient.
  Parameter<S>& input_weights() {
    unseeded_ = false;
    return input_weights_;
  }
  /// W_x (3·hidden × inputs, gates r, z, n) and its gradient, read-only.
  const Parameter<S>& input_weights() const { return input_weights_; }
  /// W_h (3·hidden × hidden, gates r, z, n) and its gradient.
  Parameter<S>& recurrent_weights() {
    unseeded_ = false;
    return recurrent_weights_;
  }
  /// W_h (3·hidden × hidden, gates r, z, n) and its gradient, read-only.
  const Parameter<S>& recurrent_weights() const { return recurrent_weights_; }
  /// b_x (3·hidden × 1, gates r, z, n; torch's bias_ih_l0) and its gradient.
  Parameter<S>& input_biases() {
    unseeded_ = false;
    return input_biases_;
  }
  /// b_x (3·hidden × 1) and its gradient, read-only.
  const Parameter<S>& input_biases() const { return input_biases_; }
  /// b_h (3·hidden × 1, gates r, z, n; torch's bias_hh_l0) and its gradient.
  Parameter<S>& recurrent_biases() {
    unseeded_ = false;
    return recurrent_biases_;
  }
  /// b_h (3·hidden × 1) and its gradient, read-only.
  const Parameter<S>& recurrent_biases() const { return recurrent_biases_; }

 private:
  const Matrix<S>& forward_through_time(const Matrix<S>& input) {
    const Index n = hidden_size();
    const Index batch = input.cols() / steps_;
    recurrent_candidate_.resize(n, input.cols());
    hidden_.resize(n, input.cols());
    recurrent_.resize(3 * n, batch);
    // doc:begin gru-forward
    // (33) a = W_x x_t + b_x for every step at once (one product, or one column of W_x per
    // one-hot x_t); u = W_h h_{t−1} + b_h waits for the step before (u = b_h at t = 0).
    detail::project_inputs(input_weights_.value, input_biases_.value, input, hot_, gates_);
    for (Index t = 0; t < steps_; ++t) {
      if (t > 0) {
        multiply(recurrent_, recurrent_weights_.value, hidden_.middleCols((t - 1) * batch, batch),
                 recurrent_biases_.value.data());
      } else {
        recurrent_.colwise() = recurrent_biases_.value.col(0);
      }
      // (34): the gates in place of a, then h_t (h_{t−1} = 0 at t = 0, where it is unread)
      update_state(gates_.middleCols(t * batch, batch), recurrent_,
                   recurrent_candidate_.middleCols(t * batch, batch),
                   hidden_.middleCols(std::max<Index>(t - 1, 0) * batch, batch),
                   hidden_.middleCols(t * batch, batch), t == 0);
    }
    // doc:end gru-forward
    return hidden_;
  }

  // (34) for one step: r, z and the candidate n in place of a, W_hn h + b_hn kept (backward
  // needs it), then h_t. With `first`, h_{t−1} = 0 and `h_before` is not read (it may alias h).
  template <class Gates, class RecurrentCandidate, class HiddenBefore, class Hidden>
  void update_state(Gates&& gates, const Matrix<S>& recurrent, RecurrentCandidate&& kept,
                    const HiddenBefore& h_before, Hidden&& h, bool first = false) const {
    const Index n = hidden_size();
    // doc:begin gru-gates
    // (34) r = σ(a_r + u_r), z = σ(a_z + u_z), n = tanh(a_n + r ⊙ u_n),
    //      h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
    auto r = gates.topRows(n).array();
    auto z = gates.middleRows(n, n).array();
    auto candidate = gates.bottomRows(n).array();
    r = (S(1) + (-(r + recurrent.topRows(n).array())).exp()).inverse();
    z = (S(1) + (-(z + recurrent.middleRows(n, n).array())).exp()).inverse();
    kept = recurrent.bottomRows(n);
    candidate = (candidate + r * kept.array()).tanh();
    if (first) {
      h.array() = (S(1) - z) * candidate;
    } else {
      h.array() = (S(1) - z) * candidate + z * h_before.array();
    }
    // doc:end gru-gates
  }

  Parameter<S> input_weights_;      // W_x: 3·hidden × inputs
  Parameter<S> recurrent_weights_;  // W_h: 3·hidden × hidden
  Parameter<S> input_biases_;       // b_x: 3·hidden × 1
  Parameter<S> recurrent_biases_;   // b_h: 3·hidden × 1
  GruOptions options_;
  bool unseeded_ = false;
  Index steps_ = 1;
  KeptInput<S> input_;                // X of the latest forward
  std::vector<Index> hot_;            // the row of each column's 1, when X is one-hot
  Matrix<S> gates_;                   // every step's r, z, n (activated), 3·hidden × T·B
  Matrix<S> recurrent_candidate_;     // every step's u_n = W_hn h_{t−1} + b_hn
  Matrix<S> recurrent_;               // u = W_h h_{t−1} + b_h of the step being computed
  Matrix<S> hidden_;                  // every h_t
  Matrix<S> input_deltas_;            // every δᵃ_t = ∂C/∂a_t
  Matrix<S> recurrent_deltas_;        // every δᵘ_t = ∂C/∂u_t
  Matrix<S> dh_;                      // ∂C/∂h_t of the step being worked back through
  Matrix<S> carried_;                 // what step t+1 sends back to h_t
  Matrix<S> input_gradient_;
  Matrix<S> transposed_recurrent_weights_;  // W_hᵀ and W_xᵀ laid out for the product
  Matrix<S> transposed_input_weights_;      // kernel (scratch)
  Matrix<S> state_;           // h carried by step()
  Matrix<S> reorder_scratch_;  // a reordered state before it is swapped in
  Matrix<S> step_gates_;      // a, then the gates, of the step being computed
  Matrix<S> step_recurrent_;  // u of that step
  Matrix<S> step_candidate_;  // u_n of that step
  std::vector<Index> step_hot_;  // hot_ for step()
};

}  // namespace bachprop

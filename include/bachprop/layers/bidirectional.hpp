#pragma once
/// @file
/// Reading a sequence both ways, as torch's `bidirectional=True` does: equations (46)-(47)
/// (docs/derivation.md). One recurrent layer reads steps 0 … T−1, a second reads the same
/// sequence backwards, T−1 … 0, and the output at step t is the two hidden states stacked,
/// [h→_t; h←_t], so that every step sees the whole sequence: its past through the first layer,
/// its future through the second.
///
/// The layout is the recurrent layers' (layers/rnn.hpp): features × (T·B), time-major, column
/// t·B + b for step t of sequence b; the output is (H→ + H←) × (T·B), the first layer's units
/// on top. Reversing time is a permutation R of the columns (block t of B columns ↔ block
/// T−1−t), so the second layer reads X R and its output is re-reversed, h←(X R) R, to stand at
/// the step it belongs to. R is its own inverse and its own transpose, which is the whole of the
/// backward pass: the gradient's lower half is reversed, sent through the second layer, and its
/// input gradient reversed back before it joins the first layer's.
///
/// There is no step() for generation: the second direction starts from the last step, so the
/// layer needs each sequence whole. A Network holding one has no step() (ReadsWholeSequences,
/// core/layer.hpp). Truncated BPTT is refused: chunks counted from each end would cut the two
/// directions at different steps, and a bidirectional model's sequences are whole by design.

#include <bachprop/core/error.hpp>
#include <bachprop/core/layer.hpp>
#include <bachprop/core/parameter.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>
#include <bachprop/layers/sequence.hpp>

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace bachprop {

/// What Bidirectional needs of each direction: a trainable layer over time-major sequences that
/// borrows its input and can skip ∂C/∂input (Rnn, Lstm, Gru).
template <class L>
concept SequenceLayer = TrainableLayer<L> && BorrowsInput<L> && SkipsInputGradient<L> &&
                        requires(L& layer, const L& const_layer, Index steps) {
                          layer.set_steps(steps);
                          { const_layer.steps() } -> std::same_as<Index>;
                          { const_layer.hidden_size() } -> std::same_as<Index>;
                          { const_layer.options().truncation } -> std::convertible_to<Index>;
                        };

namespace detail {

/// out = in R: block t of `batch` columns of `in` becomes block T−1−t of `out` (per sequence,
/// the steps in reverse order). `out` must not alias `in`; it is resized (allocating only when
/// the shape changes).
template <Scalar S, class In>
void reverse_steps(const In& in, Index steps, Matrix<S>& out) {
  const Index batch = in.cols() / steps;
  out.resize(in.rows(), in.cols());
  for (Index t = 0; t < steps; ++t) {
    out.middleCols(t * batch, batch) = in.middleCols((steps - 1 - t) * batch, batch);
  }
}

}  // namespace detail

/// Two recurrent layers over one sequence, one forward and one backward in time, their hidden
/// states stacked: `Bidirectional<Lstm<>>(inputs, hidden)` is torch's
/// `nn.LSTM(inputs, hidden, bidirectional=True)`, 2·hidden outputs per step.
template <SequenceLayer Forward, SequenceLayer Backward = Forward>
  requires std::same_as<typename Forward::Scalar, typename Backward::Scalar>
class Bidirectional {
 public:
  /// The element type, float or double.
  using Scalar = typename Forward::Scalar;
  /// The options both directions are built with when they are one type (LstmOptions, …).
  using Options = std::remove_cvref_t<decltype(std::declval<const Forward&>().options())>;
  /// Marks the layer as needing each sequence whole: no step() (core/layer.hpp).
  static constexpr bool reads_whole_sequences = true;

  /// Both directions built from their sizes, `inputs` features in and `hidden` units each
  /// (2·hidden out), with the same options; the forward layer's parameters are drawn from
  /// `seed` first, then the backward layer's, as initialise(). Without a seed the layer is
  /// unseeded() until a Network draws it afresh. Throws ArgumentError on a size that is not
  /// positive or a truncation other than 0.
  Bidirectional(Index inputs, Index hidden, Options options = {},
                std::optional<std::uint64_t> seed = std::nullopt)
    requires std::same_as<Forward, Backward>
      : Bidirectional(Forward(inputs, hidden, options, 0), Backward(inputs, hidden, options, 0)) {
    Rng rng(seed.value_or(0));
    initialise(rng);
    unseeded_ = !seed.has_value();
  }

  /// Wraps two layers as they are (their weights kept, their parameters renamed "forward_…"
  /// and "backward_…"). Unseeded when either is. Throws ArgumentError unless both take the same
  /// inputs, and if either truncates BPTT.
  Bidirectional(Forward forward, Backward backward)
      : forward_(std::move(forward)), backward_(std::move(backward)) {
    if (forward_.input_size() != backward_.input_size()) {
      throw ArgumentError("Bidirectional: the two directions take " +
                          std::to_string(forward_.input_size()) + " and " +
                          std::to_string(backward_.input_size()) + " inputs; they read one input");
    }
    if (forward_.options().truncation != 0 || backward_.options().truncation != 0) {
      throw ArgumentError(truncation_message);
    }
    unseeded_ = forward_.unseeded() || backward_.unseeded();
    rename(forward_, "forward_");
    rename(backward_, "backward_");
    kind_ = "bidirectional_" + std::string(forward_.kind());
    if (backward_.kind() != forward_.kind()) {
      kind_ += "_" + std::string(backward_.kind());
    }
    set_steps(forward_.steps());
  }

  /// "bidirectional_" and the wrapped layer's kind ("bidirectional_lstm", "bidirectional_gru",
  /// "bidirectional_rnn_tanh"), or both kinds when the directions differ.
  std::string_view kind() const { return kind_; }
  /// Features per step: the rows of the input, read by both directions.
  Index input_size() const { return forward_.input_size(); }
  /// Hidden units of both directions: the rows of the output.
  Index output_size() const { return forward_.output_size() + backward_.output_size(); }

  /// Steps per sequence (T) in the batches that follow, for both directions.
  void set_steps(Index steps) {
    steps_ = detail::checked_steps("Bidirectional", steps);
    forward_.set_steps(steps);
    backward_.set_steps(steps);
  }
  /// Steps per sequence (T) the next forward assumes.
  Index steps() const { return steps_; }
  /// 0 (full BPTT) is accepted; anything else is an ArgumentError, as the file's comment says.
  void set_truncation(Index steps) {
    if (steps != 0) {
      throw ArgumentError(truncation_message);
    }
  }

  /// Draws the forward layer's parameters, then the backward layer's, from `rng`.
  void initialise(Rng& rng) {
    forward_.initialise(rng);
    backward_.initialise(rng);
    unseeded_ = false;
  }
  /// True while the parameters are the draw of a layer built without a seed, untouched since
  /// (see Dense::unseeded).
  bool unseeded() const { return unseeded_; }

  /// [h→; h←] for every step of a batch of sequences (inputs × (T·B), time-major). Keeps a copy
  /// of x for backward, so x may be a temporary.
  const Matrix<Scalar>& forward(const Matrix<Scalar>& input) {
    detail::check_sequence_batch("Bidirectional", input, input_size(), steps_);
    return stack(forward_.forward(input), input);
  }

  /// forward without the copy: x must stay alive and unchanged until backward (the rule in
  /// core/layer.hpp). What a Network calls.
  const Matrix<Scalar>& forward_borrowing(const Matrix<Scalar>& input) {
    detail::check_sequence_batch("Bidirectional", input, input_size(), steps_);
    return stack(forward_.forward_borrowing(input), input);
  }

  /// Given ∂C/∂[h→; h←] for every step, stores both directions' parameter gradients and returns
  /// ∂C/∂x, the sum of what each direction sends back (the backward one's reversed back).
  const Matrix<Scalar>& backward(const Matrix<Scalar>& output_gradient) {
    split_gradient(output_gradient);
    // doc:begin bidirectional-backward
    // (47) ∂C/∂X = D→ + D← Rᵀ, and Rᵀ = R: the backward layer's input gradient D← is reversed
    // back to the steps of X before the two are added
    const Matrix<Scalar>& forward_input_gradient = forward_.backward(forward_gradient_);
    detail::reverse_steps(backward_.backward(backward_gradient_), steps_, input_gradient_);  // (47)
    input_gradient_ += forward_input_gradient;  // (47)
    // doc:end bidirectional-backward
    return input_gradient_;
  }

  /// The parameter half of backward (a network's first layer needs nothing more).
  void backward_parameters_only(const Matrix<Scalar>& output_gradient) {
    split_gradient(output_gradient);
    forward_.backward_parameters_only(forward_gradient_);
    backward_.backward_parameters_only(backward_gradient_);
  }

  /// Visits the forward layer's parameters, then the backward layer's (the order saved models
  /// and optimisers rely on).
  template <class F>
  void for_each_parameter(F&& visit) {
    unseeded_ = false;
    forward_.for_each_parameter(visit);
    backward_.for_each_parameter(visit);
  }
  /// Visits the forward layer's parameters, then the backward layer's, read-only.
  template <class F>
  void for_each_parameter(F&& visit) const {
    forward_.for_each_parameter(visit);
    backward_.for_each_parameter(visit);
  }

  /// The layer reading steps 0 … T−1.
  Forward& forward_layer() {
    unseeded_ = false;
    return forward_;
  }
  /// The layer reading steps 0 … T−1, read-only.
  const Forward& forward_layer() const { return forward_; }
  /// The layer reading steps T−1 … 0.
  Backward& backward_layer() {
    unseeded_ = false;
    return backward_;
  }
  /// The layer reading steps T−1 … 0, read-only.
  const Backward& backward_layer() const { return backward_; }

 private:
  static constexpr const char* truncation_message =
      "Bidirectional: truncated BPTT is not supported (the two directions would be cut at "
      "different steps); use truncation 0, whole sequences";

  template <class L>
  static void rename(L& layer, const char* prefix) {
    layer.for_each_parameter([prefix](Parameter<Scalar>& p) { p.name = prefix + p.name; });
  }

  // Runs the backward layer over X R and stacks [h→; h← R] into the output.
  const Matrix<Scalar>& stack(const Matrix<Scalar>& forward_hidden, const Matrix<Scalar>& input) {
    // doc:begin bidirectional-forward
    // (46) the backward layer reads X R, the steps of every sequence in reverse order, and its
    // hidden states are reversed back: row block H← of the output at step t is h←_t
    detail::reverse_steps(input, steps_, reversed_input_);  // (46) X R
    const Matrix<Scalar>& backward_hidden = backward_.forward_borrowing(reversed_input_);
    output_.resize(output_size(), input.cols());
    output_.topRows(forward_.output_size()) = forward_hidden;  // (46) h→(X)
    detail::reverse_steps(backward_hidden, steps_, reversed_hidden_);  // (46) h←(X R) R
    output_.bottomRows(backward_.output_size()) = reversed_hidden_;
    // doc:end bidirectional-forward
    return output_;
  }

  // The output gradient's halves: the forward layer's as it is, the backward layer's in the
  // order that layer read its input, G← R (R = Rᵀ).
  void split_gradient(const Matrix<Scalar>& output_gradient) {
    if (output_.size() == 0) {
      throw ArgumentError("Bidirectional: backward called before forward");
    }
    if (output_gradient.rows() != output_.rows() || output_gradient.cols() != output_.cols()) {
      throw ShapeError("Bidirectional: backward expects a gradient of shape " +
                       shape_string(output_) + " (2·hidden × steps·batch), got " +
                       shape_string(output_gradient));
    }
    // doc:begin bidirectional-split
    // (47) G split as Y's rows: G→ goes to the forward layer as it is, G← reversed, G← Rᵀ = G← R
    forward_gradient_ = output_gradient.topRows(forward_.output_size());
    detail::reverse_steps(output_gradient.bottomRows(backward_.output_size()), steps_,
                          backward_gradient_);  // (47) G← R
    // doc:end bidirectional-split
  }

  Forward forward_;
  Backward backward_;
  std::string kind_;
  bool unseeded_ = false;
  Index steps_ = 1;
  Matrix<Scalar> reversed_input_;     // X R, which the backward layer borrows
  Matrix<Scalar> reversed_hidden_;    // h←(X R) R, before it is stacked
  Matrix<Scalar> output_;             // [h→; h←], (H→ + H←) × T·B
  Matrix<Scalar> forward_gradient_;   // the output gradient's upper rows
  Matrix<Scalar> backward_gradient_;  // its lower rows, reversed: G← R
  Matrix<Scalar> input_gradient_;     // ∂C/∂X
};

}  // namespace bachprop

#pragma once
/// @file
/// A network: layers composed at compile time, forward as a left fold, backward as a right fold.
///
///     Network net{Dense(2, 3), Sigmoid(), Dense(3, 1), Sigmoid()};
///
/// The layers live in a std::tuple, so every call is resolved at compile time (no virtual
/// functions in the hot path) and a shape mismatch between neighbours is reported when the
/// network is built, naming both layers.

#include <bachprop/core/error.hpp>
#include <bachprop/core/layer.hpp>
#include <bachprop/core/loss.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace bachprop {

/// A feed-forward composition of layers sharing one scalar type.
template <Layer... Ls>
  requires(sizeof...(Ls) > 0)
class Network {
 public:
  /// The scalar type every layer shares (float or double).
  using Scalar = typename std::tuple_element_t<0, std::tuple<Ls...>>::Scalar;
  /// The layer types, first to last, as a tuple.
  using Layers = std::tuple<Ls...>;
  static_assert((std::is_same_v<typename Ls::Scalar, Scalar> && ...),
                "every layer of a Network must use the same scalar type (float or double)");

  /// Number of layers (activations count as layers).
  static constexpr std::size_t depth = sizeof...(Ls);

  /// Builds the network and checks that each layer's inputs match what the one before gives.
  /// Layers built with a seed (or whose values were set) keep their weights; layers built
  /// without one are drawn afresh, in layer order, from one generator seeded 0 (when no layer
  /// has a seed, that is initialise(0)). Call initialise(seed) to draw all anew from one seed.
  explicit Network(Ls... layers) : layers_(std::move(layers)...) {
    check_chain();
    draw_unseeded_layers();
  }

  /// Re-draws every trainable layer's parameters, in layer order, from one seed (step 1 of
  /// section 5). The same seed gives the same network.
  void initialise(std::uint64_t seed) {
    Rng rng(seed);
    for_each_layer([&rng](auto& layer) {
      if constexpr (TrainableLayer<std::remove_cvref_t<decltype(layer)>>) {
        layer.initialise(rng);
      }
    });
  }

  /// Features the first sized layer expects (any_size if the network has only activations).
  Index input_size() const {
    Index size = any_size;
    for_each_layer([&size](const auto& layer) {
      if (size == any_size) {
        size = layer.input_size();
      }
    });
    return size;
  }

  /// Outputs of the last sized layer.
  Index output_size() const {
    Index size = any_size;
    for_each_layer([&size](const auto& layer) {
      if (layer.output_size() != any_size) {
        size = layer.output_size();
      }
    });
    return size;
  }

  /// Feeds a batch (inputs × samples) forward through every layer: a^L. The first layer keeps
  /// a copy of `input`, so a later backward() is safe even if the caller's batch is gone.
  const Matrix<Scalar>& forward(const Matrix<Scalar>& input) {
    return feed_forward(input, /*borrow_input=*/false);
  }

  /// Propagates ∂C/∂a^L back through every layer, storing each layer's parameter gradients, and
  /// returns ∂C/∂input (for the input of the latest forward).
  const Matrix<Scalar>& backward(const Matrix<Scalar>& output_gradient) {
    backward_through<depth - 1>(output_gradient, true);
    return input_gradient_;
  }

  /// backward() for a network whose input is data, not another network's output: stores every
  /// parameter gradient but does not compute ∂C/∂input (the first layer skips that product).
  void backward_parameters(const Matrix<Scalar>& output_gradient) {
    backward_through<depth - 1>(output_gradient, false);
  }

  /// One gradient evaluation: forward, the loss, and backward (steps 2-4 of section 5).
  /// Returns the batch's mean loss C̄; afterwards every parameter holds ∂C̄/∂parameter.
  ///
  /// When the loss pairs with the last layer (CrossEntropy after Softmax, BinaryCrossEntropy
  /// after Sigmoid) the output error δ^L = a − y is formed directly and the last layer's
  /// backward is skipped. ∂C̄/∂input is computed only if `want_input_gradient`
  /// (then read it from input_gradient()).
  template <Loss L>
  Scalar compute_gradients(const Matrix<Scalar>& input, const Matrix<Scalar>& target,
                           const L& loss, bool want_input_gradient = false) {
    static_assert(std::is_same_v<typename L::Scalar, Scalar>,
                  "the loss must use the network's scalar type");
    // `input` outlives this call's backward, so even the first layer keeps no copy of it.
    const Matrix<Scalar>& output = feed_forward(input, /*borrow_input=*/true);
    using Last = std::tuple_element_t<depth - 1, Layers>;
    if constexpr (pairs_with<L, Last>) {
      const Scalar value = paired_loss_value(loss, std::get<depth - 1>(layers_), target);
      // doc:begin network-paired-output-error
      // (16) with cross-entropy: δ^L = a^L - y, formed directly at z^L
      paired_output_error(loss, std::get<depth - 1>(layers_), output, target, output_error_);
      // doc:end network-paired-output-error
      if constexpr (depth == 1) {
        input_gradient_ = output_error_;
      } else {
        backward_through<depth - 2>(output_error_, want_input_gradient);
      }
      return value;
    } else {
      const Scalar value = loss.value(output, target);
      // doc:begin network-output-error
      // (15)-(16) δ^L = ∂C/∂a^L ⊙ σ'(z^L): the loss gives ∂C/∂a^L, the output
      // activation's backward multiplies by σ'(z^L), then (17) carries δ down the layers
      loss.gradient(output, target, output_error_);
      backward_through<depth - 1>(output_error_, want_input_gradient);
      // doc:end network-output-error
      return value;
    }
  }

  /// The batch's mean loss, computed the way compute_gradients computes it (from the logits
  /// when the loss pairs with the last layer), without a backward pass.
  template <Loss L>
  Scalar loss(const Matrix<Scalar>& input, const Matrix<Scalar>& target, const L& loss) {
    const Matrix<Scalar>& output = feed_forward(input, /*borrow_input=*/true);
    using Last = std::tuple_element_t<depth - 1, Layers>;
    if constexpr (pairs_with<L, Last>) {
      return paired_loss_value(loss, std::get<depth - 1>(layers_), target);
    } else {
      return loss.value(output, target);
    }
  }

  /// Tells every sequence layer (Rnn, LastStep) that batches hold sequences of `steps` steps
  /// (time-major columns: t·B + b). Layers without a notion of time ignore it.
  void set_steps(Index steps) {
    for_each_layer([steps](auto& layer) {
      if constexpr (requires { layer.set_steps(steps); }) {
        layer.set_steps(steps);
      }
    });
  }

  /// Starts fresh sequences for step(): every recurrent layer's state is zero for `batch`
  /// parallel sequences.
  void reset_state(Index batch = 1) {
    for_each_layer([batch](auto& layer) {
      if constexpr (requires { layer.reset_state(batch); }) {
        layer.reset_state(batch);
      }
    });
  }

  /// Reorders the parallel sequences every recurrent layer carries for step(): sequence j
  /// continues the old sequence from[j] (a beam search keeps its best hypotheses so).
  void reorder_state(std::span<const Index> from) {
    for_each_layer([from](auto& layer) {
      if constexpr (requires { layer.reorder_state(from); }) {
        layer.reorder_state(from);
      }
    });
  }

  /// Training (true) or evaluation (false) for every layer that has a mode (Dropout drops only
  /// while training). A network starts in evaluation; train() turns training on for its steps
  /// and gives the network back in the mode it found it in. A loop of one's own calls it.
  void set_training(bool training) {
    training_ = training;
    for_each_layer([training](auto& layer) {
      if constexpr (HasTrainingMode<std::remove_cvref_t<decltype(layer)>>) {
        layer.set_training(training);
      }
    });
  }
  /// The mode set_training last set (false at first).
  bool training() const { return training_; }

  /// One time step for generation: recurrent layers advance their state (Rnn::step), the others
  /// run forward on the step's columns (Dropout passes them unchanged, whatever the mode).
  /// Allocates nothing once the buffers have their size. Not available (a compile-time error)
  /// when a layer needs each sequence whole (ReadsWholeSequences: Bidirectional).
  const Matrix<Scalar>& step(const Matrix<Scalar>& input)
    requires(!(ReadsWholeSequences<Ls> || ...))
  {
    const Matrix<Scalar>* activation = &input;
    std::apply(
        [&activation](auto&... layer) {
          ((activation = &step_one(layer, *activation)), ...);
        },
        layers_);
    return *activation;
  }

  /// ∂C̄/∂input from the latest backward, or compute_gradients with want_input_gradient.
  const Matrix<Scalar>& input_gradient() const { return input_gradient_; }

  /// Calls visit(layer) for every layer, first to last.
  template <class F>
  void for_each_layer(F&& visit) {
    std::apply([&visit](auto&... layer) { (visit(layer), ...); }, layers_);
  }
  /// Calls visit(layer) for every layer of a const network, first to last.
  template <class F>
  void for_each_layer(F&& visit) const {
    std::apply([&visit](const auto&... layer) { (visit(layer), ...); }, layers_);
  }

  /// Calls visit(parameter) for every parameter of every layer, in a fixed order.
  template <class F>
  void for_each_parameter(F&& visit) {
    for_each_layer([&visit](auto& layer) {
      if constexpr (TrainableLayer<std::remove_cvref_t<decltype(layer)>>) {
        layer.for_each_parameter(visit);
      }
    });
  }
  /// Calls visit(parameter) read-only for every parameter, in the same fixed order.
  template <class F>
  void for_each_parameter(F&& visit) const {
    for_each_layer([&visit](const auto& layer) {
      if constexpr (TrainableLayer<std::remove_cvref_t<decltype(layer)>>) {
        layer.for_each_parameter(visit);
      }
    });
  }

  /// Total number of trainable scalars.
  Index parameter_count() const {
    Index count = 0;
    for_each_parameter([&count](const Parameter<Scalar>& p) { count += p.value.size(); });
    return count;
  }

  /// The I-th layer.
  template <std::size_t I>
  auto& layer() {
    return std::get<I>(layers_);
  }
  /// The I-th layer, read-only.
  template <std::size_t I>
  const auto& layer() const {
    return std::get<I>(layers_);
  }

 private:
  // The forward pass. A layer after the first reads the output buffer of the layer before it,
  // which stays put until that layer's next forward, so it keeps a reference to it rather than
  // a copy (forward_borrowing, core/layer.hpp); the first layer borrows the caller's batch only
  // when the caller holds it until backward (`borrow_input`).
  const Matrix<Scalar>& feed_forward(const Matrix<Scalar>& input, bool borrow_input) {
    // doc:begin network-forward
    // Feed forward (section 2.2): each layer's output is the next one's input, a left fold.
    // Every layer after the first keeps a reference to that input rather than a copy.
    const Matrix<Scalar>* activation = &input;
    bool borrow = borrow_input;
    std::apply(
        [&](auto&... layer) {
          ((activation = &forward_one(layer, *activation, borrow), borrow = true), ...);
        },
        layers_);
    return *activation;
    // doc:end network-forward
  }

  template <class L>
  static const Matrix<Scalar>& forward_one(L& layer, const Matrix<Scalar>& input, bool borrow) {
    if constexpr (BorrowsInput<L>) {
      if (borrow) {
        return layer.forward_borrowing(input);
      }
    }
    return layer.forward(input);
  }

  // Backward from layer I down to layer 0: a right fold, (17) applied layer by layer.
  template <std::size_t I>
  void backward_through(const Matrix<Scalar>& gradient, bool want_input_gradient) {
    auto& current = std::get<I>(layers_);
    using Current = std::remove_cvref_t<decltype(current)>;
    if constexpr (I == 0) {
      if (want_input_gradient) {
        input_gradient_ = current.backward(gradient);
      } else if constexpr (SkipsInputGradient<Current>) {
        // Nothing below the first layer needs ∂C/∂input: skip the largest product.
        current.backward_parameters_only(gradient);
      } else if constexpr (TrainableLayer<Current>) {
        current.backward(gradient);
      }
    } else {
      backward_through<I - 1>(current.backward(gradient), want_input_gradient);
    }
  }

  template <class L>
  static const Matrix<Scalar>& step_one(L& layer, const Matrix<Scalar>& input) {
    if constexpr (requires { layer.step(input); }) {
      return layer.step(input);
    } else {
      return layer.forward(input);
    }
  }

  // Every layer built without a seed holds the same draw (seed 0), so two equal layers would
  // start equal and gradient descent, which updates twin neurons alike, could never tell them
  // apart. Each gets its own draw instead.
  // A layer drawing masks (Dropout) without a seed is seeded from its position instead, so that
  // two of them do not drop alike; that takes nothing from the weights' generator.
  void draw_unseeded_layers() {
    Rng rng(0);
    std::uint64_t position = 0;
    for_each_layer([&rng, &position](auto& layer) {
      if constexpr (requires { layer.unseeded(); }) {
        if (layer.unseeded()) {
          layer.initialise(rng);
        }
      }
      if constexpr (requires { layer.has_seed(); }) {
        if (!layer.has_seed()) {
          layer.set_seed(position);
        }
      }
      ++position;
    });
  }

  // Each sized layer's input must equal the output of the nearest sized layer before it.
  void check_chain() const {
    Index width = any_size;
    std::string giver;
    std::size_t index = 0;
    for_each_layer([&](const auto& layer) {
      const std::string name = "layer " + std::to_string(index) + " (" +
                               std::string(layer.kind()) + " " +
                               size_text(layer.input_size()) + "→" +
                               size_text(layer.output_size()) + ")";
      if (layer.input_size() != any_size && width != any_size && layer.input_size() != width) {
        throw ShapeError("Network: " + name + " expects " + std::to_string(layer.input_size()) +
                         " inputs, but " + giver + " gives " + std::to_string(width));
      }
      if (layer.output_size() != any_size) {
        width = layer.output_size();
        giver = name;
      }
      ++index;
    });
  }

  static std::string size_text(Index size) {
    return size == any_size ? std::string("any") : std::to_string(size);
  }

  Layers layers_;
  bool training_ = false;          // what set_training last set
  Matrix<Scalar> output_error_;    // ∂C̄/∂a^L, or δ^L when the loss pairs with the last layer
  Matrix<Scalar> input_gradient_;  // ∂C̄/∂input, when asked for
};

}  // namespace bachprop

#pragma once
/// @file
/// What a layer is: the C++20 concepts every layer satisfies.
///
/// A layer maps a batch (features × samples) forward and, given ∂C/∂(its output), returns
/// ∂C/∂(its input) while storing the gradients of its own parameters. Formally (as dlib states its
/// contract) backward(G) returns the gradient of ⟨forward(x), G⟩ with respect to x, for the x of
/// the latest forward. Both return references to buffers the layer owns, so a steady loop does not
/// allocate; the reference stays valid until the next call of the same function.
///
/// What a layer keeps of x for backward, and for how long x must live:
///   - `forward(x)` keeps a copy of what it needs, so x may be a temporary. This is the safe
///     call for a layer used on its own.
///   - `forward_borrowing(x)` (optional, see BorrowsInput) keeps only a reference to x, saving
///     the copy: x must stay alive and unchanged until the layer's backward has run (or until
///     its next forward). A Network calls it for every layer whose input is the output buffer of
///     the layer before (valid until that layer's next forward, which comes later), and in
///     compute_gradients and loss also for the first layer, whose input the caller holds for the
///     whole call. Network::forward copies its caller's batch, so a later Network::backward is
///     safe whatever happened to that batch.
/// A layer copied or moved forgets a borrowed input (the copy could outlive the matrix it
/// points to): its backward then needs a forward first. A copied input travels with the copy.

#include <bachprop/core/parameter.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>

#include <concepts>
#include <string_view>
#include <utility>

namespace bachprop {

/// Sizes a shape-preserving layer (an activation) reports: it takes any number of features.
inline constexpr Index any_size = 0;

/// Every layer: a scalar type, a kind name for saved models, its sizes, forward and backward.
template <class L>
concept Layer = requires(L& layer, const L& const_layer, const Matrix<typename L::Scalar>& m) {
  requires Scalar<typename L::Scalar>;
  { const_layer.kind() } -> std::convertible_to<std::string_view>;
  { const_layer.input_size() } -> std::same_as<Index>;   // any_size for activations
  { const_layer.output_size() } -> std::same_as<Index>;  // any_size for activations
  { layer.forward(m) } -> std::same_as<const Matrix<typename L::Scalar>&>;
  { layer.backward(m) } -> std::same_as<const Matrix<typename L::Scalar>&>;
};

/// A visitor over a layer's parameters, for the concept below.
template <class S>
struct ParameterVisitorArchetype {
  /// Accepts a mutable parameter (a layer visiting itself for training).
  void operator()(Parameter<S>& /*parameter*/) const {}
  /// Accepts a read-only parameter (a const layer visiting itself, e.g. to save).
  void operator()(const Parameter<S>& /*parameter*/) const {}
};

/// A layer with parameters: it can visit them (in a fixed order, which saved models and
/// optimiser state rely on) and initialise them from a random generator.
template <class L>
concept TrainableLayer =
    Layer<L> && requires(L& layer, const L& const_layer,
                         ParameterVisitorArchetype<typename L::Scalar> visit, Rng& rng) {
      layer.for_each_parameter(visit);
      const_layer.for_each_parameter(visit);
      layer.initialise(rng);
    };

/// Optional: a layer that can keep a reference to its input instead of a copy (the lifetime rule
/// is in this file's opening comment).
template <class L>
concept BorrowsInput = Layer<L> && requires(L& layer, const Matrix<typename L::Scalar>& m) {
  { layer.forward_borrowing(m) } -> std::same_as<const Matrix<typename L::Scalar>&>;
};

/// The input a layer keeps for backward: its own copy (after forward) or a pointer to the
/// caller's matrix (after forward_borrowing). Copying or moving it drops a borrowed pointer and
/// keeps a copy, as the rule above says.
template <Scalar S>
class KeptInput {
 public:
  KeptInput() = default;
  /// Copies the other's own copy; a borrowed pointer is not carried over.
  KeptInput(const KeptInput& other) : copy_(other.copy_), has_copy_(other.has_copy_) {}
  /// Moves the other's own copy; a borrowed pointer is not carried over.
  KeptInput(KeptInput&& other) noexcept
      : copy_(std::move(other.copy_)), has_copy_(other.has_copy_) {}
  /// Copies the other's own copy and drops any borrowed pointer of this one.
  KeptInput& operator=(const KeptInput& other) {
    if (this != &other) {
      copy_ = other.copy_;
      has_copy_ = other.has_copy_;
      borrowed_ = nullptr;
    }
    return *this;
  }
  /// Moves the other's own copy in and drops any borrowed pointer of this one.
  KeptInput& operator=(KeptInput&& other) noexcept {
    copy_ = std::move(other.copy_);
    has_copy_ = other.has_copy_;
    borrowed_ = nullptr;
    return *this;
  }
  ~KeptInput() = default;

  /// Keeps a copy of x (allocates only when the shape changes).
  void copy(const Matrix<S>& x) {
    copy_ = x;
    has_copy_ = true;
    borrowed_ = nullptr;
  }

  /// Keeps a reference to x, which must outlive its use. An earlier copy is freed: a large one
  /// (a whole test set) should not linger while the layer trains on mini-batches.
  void borrow(const Matrix<S>& x) {
    borrowed_ = &x;
    if (has_copy_) {
      copy_.resize(0, 0);
      has_copy_ = false;
    }
  }

  /// Whether forward has kept anything since construction (or since a copy dropped it).
  bool empty() const { return borrowed_ == nullptr && !has_copy_; }

  /// The input kept (an empty matrix when empty()).
  const Matrix<S>& get() const { return borrowed_ != nullptr ? *borrowed_ : copy_; }

 private:
  Matrix<S> copy_;
  bool has_copy_ = false;
  const Matrix<S>* borrowed_ = nullptr;
};

/// Optional: a layer whose input is ids, not values (Embedding): ∂C/∂input is zero by
/// definition, so the gradient checkers compare only its parameters' gradients.
template <class L>
concept TakesIds = Layer<L> && requires {
  { L::takes_ids } -> std::convertible_to<bool>;
} && L::takes_ids;

/// Optional: a layer that can switch between training and evaluation (Dropout, which drops
/// only while training). Network::set_training tells every such layer.
template <class L>
concept HasTrainingMode = Layer<L> && requires(L& layer, const L& const_layer) {
  layer.set_training(true);
  { const_layer.training() } -> std::same_as<bool>;
};

/// Optional: a layer that needs each sequence whole (Bidirectional, whose second direction
/// starts at the last step), so it cannot advance one step at a time: a Network holding one has
/// no step().
template <class L>
concept ReadsWholeSequences = Layer<L> && requires {
  { L::reads_whole_sequences } -> std::convertible_to<bool>;
} && L::reads_whole_sequences;

/// Optional: a layer that can skip computing ∂C/∂input when nothing needs it (the first layer
/// of a network). Saves the largest product of the backward pass for wide inputs.
template <class L>
concept SkipsInputGradient = requires(L& layer, const Matrix<typename L::Scalar>& m) {
  layer.backward_parameters_only(m);
};

}  // namespace bachprop

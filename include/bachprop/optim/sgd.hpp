#pragma once
/// @file
/// Stochastic gradient descent, equation (13), with optional momentum and L2 weight decay.

#include <bachprop/optim/pieces.hpp>
#include <bachprop/optim/state.hpp>

#include <cstddef>
#include <string>
#include <utility>

namespace bachprop {

/// Settings of Sgd.
struct SgdOptions {
  double learning_rate = 0.1;  ///< η
  double momentum = 0.0;       ///< μ in [0, 1): 0 is plain gradient descent
  double weight_decay = 0.0;   ///< λ (the book's λ/n): L2 on the weights, not the biases
};

/// v → v − η ∇C̄ (equation 13), or with momentum (the book's chapter 3):
/// velocity → μ·velocity − η ∇C̄, then v → v + velocity.
///
/// Weight decay adds the gradient of the L2 term (λ/2n) Σ w² to the weights' gradient before
/// anything else: g → ∇C̄ + λ w (λ being `weight_decay`; biases are not decayed). Without
/// momentum each step therefore shrinks the weights by (1 − η λ) as the book's network2.py does;
/// with momentum the decay enters the velocity, where momentum amplifies it, as in the book and
/// torch.optim.SGD (whose b → μb + g, w → w − ηb is the same as long as η stays fixed).
template <Scalar S = float>
class Sgd {
 public:
  using Scalar = S;  ///< the parameters' scalar type

  /// Sgd with `options`; throws ArgumentError for a negative or non-finite setting or a
  /// momentum of 1 or more.
  explicit Sgd(SgdOptions options = {}) : options_(options), state_(1) { validate(); }
  /// Plain gradient descent with learning rate η = `learning_rate`.
  explicit Sgd(double learning_rate) : Sgd(SgdOptions{.learning_rate = learning_rate}) {}

  /// Updates every parameter of `model` from the gradient its latest backward stored.
  template <class Model>
  void step(Model& model) {
    const StepCoefficients coefficients = begin_step(model);
    std::size_t index = 0;
    model.for_each_parameter(
        [&](Parameter<S>& p) { update(coefficients, index++, p, 0, p.value.size()); });
  }

  /// What every entry's update needs of a step (optim/pieces.hpp).
  struct StepCoefficients {
    S eta;              ///< η
    S mu;               ///< μ
    S decay;            ///< λ
    bool use_momentum;  ///< μ ≠ 0: the velocities are kept
  };

  /// Starts a step taken in pieces (optim/pieces.hpp): binds the velocities to `model`.
  template <class Model>
  StepCoefficients begin_step(Model& model) {
    const bool use_momentum = options_.momentum != 0.0;
    if (use_momentum) {
      state_.bind(model, "Sgd");
    }
    return {static_cast<S>(options_.learning_rate), static_cast<S>(options_.momentum),
            static_cast<S>(options_.weight_decay), use_momentum};
  }

  /// Updates entries [first, last) of parameter `index`, `p` (optim/pieces.hpp).
  void update(const StepCoefficients& k, std::size_t index, Parameter<S>& p, Index first,
              Index last) {
    auto v = entries(p.value, first, last);                          // weights or biases
    const auto g = entries(std::as_const(p.gradient), first, last);  // their ∇C̄
    const S eta = k.eta;
    const S lambda = p.decays ? k.decay : S(0);
    if (k.use_momentum) {
      // velocity → μ velocity − η (∇C̄ + λ w), then w → w + velocity
      auto velocity = entries(state_.at(index, 0), first, last);
      velocity = k.mu * velocity - eta * (g + lambda * v);
      v += velocity;
    } else if (lambda != S(0)) {
      // w → w − η (∇C̄ + λ w) = (1 − η λ) w − η ∇C̄
      v = (S(1) - eta * lambda) * v - eta * g;
    } else {
      // doc:begin sgd-step
      // (13) Δv = -η ∇C̄, then v → v + Δv
      v -= eta * g;
      // doc:end sgd-step
    }
  }

  /// η, the learning rate in use.
  double learning_rate() const { return options_.learning_rate; }
  /// Changes η (a schedule); throws ArgumentError unless it is finite and ≥ 0.
  void set_learning_rate(double learning_rate) {
    options_.learning_rate = learning_rate;
    validate();
  }
  /// The settings in use.
  const SgdOptions& options() const { return options_; }

  /// The momentum velocities (empty without momentum), in parameter order: for checkpoints.
  OptimiserState<S>& state() { return state_; }
  /// The momentum velocities, read-only.
  const OptimiserState<S>& state() const { return state_; }

 private:
  void validate() const {
    require_at_least("Sgd: learning_rate", options_.learning_rate, 0.0);
    require_at_least("Sgd: momentum", options_.momentum, 0.0);
    require_at_least("Sgd: weight_decay", options_.weight_decay, 0.0);
    if (options_.momentum >= 1.0) {
      throw ArgumentError("Sgd: momentum must be below 1, got " +
                          std::to_string(options_.momentum));
    }
  }

  SgdOptions options_;
  OptimiserState<S> state_;
};

}  // namespace bachprop

#pragma once
/// @file
/// Adadelta (Zeiler 2012), as torch.optim.Adadelta computes it: per-parameter step sizes from
/// running averages of the squared gradients and of the squared updates, so that the update has
/// the units of the parameter and needs no hand-tuned learning rate. Equations (42)-(45)
/// (docs/derivation.md). The optimiser the biaxial piano model was trained with.

#include <bachprop/optim/pieces.hpp>
#include <bachprop/optim/state.hpp>

#include <cstddef>
#include <string>
#include <utility>

namespace bachprop {

/// Settings of Adadelta (torch.optim.Adadelta's defaults).
struct AdadeltaOptions {
  double learning_rate = 1.0;  ///< η, multiplying the update (Zeiler's algorithm has none: 1)
  double rho = 0.9;            ///< ρ, decay of both running averages
  double epsilon = 1e-6;       ///< ε inside both square roots
  double weight_decay = 0.0;   ///< λ: λw added to the weights' gradient (L2), biases exempt
};

/// E[g²] → ρE[g²] + (1 − ρ)g², Δ = √(E[Δ²] + ε) / √(E[g²] + ε) ⊙ g,
/// E[Δ²] → ρE[Δ²] + (1 − ρ)Δ², v → v − ηΔ.
template <Scalar S = float>
class Adadelta {
 public:
  using Scalar = S;  ///< the parameters' scalar type

  /// Adadelta with `options`; throws ArgumentError for a negative or non-finite setting or a ρ
  /// outside [0, 1).
  explicit Adadelta(AdadeltaOptions options = {}) : options_(options), state_(2), updates_(1) {
    require_at_least("Adadelta: learning_rate", options_.learning_rate, 0.0);
    require_at_least("Adadelta: epsilon", options_.epsilon, 0.0);
    require_at_least("Adadelta: weight_decay", options_.weight_decay, 0.0);
    if (!(options_.rho >= 0.0 && options_.rho < 1.0)) {
      throw ArgumentError("Adadelta: rho must lie in [0, 1), got " + std::to_string(options_.rho));
    }
  }
  /// Adadelta with learning rate η = `learning_rate` and the defaults otherwise.
  explicit Adadelta(double learning_rate)
      : Adadelta(AdadeltaOptions{.learning_rate = learning_rate}) {}

  /// Updates every parameter of `model` from the gradient its latest backward stored.
  /// Allocates nothing after the first step.
  template <class Model>
  void step(Model& model) {
    const StepCoefficients coefficients = begin_step(model);
    std::size_t index = 0;
    model.for_each_parameter(
        [&](Parameter<S>& p) { update(coefficients, index++, p, 0, p.value.size()); });
  }

  /// What every entry's update needs of a step (optim/pieces.hpp).
  struct StepCoefficients {
    S rho;      ///< ρ
    S epsilon;  ///< ε
    S eta;      ///< η
    S decay;    ///< λ
  };

  /// Starts a step taken in pieces (optim/pieces.hpp): binds the averages to `model`.
  template <class Model>
  StepCoefficients begin_step(Model& model) {
    state_.bind(model, "Adadelta");
    updates_.bind(model, "Adadelta");
    return {static_cast<S>(options_.rho), static_cast<S>(options_.epsilon),
            static_cast<S>(options_.learning_rate), static_cast<S>(options_.weight_decay)};
  }

  /// Updates entries [first, last) of parameter `index`, `p` (optim/pieces.hpp).
  void update(const StepCoefficients& k, std::size_t index, Parameter<S>& p, Index first,
              Index last) {
    auto square_gradients = entries(state_.at(index, 0), first, last);  // E[g²]
    auto square_updates = entries(state_.at(index, 1), first, last);    // E[Δ²]
    auto update = entries(updates_.at(index, 0), first, last);          // Δ (scratch, not kept)
    auto v = entries(p.value, first, last);
    const auto g = entries(std::as_const(p.gradient), first, last);
    const S rho = k.rho;
    const S eps = k.epsilon;
    // The gradient of C₀ + (λ/2)‖w‖² for weights; biases are not decayed.
    const S d = p.decays ? k.decay : S(0);
    // doc:begin adadelta-step
    // (42) E[g²] → ρ E[g²] + (1 − ρ) g², g the gradient (plus λw for a weight)
    square_gradients = rho * square_gradients + (S(1) - rho) * (g + d * v).square();
    // (43) Δ = RMS[Δ] / RMS[g] ⊙ g, RMS[u] = √(E[u²] + ε), E[Δ²] from the step before
    update = (square_updates + eps).sqrt() / (square_gradients + eps).sqrt() * (g + d * v);
    // (44) E[Δ²] → ρ E[Δ²] + (1 − ρ) Δ²
    square_updates = rho * square_updates + (S(1) - rho) * update.square();
    // (45) v → v − η Δ
    v -= k.eta * update;
    // doc:end adadelta-step
  }

  /// η, the learning rate in use.
  double learning_rate() const { return options_.learning_rate; }
  /// Changes η (a schedule); throws ArgumentError unless it is finite and ≥ 0.
  void set_learning_rate(double learning_rate) {
    require_at_least("Adadelta: learning_rate", learning_rate, 0.0);
    options_.learning_rate = learning_rate;
  }
  /// The settings in use.
  const AdadeltaOptions& options() const { return options_; }

  /// The running averages in parameter order (slot 0: E[g²], slot 1: E[Δ²]): for checkpoints.
  OptimiserState<S>& state() { return state_; }
  /// The running averages, read-only.
  const OptimiserState<S>& state() const { return state_; }

 private:
  AdadeltaOptions options_;
  OptimiserState<S> state_;
  OptimiserState<S> updates_;  // Δ of the step being taken, one buffer per parameter
};

}  // namespace bachprop

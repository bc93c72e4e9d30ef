#pragma once
/// @file
/// Adadelta (Zeiler 2012), as torch.optim.Adadelta computes it: per-parameter step sizes from
/// running averages of the squared gradients and of the squared updates, so that the update has
/// the units of the parameter and needs no hand-tuned learning rate. Equations (42)-(45)
/// (docs/derivation.md). The optimiser the biaxial piano model was trained with.

#include <bachprop/optim/state.hpp>

#include <cstddef>
#include <string>

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
    state_.bind(model, "Adadelta");
    updates_.bind(model, "Adadelta");
    const auto rho = static_cast<S>(options_.rho);
    const auto eps = static_cast<S>(options_.epsilon);
    const auto eta = static_cast<S>(options_.learning_rate);
    const auto decay = static_cast<S>(options_.weight_decay);
    std::size_t index = 0;
    model.for_each_parameter([&](Parameter<S>& p) {
      Matrix<S>& square_gradients = state_.at(index, 0);  // E[g²]
      Matrix<S>& square_updates = state_.at(index, 1);    // E[Δ²]
      Matrix<S>& update = updates_.at(index, 0);          // Δ (scratch, not kept)
      // The gradient of C₀ + (λ/2)‖w‖² for weights; biases are not decayed.
      const S d = p.decays ? decay : S(0);
      // doc:begin adadelta-step
      // (42) E[g²] → ρ E[g²] + (1 − ρ) g², g the gradient (plus λw for a weight)
      square_gradients.array() = rho * square_gradients.array() +
                                 (S(1) - rho) * (p.gradient + d * p.value).array().square();
      // (43) Δ = RMS[Δ] / RMS[g] ⊙ g, RMS[u] = √(E[u²] + ε), E[Δ²] from the step before
      update.array() = (square_updates.array() + eps).sqrt() /
                       (square_gradients.array() + eps).sqrt() *
                       (p.gradient + d * p.value).array();
      // (44) E[Δ²] → ρ E[Δ²] + (1 − ρ) Δ²
      square_updates.array() =
          rho * square_updates.array() + (S(1) - rho) * update.array().square();
      // (45) v → v − η Δ
      p.value.noalias() -= eta * update;
      // doc:end adadelta-step
      ++index;
    });
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

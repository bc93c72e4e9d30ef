#pragma once
/// @file
/// Adam (Kingma & Ba, 2015): gradient descent with per-parameter step sizes from running
/// estimates of the gradient's first and second moments.

#include <bachprop/optim/pieces.hpp>
#include <bachprop/optim/state.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace bachprop {

/// Settings of Adam (the published defaults).
struct AdamOptions {
  double learning_rate = 1e-3;  ///< α
  double beta1 = 0.9;           ///< decay of the first-moment estimate
  double beta2 = 0.999;         ///< decay of the second-moment estimate
  double epsilon = 1e-8;        ///< keeps the division finite
  double weight_decay =
      0.0;  ///< λ: λw added to the weights' gradient (torch.optim.Adam), not AdamW
};

/// m → β₁m + (1 − β₁)g, s → β₂s + (1 − β₂)g², v → v − α m̂ / (√ŝ + ε) with the bias
/// corrections m̂ = m / (1 − β₁ᵗ), ŝ = s / (1 − β₂ᵗ).
template <Scalar S = float>
class Adam {
 public:
  using Scalar = S;  ///< the parameters' scalar type

  /// Adam with `options`; throws ArgumentError for a negative or non-finite setting or a β
  /// outside [0, 1).
  explicit Adam(AdamOptions options = {}) : options_(options), state_(2) {
    require_at_least("Adam: learning_rate", options_.learning_rate, 0.0);
    require_at_least("Adam: epsilon", options_.epsilon, 0.0);
    require_at_least("Adam: weight_decay", options_.weight_decay, 0.0);
    for (double beta : {options_.beta1, options_.beta2}) {
      if (!(beta >= 0.0 && beta < 1.0)) {
        throw ArgumentError("Adam: beta1 and beta2 must lie in [0, 1), got " +
                            std::to_string(beta));
      }
    }
  }
  /// Adam with step size `learning_rate` and the published defaults otherwise.
  explicit Adam(double learning_rate) : Adam(AdamOptions{.learning_rate = learning_rate}) {}

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
    S beta1;             ///< β₁
    S beta2;             ///< β₂
    S step_size;         ///< α / (1 − β₁ᵗ)
    S root_correction2;  ///< √(1 − β₂ᵗ)
    S epsilon;           ///< ε
    S decay;             ///< λ
  };

  /// Starts a step taken in pieces (optim/pieces.hpp): binds the moments to `model`, counts
  /// the step and computes its bias corrections.
  template <class Model>
  StepCoefficients begin_step(Model& model) {
    state_.bind(model, "Adam");
    ++steps_;
    const double t = static_cast<double>(steps_);
    // Algorithm 1 of Kingma & Ba (and torch.optim.Adam): m̂ = m / (1 − β₁ᵗ) and ŝ = s / (1 − β₂ᵗ),
    // with ε added to √ŝ; 1/(1 − β₁ᵗ) is folded into the step size and √(1 − β₂ᵗ) divides √s.
    const double correction1 = 1.0 - std::pow(options_.beta1, t);
    const double correction2 = 1.0 - std::pow(options_.beta2, t);
    return {.beta1 = static_cast<S>(options_.beta1),
            .beta2 = static_cast<S>(options_.beta2),
            .step_size = static_cast<S>(options_.learning_rate / correction1),
            .root_correction2 = static_cast<S>(std::sqrt(correction2)),
            .epsilon = static_cast<S>(options_.epsilon),
            .decay = static_cast<S>(options_.weight_decay)};
  }

  /// Updates entries [first, last) of parameter `index`, `p` (optim/pieces.hpp).
  void update(const StepCoefficients& k, std::size_t index, Parameter<S>& p, Index first,
              Index last) {
    auto m = entries(state_.at(index, 0), first, last);
    auto s = entries(state_.at(index, 1), first, last);
    auto v = entries(p.value, first, last);
    const auto g = entries(std::as_const(p.gradient), first, last);
    // The gradient of C₀ + (λ/2)‖w‖² for weights; biases are not decayed.
    const S d = p.decays ? k.decay : S(0);
    m = k.beta1 * m + (S(1) - k.beta1) * (g + d * v);
    s = k.beta2 * s + (S(1) - k.beta2) * (g + d * v).square();
    v -= k.step_size * m / (s.sqrt() / k.root_correction2 + k.epsilon);
  }

  /// α, the learning rate in use.
  double learning_rate() const { return options_.learning_rate; }
  /// Changes α (a schedule); throws ArgumentError unless it is finite and ≥ 0.
  void set_learning_rate(double learning_rate) {
    require_at_least("Adam: learning_rate", learning_rate, 0.0);
    options_.learning_rate = learning_rate;
  }
  /// The settings in use.
  const AdamOptions& options() const { return options_; }

  /// Steps taken so far (t in the bias corrections).
  std::uint64_t steps() const { return steps_; }
  /// The moment estimates in parameter order (slot 0: m, slot 1: s): for checkpoints.
  OptimiserState<S>& state() { return state_; }
  /// The moment estimates, read-only.
  const OptimiserState<S>& state() const { return state_; }

  /// Sets the step count t (a checkpoint's, when a run resumes).
  void set_steps(std::uint64_t steps) { steps_ = steps; }

 private:
  AdamOptions options_;
  OptimiserState<S> state_;
  std::uint64_t steps_ = 0;
};

}  // namespace bachprop

#pragma once
/// @file
/// What a checkpoint keeps of an optimiser besides its per-parameter buffers: its kind, its
/// settings and its counters, as JSON. Free functions beside the checkpoint format, so that the
/// optimisers themselves (optim/) know nothing of files.
///
/// A resumed run continues the same run only with the same settings: restoring refuses a
/// checkpoint written with another momentum, weight decay, β, ρ or ε, and takes the learning rate
/// (a schedule may have changed it) and Adam's step count t.

#include <bachprop/core/error.hpp>
#include <bachprop/optim/adadelta.hpp>
#include <bachprop/optim/adam.hpp>
#include <bachprop/optim/sgd.hpp>
#include <bachprop/optim/state.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace bachprop {

namespace detail {

// The number `key` of an optimiser's checkpoint settings; FormatError naming `where` when absent.
inline double checkpoint_number(const nlohmann::json& settings, std::string_view key,
                                const std::string& where) {
  const auto found = settings.is_object() ? settings.find(key) : settings.end();
  if (!settings.is_object() || found == settings.end() || !found->is_number()) {
    throw FormatError(where + ": the optimiser settings have no number \"" + std::string(key) +
                      "\"");
  }
  return found->get<double>();
}

// A checkpoint continues the same run only with the same settings: FormatError naming `where`,
// the setting and both values when the checkpoint's `key` is not `value` (exactly: a saved double
// reads back bit for bit).
inline void require_same_setting(const nlohmann::json& settings, std::string_view key,
                                 double value, const std::string& where) {
  const double saved = checkpoint_number(settings, key, where);
  if (saved != value) {
    throw FormatError(where + ": the checkpoint was written with " + std::string(key) + " = " +
                      nlohmann::json(saved).dump() + " but this optimiser has " +
                      nlohmann::json(value).dump() + "; resume with the settings of the run");
  }
}

// FormatError unless the checkpoint's optimiser is a `kind`.
inline void require_optimiser_kind(const nlohmann::json& settings, std::string_view kind,
                                   const std::string& where) {
  const auto found = settings.is_object() ? settings.find("kind") : settings.end();
  if (found == settings.end() || !found->is_string() || found->get<std::string>() != kind) {
    throw FormatError(where + ": the checkpoint holds the state of " +
                      (found == settings.end() ? std::string("an unnamed optimiser")
                                               : "optimiser " + found->dump()) +
                      " but training uses " + std::string(kind));
  }
}

}  // namespace detail

/// Sgd's kind and settings.
template <Scalar S>
nlohmann::json optimiser_settings_to_json(const Sgd<S>& sgd) {
  return {{"kind", "sgd"},
          {"learning_rate", sgd.options().learning_rate},
          {"momentum", sgd.options().momentum},
          {"weight_decay", sgd.options().weight_decay}};
}

/// Takes the learning rate of optimiser_settings_to_json(sgd) output. Throws FormatError naming
/// `where`, changing nothing, when the kind, momentum or weight decay differ.
template <Scalar S>
void optimiser_settings_from_json(Sgd<S>& sgd, const nlohmann::json& settings,
                                  const std::string& where) {
  detail::require_optimiser_kind(settings, "sgd", where);
  detail::require_same_setting(settings, "momentum", sgd.options().momentum, where);
  detail::require_same_setting(settings, "weight_decay", sgd.options().weight_decay, where);
  const double learning_rate = detail::checkpoint_number(settings, "learning_rate", where);
  require_at_least(where + ": learning_rate", learning_rate, 0.0);
  sgd.set_learning_rate(learning_rate);
}

/// Adam's kind, settings and step count t.
template <Scalar S>
nlohmann::json optimiser_settings_to_json(const Adam<S>& adam) {
  return {{"kind", "adam"},
          {"learning_rate", adam.options().learning_rate},
          {"beta1", adam.options().beta1},
          {"beta2", adam.options().beta2},
          {"epsilon", adam.options().epsilon},
          {"weight_decay", adam.options().weight_decay},
          {"steps", adam.steps()}};
}

/// Takes the step count t and the learning rate of optimiser_settings_to_json(adam) output.
/// Throws FormatError naming `where`, changing nothing, when the kind, β₁, β₂, ε or the weight
/// decay differ.
template <Scalar S>
void optimiser_settings_from_json(Adam<S>& adam, const nlohmann::json& settings,
                                  const std::string& where) {
  detail::require_optimiser_kind(settings, "adam", where);
  detail::require_same_setting(settings, "beta1", adam.options().beta1, where);
  detail::require_same_setting(settings, "beta2", adam.options().beta2, where);
  detail::require_same_setting(settings, "epsilon", adam.options().epsilon, where);
  detail::require_same_setting(settings, "weight_decay", adam.options().weight_decay, where);
  const double learning_rate = detail::checkpoint_number(settings, "learning_rate", where);
  require_at_least(where + ": learning_rate", learning_rate, 0.0);
  const auto steps = settings.find("steps");
  if (steps == settings.end() || !steps->is_number_unsigned()) {
    throw FormatError(where + ": the Adam settings have no step count \"steps\" (a whole "
                      "number ≥ 0)");
  }
  adam.set_learning_rate(learning_rate);
  adam.set_steps(steps->get<std::uint64_t>());
}

/// Adadelta's kind and settings (it counts no steps: its state is its two running averages).
template <Scalar S>
nlohmann::json optimiser_settings_to_json(const Adadelta<S>& adadelta) {
  return {{"kind", "adadelta"},
          {"learning_rate", adadelta.options().learning_rate},
          {"rho", adadelta.options().rho},
          {"epsilon", adadelta.options().epsilon},
          {"weight_decay", adadelta.options().weight_decay}};
}

/// Takes the learning rate of optimiser_settings_to_json(adadelta) output. Throws FormatError
/// naming `where`, changing nothing, when the kind, ρ, ε or the weight decay differ.
template <Scalar S>
void optimiser_settings_from_json(Adadelta<S>& adadelta, const nlohmann::json& settings,
                                  const std::string& where) {
  detail::require_optimiser_kind(settings, "adadelta", where);
  detail::require_same_setting(settings, "rho", adadelta.options().rho, where);
  detail::require_same_setting(settings, "epsilon", adadelta.options().epsilon, where);
  detail::require_same_setting(settings, "weight_decay", adadelta.options().weight_decay, where);
  const double learning_rate = detail::checkpoint_number(settings, "learning_rate", where);
  require_at_least(where + ": learning_rate", learning_rate, 0.0);
  adadelta.set_learning_rate(learning_rate);
}

}  // namespace bachprop

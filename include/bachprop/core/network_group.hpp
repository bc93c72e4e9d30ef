#pragma once
/// @file
/// Networks that make one model without being one chain: the biaxial model's time-axis and
/// note-axis networks, between which the model transposes its activations. A group lists their
/// layers and parameters one network after another, so that everything written for a Network's
/// layers and parameters — model JSON, checkpoints, the optimisers, gradient clipping — works on
/// the whole model unchanged, in a fixed order.

#include <bachprop/core/network.hpp>
#include <bachprop/core/types.hpp>

#include <cstddef>
#include <cstdint>
#include <tuple>
#include <type_traits>
#include <utility>

namespace bachprop {

/// Several networks of one scalar type seen as one list of layers and parameters.
template <class First, class... Rest>
class NetworkGroup {
 public:
  /// The scalar type every network shares.
  using Scalar = typename First::Scalar;
  static_assert((std::is_same_v<typename Rest::Scalar, Scalar> && ...),
                "every network of a group must use the same scalar type");
  /// Layers of all the networks together.
  static constexpr std::size_t depth = (First::depth + ... + Rest::depth);

  /// The group of `first`, `rest...`, in that order.
  explicit NetworkGroup(First first, Rest... rest)
      : networks_(std::move(first), std::move(rest)...) {}

  /// The I-th network.
  template <std::size_t I>
  auto& network() {
    return std::get<I>(networks_);
  }
  /// The I-th network, read-only.
  template <std::size_t I>
  const auto& network() const {
    return std::get<I>(networks_);
  }

  /// Calls visit(layer) for every layer of every network, first network first.
  template <class F>
  void for_each_layer(F&& visit) {
    std::apply([&visit](auto&... net) { (net.for_each_layer(visit), ...); }, networks_);
  }
  /// Calls visit(layer) read-only for every layer, in the same order.
  template <class F>
  void for_each_layer(F&& visit) const {
    std::apply([&visit](const auto&... net) { (net.for_each_layer(visit), ...); }, networks_);
  }
  /// Calls visit(parameter) for every parameter of every network, in a fixed order.
  template <class F>
  void for_each_parameter(F&& visit) {
    std::apply([&visit](auto&... net) { (net.for_each_parameter(visit), ...); }, networks_);
  }
  /// Calls visit(parameter) read-only for every parameter, in the same order.
  template <class F>
  void for_each_parameter(F&& visit) const {
    std::apply([&visit](const auto&... net) { (net.for_each_parameter(visit), ...); },
               networks_);
  }

  /// Total number of trainable scalars.
  Index parameter_count() const {
    return std::apply([](const auto&... net) { return (net.parameter_count() + ...); },
                      networks_);
  }

  /// Training or evaluation mode for every network (Network::set_training).
  void set_training(bool training) {
    std::apply([training](auto&... net) { (net.set_training(training), ...); }, networks_);
  }

  /// Re-draws every network's parameters: network i from seed + i, so each is drawn as
  /// Network::initialise draws it and the same seed gives the same group.
  void initialise(std::uint64_t seed) {
    std::uint64_t next = seed;
    std::apply([&next](auto&... net) { (net.initialise(next++), ...); }, networks_);
  }

 private:
  std::tuple<First, Rest...> networks_;
};

}  // namespace bachprop

#pragma once
// What the allocation tests share: a training step run once to size every buffer, then counted.

#include "allocation_counter.hpp"
#include "helpers.hpp"

#include <bachprop/bachprop.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

namespace alloc_test {

// Random inputs and one-hot targets, as every suite makes them (helpers.hpp).
using test::normal_matrix;
using test::one_hot_matrix;

/// Every parameter of the network, one after another (to see that training moved them).
template <class Net>
bachprop::Vector<typename Net::Scalar> all_parameters(const Net& net) {
  bachprop::Vector<typename Net::Scalar> values(net.parameter_count());
  bachprop::Index at = 0;
  net.for_each_parameter([&](const auto& p) {
    values.segment(at, p.value.size()) = p.value.reshaped();
    at += p.value.size();
  });
  return values;
}

/// One training step as the trainer takes it: gradients (forward, loss, backward), optional
/// clipping, the optimiser's update. Returns the loss.
template <class Net, class Loss, class Optimiser>
double training_step(Net& net, const Loss& loss, Optimiser& optimiser,
                     const bachprop::Matrix<typename Net::Scalar>& x,
                     const bachprop::Matrix<typename Net::Scalar>& y, double clip) {
  const auto value = net.compute_gradients(x, y, loss);
  if (clip > 0) {
    bachprop::clip_gradient_norm(net, clip);
  }
  optimiser.step(net);
  return static_cast<double>(value);
}

/// How require_steady_training checks that the counted steps did train.
enum class Learning {
  expected,   ///< some parameter must move (or overflow)
  not_checked ///< pairings that make no sense for learning (cross-entropy after a tanh or a
              ///< ReLU: log of a non-positive output) may saturate and stop; only counted
};

/// Takes one step to size the buffers, then requires that `steps` more allocate nothing.
template <class Net, class Loss, class Optimiser>
void require_steady_training(Net net, const Loss& loss, Optimiser optimiser,
                             const bachprop::Matrix<typename Net::Scalar>& x,
                             const bachprop::Matrix<typename Net::Scalar>& y,
                             const std::string& what, double clip = 0, int steps = 3,
                             Learning learning = Learning::expected) {
  INFO(what);
  net.initialise(7);
  training_step(net, loss, optimiser, x, y, clip);
  const auto before = all_parameters(net);
  AllocationCounter counter;
  for (int s = 0; s < steps; ++s) {
    training_step(net, loss, optimiser, x, y, clip);
  }
  counter.stop();
  INFO("steady steps made " << counter.describe());
  CHECK(counter.count() == 0);
  if (learning == Learning::expected) {
    const auto after = all_parameters(net);
    CHECK(((after.array() != before.array()).any() || !after.allFinite()));
  }
}

}  // namespace alloc_test

// Tests of bachprop/layers/rnn.hpp in a steady loop, training and generating.
//
// The recurrent network's training step (forward through time, BPTT, update) and its generation
// step (Network::step) allocate nothing once their buffers have their shape.

#include "steady_state.hpp"

#include <bachprop/bachprop.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace bachprop;
using alloc_test::AllocationCounter;
using alloc_test::one_hot_matrix;
using alloc_test::require_steady_training;

namespace {

auto next_note_network(Index vocabulary, Index hidden, RnnOptions options, Index steps) {
  Network net{Rnn<float>(vocabulary, hidden, options), Dense<float>(hidden, vocabulary),
              Softmax<float>()};
  net.set_steps(steps);
  return net;
}

}  // namespace

TEST_CASE("an RNN many-to-many training step allocates nothing after the first batch",
          "[alloc][rnn]") {
  const Index vocabulary = 16;
  const Index steps = 8;
  const Index batch = 4;
  const Matrix<float> x = one_hot_matrix<float>(vocabulary, steps * batch, 1);
  const Matrix<float> y = one_hot_matrix<float>(vocabulary, steps * batch, 2);
  for (const auto activation : {RnnActivation::tanh, RnnActivation::sigmoid}) {
    for (const Index truncation : {0, 3}) {
      const std::string what = std::string(activation == RnnActivation::tanh ? "tanh" : "sigmoid") +
                               ", truncation " + std::to_string(truncation);
      const RnnOptions options{.activation = activation, .truncation = truncation};
      auto make = [&] { return next_note_network(vocabulary, 24, options, steps); };
      require_steady_training(make(), CrossEntropy<float>(), Sgd<float>(0.1), x, y, what + ", Sgd");
      require_steady_training(make(), CrossEntropy<float>(),
                              Sgd<float>({.learning_rate = 0.1, .momentum = 0.9}), x, y,
                              what + ", Sgd with momentum", /*clip=*/1.0);
      require_steady_training(make(), CrossEntropy<float>(), Adam<float>(1e-3), x, y,
                              what + ", Adam");
    }
  }
  // Inputs that are not one-hot take the general product.
  const Matrix<float> dense_x = alloc_test::normal_matrix<float>(vocabulary, steps * batch, 3);
  require_steady_training(next_note_network(vocabulary, 24, {}, steps), CrossEntropy<float>(),
                          Sgd<float>(0.1), dense_x, y, "real-valued inputs");
}

TEST_CASE("an RNN many-to-one (LastStep) training step allocates nothing", "[alloc][rnn]") {
  const Index steps = 6;
  const Index batch = 5;
  Network net{Rnn<float>(10, 12), LastStep<float>(), Dense<float>(12, 3), Softmax<float>()};
  net.set_steps(steps);
  require_steady_training(net, CrossEntropy<float>(), Adam<float>(1e-3),
                          one_hot_matrix<float>(10, steps * batch, 4),
                          one_hot_matrix<float>(3, batch, 5), "many-to-one");
}

TEST_CASE("the benchmark RNN trains without allocating", "[alloc][rnn][benchmark]") {
  const Index steps = 32;
  const Index batch = 32;
  require_steady_training(next_note_network(64, 128, {}, steps), CrossEntropy<float>(),
                          Sgd<float>(0.1), one_hot_matrix<float>(64, steps * batch, 6),
                          one_hot_matrix<float>(64, steps * batch, 7),
                          "vocabulary 64, hidden 128, 32 steps, batch 32", 0, 2);
}

TEST_CASE("a generation step (Network::step, batch 1) allocates nothing", "[alloc][rnn][step]") {
  auto net = next_note_network(64, 128, {}, 1);
  net.initialise(3);
  net.reset_state(1);
  Matrix<float> x = Matrix<float>::Zero(64, 1);
  Index note = 5;
  x(note, 0) = 1.0F;
  net.step(x);  // sizes the step buffers
  Rng rng(4);
  AllocationCounter counter;
  for (int s = 0; s < 100; ++s) {
    const Matrix<float>& p = net.step(x);
    x(note, 0) = 0.0F;
    if (s % 2 == 0) {
      p.col(0).maxCoeff(&note);  // argmax
    } else {
      const auto u = static_cast<float>(rng.uniform());  // a draw from the softmax
      float cumulative = 0;
      for (note = 0; note < p.rows() - 1; ++note) {
        cumulative += p(note, 0);
        if (u < cumulative) {
          break;
        }
      }
    }
    x(note, 0) = 1.0F;
  }
  counter.stop();
  INFO(counter.describe());
  CHECK(counter.count() == 0);
  CHECK(net.layer<0>().state().norm() > 0);
}

// Tests of bachprop/core/network.hpp with layers/, loss/ and optim/ in a steady training loop.
//
// A dense network's training step allocates nothing once the first batch of a shape has sized
// its buffers: every hidden activation, every output layer with every loss (paired or not), and
// every optimiser.

#include "steady_state.hpp"

#include <bachprop/bachprop.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace bachprop;
using alloc_test::one_hot_matrix;
using alloc_test::normal_matrix;
using alloc_test::require_steady_training;

namespace {

// Sgd, Sgd with momentum and weight decay, and Adam, on one network shape.
template <class MakeNet, class Loss>
void with_every_optimiser(MakeNet make, const Loss& loss, const Matrix<float>& x,
                          const Matrix<float>& y, const std::string& what,
                          alloc_test::Learning learning = alloc_test::Learning::expected) {
  require_steady_training(make(), loss, Sgd<float>(0.1), x, y, what + ", Sgd", 0, 3, learning);
  require_steady_training(make(), loss,
                          Sgd<float>({.learning_rate = 0.1, .momentum = 0.9, .weight_decay = 1e-4}),
                          x, y, what + ", Sgd with momentum and weight decay", 0, 3, learning);
  require_steady_training(make(), loss, Adam<float>({.learning_rate = 1e-3, .weight_decay = 1e-4}),
                          x, y, what + ", Adam", 0, 3, learning);
}

// Every loss after one output layer, behind one hidden activation.
template <class Hidden, class Output>
void with_every_loss(const Output& output, const std::string& what,
                     bool output_in_unit_interval = true) {
  const Index inputs = 40;
  const Index hidden = 30;
  const Index outputs = 12;
  const Index batch = 16;
  const Matrix<float> x = normal_matrix<float>(inputs, batch, 1);
  const Matrix<float> y = one_hot_matrix<float>(outputs, batch, 2);
  auto make = [&] {
    return Network{Dense<float>(inputs, hidden), Hidden(), Dense<float>(hidden, outputs), output};
  };
  with_every_optimiser(make, Quadratic<float>(), x, y, what + " + quadratic");
  const auto learning = output_in_unit_interval ? alloc_test::Learning::expected
                                                : alloc_test::Learning::not_checked;
  with_every_optimiser(make, CrossEntropy<float>(), x, y, what + " + cross-entropy", learning);
  with_every_optimiser(make, BinaryCrossEntropy<float>(), x, y, what + " + binary cross-entropy",
                       learning);
}

template <class Hidden>
void with_every_output(const std::string& hidden) {
  with_every_loss<Hidden>(Sigmoid<float>(), hidden + " → sigmoid");
  with_every_loss<Hidden>(Softmax<float>(), hidden + " → softmax");
  with_every_loss<Hidden>(Tanh<float>(), hidden + " → tanh", false);
  with_every_loss<Hidden>(ReLU<float>(), hidden + " → relu", false);
  with_every_loss<Hidden>(GroupedSoftmax<float>({5, 7}), hidden + " → grouped softmax");
}

}  // namespace

TEST_CASE("a dense training step allocates nothing after the first batch, for every layer, loss "
          "and optimiser", "[alloc][dense]") {
  with_every_output<Sigmoid<float>>("sigmoid");
  with_every_output<Tanh<float>>("tanh");
  with_every_output<ReLU<float>>("relu");
}

TEST_CASE("a dense network ending in a Dense layer trains without allocating", "[alloc][dense]") {
  const Matrix<float> x = normal_matrix<float>(9, 5, 3);
  const Matrix<float> y = normal_matrix<float>(2, 5, 4);
  auto make = [] { return Network{Dense<float>(9, 6), Tanh<float>(), Dense<float>(6, 2)}; };
  with_every_optimiser(make, Quadratic<float>(), x, y, "dense → tanh → dense, quadratic");
}

TEST_CASE("the benchmark networks train without allocating, at every benchmark batch size",
          "[alloc][dense][benchmark]") {
  for (const Index batch : {10, 64, 256}) {
    const Matrix<float> x = normal_matrix<float>(784, batch, 5);
    const Matrix<float> y = one_hot_matrix<float>(10, batch, 6);
    require_steady_training(Network{Dense<float>(784, 30), Sigmoid<float>(), Dense<float>(30, 10),
                                    Sigmoid<float>()},
                            Quadratic<float>(), Sgd<float>(3.0), x, y,
                            "the book's 784-30-10 at batch " + std::to_string(batch));
  }
  for (const Index batch : {64, 256}) {
    const Matrix<float> x = (normal_matrix<float>(784, batch, 7).array().abs().min(1.0F)).matrix();
    require_steady_training(
        Network{Dense<float>(784, 128), Sigmoid<float>(), Dense<float>(128, 32), Sigmoid<float>(),
                Dense<float>(32, 128), Sigmoid<float>(), Dense<float>(128, 784), Sigmoid<float>()},
        BinaryCrossEntropy<float>(), Adam<float>(1e-3), x, x,
        "the autoencoder 784-128-32-128-784 at batch " + std::to_string(batch));
  }
}

TEST_CASE("gradient clipping and double precision allocate nothing either", "[alloc][dense]") {
  const Matrix<float> x = normal_matrix<float>(20, 8, 8);
  const Matrix<float> y = one_hot_matrix<float>(4, 8, 9);
  require_steady_training(Network{Dense<float>(20, 16), ReLU<float>(), Dense<float>(16, 4),
                                  Softmax<float>()},
                          CrossEntropy<float>(), Sgd<float>(0.5), x, y, "clipped at 0.01", 0.01);
  const Matrix<double> xd = normal_matrix<double>(20, 8, 10);
  const Matrix<double> yd = one_hot_matrix<double>(4, 8, 11);
  require_steady_training(Network{Dense<double>(20, 16), Sigmoid<double>(), Dense<double>(16, 4),
                                  Softmax<double>()},
                          CrossEntropy<double>(), Adam<double>(1e-2), xd, yd, "double");
}

TEST_CASE("a new batch shape allocates once, then the loop is steady again", "[alloc][dense]") {
  Network net{Dense<float>(30, 20), Sigmoid<float>(), Dense<float>(20, 5), Sigmoid<float>()};
  net.initialise(1);
  Sgd<float> sgd(0.5);
  const Matrix<float> x10 = normal_matrix<float>(30, 10, 1);
  const Matrix<float> y10 = one_hot_matrix<float>(5, 10, 2);
  const Matrix<float> x7 = normal_matrix<float>(30, 7, 3);
  const Matrix<float> y7 = one_hot_matrix<float>(5, 7, 4);
  alloc_test::training_step(net, Quadratic<float>(), sgd, x10, y10, 0);
  {
    alloc_test::AllocationCounter counter;
    alloc_test::training_step(net, Quadratic<float>(), sgd, x7, y7, 0);
    counter.stop();
    CHECK(counter.count() > 0);  // the buffers take the new shape: this is what the rule allows
  }
  alloc_test::AllocationCounter counter;
  alloc_test::training_step(net, Quadratic<float>(), sgd, x7, y7, 0);
  counter.stop();
  INFO(counter.describe());
  CHECK(counter.count() == 0);
}

// Tests of bachprop/layers/bidirectional.hpp in a steady loop: a bidirectional LSTM's training
// step (the reversal into the layer's own buffers, both directions' forward and BPTT, the
// reversed gradient added back, the update) allocates nothing once its buffers have their
// shape, alone on one-hot notes, under an embedding, and two stacked (a GRU on top).

#include "steady_state.hpp"

#include <bachprop/bachprop.hpp>

#include <catch2/catch.hpp>

using namespace bachprop;
using alloc_test::one_hot_matrix;
using alloc_test::require_steady_training;

TEST_CASE("bidirectional training steps allocate nothing after the first batch",
          "[alloc][bidirectional]") {
  const Index vocabulary = 16;
  const Index steps = 8;
  const Index batch = 4;
  const Matrix<float> x = one_hot_matrix<float>(vocabulary, steps * batch, 1);
  const Matrix<float> y = one_hot_matrix<float>(vocabulary, steps * batch, 2);
  {
    Network net{Bidirectional<Lstm<float>>(vocabulary, 12), Dense<float>(24, vocabulary),
                Softmax<float>()};
    net.set_steps(steps);
    require_steady_training(net, CrossEntropy<float>(), Adam<float>(1e-3), x, y,
                            "bidirectional LSTM, one-hot");
  }
  {
    Matrix<float> ids(1, steps * batch);
    for (Index j = 0; j < ids.cols(); ++j) {
      ids(0, j) = static_cast<float>((j * 5) % vocabulary);
    }
    Network net{Embedding<float>(vocabulary, 6), Bidirectional<Lstm<float>>(6, 10),
                Dense<float>(20, vocabulary), Softmax<float>()};
    net.set_steps(steps);
    require_steady_training(net, CrossEntropy<float>(), Adadelta<float>(), ids, y,
                            "embedding, bidirectional LSTM");
  }
  // Two stacked, real-valued inputs (the general product), clipping on.
  Network stacked{Bidirectional<Lstm<float>>(vocabulary, 8), Bidirectional<Gru<float>>(16, 6),
                  Dense<float>(12, vocabulary), Softmax<float>()};
  stacked.set_steps(steps);
  require_steady_training(stacked, CrossEntropy<float>(), Sgd<float>(0.1),
                          alloc_test::normal_matrix<float>(vocabulary, steps * batch, 3), y,
                          "stacked bidirectional, real-valued inputs", /*clip=*/1.0);
}

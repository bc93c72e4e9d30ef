// Tests of bachprop/layers/lstm.hpp and gru.hpp in a steady loop, training and generating, and
// of the next-note model built with embedding.hpp, dropout.hpp and optim/adadelta.hpp.
//
// The gated layers' training step (forward through time, BPTT, update), stacked or alone, full
// or truncated, and their generation step (Network::step, carrying the state) allocate nothing
// once their buffers have their shape; so does the embedding-LSTM-dropout model under Adadelta.

#include "steady_state.hpp"

#include <bachprop/bachprop.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace bachprop;
using alloc_test::AllocationCounter;
using alloc_test::one_hot_matrix;
using alloc_test::require_steady_training;

TEST_CASE("LSTM and GRU training steps allocate nothing after the first batch",
          "[alloc][lstm][gru]") {
  const Index vocabulary = 16;
  const Index steps = 8;
  const Index batch = 4;
  const Matrix<float> x = one_hot_matrix<float>(vocabulary, steps * batch, 1);
  const Matrix<float> y = one_hot_matrix<float>(vocabulary, steps * batch, 2);
  for (const Index truncation : {0, 3}) {
    const std::string what = "truncation " + std::to_string(truncation);
    Network net{Lstm<float>(vocabulary, 24, {.truncation = truncation}),
                Dense<float>(24, vocabulary), Softmax<float>()};
    net.set_steps(steps);
    require_steady_training(net, CrossEntropy<float>(), Adam<float>(1e-3), x, y, what);
  }
  for (const Index truncation : {0, 3}) {
    const std::string what = "GRU, truncation " + std::to_string(truncation);
    Network net{Gru<float>(vocabulary, 24, {.truncation = truncation}),
                Dense<float>(24, vocabulary), Softmax<float>()};
    net.set_steps(steps);
    require_steady_training(net, CrossEntropy<float>(), Adam<float>(1e-3), x, y, what);
  }
  {
    // The benchmark's LSTM (benchmarks/workloads.hpp): 64 → 128 → 64, 32 steps, batch 32. Its
    // products are large enough that Eigen's general product would allocate packing buffers.
    const Matrix<float> notes = one_hot_matrix<float>(64, 32 * 32, 4);
    const Matrix<float> next = one_hot_matrix<float>(64, 32 * 32, 5);
    Network net{Lstm<float>(64, 128), Dense<float>(128, 64), Softmax<float>()};
    net.set_steps(32);
    require_steady_training(net, CrossEntropy<float>(), Sgd<float>(0.1), notes, next,
                            "the benchmark's LSTM");
  }
  // Two LSTMs stacked, real-valued inputs (the general product), clipping on.
  Network stacked{Lstm<float>(vocabulary, 12), Lstm<float>(12, 10), Dense<float>(10, vocabulary),
                  Softmax<float>()};
  stacked.set_steps(steps);
  require_steady_training(stacked, CrossEntropy<float>(), Sgd<float>(0.1),
                          alloc_test::normal_matrix<float>(vocabulary, steps * batch, 3), y,
                          "stacked, real-valued inputs", /*clip=*/1.0);
}

TEST_CASE("LSTM and GRU generation steps (Network::step, batch 1) allocate nothing",
          "[alloc][lstm][gru][step]") {
  Network net{Lstm<float>(64, 128), Dense<float>(128, 64), Softmax<float>()};
  net.initialise(3);
  net.reset_state(1);
  Matrix<float> x = Matrix<float>::Zero(64, 1);
  Index note = 5;
  x(note, 0) = 1.0F;
  net.step(x);  // sizes the step buffers
  AllocationCounter counter;
  for (int s = 0; s < 100; ++s) {
    const Matrix<float>& p = net.step(x);
    x(note, 0) = 0.0F;
    p.col(0).maxCoeff(&note);
    x(note, 0) = 1.0F;
  }
  counter.stop();
  INFO(counter.describe());
  CHECK(counter.count() == 0);
  CHECK(net.layer<0>().cell_state().norm() > 0);

  Network gru{Gru<float>(64, 128), Dense<float>(128, 64), Softmax<float>()};
  gru.initialise(3);
  gru.reset_state(1);
  gru.step(x);
  AllocationCounter gru_counter;
  for (int s = 0; s < 100; ++s) {
    const Matrix<float>& p = gru.step(x);
    x(note, 0) = 0.0F;
    p.col(0).maxCoeff(&note);
    x(note, 0) = 1.0F;
  }
  gru_counter.stop();
  INFO(gru_counter.describe());
  CHECK(gru_counter.count() == 0);
}

TEST_CASE("an embedding, LSTMs with dropout between them, and Adadelta train allocation-free",
          "[alloc][embedding][dropout][adadelta]") {
  // The next-note model of the Play-Bach series: ids → Embedding → LSTM → Dropout → LSTM →
  // Dense → Softmax, in training mode (a fresh mask every step), updated by Adadelta and Adam.
  const Index vocabulary = 16;
  const Index steps = 8;
  const Index batch = 4;
  Matrix<float> ids(1, steps * batch);
  Rng rng(4);
  for (Index j = 0; j < ids.cols(); ++j) {
    ids(0, j) = static_cast<float>(rng.below(static_cast<std::uint64_t>(vocabulary)));
  }
  const Matrix<float> y = one_hot_matrix<float>(vocabulary, steps * batch, 2);
  auto model = [&] {
    Network net{Embedding<float>(vocabulary, 12), Lstm<float>(12, 16), Dropout<float>(0.3),
                Lstm<float>(16, 16), Dense<float>(16, vocabulary), Softmax<float>()};
    net.set_steps(steps);
    net.set_training(true);
    return net;
  };
  require_steady_training(model(), CrossEntropy<float>(), Adadelta<float>(), ids, y, "Adadelta");
  require_steady_training(model(), CrossEntropy<float>(), Adam<float>(1e-3), ids, y, "Adam",
                          /*clip=*/1.0);

  // Generation from the same model: one id at a time, the dropout passing it through.
  auto net = model();
  net.initialise(3);
  net.reset_state(1);
  Matrix<float> id = Matrix<float>::Zero(1, 1);
  net.step(id);
  AllocationCounter counter;
  for (int s = 0; s < 100; ++s) {
    const Matrix<float>& p = net.step(id);
    Index next = 0;
    p.col(0).maxCoeff(&next);
    id(0, 0) = static_cast<float>(next);
  }
  counter.stop();
  INFO(counter.describe());
  CHECK(counter.count() == 0);
  CHECK(net.layer<2>().masks_drawn() == 0);  // step() never drops
}

TEST_CASE("a beam search's step allocates nothing: melodies side by side, reordered, fed",
          "[alloc][lstm][gru][beam]") {
  // What beam_continue_melody does at every note: each hypothesis continues its parent (the
  // recurrent state's columns reordered) and hears its new note (one batched step).
  auto steady = [](auto model, const std::string& what) {
    INFO(what);
    const std::vector<Index> parents{2, 0, 0, 3};
    const std::vector<int> pitches{60, 62, 64, 65};
    const std::vector<double> durations{1.0, 0.5, 2.0, 1.0};
    model.reset(4);
    model.feed_batch(pitches, durations);  // sizes the step buffers
    model.reorder(parents);                // and the reorder's scratch
    model.feed_batch(pitches, durations);
    AllocationCounter counter;
    float total = 0;
    for (int s = 0; s < 50; ++s) {
      model.reorder(parents);
      total += model.feed_batch(pitches, durations)(0, 0);
    }
    counter.stop();
    INFO(counter.describe());
    CHECK(counter.count() == 0);
    CHECK(total > 0);
  };
  const music::MelodyVocabulary vocabulary{48, 84, {0.5, 1.0, 2.0}};
  steady(music::MelodyLstm(vocabulary, 64, 1), "LSTM");
  steady(music::MelodyGru(vocabulary, 64, 1), "GRU");
  steady(music::MelodyRnn(vocabulary, 64, 1), "RNN");
}

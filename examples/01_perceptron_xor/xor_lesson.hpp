#pragma once
// The XOR lesson, shared by the perceptron_xor program and its tests: the four points of a
// two-input truth table, the perceptron that cannot separate XOR, and the small sigmoid network
// that can.

#include <bachprop/neural.hpp>

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace xor_lesson {

/// The four inputs (0,0), (0,1), (1,0), (1,1), one per column.
inline bachprop::Matrix<float> truth_table_inputs() {
  bachprop::Matrix<float> inputs(2, 4);
  inputs << 0, 0, 1, 1,
            0, 1, 0, 1;
  return inputs;
}

/// The labels of a gate over those inputs.
inline std::vector<int> and_labels() { return {0, 0, 0, 1}; }
inline std::vector<int> or_labels() { return {0, 1, 1, 1}; }
inline std::vector<int> xor_labels() { return {0, 1, 1, 0}; }

/// What training a perceptron on one gate gave.
struct PerceptronRun {
  bachprop::Perceptron<float> perceptron{2};
  int epochs_run = 0;
  int converged_epoch = 0;   // first epoch without a mistake; 0 if never
  double best_accuracy = 0;  // the best accuracy of any weights the rule passed through
  double final_accuracy = 0;
};

/// Rosenblatt's rule for up to `epochs` passes over the four points (each pass in an order
/// shuffled by `seed`), measuring the accuracy after every single update.
inline PerceptronRun train_perceptron(const std::vector<int>& labels, int epochs,
                                      std::uint64_t seed, float learning_rate = 1.0F) {
  const auto inputs = truth_table_inputs();
  bachprop::Rng rng(seed);
  PerceptronRun run;
  run.best_accuracy = run.perceptron.accuracy(inputs, labels);
  std::vector<bachprop::Index> order{0, 1, 2, 3};
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    rng.shuffle(std::span<bachprop::Index>(order));
    int mistakes = 0;
    for (const auto j : order) {
      if (run.perceptron.learn(inputs.col(j), labels[static_cast<std::size_t>(j)],
                               learning_rate)) {
        ++mistakes;
        run.best_accuracy = std::max(run.best_accuracy, run.perceptron.accuracy(inputs, labels));
      }
    }
    run.epochs_run = epoch;
    if (mistakes == 0) {
      run.converged_epoch = epoch;
      break;
    }
  }
  run.final_accuracy = run.perceptron.accuracy(inputs, labels);
  return run;
}

/// The network of the lesson: 2 inputs, a hidden sigmoid layer, one sigmoid output.
inline auto make_network(bachprop::Index hidden, std::uint64_t seed) {
  bachprop::Network network{bachprop::Dense(2, hidden), bachprop::Sigmoid(),
                            bachprop::Dense(hidden, 1), bachprop::Sigmoid()};
  network.initialise(seed);
  return network;
}

using XorNetwork = decltype(make_network(3, 0));

/// Settings of the network's training (the paper's quadratic cost and plain gradient descent).
struct NetworkSettings {
  bachprop::Index hidden = 3;
  int epochs = 4000;
  double learning_rate = 4.0;
  bachprop::Index batch_size = 4;
};

/// What training the network gave.
struct NetworkRun {
  XorNetwork network = make_network(3, 0);
  std::vector<double> losses;  // mean quadratic loss per epoch
  std::vector<float> outputs;  // the trained network's output for each of the four inputs
  double accuracy = 0;         // share of the four outputs on the right side of 0.5
};

/// Trains the network on XOR by backpropagation and mini-batch gradient descent.
inline NetworkRun train_network(const NetworkSettings& settings, std::uint64_t seed) {
  const auto inputs = truth_table_inputs();
  bachprop::Matrix<float> targets(1, 4);
  targets << 0, 1, 1, 0;
  NetworkRun run{make_network(settings.hidden, seed), {}, {}, 0.0};
  bachprop::Sgd<float> sgd(settings.learning_rate);
  const auto reports = bachprop::train(
      run.network, bachprop::Quadratic<float>(), sgd, inputs, targets,
      {.epochs = settings.epochs, .batch_size = settings.batch_size, .seed = seed});
  for (const auto& report : reports) {
    run.losses.push_back(report.mean_loss);
  }
  const bachprop::Matrix<float> outputs = run.network.forward(inputs);
  run.outputs.assign(outputs.data(), outputs.data() + outputs.size());
  run.accuracy = bachprop::binary_accuracy(outputs, targets);
  return run;
}

}  // namespace xor_lesson

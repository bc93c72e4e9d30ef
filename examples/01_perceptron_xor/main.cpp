// perceptron_xor: the first lesson. A perceptron learns AND and OR, then cannot learn XOR, because
// no straight line separates XOR's classes; a small sigmoid network trained by backpropagation
// learns it.

#include "common/cli.hpp"
#include "xor_lesson.hpp"

#include <cstdio>
#include <iostream>
#include <string>

namespace {

void print_gate(const char* gate, const xor_lesson::PerceptronRun& run,
                const std::vector<int>& labels) {
  const auto inputs = xor_lesson::truth_table_inputs();
  std::cout << "\n" << gate << ": ";
  if (run.converged_epoch > 0) {
    std::cout << "learned after " << run.converged_epoch << " epoch"
              << (run.converged_epoch == 1 ? "" : "s") << " (no mistakes in a whole pass)\n";
  } else {
    std::cout << "not learned in " << run.epochs_run << " epochs; the best weights it passed "
              << "through were right on " << run.best_accuracy * 100 << "% of the points; the "
              << "final ones below\n";
  }
  std::printf(
      "  weights (%.1f, %.1f), bias %.1f\n", static_cast<double>(run.perceptron.weights()(0)),
      static_cast<double>(run.perceptron.weights()(1)), static_cast<double>(run.perceptron.bias()));
  std::cout << "  x1 x2 | wanted perceptron\n";
  for (int j = 0; j < 4; ++j) {
    const int predicted = run.perceptron.predict(inputs.col(j));
    std::printf("   %d  %d |   %d        %d%s\n", static_cast<int>(inputs(0, j)),
                static_cast<int>(inputs(1, j)), labels[static_cast<std::size_t>(j)], predicted,
                predicted == labels[static_cast<std::size_t>(j)] ? "" : "   <- wrong");
  }
}

nlohmann::json gate_summary(const xor_lesson::PerceptronRun& run) {
  return {{"converged_epoch", run.converged_epoch},
          {"epochs_run", run.epochs_run},
          {"best_accuracy", run.best_accuracy},
          {"final_accuracy", run.final_accuracy}};
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seed = 1;
  std::string summary_path;
  int perceptron_epochs = 100;
  xor_lesson::NetworkSettings settings;
  int print_every = 500;
  examples::CommandLine cli(
      "perceptron_xor",
      "The perceptron learns AND and OR but not XOR; a network with one hidden "
      "sigmoid layer, trained by backpropagation, learns XOR.");
  cli.standard(seed, summary_path)
      .option("perceptron-epochs", perceptron_epochs, "N", "passes of Rosenblatt's rule per gate")
      .option("hidden", settings.hidden, "N", "hidden sigmoid neurons of the network (2 or more)")
      .option("epochs", settings.epochs, "N", "training epochs of the network")
      .option("learning-rate", settings.learning_rate, "ETA", "gradient-descent step η (eq. 13)")
      .option("print-every", print_every, "N", "print the loss every N epochs");
  if (!cli.parse(argc, argv)) {
    return cli.exit_code();
  }
  return examples::run_reporting_errors(cli.program(), [&] {
    if (settings.hidden < 1 || settings.epochs < 1 || perceptron_epochs < 1 || print_every < 1) {
      throw bachprop::ArgumentError("--hidden, --epochs, --perceptron-epochs and --print-every "
                                    "must be positive");
    }
    std::cout << "Part 1: the perceptron (step activation, Rosenblatt's learning rule)\n";
    const auto and_run =
        xor_lesson::train_perceptron(xor_lesson::and_labels(), perceptron_epochs, seed);
    print_gate("AND", and_run, xor_lesson::and_labels());
    const auto or_run =
        xor_lesson::train_perceptron(xor_lesson::or_labels(), perceptron_epochs, seed);
    print_gate("OR", or_run, xor_lesson::or_labels());
    const auto xor_run =
        xor_lesson::train_perceptron(xor_lesson::xor_labels(), perceptron_epochs, seed);
    print_gate("XOR", xor_run, xor_lesson::xor_labels());
    std::cout
        << "\n  Why XOR fails: a perceptron answers 1 on one side of the line w·x + b = 0 and 0\n"
           "  on the other. XOR wants (0,1) and (1,0) on one side, (0,0) and (1,1) on the\n"
           "  other: the two pairs sit on the two diagonals of the square, and any line that\n"
           "  separates one diagonal's ends leaves a point of the other on the wrong side.\n"
           "  So at most 3 of the 4 points can be right (75%), and Rosenblatt's rule never\n"
           "  stops correcting.\n";

    std::cout << "\nPart 2: a 2-" << settings.hidden
              << "-1 sigmoid network, quadratic cost (eq. 7), backpropagation, gradient descent"
              << " (eta " << settings.learning_rate << ", full batch of 4)\n\n";
    const auto run = xor_lesson::train_network(settings, seed);
    for (std::size_t epoch = 1; epoch <= run.losses.size(); ++epoch) {
      if (epoch == 1 || epoch % static_cast<std::size_t>(print_every) == 0 ||
          epoch == run.losses.size()) {
        std::printf("  epoch %5zu  loss %.6f\n", epoch, run.losses[epoch - 1]);
      }
    }
    const auto inputs = xor_lesson::truth_table_inputs();
    const auto labels = xor_lesson::xor_labels();
    std::cout << "\n  x1 x2 | wanted network output (rounded)\n";
    for (int j = 0; j < 4; ++j) {
      const float output = run.outputs[static_cast<std::size_t>(j)];
      std::printf("   %d  %d |   %d    %.3f  (%d)\n", static_cast<int>(inputs(0, j)),
                  static_cast<int>(inputs(1, j)), labels[static_cast<std::size_t>(j)],
                  static_cast<double>(output), output > 0.5F ? 1 : 0);
    }
    std::printf("\n  network accuracy on XOR: %.0f%%  (perceptron's best: %.0f%%)\n",
                run.accuracy * 100, xor_run.best_accuracy * 100);
    if (run.accuracy < 1.0) {
      std::cout << "  Not learned with this seed: the network is stuck in a poor minimum. Try "
                   "another --seed or more --epochs.\n";
    } else {
      std::cout << "  The hidden layer bends the boundary: its neurons learn features (such as OR "
                   "and AND) that make XOR separable for the output neuron.\n";
    }

    examples::write_summary(
        summary_path,
        {{"program", "perceptron_xor"},
         {"seed", seed},
         {"perceptron", {{"and", gate_summary(and_run)}, {"or", gate_summary(or_run)},
                         {"xor", gate_summary(xor_run)}}},
         {"network",
          {{"hidden", settings.hidden},
           {"epochs", settings.epochs},
           {"learning_rate", settings.learning_rate},
           {"final_loss", run.losses.back()},
           {"accuracy", run.accuracy},
           {"outputs", run.outputs},
           {"loss_per_epoch", run.losses}}}});
    return 0;
  });
}

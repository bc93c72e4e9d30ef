#pragma once
// The perceptron_xor program around its lesson (main.cpp): the options it takes, and the report
// of the run — the truth tables and losses it prints, and the JSON summary.

#include "common/lesson.hpp"
#include "xor_lesson.hpp"

#include <cctype>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace perceptron_xor {

/// What the command line sets (main.cpp declares the options; these are their defaults).
struct Options {
  std::uint64_t seed = 1;
  std::string summary_path;
  int perceptron_epochs = 100;  // passes of Rosenblatt's rule per gate
  xor_lesson::NetworkSettings settings;
  int print_every = 500;        // print the network's loss every N epochs

  /// Throws ArgumentError for values the lesson cannot use.
  void check() const {
    if (settings.hidden < 1 || settings.epochs < 1 || perceptron_epochs < 1 || print_every < 1) {
      throw bachprop::ArgumentError("--hidden, --epochs, --perceptron-epochs and --print-every "
                                    "must be positive");
    }
  }
};

/// Prints what the lesson finds and writes the summary.
class Report : public examples::LessonReport<Options> {
 public:
  explicit Report(const Options& options) : LessonReport(options) {
    summary_["program"] = "perceptron_xor";
    summary_["seed"] = options.seed;
  }

  void perceptron_heading() {
    std::cout << "Part 1: the perceptron (step activation, Rosenblatt's learning rule)\n";
  }

  /// A gate's outcome and the perceptron's answer at each of the four points.
  void gate(const std::string& gate, const xor_lesson::PerceptronRun& run,
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
    std::printf("  weights (%.1f, %.1f), bias %.1f\n",
                static_cast<double>(run.perceptron.weights()(0)),
                static_cast<double>(run.perceptron.weights()(1)),
                static_cast<double>(run.perceptron.bias()));
    std::cout << "  x1 x2 | wanted perceptron\n";
    for (int j = 0; j < 4; ++j) {
      const int predicted = run.perceptron.predict(inputs.col(j));
      std::printf("   %d  %d |   %d        %d%s\n", static_cast<int>(inputs(0, j)),
                  static_cast<int>(inputs(1, j)), labels[static_cast<std::size_t>(j)], predicted,
                  predicted == labels[static_cast<std::size_t>(j)] ? "" : "   <- wrong");
    }
    std::string key = gate;
    for (char& c : key) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    summary_["perceptron"][key] = {{"converged_epoch", run.converged_epoch},
                                   {"epochs_run", run.epochs_run},
                                   {"best_accuracy", run.best_accuracy},
                                   {"final_accuracy", run.final_accuracy}};
  }

  void why_xor_fails() {
    std::cout
        << "\n  Why XOR fails: a perceptron answers 1 on one side of the line w·x + b = 0 and 0\n"
           "  on the other. XOR wants (0,1) and (1,0) on one side, (0,0) and (1,1) on the\n"
           "  other: the two pairs sit on the two diagonals of the square, and any line that\n"
           "  separates one diagonal's ends leaves a point of the other on the wrong side.\n"
           "  So at most 3 of the 4 points can be right (75%), and Rosenblatt's rule never\n"
           "  stops correcting.\n";
  }

  void network_heading() {
    const auto& s = options_.settings;
    std::cout << "\nPart 2: a 2-" << s.hidden
              << "-1 sigmoid network, quadratic cost (eq. 7), backpropagation, gradient descent"
              << " (eta " << s.learning_rate << ", full batch of 4)\n\n";
  }

  /// The loss every --print-every epochs, the network's answers, and how it compares with the
  /// perceptron's best on XOR.
  void network(const xor_lesson::NetworkRun& run, double perceptron_best) {
    const auto every = static_cast<std::size_t>(options_.print_every);
    for (std::size_t epoch = 1; epoch <= run.losses.size(); ++epoch) {
      if (epoch == 1 || epoch % every == 0 || epoch == run.losses.size()) {
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
                run.accuracy * 100, perceptron_best * 100);
    if (run.accuracy < 1.0) {
      std::cout << "  Not learned with this seed: the network is stuck in a poor minimum. Try "
                   "another --seed or more --epochs.\n";
    } else {
      std::cout << "  The hidden layer bends the boundary: its neurons learn features (such as OR "
                   "and AND) that make XOR separable for the output neuron.\n";
    }
    const auto& s = options_.settings;
    summary_["network"] = {{"hidden", s.hidden},
                           {"epochs", s.epochs},
                           {"learning_rate", s.learning_rate},
                           {"final_loss", run.losses.back()},
                           {"accuracy", run.accuracy},
                           {"outputs", run.outputs},
                           {"loss_per_epoch", run.losses}};
  }
};

}  // namespace perceptron_xor

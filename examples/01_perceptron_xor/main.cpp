// perceptron_xor: the first lesson. A perceptron learns AND and OR, then cannot learn XOR, because
// no straight line separates XOR's classes; a small sigmoid network trained by backpropagation
// learns it.
//
// The lesson comes first; the command line is at the end, and report.hpp prints. The data, the
// perceptron's rule and the network's training are in xor_lesson.hpp (the tests use them too).

#include "report.hpp"
#include "xor_lesson.hpp"

namespace {

using perceptron_xor::Options;
using perceptron_xor::Report;

int lesson(const Options& o, Report& report) {
  // Part 1: the perceptron, one threshold neuron (output 1 if w·x + b > 0) trained from zero
  // weights by Rosenblatt's rule (a mistake moves w by η (y − ŷ) x), on the four points of a
  // truth table. A line separates AND's classes and OR's; none separates XOR's.
  report.perceptron_heading();
  const auto and_run =
      xor_lesson::train_perceptron(xor_lesson::and_labels(), o.perceptron_epochs, o.seed);
  report.gate("AND", and_run, xor_lesson::and_labels());
  const auto or_run =
      xor_lesson::train_perceptron(xor_lesson::or_labels(), o.perceptron_epochs, o.seed);
  report.gate("OR", or_run, xor_lesson::or_labels());
  const auto xor_run =
      xor_lesson::train_perceptron(xor_lesson::xor_labels(), o.perceptron_epochs, o.seed);
  report.gate("XOR", xor_run, xor_lesson::xor_labels());
  report.why_xor_fails();

  // Part 2: a network Dense(2, N), Sigmoid, Dense(N, 1), Sigmoid learns XOR: the quadratic
  // cost (7), its gradient by backpropagation (16)-(22), gradient descent (13) with step η on
  // the full batch of four points.
  report.network_heading();
  const auto run = xor_lesson::train_network(o.settings, o.seed);
  report.network(run, xor_run.best_accuracy);
  return report.finish();
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  examples::CommandLine cli(
      "perceptron_xor",
      "The perceptron learns AND and OR but not XOR; a network with one hidden "
      "sigmoid layer, trained by backpropagation, learns XOR.");
  cli.standard(o.seed, o.summary_path)
      .option("perceptron-epochs", o.perceptron_epochs, "N", "passes of Rosenblatt's rule per gate")
      .option("hidden", o.settings.hidden, "N", "hidden sigmoid neurons of the network (2 or more)")
      .option("epochs", o.settings.epochs, "N", "training epochs of the network")
      .learning_rate(o.settings.learning_rate, "gradient descent (η of eq. 13)")
      .option("print-every", o.print_every, "N", "print the loss every N epochs");
  return examples::run_lesson<Report>(cli, argc, argv, o, lesson);
}

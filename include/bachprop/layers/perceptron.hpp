#pragma once
/// @file
/// Rosenblatt's perceptron: a step activation and an error-driven learning rule, no gradients.
///
/// It learns any two classes a straight line (a hyperplane) can separate, and nothing else: on
/// XOR no line puts (0,1) and (1,0) on one side and (0,0) and (1,1) on the other, so at best three
/// of the four points are right and the weights cycle forever. Hidden layers with a smooth
/// activation, trained by backpropagation, are the way out.

#include <bachprop/core/error.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/core/types.hpp>

#include <numeric>
#include <span>
#include <string>
#include <vector>

namespace bachprop {

/// A single threshold neuron over `inputs` features: output 1 if w·x + b > 0, else 0.
template <Scalar S = float>
class Perceptron {
 public:
  /// The element type, float or double.
  using Scalar = S;

  /// Starts with zero weights and bias, the textbook start.
  explicit Perceptron(Index inputs) : weights_(Vector<S>::Zero(inputs)) {
    if (inputs <= 0) {
      throw ArgumentError("Perceptron: needs at least one input, got " + std::to_string(inputs));
    }
  }

  /// The number of features a sample must have.
  Index input_size() const { return weights_.size(); }
  /// w, one weight per feature.
  const Vector<S>& weights() const { return weights_; }
  /// b, the negated threshold.
  S bias() const { return bias_; }

  /// The class (0 or 1) of one sample.
  int predict(const Eigen::Ref<const Vector<S>>& x) const {
    check_features(x.size());
    // the step activation: 1 if z = w·x + b > 0, else 0
    return weights_.dot(x) + bias_ > S(0) ? 1 : 0;
  }

  /// The class of every column of `inputs`.
  std::vector<int> predict_all(const Matrix<S>& inputs) const {
    std::vector<int> classes;
    classes.reserve(static_cast<std::size_t>(inputs.cols()));
    for (Index j = 0; j < inputs.cols(); ++j) {
      classes.push_back(predict(inputs.col(j)));
    }
    return classes;
  }

  /// Share of columns classified as `labels` says.
  double accuracy(const Matrix<S>& inputs, const std::vector<int>& labels) const {
    check_labels(inputs, labels);
    const std::vector<int> predicted = predict_all(inputs);
    std::size_t correct = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      correct += predicted[i] == labels[i] ? 1U : 0U;
    }
    return static_cast<double>(correct) / static_cast<double>(labels.size());
  }

  /// Rosenblatt's rule for one sample: if the perceptron gets it wrong, w → w + η (y − ŷ) x and
  /// b → b + η (y − ŷ). Returns whether it was a mistake (and so whether anything changed).
  bool learn(const Eigen::Ref<const Vector<S>>& x, int label, S learning_rate) {
    check_label(label, 0);
    const int error = label - predict(x);
    if (error == 0) {
      return false;
    }
    // doc:begin perceptron-rule
    // Rosenblatt: move the boundary toward a misclassified sample (error = y - ŷ = ±1)
    weights_ += learning_rate * static_cast<S>(error) * x;
    bias_ += learning_rate * static_cast<S>(error);
    // doc:end perceptron-rule
    return true;
  }

  /// One pass of the rule over the samples (in the order given, or shuffled by `rng`). Returns
  /// the number of mistakes made during the pass; 0 means every sample was already right.
  Index train_epoch(const Matrix<S>& inputs, const std::vector<int>& labels, S learning_rate,
                    Rng* rng = nullptr) {
    check_labels(inputs, labels);
    std::vector<Index> order(labels.size());
    std::iota(order.begin(), order.end(), Index{0});
    if (rng != nullptr) {
      rng->shuffle(std::span<Index>(order));
    }
    Index mistakes = 0;
    for (const Index j : order) {
      mistakes += learn(inputs.col(j), labels[static_cast<std::size_t>(j)], learning_rate) ? 1 : 0;
    }
    return mistakes;
  }

 private:
  void check_features(Index features) const {
    if (features != weights_.size()) {
      throw ShapeError("Perceptron: a sample has " + std::to_string(features) +
                       " features but the perceptron has " + std::to_string(weights_.size()) +
                       " inputs");
    }
  }

  void check_labels(const Matrix<S>& inputs, const std::vector<int>& labels) const {
    check_features(inputs.rows());
    if (static_cast<Index>(labels.size()) != inputs.cols() || labels.empty()) {
      throw ShapeError("Perceptron: " + std::to_string(inputs.cols()) + " samples but " +
                       std::to_string(labels.size()) + " labels");
    }
    for (std::size_t i = 0; i < labels.size(); ++i) {
      check_label(labels[i], i);
    }
  }

  static void check_label(int label, std::size_t sample) {
    if (label != 0 && label != 1) {
      throw ArgumentError("Perceptron: label " + std::to_string(label) + " at sample " +
                          std::to_string(sample) + " is not 0 or 1");
    }
  }

  Vector<S> weights_;
  S bias_ = 0;
};

}  // namespace bachprop

#pragma once
/// @file
/// Measures of a trained model: classes from outputs, accuracy, confusion matrices.

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>

#include <string>
#include <vector>

namespace bachprop {

/// The index of the largest output in each column: the predicted class per sample.
template <class S>
std::vector<Index> argmax_columns(const Matrix<S>& outputs) {
  std::vector<Index> classes(static_cast<std::size_t>(outputs.cols()));
  for (Index j = 0; j < outputs.cols(); ++j) {
    outputs.col(j).maxCoeff(&classes[static_cast<std::size_t>(j)]);
  }
  return classes;
}

/// Share of samples whose predicted class (argmax) equals the label.
template <class S>
double classification_accuracy(const Matrix<S>& outputs, const std::vector<Index>& labels) {
  if (static_cast<Index>(labels.size()) != outputs.cols() || labels.empty()) {
    throw ShapeError("classification_accuracy: " + std::to_string(outputs.cols()) +
                     " outputs but " + std::to_string(labels.size()) + " labels");
  }
  const std::vector<Index> predicted = argmax_columns(outputs);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    correct += predicted[i] == labels[i] ? 1U : 0U;
  }
  return static_cast<double>(correct) / static_cast<double>(labels.size());
}

/// Share of outputs on the same side of `threshold` as their 0/1 target, over every entry.
template <class S>
double binary_accuracy(const Matrix<S>& outputs, const Matrix<S>& targets, S threshold = S(0.5)) {
  if (outputs.rows() != targets.rows() || outputs.cols() != targets.cols() || outputs.size() == 0) {
    throw ShapeError("binary_accuracy: outputs are " + shape_string(outputs) + " but targets are " +
                     shape_string(targets));
  }
  const auto predicted = (outputs.array() > threshold).template cast<S>();
  const auto wanted = (targets.array() > threshold).template cast<S>();
  return static_cast<double>((predicted == wanted).count()) / static_cast<double>(outputs.size());
}

/// counts(true class, predicted class) over `classes` classes.
inline Eigen::Matrix<long, Eigen::Dynamic, Eigen::Dynamic> confusion_matrix(
    const std::vector<Index>& labels, const std::vector<Index>& predicted, Index classes) {
  if (labels.size() != predicted.size()) {
    throw ShapeError("confusion_matrix: " + std::to_string(labels.size()) + " labels but " +
                     std::to_string(predicted.size()) + " predictions");
  }
  Eigen::Matrix<long, Eigen::Dynamic, Eigen::Dynamic> counts =
      Eigen::Matrix<long, Eigen::Dynamic, Eigen::Dynamic>::Zero(classes, classes);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= classes || predicted[i] < 0 || predicted[i] >= classes) {
      throw ArgumentError("confusion_matrix: class out of range [0, " + std::to_string(classes) +
                          ") at sample " + std::to_string(i));
    }
    ++counts(labels[i], predicted[i]);
  }
  return counts;
}

/// A one-hot matrix (classes × samples) from class labels.
template <class S = float>
Matrix<S> one_hot(const std::vector<Index>& labels, Index classes) {
  Matrix<S> encoded = Matrix<S>::Zero(classes, static_cast<Index>(labels.size()));
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= classes) {
      throw ArgumentError("one_hot: label " + std::to_string(labels[i]) + " at sample " +
                          std::to_string(i) + " is outside [0, " + std::to_string(classes) + ")");
    }
    encoded(labels[i], static_cast<Index>(i)) = S(1);
  }
  return encoded;
}

}  // namespace bachprop

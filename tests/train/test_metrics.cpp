// Tests of bachprop/train/metrics.hpp: classes from outputs, accuracy, confusion matrices.

#include "helpers.hpp"

#include <bachprop/train/metrics.hpp>

using namespace bachprop;

TEST_CASE("argmax, accuracy and confusion matrix", "[metrics]") {
  Matrix<float> outputs(3, 4);
  outputs << 0.1F, 0.7F, 0.2F, 0.3F,
             0.8F, 0.2F, 0.2F, 0.3F,
             0.1F, 0.1F, 0.6F, 0.4F;
  CHECK(argmax_columns(outputs) == std::vector<Index>{1, 0, 2, 2});
  const std::vector<Index> labels{1, 0, 1, 2};
  CHECK(classification_accuracy(outputs, labels) == Approx(0.75));
  const auto counts = confusion_matrix(labels, argmax_columns(outputs), 3);
  CHECK(counts(1, 1) == 1);
  CHECK(counts(1, 2) == 1);
  CHECK(counts(0, 0) == 1);
  CHECK(counts.sum() == 4);
  CHECK_THROWS_AS(classification_accuracy(outputs, std::vector<Index>{1}), ShapeError);
  CHECK_THROWS_AS(confusion_matrix({5}, {0}, 3), ArgumentError);
}

TEST_CASE("binary accuracy and one-hot", "[metrics]") {
  Matrix<float> outputs(1, 4);
  outputs << 0.1F, 0.9F, 0.6F, 0.4F;
  Matrix<float> targets(1, 4);
  targets << 0, 1, 0, 0;
  CHECK(binary_accuracy(outputs, targets) == Approx(0.75));
  const Matrix<float> encoded = one_hot<float>({2, 0}, 3);
  CHECK(encoded(2, 0) == 1.0F);
  CHECK(encoded(0, 1) == 1.0F);
  CHECK(encoded.sum() == 2.0F);
  CHECK_THROWS_WITH(one_hot<float>({3}, 3), Catch::Contains("label 3 at sample 0"));
}

// Tests of bachprop/layers/grouped_softmax.hpp: one softmax per group of rows, its gradients, and
// its shapes and settings (kept in a saved model). Its pairing with cross-entropy is
// loss/test_cross_entropy.cpp's.

#include "helpers.hpp"

#include <bachprop/neural.hpp>
#include <bachprop/layers/grouped_softmax.hpp>

using namespace bachprop;

TEST_CASE("each group of a grouped softmax is a distribution", "[grouped_softmax]") {
  GroupedSoftmax<double> layer({3, 2, 4});
  const Matrix<double> z = test::random_matrix(9, 5, 1, 3.0);
  const Matrix<double> a = layer.forward(z);
  for (Index j = 0; j < 5; ++j) {
    CHECK(a.col(j).segment(0, 3).sum() == Approx(1.0));
    CHECK(a.col(j).segment(3, 2).sum() == Approx(1.0));
    CHECK(a.col(j).segment(5, 4).sum() == Approx(1.0));
  }
  // Each group equals a plain softmax of its rows.
  Softmax<double> softmax;
  CHECK(a.middleRows(3, 2).isApprox(softmax.forward(z.middleRows(3, 2)), 1e-14));
  // One group is exactly a Softmax.
  GroupedSoftmax<double> single({9});
  CHECK(single.forward(z).isApprox(softmax.forward(z), 1e-15));
}

TEST_CASE("grouped softmax gradients match central differences", "[grouped_softmax][gradient]") {
  GroupedSoftmax<double> layer({2, 4, 1, 3});
  test::require_gradients_match(check_layer_gradients(layer, test::random_matrix(10, 4, 2)));
}

TEST_CASE("grouped softmax shapes and settings are checked", "[grouped_softmax][errors]") {
  CHECK_THROWS_AS(GroupedSoftmax<float>({}), ArgumentError);
  CHECK_THROWS_AS(GroupedSoftmax<float>({2, 0}), ArgumentError);
  GroupedSoftmax<float> layer({2, 3});
  CHECK_THROWS_WITH(layer.forward(Matrix<float>::Zero(4, 1)),
                    Catch::Contains("4 rows but the groups add up to 5"));
  CHECK_THROWS_AS((Network{Dense(3, 4), GroupedSoftmax({2, 3})}), ShapeError);

  // Saved models keep the groups; a network with other groups refuses the file.
  Network saved{Dense(3, 5), GroupedSoftmax({2, 3})};
  const auto document = model_to_json(saved);
  CHECK(document["layers"][1]["config"]["groups"] == nlohmann::json::array({2, 3}));
  Network same{Dense(3, 5), GroupedSoftmax({2, 3})};
  CHECK_NOTHROW(model_from_json(same, document));
  Network other{Dense(3, 5), GroupedSoftmax({3, 2})};
  CHECK_THROWS_WITH(model_from_json(other, document, "m.json"),
                    Catch::Contains("layer 1 (grouped_softmax)") && Catch::Contains("[2,3]"));
}

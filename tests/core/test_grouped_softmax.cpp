// Tests of layers/grouped_softmax.hpp: one softmax per group of rows, paired with cross-entropy.

#include "helpers.hpp"

#include <bachprop/bachprop.hpp>

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

TEST_CASE("grouped softmax pairs with cross-entropy: value and δ = a − y", "[grouped_softmax]") {
  const Index batch = 6;
  Matrix<double> y(7, batch);
  y << test::random_distributions(3, batch, 3), test::random_distributions(4, batch, 4);
  Network net{Dense<double>(5, 7), GroupedSoftmax<double>({3, 4})};
  net.initialise(5);
  const Matrix<double> x = test::random_matrix(5, batch, 6);
  test::require_gradients_match(check_network_gradients(net, CrossEntropy<double>(), x, y));

  // The paired value is the sum of the two groups' cross-entropies.
  const Matrix<double> a = net.forward(x);
  const double first = CrossEntropy<double>().value(a.topRows(3), y.topRows(3));
  const double second = CrossEntropy<double>().value(a.bottomRows(4), y.bottomRows(4));
  CHECK(net.loss(x, y, CrossEntropy<double>()) == Approx(first + second).epsilon(1e-12));
}

TEST_CASE("paired cross-entropy gradients are right for targets that do not sum to 1",
          "[grouped_softmax][loss]") {
  const Index batch = 5;
  // Columns summing to 0.6, 0 (no target at all), 1.7, 1 and 0.25.
  Matrix<double> y = test::random_distributions(4, batch, 7);
  const double sums[batch] = {0.6, 0.0, 1.7, 1.0, 0.25};
  for (Index j = 0; j < batch; ++j) {
    y.col(j) *= sums[j];
  }
  const Matrix<double> x = test::random_matrix(3, batch, 8);
  SECTION("one softmax") {
    Network net{Dense<double>(3, 4), Softmax<double>()};
    net.initialise(9);
    test::require_gradients_match(check_network_gradients(net, CrossEntropy<double>(), x, y));
    // δ = a Σy − y: for the empty column the output error is zero.
    net.compute_gradients(x, y, CrossEntropy<double>(), true);
    CHECK(net.input_gradient().col(1).norm() == 0.0);
  }
  SECTION("groups, one of them empty in some columns") {
    Matrix<double> grouped(7, batch);
    grouped << y, test::random_distributions(3, batch, 10);
    grouped.block(4, 3, 3, 2).setZero();  // the second group has no target in columns 3 and 4
    Network net{Dense<double>(3, 7), GroupedSoftmax<double>({4, 3})};
    net.initialise(11);
    test::require_gradients_match(
        check_network_gradients(net, CrossEntropy<double>(), x, grouped));
  }
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

// Tests of bachprop/optim/clip.hpp: the joint norm of every gradient, bounded, direction kept.

#include "helpers.hpp"

#include <bachprop/neural.hpp>
#include <bachprop/optim/clip.hpp>

using namespace bachprop;

TEST_CASE("gradient clipping bounds the joint norm and keeps the direction", "[clip]") {
  Network net{Dense<double>(3, 2), Sigmoid<double>()};
  net.initialise(20);
  net.compute_gradients(test::random_matrix(3, 4, 21), test::random_probabilities(2, 4, 22),
                        Quadratic<double>());
  const Matrix<double> before = net.layer<0>().weights().gradient;
  const double norm = clip_gradient_norm(net, 0.0);  // measure only
  REQUIRE(norm > 0);
  CHECK(clip_gradient_norm(net, norm * 2) == Approx(norm));  // under the bound: unchanged
  CHECK(net.layer<0>().weights().gradient == before);
  clip_gradient_norm(net, norm / 4);
  CHECK(clip_gradient_norm(net, 0.0) == Approx(norm / 4));
  CHECK(net.layer<0>().weights().gradient.isApprox(before / 4));
}

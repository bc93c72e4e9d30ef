// Tests of bachprop/optim/state.hpp: the settings every optimiser checks, and the per-parameter
// state that refuses a model other than the one it was first used with.

#include "helpers.hpp"

#include <bachprop/layers/dense.hpp>
#include <bachprop/optim/adam.hpp>
#include <bachprop/optim/sgd.hpp>
#include <bachprop/optim/state.hpp>

using namespace bachprop;

TEST_CASE("optimisers refuse bad settings and a model that changed", "[optim][errors]") {
  CHECK_THROWS_WITH(Sgd<float>(-1.0), Catch::Contains("learning_rate"));
  CHECK_THROWS_WITH(Sgd<float>({.learning_rate = 0.1, .momentum = 1.0}),
                    Catch::Contains("below 1"));
  CHECK_THROWS_AS(Adam<float>({.beta1 = 1.5}), ArgumentError);
  Adam<float> adam;
  Dense<float> small(2, 2);
  Dense<float> big(3, 2);
  adam.step(small);
  CHECK_THROWS_WITH(adam.step(big),
                    Catch::Contains("not the one the optimiser was first used with"));
}

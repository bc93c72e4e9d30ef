// Tests of bachprop/music/generate/smoothing.hpp: smoothed decoding, where a change of note pays a
// penalty, finds the best path.

#include <bachprop/core/random.hpp>
#include <bachprop/music/generate/smoothing.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("smoothed decoding: a change of note must pay its penalty", "[harmony][data]") {
  // Two classes; the network prefers class 1 at step 2 only, by 0.5 nats.
  Matrix<float> log_p(2, 5);
  log_p << -0.1F, -0.1F, -1.0F, -0.1F, -0.1F,  //
      -2.3F, -2.3F, -0.5F, -2.3F, -2.3F;
  CHECK(smoothed_classes(log_p, 0) == std::vector<Index>{0, 0, 1, 0, 0});    // argmax
  CHECK(smoothed_classes(log_p, 0.2) == std::vector<Index>{0, 0, 1, 0, 0});  // 0.4 < 0.5
  CHECK(smoothed_classes(log_p, 1.0) == std::vector<Index>{0, 0, 0, 0, 0});  // 2 > 0.5
  // A lasting change is worth one penalty.
  Matrix<float> change(2, 4);
  change << -0.1F, -0.1F, -3.0F, -3.0F,  //
      -3.0F, -3.0F, -0.1F, -0.1F;
  CHECK(smoothed_classes(change, 4.0) == std::vector<Index>{0, 0, 1, 1});
  CHECK(smoothed_classes(change, 6.0) == std::vector<Index>{0, 0, 0, 0});
  CHECK(smoothed_classes(Matrix<float>(3, 0), 1.0).empty());
  CHECK_THROWS_AS(smoothed_classes(log_p, -1.0), ArgumentError);

  // Against every path of a random 3-class, 6-step problem: the best score is found.
  Rng rng(5);
  Matrix<float> random(3, 6);
  for (Index i = 0; i < random.size(); ++i) {
    random.data()[i] = static_cast<float>(-3.0 * rng.uniform());
  }
  auto path_score = [&](const std::vector<Index>& path, double penalty) {
    double total = 0;
    for (std::size_t t = 0; t < path.size(); ++t) {
      total += random(path[t], static_cast<Index>(t));
      if (t > 0 && path[t] != path[t - 1]) {
        total -= penalty;
      }
    }
    return total;
  };
  for (const double penalty : {0.0, 0.3, 1.0, 2.5}) {
    double best = -1e9;
    std::vector<Index> path(6);
    for (int code = 0; code < 729; ++code) {
      int rest = code;
      for (auto& c : path) {
        c = rest % 3;
        rest /= 3;
      }
      best = std::max(best, path_score(path, penalty));
    }
    CHECK(path_score(smoothed_classes(random, penalty), penalty) == Approx(best).epsilon(1e-6));
  }
}

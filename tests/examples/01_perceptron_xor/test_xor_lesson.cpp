// Tests of examples/01_perceptron_xor/xor_lesson.hpp: the XOR lesson's network really learns, at
// least 9 of 10 seeds reach 100%. (The lesson's perceptron is layers/test_perceptron.cpp's.)

#include "helpers.hpp"

#include "01_perceptron_xor/xor_lesson.hpp"

TEST_CASE("the 2-3-1 sigmoid network learns XOR for at least 9 of 10 seeds", "[xor]") {
  int learned = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const auto run = xor_lesson::train_network({}, seed);
    INFO("seed " << seed << ": accuracy " << run.accuracy << ", final loss " << run.losses.back());
    if (run.accuracy == 1.0) {
      ++learned;
      CHECK(run.losses.back() < 0.01);
      CHECK(run.losses.back() < run.losses.front());
    }
  }
  CHECK(learned >= 9);
}

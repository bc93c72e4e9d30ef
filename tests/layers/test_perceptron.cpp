// Tests of bachprop/layers/perceptron.hpp: Rosenblatt's rule learns AND and OR and can never pass
// 75% on XOR (trained by the XOR lesson's loop, examples/01_perceptron_xor/xor_lesson.hpp).

#include "helpers.hpp"

#include <bachprop/layers/perceptron.hpp>

#include "01_perceptron_xor/xor_lesson.hpp"

TEST_CASE("the perceptron learns the linearly separable gates", "[perceptron]") {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const auto and_run = xor_lesson::train_perceptron(xor_lesson::and_labels(), 100, seed);
    CHECK(and_run.converged_epoch > 0);
    CHECK(and_run.final_accuracy == 1.0);
    const auto or_run = xor_lesson::train_perceptron(xor_lesson::or_labels(), 100, seed);
    CHECK(or_run.converged_epoch > 0);
    CHECK(or_run.final_accuracy == 1.0);
  }
}

TEST_CASE("the perceptron never does better than 75% on XOR", "[perceptron]") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    for (float rate : {0.1F, 1.0F, 3.0F}) {
      const auto run = xor_lesson::train_perceptron(xor_lesson::xor_labels(), 500, seed, rate);
      CHECK(run.converged_epoch == 0);
      CHECK(run.best_accuracy <= 0.75);
    }
  }
  // And 75% is reached: three of the four points can be separated.
  CHECK(xor_lesson::train_perceptron(xor_lesson::xor_labels(), 100, 1).best_accuracy == 0.75);
}

TEST_CASE("Rosenblatt's rule moves the boundary toward a mistake", "[perceptron]") {
  bachprop::Perceptron<double> p(2);
  bachprop::Vector<double> x(2);
  x << 1.0, 2.0;
  CHECK(p.predict(x) == 0);
  CHECK(p.learn(x, 1, 0.5));  // a mistake: w += 0.5 x, b += 0.5
  CHECK(p.weights()(0) == 0.5);
  CHECK(p.weights()(1) == 1.0);
  CHECK(p.bias() == 0.5);
  CHECK_FALSE(p.learn(x, 1, 0.5));  // now right: nothing changes
  CHECK(p.bias() == 0.5);
}

TEST_CASE("the perceptron rejects bad labels and shapes", "[perceptron][errors]") {
  bachprop::Perceptron<float> p(2);
  CHECK_THROWS_WITH(p.train_epoch(xor_lesson::truth_table_inputs(), {0, 1, 2, 0}, 1.0F),
                    Catch::Contains("label 2 at sample 2"));
  CHECK_THROWS_AS(p.train_epoch(xor_lesson::truth_table_inputs(), {0, 1}, 1.0F),
                  bachprop::ShapeError);
  CHECK_THROWS_AS(p.predict(bachprop::Vector<float>::Zero(3)), bachprop::ShapeError);
}

// Tests of examples/00_notes_canvas/canvas.hpp, the canvas lesson: its CSV reader refuses bad
// lines by number, and both models learn the generated layout.

#include "helpers.hpp"

#include "00_notes_canvas/canvas.hpp"

TEST_CASE("clicks are read from CSV", "[canvas]") {
  const auto clicks = canvas::parse_clicks(
      "x,y,note\n# a comment\n0.1, 0.2, C\n\n0.5,0.5,g4\n1,0,B\n", "clicks.csv");
  REQUIRE(clicks.size() == 3);
  CHECK(clicks[0].x == 0.1);
  CHECK(clicks[0].note == 0);
  CHECK(clicks[1].note == 4);
  CHECK(clicks[2].note == 6);
}

TEST_CASE("a malformed CSV names the line and the problem", "[canvas][errors]") {
  using Catch::Contains;
  CHECK_THROWS_WITH(canvas::parse_clicks("0.1,0.2,C\n0.3,0.4\n", "c.csv"),
                    Contains("c.csv: line 2: expected 3 comma-separated columns") &&
                        Contains("found 2"));
  CHECK_THROWS_WITH(canvas::parse_clicks("x,y,note\n0.1,0.2,H\n", "c.csv"),
                    Contains("line 2: unknown note name 'H'"));
  CHECK_THROWS_WITH(canvas::parse_clicks("0.1,0.2,C#\n", "c.csv"),
                    Contains("line 1: unknown note name 'C#'"));
  CHECK_THROWS_WITH(canvas::parse_clicks("0.1,zero,C\n", "c.csv"),
                    Contains("line 1: column y should be a number from 0 to 1, got 'zero'"));
  CHECK_THROWS_WITH(canvas::parse_clicks("1.5,0.2,C\n", "c.csv"),
                    Contains("column x should be a number from 0 to 1, got '1.5'"));
  CHECK_THROWS_WITH(canvas::parse_clicks("0.5x,0.2,C\n", "c.csv"), Contains("got '0.5x'"));
  CHECK_THROWS_WITH(canvas::parse_clicks("x,y,note\n", "c.csv"), Contains("no clicks"));
}

TEST_CASE("the classifier learns the seeded layout to at least 95% on held-out clicks",
          "[canvas][training]") {
  for (std::uint64_t seed : {1, 2, 3}) {
    const auto clicks = canvas::make_clicks(350, 0.06, seed);
    const std::vector<canvas::Click> test(clicks.begin(), clicks.begin() + 70);
    const std::vector<canvas::Click> train(clicks.begin() + 70, clicks.end());
    auto classifier = canvas::make_classifier(32, seed);
    const auto losses = canvas::train_classifier(classifier, train, {}, seed);
    const double accuracy = bachprop::classification_accuracy(
        bachprop::Matrix<float>(classifier.forward(canvas::inputs_of(test))),
        canvas::labels_of(test));
    INFO("seed " << seed);
    CHECK(accuracy >= 0.95);
    CHECK(losses.back() < 0.1 * losses.front());
  }
}

TEST_CASE("the regressor predicts the notes' frequencies", "[canvas][training]") {
  const auto clicks = canvas::make_clicks(350, 0.06, 4);
  const std::vector<canvas::Click> test(clicks.begin(), clicks.begin() + 70);
  const std::vector<canvas::Click> train(clicks.begin() + 70, clicks.end());
  auto regressor = canvas::make_regressor(32, 4);
  canvas::train_regressor(regressor, train, {}, 4);
  const auto error = canvas::regression_error(regressor, test);
  // The notes are 262-494 Hz apart by 29-55 Hz; most predictions must land on the right note.
  CHECK(error.mean_absolute_hz < 10.0);
  CHECK(error.within_50_cents > 0.85);
}

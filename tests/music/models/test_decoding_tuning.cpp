// Tests of bachprop/music/models/decoding_tuning.hpp: which rules are over their limits, and the
// choice of λ and w on validation chorales (the fewest rules over their limits, then accuracy
// within the slack, then the note lengths closest to Bach's).

#include "helpers.hpp"
#include "music/harmony_fixtures.hpp"
#include "music/models/tiny_harmony.hpp"

#include <bachprop/music/corpora.hpp>
#include <bachprop/music/evaluate.hpp>
#include <bachprop/music/models/decoding_tuning.hpp>
#include <bachprop/music/models/harmony_rnn.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("rules over their limits: parallels against a fixed rate, the rest against Bach's",
          "[harmony][decoding]") {
  MusicChecks bach;
  bach.chords = 100;
  bach.crossings = {2, 0, 0};  // 2 per 100 chords
  MusicChecks model;
  model.chords = 200;
  model.parallel_fifths = {2, 0, 0, 0, 0, 0};  // 1.0 per 100 chords: at the limit
  model.crossings = {0, 8, 0};                 // 4.0: at 2 × Bach's
  CHECK(rules_over_limits(model, bach) == 0);
  model.parallel_octaves = {0, 0, 0, 0, 0, 3};  // 1.5
  model.crossings = {0, 9, 0};                  // 4.5
  model.spacing = {1, 0};                       // Bach has none: any is over
  CHECK(rules_over_limits(model, bach) == 3);
  model.unresolved_leading_tones = {5, 0, 0, 5};  // not a term of the decoding: not counted
  CHECK(rules_over_limits(model, bach) == 3);
  DecodingLimits loose;
  loose.parallel = 2.0;
  loose.bach_factor = 3.0;
  CHECK(rules_over_limits(model, bach, loose) == 1);  // the spacing
}

TEST_CASE("tune_decoding keeps the fewest rules over their limits, then accuracy, then lengths",
          "[harmony][decoding]") {
  const harmony_test::TinyHarmony tiny;
  const auto& grids = tiny.grids;
  HarmonyRnn model = tiny.rnn();
  const std::vector<double> lambdas{0.0, 0.5, 2.0};
  const std::vector<RulePenalties> rules{RulePenalties::uniform(0.0), RulePenalties::uniform(3.0)};
  for (const double slack : {0.0, 0.5}) {
    DecodingLimits limits;
    limits.accuracy_slack = slack;
    const auto trials = tune_decoding(model, grids, lambdas, {0.0, 1.0}, rules, limits);
    REQUIRE(trials.size() == 12);
    CHECK(trials[3].change_penalty == 0.0);
    CHECK(trials[3].offbeat == 1.0);
    CHECK(trials[3].rules == RulePenalties::uniform(3.0));
    const auto chosen =
        std::find_if(trials.begin(), trials.end(), [](const DecodingTrial& t) { return t.chosen; });
    REQUIRE(chosen != trials.end());
    CHECK(std::count_if(trials.begin(), trials.end(),
                        [](const DecodingTrial& t) { return t.chosen; }) == 1);
    CHECK(model.settings().change_penalty == chosen->change_penalty);
    CHECK(model.settings().offbeat_change_penalty == chosen->offbeat);
    CHECK(model.settings().rules == chosen->rules);
    double best = 0;
    for (const auto& t : trials) {
      CHECK(t.over >= chosen->over);
      CHECK(t.accuracy >= 0);
      CHECK(!(t.length_distance < 0));  // NaN where a voice of this untrained model is silent
      best = t.over == chosen->over ? std::max(best, t.accuracy) : best;
    }
    CHECK(chosen->accuracy >= best - slack);
    for (const auto& t : trials) {
      if (t.over == chosen->over && t.accuracy >= best - slack && !std::isnan(t.length_distance)) {
        CHECK(t.length_distance >= chosen->length_distance);
      }
    }
    if (slack == 0.0) {
      CHECK(chosen->accuracy == best);
    }
    // What tune_decoding measured is what the model now does.
    const auto harmonised = harmonise_all(model, grids);
    CHECK(evaluate_accuracy(harmonised, grids).mean_accuracy() == chosen->accuracy);
  }
  CHECK_THROWS_AS(tune_decoding(model, grids, {}, {0.0}, rules), ArgumentError);
  CHECK_THROWS_AS(tune_decoding(model, grids, lambdas, {}, rules), ArgumentError);
  CHECK_THROWS_AS(tune_decoding(model, {}, lambdas, {0.0}, rules), ArgumentError);
}

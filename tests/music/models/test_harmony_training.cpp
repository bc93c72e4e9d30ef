// Tests of bachprop/music/models/harmony_training.hpp: the same seed trains the same harmoniser,
// and data that fits no key is refused.

#include "helpers.hpp"
#include "music/harmony_fixtures.hpp"
#include "music/models/synthetic_chorales.hpp"

#include <bachprop/music/corpora.hpp>
#include <bachprop/music/evaluate.hpp>
#include <bachprop/music/models/harmony_rnn.hpp>
#include <bachprop/music/models/harmony_training.hpp>
#include <bachprop/music/models/minibach.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>

using namespace bachprop;
using namespace bachprop::music;
using namespace harmony_test;
namespace fs = std::filesystem;

TEST_CASE("the same seed trains the same harmoniser", "[harmony][models][training]") {
  const auto training = corpus(11, 8, 32);
  const auto validation = corpus(12, 2, 32);
  const HarmonyEncoding encoding = HarmonyEncoding::fit(training, 2);
  HarmonyRnnSettings r = small_rnn(2);
  r.training.epochs = 2;
  HarmonyRnn first(encoding, r);
  HarmonyRnn second(encoding, r);
  const auto a = first.train(training, validation);
  const auto b = second.train(training, validation);
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].training.mean_loss == b[i].training.mean_loss);
    CHECK(a[i].validation == b[i].validation);
  }
  CHECK(first.to_json() == second.to_json());
  r.training.seed = 4;
  HarmonyRnn other(encoding, r);
  other.train(training, validation);
  CHECK(other.to_json() != first.to_json());
}

TEST_CASE("training refuses data that fits no key", "[harmony][models]") {
  const auto training = corpus(13, 2, 32);
  HarmonyEncoding narrow = HarmonyEncoding::fit(training, 0);
  narrow.voices[bass].highest = narrow.voices[bass].lowest;  // almost no bass notes fit
  MiniBachSettings m = small_minibach();
  MiniBach model(narrow, m);
  CHECK_THROWS_AS(model.train(training, {}), ArgumentError);
  HarmonyRnnSettings r = small_rnn(0);
  r.steps = 64;  // longer than any chorale
  HarmonyRnn rnn(HarmonyEncoding::fit(training, 0), r);
  CHECK_THROWS_AS(rnn.train(training, {}), ArgumentError);
}

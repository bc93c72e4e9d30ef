// Tests of bachprop/music/models/network_harmoniser.hpp: MiniBach and the look-ahead RNN survive a
// save and load unchanged, and a file of the other kind or with damaged settings is refused.

#include "helpers.hpp"
#include "music/harmony_fixtures.hpp"
#include "music/models/synthetic_chorales.hpp"

#include <bachprop/music/corpora.hpp>
#include <bachprop/music/evaluate.hpp>
#include <bachprop/music/models/harmony_rnn.hpp>
#include <bachprop/music/models/minibach.hpp>
#include <bachprop/music/models/network_harmoniser.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>

using namespace bachprop;
using namespace bachprop::music;
using namespace harmony_test;
namespace fs = std::filesystem;

TEST_CASE("harmony models survive a save and load unchanged", "[harmony][models][json]") {
  const auto training = corpus(9, 8, 32);
  const auto test = corpus(10, 3, 40);
  const HarmonyEncoding encoding = HarmonyEncoding::fit(training, 2);

  MiniBachSettings m = small_minibach();
  m.training.epochs = 1;
  m.hop = 8;
  MiniBach minibach(encoding, m);
  minibach.train(training, {});
  const fs::path minibach_file = test::temp_file("bachprop_harmony_tests", "minibach.json");
  minibach.save(minibach_file, {{"note", "test"}});
  MiniBach minibach_again = MiniBach::load(minibach_file);
  CHECK(minibach_again.encoding() == encoding);
  CHECK(minibach_again.settings().hop == 8);
  CHECK(minibach_again.to_json({{"note", "test"}}) == minibach.to_json({{"note", "test"}}));
  CHECK(harmonise_all(minibach_again, test) == harmonise_all(minibach, test));

  HarmonyRnnSettings r = small_rnn(3);
  r.previous_chord = true;
  r.period = 2;
  r.training.epochs = 1;
  HarmonyRnn rnn(encoding, r);
  rnn.train(training, {});
  const fs::path rnn_file = test::temp_file("bachprop_harmony_tests", "harmony_rnn.json");
  rnn.save(rnn_file);
  HarmonyRnn rnn_again = HarmonyRnn::load(rnn_file);
  CHECK(rnn_again.settings().lookahead == 3);
  CHECK(rnn_again.settings().period == 2);
  CHECK(rnn_again.settings().previous_chord);
  CHECK(rnn_again.to_json() == rnn.to_json());
  CHECK(harmonise_all(rnn_again, test) == harmonise_all(rnn, test));

  // The wrong kind of model, and damaged settings, are refused with the file named.
  CHECK_THROWS_AS(MiniBach::load(rnn_file), FormatError);
  CHECK_THROWS_AS(HarmonyRnn::load(minibach_file), FormatError);
  nlohmann::json damaged = rnn.to_json();
  damaged["metadata"]["settings"]["lookahead"] = -4;
  CHECK_THROWS_AS(HarmonyRnn::from_json(damaged, "damaged"), FormatError);
  damaged = rnn.to_json();
  damaged["metadata"]["settings"]["hidden"] = 33;  // the weights are 32 wide
  CHECK_THROWS_AS(HarmonyRnn::from_json(damaged, "damaged"), FormatError);
  damaged = minibach.to_json();
  damaged["metadata"]["encoding"]["voices"][0] = nlohmann::json::array({80, 70});
  CHECK_THROWS_AS(MiniBach::from_json(damaged, "damaged"), FormatError);
  fs::remove(minibach_file);
  fs::remove(rnn_file);
}

// Tests of bachprop/music/models/minibach.hpp: the exact input and target columns MiniBach is given
// (against a small chorale written out by hand), and that it learns a tiny synthetic corpus whose
// lower voices are a rule of the soprano, keeping the best validation epoch.

#include "helpers.hpp"
#include "music/harmony_fixtures.hpp"
#include "music/models/synthetic_chorales.hpp"

#include <bachprop/music/corpora.hpp>
#include <bachprop/music/evaluate.hpp>
#include <bachprop/music/models/harmony_rnn.hpp>
#include <bachprop/music/models/minibach.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>

using namespace bachprop;
using namespace bachprop::music;
using namespace harmony_test;
namespace fs = std::filesystem;

TEST_CASE("MiniBach's columns: a soprano window in, three voices per step out", "[harmony][data]") {
  const JsbCorpus corpus = parse_jsb_chorales(tiny_corpus, "tiny_16th.json");
  const auto grids = grids_of(corpus, "train");
  const HarmonyEncoding encoding = HarmonyEncoding::fit(grids, 1);
  MiniBachSettings settings;
  settings.window = 3;
  settings.hidden = 4;
  const MiniBach model(encoding, settings);
  const Index s = encoding.voice(soprano).size();  // 6
  const Index a = encoding.voice(alto).size();     // 64..68 + silence = 6
  const Index t = encoding.voice(tenor).size();
  const Index b = encoding.voice(bass).size();
  CHECK(model.input_size() == 3 * s);
  CHECK(model.output_size() == 3 * (a + t + b));
  CHECK(model.output_row(alto, 0) == 0);
  CHECK(model.output_row(alto, 2) == 2 * a);
  CHECK(model.output_row(tenor, 0) == 3 * a);
  CHECK(model.output_row(bass, 1) == 3 * a + 3 * t + b);

  // The window from step 2, moved up a semitone: soprano D5+1, silence, silence (past the end).
  Matrix<float> in(model.input_size(), 1);
  model.encode_input(grids[0], 2, 1, in.col(0));
  CHECK(hot_row(in.col(0).segment(0, s)) == encoding.voice(soprano).class_of(75));
  CHECK(hot_row(in.col(0).segment(s, s)) == encoding.voice(soprano).silence());
  CHECK(hot_row(in.col(0).segment(2 * s, s)) == encoding.voice(soprano).silence());
  Matrix<float> out(model.output_size(), 1);
  model.encode_target(grids[0], 0, 0, out.col(0));
  CHECK(hot_row(out.col(0).segment(model.output_row(alto, 0), a)) ==
        encoding.voice(alto).class_of(67));
  CHECK(hot_row(out.col(0).segment(model.output_row(alto, 2), a)) ==
        encoding.voice(alto).class_of(65));
  CHECK(hot_row(out.col(0).segment(model.output_row(tenor, 1), t)) ==
        encoding.voice(tenor).class_of(64));
  CHECK(hot_row(out.col(0).segment(model.output_row(bass, 2), b)) ==
        encoding.voice(bass).class_of(47));
  CHECK(out.sum() == 9.0F);  // one 1 per voice per step

  // make_examples: one column per window, the same encodings.
  Matrix<float> inputs;
  Matrix<float> targets;
  const std::vector<GridWindow> windows{{0, 2, 1}, {0, 0, 0}};
  model.make_examples(grids, windows, inputs, targets);
  REQUIRE(inputs.cols() == 2);
  CHECK(inputs.col(0) == in.col(0));
  CHECK(targets.col(1) == out.col(0));
}

TEST_CASE("MiniBach learns a synthetic chorale style", "[harmony][models][training]") {
  const auto training = corpus(1, 24, 48);
  const auto validation = corpus(2, 4, 48);
  const auto test = corpus(3, 6, 40);  // shorter than a window multiple: the last one overlaps
  const HarmonyEncoding encoding = HarmonyEncoding::fit(training, 2);
  MiniBach model(encoding, small_minibach());
  const double before = accuracy_on(model, test).mean_accuracy();
  const auto epochs = model.train(training, validation);
  REQUIRE(epochs.size() == 20);
  const HarmonyAccuracy after = accuracy_on(model, test);
  INFO("before " << before << ", after " << after.mean_accuracy());
  CHECK(before < 0.2);
  CHECK(after.accuracy(alto) > 0.9);
  CHECK(after.accuracy(tenor) > 0.9);
  CHECK(after.accuracy(bass) > 0.9);
  CHECK(after.accuracy(soprano) == 1.0);  // the soprano is given, never changed
  // The kept weights are those of the best validation epoch.
  double best = 1.0;
  for (const auto& e : epochs) {
    best = std::min(best, e.validation);
  }
  CHECK(1.0 - accuracy_on(model, validation).mean_accuracy() == Approx(best));

  // A melody shorter than the window (padded with silence) and one of several windows.
  const FourVoiceGrid short_one = model.harmonise({72, 72, 74, 74, 76, 76, 76, 76});
  CHECK(short_one.steps() == 8);
  CHECK(short_one.voices[tenor] == std::vector<int>{60, 60, 62, 62, 64, 64, 64, 64});
  CHECK(model.harmonise({}).steps() == 0);
  CHECK_THROWS_AS(model.harmonise({40, 41}), ArgumentError);  // below the soprano range
  CHECK(model.accepts({72, silent_voice}));
  CHECK_FALSE(model.accepts({40}));

  // The decoding's change penalty, chosen on validation: holding every note forever (a huge
  // penalty) loses, so it is not chosen.
  const auto trials = tune_change_penalty(model, validation, {0.0, 1.0, 1000.0});
  REQUIRE(trials.size() == 3);
  CHECK(trials[2].accuracy < trials[0].accuracy - 0.3);
  CHECK(model.settings().change_penalty < 1000.0);
  CHECK_THROWS_AS(tune_change_penalty(model, {}, {1.0}), ArgumentError);
  model.set_change_penalty(0);

  // The same weights harmonising with overlapping windows (hop 4) do as well.
  nlohmann::json document = model.to_json();
  document["metadata"]["settings"]["hop"] = 4;
  MiniBach sliding = MiniBach::from_json(document, "in memory");
  CHECK(sliding.settings().hop == 4);
  CHECK(accuracy_on(sliding, test).mean_accuracy() > 0.9);
}

// Tests of bachprop/music/models/harmony_decoding.hpp: the whole-piece decoding finds the
// maximum of (56) (checked against every harmonisation of small pieces, the rules counted by
// voice_leading.hpp, not by the decoder), reduces to per-voice smoothing without rules, keeps
// fixed notes, and refuses what it cannot decode; the look-ahead RNN decodes through it.

#include "helpers.hpp"
#include "music/harmony_fixtures.hpp"
#include "music/models/tiny_harmony.hpp"

#include <bachprop/core/random.hpp>
#include <bachprop/music/corpora.hpp>
#include <bachprop/music/evaluate.hpp>
#include <bachprop/music/generate/smoothing.hpp>
#include <bachprop/music/models/harmony_decoding.hpp>
#include <bachprop/music/models/harmony_lstm.hpp>
#include <bachprop/music/models/harmony_rnn.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <limits>
#include <random>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;

namespace {

// An encoding whose lower voices have two pitches each (and silence): 27 chords a step.
HarmonyEncoding two_pitch_encoding(int alto_low, int tenor_low, int bass_low) {
  HarmonyEncoding e;
  e.voices = {
      {{60, 84}, {alto_low, alto_low + 1}, {tenor_low, tenor_low + 1}, {bass_low, bass_low + 1}}};
  return e;
}

// (56) for a finished grid, the rules counted by music_checks (independent of the decoder).
double objective(const FourVoiceGrid& grid, const Matrix<float>& log_p,
                 const HarmonyEncoding& encoding, const HarmonyDecoding& d) {
  double total = 0;
  for (Index t = 0; t < grid.steps(); ++t) {
    Index row = 0;
    for (int v = alto; v <= bass; ++v) {
      const VoiceClasses& classes = encoding.voice(v);
      total += log_p(row + classes.class_of(grid.at(v, t)), t);
      if (t > 0 && grid.at(v, t) != grid.at(v, t - 1)) {
        total -= d.change_penalty + (t % 2 == 1 ? d.offbeat_change_penalty : 0.0);
      }
      row += classes.size();
    }
  }
  CheckOptions options;
  options.ranges = d.ranges;
  const MusicChecks c = music_checks(grid, options);
  const RulePenalties& w = d.rules;
  return total - w.parallel * (c.fifths() + c.octaves()) -
         w.contrary * (MusicChecks::sum(c.contrary_fifths) + MusicChecks::sum(c.contrary_octaves)) -
         w.hidden * (c.hidden_fifths + c.hidden_octaves) - w.crossing * c.crossing_count() -
         w.spacing * MusicChecks::sum(c.spacing) - w.out_of_range * c.lower_out_of_range();
}

// The best objective over every harmonisation of `soprano_line` (27 chords a step).
double best_by_brute_force(const std::vector<int>& soprano_line, const Matrix<float>& log_p,
                           const HarmonyEncoding& encoding, const HarmonyDecoding& d) {
  const auto n = static_cast<Index>(soprano_line.size());
  FourVoiceGrid grid = soprano_only(soprano_line);
  Index paths = 1;
  for (Index t = 0; t < n; ++t) {
    paths *= 27;
  }
  double best = -std::numeric_limits<double>::infinity();
  for (Index path = 0; path < paths; ++path) {
    Index code = path;
    for (Index t = 0; t < n; ++t) {
      for (int v = alto; v <= bass; ++v) {
        grid.voices[static_cast<std::size_t>(v)][static_cast<std::size_t>(t)] =
            encoding.voice(v).value_of(code % 3);
        code /= 3;
      }
    }
    best = std::max(best, objective(grid, log_p, encoding, d));
  }
  return best;
}

Matrix<float> random_log_p(Index rows, Index steps, std::mt19937_64& rng) {
  std::uniform_real_distribution<float> u(-3.0F, 0.0F);
  Matrix<float> m(rows, steps);
  for (Index c = 0; c < steps; ++c) {
    for (Index r = 0; r < rows; ++r) {
      m(r, c) = u(rng);
    }
  }
  return m;
}

}  // namespace

TEST_CASE("whole-piece decoding finds the best harmonisation of (56), every rule counted",
          "[harmony][decoding]") {
  // Two sets of ranges: one where the voices can move in parallel, contrary and hidden fifths
  // and octaves (alto a fifth below the soprano, tenor a fifth below the alto, bass an octave
  // below the tenor), one where they cross, spread over an octave and leave their ranges.
  struct Case {
    HarmonyEncoding encoding;
    std::vector<int> soprano;
    std::array<VoiceRange, voice_count> ranges;
  };
  const std::vector<Case> cases{
      {two_pitch_encoding(67, 60, 48), {74, 75, 73}, textbook_ranges},
      {two_pitch_encoding(66, 66, 52), {81, 80, 81}, {{{60, 84}, {55, 66}, {48, 66}, {40, 52}}}},
      {two_pitch_encoding(67, 60, 48), {74, silent_voice, 76}, textbook_ranges},
  };
  std::mt19937_64 rng(20);
  std::uniform_real_distribution<double> nats(0.0, 3.0);
  int decoded = 0;
  for (const Case& c : cases) {
    for (int trial = 0; trial < 8; ++trial) {
      HarmonyDecoding d;
      d.per_voice = 3;  // every class: the search is exact
      d.chords = 27;
      d.ranges = c.ranges;
      d.change_penalty = trial == 0 ? 0.0 : nats(rng) / 2;
      d.offbeat_change_penalty = trial < 2 ? 0.0 : nats(rng) / 2;
      d.rules = {nats(rng), nats(rng), nats(rng), nats(rng), nats(rng), nats(rng)};
      const Matrix<float> log_p =
          random_log_p(c.encoding.lower_voice_classes(), static_cast<Index>(c.soprano.size()), rng);
      const FourVoiceGrid grid = decode_harmony(c.soprano, log_p, c.encoding, d);
      CHECK(grid.voices[soprano] == c.soprano);
      CHECK(objective(grid, log_p, c.encoding, d) ==
            Approx(best_by_brute_force(c.soprano, log_p, c.encoding, d)).margin(1e-9));
      ++decoded;
    }
  }
  CHECK(decoded == 24);
}

TEST_CASE("a rule penalty removes the parallel fifths the voices' own choices make",
          "[harmony][decoding]") {
  // Each voice on its own prefers to rise a step: alto G4→A4 and tenor C4→D4, parallel fifths.
  const HarmonyEncoding e = two_pitch_encoding(67, 60, 48);
  const std::vector<int> melody{74, 76};
  Matrix<float> log_p = Matrix<float>::Constant(e.lower_voice_classes(), 2, -5.0F);
  const Index a = e.voice(alto).size();
  const Index t = e.voice(tenor).size();
  log_p(e.voice(alto).class_of(67), 0) = -0.1F;
  log_p(e.voice(alto).class_of(68), 1) = -0.1F;
  log_p(e.voice(alto).class_of(67), 1) = -1.5F;
  log_p(a + e.voice(tenor).class_of(60), 0) = -0.1F;
  log_p(a + e.voice(tenor).class_of(61), 1) = -0.1F;
  log_p(a + e.voice(tenor).class_of(60), 1) = -1.0F;
  log_p(a + t + e.voice(bass).class_of(48), 0) = -0.1F;
  log_p(a + t + e.voice(bass).class_of(48), 1) = -0.1F;
  HarmonyDecoding d;
  const FourVoiceGrid free = decode_harmony(melody, log_p, e, d);
  CHECK(free.voices[alto] == std::vector<int>{67, 68});
  CHECK(free.voices[tenor] == std::vector<int>{60, 61});
  CHECK(music_checks(free).fifths() == 1);
  d.rules.parallel = 0.8;  // less than the 0.9 nats the tenor loses by holding: fifths stay
  CHECK(music_checks(decode_harmony(melody, log_p, e, d)).fifths() == 1);
  d.rules.parallel = 1.0;  // more: the tenor holds (the alto would lose 1.4)
  const FourVoiceGrid ruled = decode_harmony(melody, log_p, e, d);
  CHECK(music_checks(ruled).fifths() == 0);
  CHECK(ruled.voices[alto] == std::vector<int>{67, 68});
  CHECK(ruled.voices[tenor] == std::vector<int>{60, 60});
  const auto listed = violations(ruled);
  CHECK(std::none_of(listed.begin(), listed.end(),
                     [](const Violation& v) { return v.rule == Rule::parallel_fifths; }));
}

TEST_CASE("an offbeat change penalty moves a change onto the eighth", "[harmony][decoding]") {
  // The alto prefers to move at step 1 (an odd 16th); it would rather move there than at 2.
  const HarmonyEncoding e = two_pitch_encoding(67, 60, 48);
  const std::vector<int> melody{74, 74, 74, 74};
  Matrix<float> log_p = Matrix<float>::Constant(e.lower_voice_classes(), 4, -5.0F);
  const Index a = e.voice(alto).size();
  const Index t = e.voice(tenor).size();
  for (Index s = 0; s < 4; ++s) {
    log_p(e.voice(alto).class_of(s == 0 ? 67 : 68), s) = -0.1F;
    log_p(e.voice(alto).class_of(67), s) = s == 0 ? -0.1F : s == 1 ? -1.0F : -3.0F;
    log_p(a + e.voice(tenor).class_of(60), s) = -0.1F;
    log_p(a + t + e.voice(bass).class_of(48), s) = -0.1F;
  }
  HarmonyDecoding d;
  d.change_penalty = 0.1;
  CHECK(decode_harmony(melody, log_p, e, d).voices[alto] == std::vector<int>{67, 68, 68, 68});
  d.offbeat_change_penalty = 1.0;  // more than the 0.9 nats holding at step 1 loses
  CHECK(decode_harmony(melody, log_p, e, d).voices[alto] == std::vector<int>{67, 67, 68, 68});
}

TEST_CASE("without rules, the whole-piece decoding is each voice's smoothed path",
          "[harmony][decoding]") {
  const JsbCorpus corpus = parse_jsb_chorales(tiny_corpus, "tiny_16th.json");
  const auto grids = grids_of(corpus, "train");
  const HarmonyEncoding e = HarmonyEncoding::fit(grids, 0);
  std::mt19937_64 rng(3);
  const std::vector<int> melody = grids.at(0).voices[soprano];
  const Matrix<float> log_p =
      random_log_p(e.lower_voice_classes(), static_cast<Index>(melody.size()), rng);
  for (const double penalty : {0.0, 0.7, 2.5}) {
    HarmonyDecoding d;
    d.change_penalty = penalty;
    d.per_voice = 100;  // every class of every voice
    d.chords = e.voice(alto).size() * e.voice(tenor).size() * e.voice(bass).size();
    const FourVoiceGrid grid = decode_harmony(melody, log_p, e, d);
    Index row = 0;
    for (int v = alto; v <= bass; ++v) {
      const VoiceClasses& classes = e.voice(v);
      const auto path = smoothed_classes(log_p.middleRows(row, classes.size()), penalty);
      for (std::size_t k = 0; k < melody.size(); ++k) {
        CHECK(grid.voices[static_cast<std::size_t>(v)][k] == classes.value_of(path[k]));
      }
      row += classes.size();
    }
  }
}

TEST_CASE("fixed notes are kept, and the rest is decoded around them", "[harmony][decoding]") {
  const HarmonyEncoding e = two_pitch_encoding(67, 60, 48);
  const std::vector<int> melody{74, 75, 73, 74};
  std::mt19937_64 rng(5);
  const Matrix<float> log_p = random_log_p(e.lower_voice_classes(), 4, rng);
  HarmonyDecoding d;
  d.rules = RulePenalties::uniform(1.0);
  FixedNotes fixed = FixedNotes::none(4);
  fixed.fix_line(bass, {45, 45, silent_voice});  // 45 has no class: kept all the same
  fixed.voices[alto][3] = 68;
  const FourVoiceGrid grid = decode_harmony(melody, log_p, e, d, &fixed);
  CHECK(std::vector<int>(grid.voices[bass].begin(), grid.voices[bass].begin() + 3) ==
        std::vector<int>{45, 45, silent_voice});
  CHECK(grid.at(alto, 3) == 68);

  FourVoiceGrid bach = soprano_only(melody);
  bach.voices[alto] = {67, 67, 68, 68};
  bach.voices[tenor] = {60, 61, 61, 60};
  bach.voices[bass] = {48, 49, 49, 48};
  const FixedNotes opening = FixedNotes::from_grid(bach, 0, 2);
  const FourVoiceGrid around = decode_harmony(melody, log_p, e, d, &opening);
  for (int v = alto; v <= bass; ++v) {
    CHECK(around.at(v, 0) == bach.at(v, 0));
    CHECK(around.at(v, 1) == bach.at(v, 1));
  }
  CHECK_THROWS_WITH(FixedNotes::from_grid(bach, 1, 5),
                    Catch::Contains("steps 1..5 outside a grid of 4"));
  CHECK_THROWS_WITH(fixed.fix_line(bass, std::vector<int>(5, 48)),
                    Catch::Contains("a line of 5 steps"));
  CHECK_THROWS_AS(fixed.fix_line(soprano, {72}), ArgumentError);
}

TEST_CASE("the decoding refuses sizes and options it cannot use", "[harmony][decoding]") {
  const HarmonyEncoding e = two_pitch_encoding(67, 60, 48);
  const std::vector<int> melody{74, 75};
  const Matrix<float> log_p = Matrix<float>::Zero(e.lower_voice_classes(), 2);
  HarmonyDecoding d;
  CHECK_THROWS_WITH(decode_harmony({74}, log_p, e, d),
                    Catch::Contains("log-probabilities of 9 × 2 for 9 classes × 1 steps"));
  d.chords = 0;
  CHECK_THROWS_AS(decode_harmony(melody, log_p, e, d), ArgumentError);
  d.chords = 8;
  d.change_penalty = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(decode_harmony(melody, log_p, e, d), ArgumentError);
  d.change_penalty = 0;
  d.offbeat_change_penalty = -1;
  CHECK_THROWS_AS(decode_harmony(melody, log_p, e, d), ArgumentError);
  d.offbeat_change_penalty = 0;
  const FixedNotes short_fixed = FixedNotes::none(1);
  CHECK_THROWS_WITH(decode_harmony(melody, log_p, e, d, &short_fixed),
                    Catch::Contains("fixed notes for 1 steps of a melody of 2"));
  CHECK(decode_harmony({}, Matrix<float>(9, 0), e, d).steps() == 0);

  const RulePenalties w{1, 2, 3, 4, 5, 6};
  CHECK(RulePenalties::from_json(w.to_json(), "w.json") == w);
  nlohmann::json bad = w.to_json();
  bad["hidden"] = -1;
  CHECK_THROWS_WITH(RulePenalties::from_json(bad, "w.json"),
                    Catch::Contains("w.json") && Catch::Contains("\"hidden\""));
  bad.erase("hidden");
  CHECK_THROWS_AS(RulePenalties::from_json(bad, "w.json"), FormatError);
}

TEST_CASE("the look-ahead RNN decodes the whole piece with rules, and keeps them in its file",
          "[harmony][decoding]") {
  const harmony_test::TinyHarmony tiny;
  const auto& grids = tiny.grids;
  const HarmonyEncoding& e = tiny.encoding;
  HarmonyRnn model = tiny.rnn();
  const std::vector<int> melody = grids.at(0).voices[soprano];
  const Matrix<float> log_p = model.voice_log_probabilities(melody);
  REQUIRE(log_p.rows() == e.lower_voice_classes());
  REQUIRE(log_p.cols() == static_cast<Index>(melody.size()));

  model.set_change_penalty(0.5);
  model.set_offbeat_change_penalty(0.75);
  model.set_rule_penalties(RulePenalties::uniform(2.0));
  const FourVoiceGrid grid = model.harmonise(melody);
  CHECK(grid == decode_harmony(melody, log_p, e, model.decoding()));
  const FixedNotes fixed = FixedNotes::from_grid(grids.at(0), 0, 2);
  const FourVoiceGrid around = model.harmonise(melody, fixed);
  CHECK(around.at(bass, 0) == grids.at(0).at(bass, 0));
  CHECK(around.at(alto, 1) == grids.at(0).at(alto, 1));

  const HarmonyRnn read = HarmonyRnn::from_json(model.to_json(), "model.json");
  CHECK(read.settings().rules == RulePenalties::uniform(2.0));
  CHECK(read.settings().offbeat_change_penalty == 0.75);
  nlohmann::json old = model.to_json();  // a file from before the rules: no "rules"
  old["metadata"]["settings"].erase("rules");
  old["metadata"]["settings"].erase("offbeat_change_penalty");
  CHECK(HarmonyRnn::from_json(old, "old.json").settings().rules == RulePenalties{});
  CHECK_THROWS_AS(model.set_rule_penalties(RulePenalties::uniform(-1.0)), ArgumentError);
}

TEST_CASE("the bidirectional LSTM decodes the whole piece with rules, and keeps them in its file",
          "[harmony][decoding]") {
  const JsbCorpus corpus = parse_jsb_chorales(tiny_corpus, "tiny_16th.json");
  const auto grids = grids_of(corpus, "train");
  const HarmonyEncoding e = HarmonyEncoding::fit(grids, 1);
  HarmonyLstmSettings settings;
  settings.hidden = 4;
  settings.steps = 2;
  HarmonyLstm model(e, settings);
  const std::vector<int> melody = grids.at(0).voices[soprano];
  CHECK_FALSE(model.decodes_whole_piece());
  model.set_offbeat_change_penalty(0.5);
  CHECK(model.decodes_whole_piece());
  model.set_rule_penalties(RulePenalties::uniform(3.0));
  const FourVoiceGrid grid = model.harmonise(melody);
  CHECK(grid == decode_harmony(melody, model.voice_log_probabilities(melody), e, model.decoding()));
  const FixedNotes fixed = FixedNotes::from_grid(grids.at(0), 1, 3);
  const FourVoiceGrid around = model.harmonise(melody, fixed);
  for (int v = alto; v <= bass; ++v) {
    CHECK(around.at(v, 1) == grids.at(0).at(v, 1));
    CHECK(around.at(v, 2) == grids.at(0).at(v, 2));
  }
  const HarmonyLstm read = HarmonyLstm::from_json(model.to_json(), "lstm.json");
  CHECK(read.settings().rules == RulePenalties::uniform(3.0));
  CHECK(read.settings().offbeat_change_penalty == 0.5);
  nlohmann::json bad = model.to_json();
  bad["metadata"]["settings"]["offbeat_change_penalty"] = -1;
  CHECK_THROWS_WITH(HarmonyLstm::from_json(bad, "lstm.json"),
                    Catch::Contains("lstm.json") && Catch::Contains("offbeat_change_penalty"));
}

TEST_CASE("voice_nll: Bach's voices' mean negative log-likelihood under a model, per voice",
          "[harmony][decoding]") {
  const harmony_test::TinyHarmony tiny;
  const auto& grids = tiny.grids;
  const HarmonyEncoding& e = tiny.encoding;
  HarmonyRnn model = tiny.rnn();
  std::array<double, 3> unscored{};
  const auto nll = voice_nll(model, grids, &unscored);
  // By hand: −log p of Bach's class at every step, voice by voice.
  std::array<double, 3> total{};
  std::array<double, 3> steps{};
  for (const auto& grid : grids) {
    const Matrix<float> log_p = model.voice_log_probabilities(grid.voices[soprano]);
    Index row = 0;
    for (int v = alto; v <= bass; ++v) {
      const auto i = static_cast<std::size_t>(v - alto);
      for (Index t = 0; t < grid.steps(); ++t) {
        total[i] -= log_p(row + e.voice(v).class_of(grid.at(v, t)), t);
        steps[i] += 1;
      }
      row += e.voice(v).size();
    }
  }
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(nll[i] == Approx(total[i] / steps[i]).epsilon(1e-12));
    CHECK(nll[i] > 0);
    CHECK(unscored[i] == 0);
  }
  // A value outside the voice's classes is left out, and counted.
  auto odd = grids;
  odd[0].voices[bass][0] = 20;
  voice_nll(model, odd, &unscored);
  CHECK(unscored[2] == 1);
}

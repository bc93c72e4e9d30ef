// Tests of music/score/four_voice_grid.hpp and of the two networks' encodings: chorales as aligned
// voices, melodies on the grid, the classes of each voice (with silence), transposition, training
// windows, and the exact input and target columns MiniBach and the look-ahead RNN are given,
// all against small chorales written out by hand.

#include <bachprop/music/corpora.hpp>
#include <bachprop/core/random.hpp>
#include <bachprop/music/models/minibach.hpp>
#include <bachprop/music/models/harmony_rnn.hpp>

#include <catch2/catch.hpp>

#include <filesystem>

using namespace bachprop;
using namespace bachprop::music;

namespace {

// Four steps of a separated JSB file: S, A, T, B per 16th, -1 silent; some pitches as floats.
constexpr const char* tiny_corpus = R"({
  "train": [[[72, 67, 64, 48], [72, 67, 64.0, 48], [74, 65, 62, 47], [-1, -1, -1, -1]]],
  "valid": [],
  "test": [[[60, 55, 52, 48]]]
})";

// The index of the 1 in a one-hot block (-1 if none, -2 if several).
Index hot_row(const auto& block) {
  Index found = -1;
  for (Index i = 0; i < block.size(); ++i) {
    if (block(i) == 1.0F) {
      found = found == -1 ? i : -2;
    } else {
      REQUIRE(block(i) == 0.0F);
    }
  }
  return found;
}

}  // namespace

TEST_CASE("a separated JSB chorale becomes four aligned voices", "[harmony][data]") {
  const JsbCorpus corpus = parse_jsb_chorales(tiny_corpus, "tiny_16th.json");
  REQUIRE(corpus.separated);
  const auto grids = grids_of(corpus, "train");
  REQUIRE(grids.size() == 1);
  const FourVoiceGrid& g = grids[0];
  CHECK(g.steps() == 4);
  CHECK(g.steps_per_quarter == 4);
  CHECK(g.voices[soprano] == std::vector<int>{72, 72, 74, -1});
  CHECK(g.voices[alto] == std::vector<int>{67, 67, 65, -1});
  CHECK(g.voices[tenor] == std::vector<int>{64, 64, 62, -1});
  CHECK(g.voices[bass] == std::vector<int>{48, 48, 47, -1});
  CHECK(g.at(bass, 2) == 47);
  CHECK(grids_of(corpus, "test")[0].voices[alto] == std::vector<int>{55});

  // An unseparated corpus cannot be split into voices.
  const JsbCorpus mixed = parse_jsb_chorales(R"({"train": [[[60, 64], [62]]], "valid": [],
                                                 "test": []})",
                                             "mixed_16th.json");
  CHECK_THROWS_AS(grid_of(mixed.train[0], mixed), ArgumentError);
}

TEST_CASE("a grid becomes a four-part score and moves by semitones", "[harmony][data]") {
  const JsbCorpus corpus = parse_jsb_chorales(tiny_corpus, "tiny_16th.json");
  const FourVoiceGrid g = grid_of(corpus.train[0], corpus);
  const Score score = grid_to_score(g, 19, 90);
  REQUIRE(score.parts.size() == 4);
  CHECK(score.tempo_bpm == 90);
  for (int v = 0; v < voice_count; ++v) {
    CHECK(score.parts[static_cast<std::size_t>(v)].name ==
          voice_names[static_cast<std::size_t>(v)]);
    CHECK(score.parts[static_cast<std::size_t>(v)].program == 19);
    CHECK(score.parts[static_cast<std::size_t>(v)].channel == v);
  }
  // The soprano holds C5 for two 16ths (one note of an eighth), then D5; then silence.
  REQUIRE(score.parts[soprano].notes.size() == 2);
  CHECK(score.parts[soprano].notes[0] == Note{72, 0.0, 0.5, 80});
  CHECK(score.parts[soprano].notes[1] == Note{74, 0.5, 0.25, 80});

  const FourVoiceGrid up = transposed(g, 3);
  CHECK(up.voices[soprano] == std::vector<int>{75, 75, 77, -1});
  CHECK(up.voices[bass] == std::vector<int>{51, 51, 50, -1});
  CHECK_THROWS_AS(transposed(g, 60), ArgumentError);

  FourVoiceGrid ragged = g;
  ragged.voices[tenor].pop_back();
  CHECK_THROWS_AS(ragged.check(), ArgumentError);
  FourVoiceGrid bad = g;
  bad.voices[alto][1] = -7;
  CHECK_THROWS_AS(grid_to_score(bad), ArgumentError);
}

TEST_CASE("a melody on the 16th grid", "[harmony][data]") {
  // A quarter, an eighth, an eighth rest, a half: 4 + 2 + 2 + 8 steps.
  const Melody melody{{60, 1.0}, {62, 0.5}, {rest_pitch, 0.5}, {64, 2.0}};
  const std::vector<int> steps = melody_steps(melody);
  const std::vector<int> expected{60, 60, 60, 60, 62, 62, -1, -1, 64, 64, 64, 64, 64, 64, 64, 64};
  CHECK(steps == expected);
  // Triplet eighths (1/3 of a quarter): rounding follows the running time, so three of them
  // fill exactly one quarter (1 + 2 + 1 steps) instead of drifting.
  const std::vector<int> triplets = melody_steps({{60, 1.0 / 3}, {62, 1.0 / 3}, {64, 1.0 / 3}});
  CHECK(triplets == std::vector<int>{60, 62, 62, 64});
  // A grace-note length still gets one step.
  CHECK(melody_steps({{60, 0.01}, {62, 1.0}}) == std::vector<int>{60, 62, 62, 62});
  CHECK(melody_steps({{60, 1.0}}, 2) == std::vector<int>{60, 60});
  CHECK_THROWS_AS(melody_steps({{60, 0.0}}), ArgumentError);
  CHECK_THROWS_AS(melody_steps({{200, 1.0}}), ArgumentError);

  const FourVoiceGrid g = soprano_only(steps);
  CHECK(g.steps() == 16);
  CHECK(g.voices[bass] == std::vector<int>(16, silent_voice));
}

TEST_CASE("voice classes: the pitches, then silence", "[harmony][data]") {
  const JsbCorpus corpus = parse_jsb_chorales(tiny_corpus, "tiny_16th.json");
  const auto grids = grids_of(corpus, "train");
  const HarmonyEncoding encoding = HarmonyEncoding::fit(grids, 1);
  CHECK(encoding.voice(soprano).lowest == 71);
  CHECK(encoding.voice(soprano).highest == 75);
  CHECK(encoding.voice(bass).lowest == 46);
  CHECK(encoding.voice(bass).highest == 49);
  const VoiceClasses& s = encoding.voice(soprano);
  CHECK(s.size() == 6);  // 71..75 and silence
  CHECK(s.silence() == 5);
  CHECK(s.class_of(71) == 0);
  CHECK(s.class_of(75) == 4);
  CHECK(s.class_of(silent_voice) == 5);
  for (Index c = 0; c < s.size(); ++c) {
    CHECK(s.class_of(s.value_of(c)) == c);
  }
  CHECK_THROWS_AS(s.class_of(70), ArgumentError);
  CHECK_THROWS_AS(s.value_of(6), ArgumentError);
  CHECK(s.has(silent_voice));
  CHECK_FALSE(s.has(76));

  // Transpositions that keep every voice in range: the soprano 72..74 in 71..75 allows -1..+1,
  // the bass 47..48 in 46..49 allows -1..+1, the alto 65..67 in 64..68 too.
  CHECK(encoding.shifts_that_fit(grids[0], 6, 5) == std::vector<int>{-1, 0, 1});
  CHECK(encoding.fits(grids[0], 1));
  CHECK_FALSE(encoding.fits(grids[0], 2));

  // JSON round trip; malformed documents refused.
  CHECK(HarmonyEncoding::from_json(encoding.to_json(), "x") == encoding);
  CHECK_THROWS_AS(HarmonyEncoding::from_json(nlohmann::json::parse(R"({"voices": [[1, 2]]})"), "x"),
                  FormatError);
  CHECK_THROWS_AS(
      HarmonyEncoding::from_json(
          nlohmann::json::parse(R"({"voices": [[1, 2], [3, 4], [5, 4], [6, 7]]})"), "x"),
      FormatError);
  CHECK_THROWS_AS(HarmonyEncoding::fit({soprano_only({60, 62})}), ArgumentError);  // no alto
}

TEST_CASE("octave shifts bring a melody into a voice's range", "[harmony][data]") {
  const VoiceClasses s{58, 83};
  CHECK(octave_shift_into({60, 72, silent_voice}, s) == 0);
  CHECK(octave_shift_into({84, 90}, s) == -12);
  CHECK(octave_shift_into({40, 50}, s) == 24);
  CHECK_THROWS_AS(octave_shift_into({40, 90}, s), ArgumentError);
  CHECK(shifted({60, silent_voice, 62}, 12) == std::vector<int>{72, silent_voice, 74});
}

TEST_CASE("training windows cover every chorale to its end", "[harmony][data]") {
  CHECK(window_starts(100, 64, 16) == std::vector<Index>{0, 16, 32, 36});
  CHECK(window_starts(100, 64, 16, 32) == std::vector<Index>{0, 16, 32, 36, 48, 64});
  CHECK(window_starts(128, 64, 32) == std::vector<Index>{0, 32, 64});
  CHECK(window_starts(30, 64, 16) == std::vector<Index>{0});
  CHECK(window_starts(0, 64, 16).empty());
  CHECK_THROWS_AS(window_starts(10, 0, 1), ArgumentError);
}

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

TEST_CASE("the look-ahead RNN's columns: soprano now and ahead, the beat, the chord before",
          "[harmony][data]") {
  const JsbCorpus corpus = parse_jsb_chorales(tiny_corpus, "tiny_16th.json");
  const auto grids = grids_of(corpus, "train");
  const HarmonyEncoding encoding = HarmonyEncoding::fit(grids, 1);
  HarmonyRnnSettings settings;
  settings.hidden = 4;
  settings.lookahead = 2;
  settings.period = 4;
  settings.steps = 2;
  settings.previous_chord = true;
  const HarmonyRnn model(encoding, settings);
  const Index s = encoding.voice(soprano).size();
  const Index a = encoding.voice(alto).size();
  const Index t = encoding.voice(tenor).size();
  const Index b = encoding.voice(bass).size();
  CHECK(model.input_size() == 3 * s + 4 + a + t + b);
  CHECK(model.output_size() == a + t + b);

  Matrix<float> inputs;
  Matrix<float> targets;
  const std::vector<GridWindow> windows{{0, 1, 0}};
  model.make_examples(grids, windows, inputs, targets);
  REQUIRE(inputs.cols() == 2);  // one window of two steps: steps 1 and 2
  const auto step1 = inputs.col(0);
  // Soprano at steps 1, 2, 3: C5, D5, silence.
  CHECK(hot_row(step1.segment(0, s)) == encoding.voice(soprano).class_of(72));
  CHECK(hot_row(step1.segment(s, s)) == encoding.voice(soprano).class_of(74));
  CHECK(hot_row(step1.segment(2 * s, s)) == encoding.voice(soprano).silence());
  CHECK(hot_row(step1.segment(3 * s, 4)) == 1);  // the second 16th of the beat
  // The chord of step 0 (Bach's, as in training).
  CHECK(hot_row(step1.segment(3 * s + 4, a)) == encoding.voice(alto).class_of(67));
  CHECK(hot_row(step1.segment(3 * s + 4 + a, t)) == encoding.voice(tenor).class_of(64));
  CHECK(hot_row(step1.segment(3 * s + 4 + a + t, b)) == encoding.voice(bass).class_of(48));
  // Targets: alto, tenor, bass of steps 1 and 2.
  CHECK(hot_row(targets.col(1).segment(0, a)) == encoding.voice(alto).class_of(65));
  CHECK(hot_row(targets.col(1).segment(a + t, b)) == encoding.voice(bass).class_of(47));
  CHECK(inputs.col(1).segment(3 * s, 4)(2) == 1.0F);

  // The first step of a piece has silence as its chord before.
  Matrix<float> first(model.input_size(), 1);
  model.encode_input(grids[0].voices[soprano], 0, 0,
                     {silent_voice, silent_voice, silent_voice, silent_voice}, first.col(0));
  CHECK(hot_row(first.col(0).segment(3 * s + 4, a)) == encoding.voice(alto).silence());
}

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

// Tests of bachprop/music/score/score.hpp: notes, parts, scores, chords and the tick conversion
// rule.

#include <bachprop/music/score/score.hpp>

#include <catch2/catch.hpp>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("quarter lengths become ticks by rounding half away from zero", "[score]") {
  CHECK(to_ticks(0.0, 480) == 0);
  CHECK(to_ticks(1.0, 480) == 480);
  CHECK(to_ticks(0.5, 480) == 240);
  CHECK(to_ticks(1.0 / 3.0, 480) == 160);
  CHECK(to_ticks(1.0 / 3.0, 100) == 33);      // 33.33 -> 33
  CHECK(to_ticks(2.0 / 3.0, 100) == 67);      // 66.67 -> 67
  CHECK(to_ticks(0.125, 4) == 1);             // 0.5 tick -> 1 (away from zero)
  CHECK(to_ticks(0.375, 4) == 2);             // 1.5 ticks -> 2
  for (std::int64_t t = 0; t < 5000; t += 7) {
    CHECK(to_ticks(to_quarters(t, 480), 480) == t);
    CHECK(to_ticks(to_quarters(t, 96), 96) == t);
  }
  CHECK(to_ticks(to_quarters(268435455, 480), 480) == 268435455);
  CHECK_THROWS_AS(to_ticks(-0.5, 480), ArgumentError);
  CHECK_THROWS_AS(to_ticks(std::nan(""), 480), ArgumentError);
  CHECK_THROWS_AS(to_ticks(1e9, 480), ArgumentError);
  CHECK_THROWS_AS(to_ticks(1.0, 0), ArgumentError);
  CHECK_THROWS_AS(to_ticks(1.0, 40000), ArgumentError);
}

TEST_CASE("parts and scores hold notes, chords and their extent", "[score]") {
  Part piano{"piano", 0, 0, {}};
  piano.add(60, 0.0, 1.0).add_chord({64, 67, 72}, 1.0, 2.0, 90).add(59, 4.0, 0.5);
  CHECK(piano.notes.size() == 5);
  CHECK(piano.end() == 4.5);
  const auto groups = chords_of(piano);
  REQUIRE(groups.size() == 3);
  CHECK(groups[1].size() == 3);
  CHECK(groups[1][0].pitch == 64);
  CHECK(groups[1][2].velocity == 90);
  Score score;
  score.tempo_bpm = 90.0;
  score.parts.push_back(piano);
  score.parts.push_back(Part{"bass", 32, 1, {{36, 0.0, 6.0, 70}}});
  CHECK(score.end() == 6.0);
  CHECK(score.seconds() == Approx(4.0));
  CHECK(score.note_count() == 6);
  const Score up = transposed(score, 5);
  CHECK(up.parts[0].notes[0].pitch == 65);
  CHECK(up.parts[1].notes[0].pitch == 41);
  CHECK_THROWS_WITH(transposed(score, 60), Catch::Contains("C5") && Catch::Contains("MIDI range"));
  CHECK(TimeSignature{6, 8}.bar_quarters() == 3.0);
  CHECK(TimeSignature{3, 4}.bar_quarters() == 3.0);
}

TEST_CASE("invalid notes and time signatures are refused", "[score][errors]") {
  CHECK_NOTHROW(require_valid(Note{60, 0.0, 1.0, 1}));
  CHECK_THROWS_WITH(require_valid(Note{60, 0.0, 1.0, 0}), Catch::Contains("velocity 0"));
  CHECK_THROWS_WITH(require_valid(Note{128, 0.0, 1.0, 80}), Catch::Contains("pitch 128"));
  CHECK_THROWS_AS(require_valid(Note{60, -1.0, 1.0, 80}), ArgumentError);
  CHECK_THROWS_AS(require_valid(Note{60, 0.0, 0.0, 80}), ArgumentError);
  CHECK_THROWS_AS(require_valid(Note{60, 0.0, std::nan(""), 80}), ArgumentError);
  CHECK_NOTHROW(require_valid(TimeSignature{7, 8}));
  CHECK_THROWS_AS(require_valid(TimeSignature{3, 3}), ArgumentError);
  CHECK_THROWS_AS(require_valid(TimeSignature{0, 4}), ArgumentError);
  CHECK_THROWS_AS(require_valid(TimeSignature{4, 256}), ArgumentError);
}

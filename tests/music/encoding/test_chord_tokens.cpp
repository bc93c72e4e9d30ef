// Tests of bachprop/music/encoding/chord_tokens.hpp: notes that start together (in any part, within
// the onset tolerance) merged into one chord token, rests where everything has stopped, each
// token's duration until the next quantised to a class, the drum channel left out, and the way
// back to notes.

#include <bachprop/music/encoding/chord_tokens.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("Duration classes: nearest on a log scale, ties to the shorter, checked",
          "[chord_tokens]") {
  const DurationClasses classes;
  CHECK(classes.size() == 8);
  CHECK(classes.classify(0.25) == 0);
  CHECK(classes.classify(0.3) == 0);
  CHECK(classes.classify(0.5) == 1);
  CHECK(classes.classify(1.0) == 3);
  CHECK(classes.classify(1.4) == 4);
  CHECK(classes.classify(5.0) == 7);
  CHECK(classes.classify(0.01) == 0);
  CHECK(classes.quarters(5) == 2.0);
  CHECK_THROWS_AS(classes.classify(0.0), ArgumentError);
  CHECK_THROWS_AS(classes.quarters(8), ArgumentError);
  CHECK_THROWS_AS(DurationClasses({1.0, 0.5}), ArgumentError);
  CHECK(DurationClasses::from_json(classes.to_json(), "x") == classes);
  CHECK_THROWS_AS(DurationClasses::from_json(nlohmann::json::array({1, -2}), "x"), FormatError);
  CHECK_THROWS_AS(DurationClasses::from_json("quarter", "x"), FormatError);
}

TEST_CASE("Chord tokens: onsets across parts merged, durations until the next onset, rests",
          "[chord_tokens]") {
  Score score;
  Part upper;
  upper.add(72, 0.0, 1.0).add(74, 1.0, 0.5).add(76, 1.5, 0.5).add(77, 4.0, 1.0);
  Part lower;
  lower.channel = 1;
  lower.add(48, 0.0, 2.0).add(55, 1.01, 1.0);  // struck a little late: still together with 74
  Part drums;
  drums.channel = 9;
  drums.add(36, 0.5, 0.25);
  score.parts = {upper, lower, drums};
  const ChordTokens t = chord_tokens(score);
  // C3+C5 at 0 (a quarter), D5+G3 at 1 (an eighth), E5 at 1.5 (sounding to 2.01, then silence),
  // a rest to 4, F5 (its own length, a quarter).
  CHECK(t.tokens == std::vector<std::string>{"C3.C5", "G3.D5", "E5", "R", "F5"});
  CHECK(t.durations == std::vector<int>{3, 1, 1, 5, 3});
  // The silence 2.01..4 is nearly a half note; E5 lasts to where everything stopped.
  CHECK(chord_tokens(Score{}).tokens.empty());
}

TEST_CASE("Chord tokens: a short gap lengthens the token before, and the way back to notes",
          "[chord_tokens]") {
  Score score;
  Part part;
  part.add(60, 0.0, 0.9).add(62, 1.0, 1.0).add_chord({64, 67}, 2.0, 2.0);
  score.parts = {part};
  const ChordTokens t = chord_tokens(score);
  CHECK(t.tokens == std::vector<std::string>{"C4", "D4", "E4.G4"});
  CHECK(t.durations == std::vector<int>{3, 3, 5});
  const Part back = chord_tokens_to_part(t.tokens, t.durations);
  REQUIRE(back.notes.size() == 4);
  CHECK(back.notes[2].start == 2.0);
  CHECK(back.notes[3].duration == 2.0);
  const Part rest = chord_tokens_to_part({"C4", "R", "D4"}, {1, 1, 3});
  REQUIRE(rest.notes.size() == 2);
  CHECK(rest.notes[1].start == 1.0);
  CHECK_THROWS_AS(chord_tokens_to_part({"C4"}, {1, 2}), ArgumentError);
  CHECK_THROWS_AS(chord_tokens_to_part({"<unk>"}, {1}), FormatError);
}

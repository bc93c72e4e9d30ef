// Tests of bachprop/music/score/stream.hpp: building a part event after event, as in the first
// music lesson.

#include <bachprop/music/score/stream.hpp>

#include <catch2/catch.hpp>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("a stream places each event where the previous one ended", "[stream]") {
  Stream s("lesson", 52, 3);
  s.note("C4").note("E4", 0.5).rest(0.5).chord({"C4", "E4", "G4"}, 2.0).note(72, 1.0, 100);
  CHECK(s.offset() == 5.0);
  const Part& part = s.part();
  CHECK(part.name == "lesson");
  CHECK(part.program == 52);
  CHECK(part.channel == 3);
  REQUIRE(part.notes.size() == 6);
  CHECK(part.notes[0] == Note{60, 0.0, 1.0, 80});
  CHECK(part.notes[1] == Note{64, 1.0, 0.5, 80});
  CHECK(part.notes[2] == Note{60, 2.0, 2.0, 80});  // after the rest
  CHECK(part.notes[4] == Note{67, 2.0, 2.0, 80});
  CHECK(part.notes[5] == Note{72, 4.0, 1.0, 100});
  const Score score = s.score(90.0, {3, 4}, {1, Mode::major});
  CHECK(score.parts.size() == 1);
  CHECK(score.tempo_bpm == 90.0);
  CHECK(score.time_signature == TimeSignature{3, 4});
  CHECK(score.key_signature == KeySignature{1, Mode::major});
}

TEST_CASE("a stream appends note strings", "[stream]") {
  Stream s;
  s.append("D4/8 E4/8 F4/4. R/8 C4.E4/2");
  CHECK(s.offset() == Approx(0.5 + 0.5 + 1.5 + 0.5 + 2.0));
  REQUIRE(s.part().notes.size() == 5);
  CHECK(s.part().notes[2] == Note{65, 1.0, 1.5, 80});
  CHECK(s.part().notes[3] == Note{60, 3.0, 2.0, 80});
  CHECK_THROWS_WITH(s.append("C4 Z9"), Catch::Contains("position 3"));
}

TEST_CASE("a stream refuses bad events", "[stream][errors]") {
  Stream s;
  CHECK_THROWS_AS(s.note(60, 0.0), ArgumentError);
  CHECK_THROWS_AS(s.note(60, -1.0), ArgumentError);
  CHECK_THROWS_AS(s.note(200), ArgumentError);
  CHECK_THROWS_AS(s.note(60, 1.0, 0), ArgumentError);
  CHECK_THROWS_AS(s.rest(0.0), ArgumentError);
  CHECK_THROWS_AS(s.chord(std::vector<int>{}), ArgumentError);
  CHECK_THROWS_AS(s.note("H2"), FormatError);
  CHECK(s.offset() == 0.0);
  CHECK(s.part().notes.empty());
}

// Tests of bachprop/music/score/melody.hpp: melodies as event lists, to and from parts,
// transposition.

#include <bachprop/music/score/melody.hpp>

#include <catch2/catch.hpp>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("a melody becomes a part with rests as gaps, and back", "[melody]") {
  const Melody melody{{60, 1.0}, {62, 0.5}, {rest_pitch, 0.5}, {64, 2.0}, {rest_pitch, 1.0},
                      {65, 1.0}};
  CHECK(melody_length(melody) == 6.0);
  CHECK(melody_pitches(melody) == std::vector<int>{60, 62, 64, 65});
  const Part part = melody_to_part(melody, "s", 52, 2, 0.0, 90);
  REQUIRE(part.notes.size() == 4);
  CHECK(part.notes[2] == Note{64, 2.0, 2.0, 90});
  CHECK(part.notes[3] == Note{65, 5.0, 1.0, 90});
  CHECK(melody_from_part(part) == melody);
}

TEST_CASE("the top line of chords is the melody", "[melody]") {
  Part part;
  part.add(60, 1.0, 1.0).add(64, 1.0, 1.0).add(67, 1.0, 2.0).add(62, 2.5, 1.0);
  // Leading gap dropped by default, kept on request; the G is cut where the D starts.
  CHECK(melody_from_part(part) == Melody{{67, 1.5}, {62, 1.0}});
  CHECK(melody_from_part(part, true) == Melody{{rest_pitch, 1.0}, {67, 1.5}, {62, 1.0}});
  CHECK(melody_from_part(Part{}).empty());
}

TEST_CASE("transposition checks the range", "[melody]") {
  const Melody melody{{60, 1.0}, {rest_pitch, 1.0}, {79, 1.0}};
  CHECK(transpose(melody, 2) == Melody{{62, 1.0}, {rest_pitch, 1.0}, {81, 1.0}});
  CHECK(can_transpose(melody, 2, 36, 81));
  CHECK(!can_transpose(melody, 3, 36, 81));
  CHECK_THROWS_WITH(transpose(melody, 3, 36, 81),
                    Catch::Contains("pitch 79") && Catch::Contains("36..81"));
  CHECK_THROWS_AS(transpose(melody, -61), ArgumentError);
  CHECK_THROWS_AS(melody_to_part(Melody{{60, 0.0}}), ArgumentError);
}

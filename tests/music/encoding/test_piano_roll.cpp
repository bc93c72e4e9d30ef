// Tests of bachprop/music/encoding/piano_roll.hpp: sounding cells marked, decoded back to notes.

#include <bachprop/music/encoding/piano_roll.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("a piano roll marks sounding cells and decodes back to the notes", "[encoding]") {
  Score score;
  score.parts.push_back(Part{"a", 0, 0, {{60, 0.0, 1.0, 80}, {64, 0.5, 0.5, 80}}});
  score.parts.push_back(Part{"b", 0, 1, {{48, 1.0, 2.0, 80}}});
  const PianoRoll roll = piano_roll(score, {.lowest_pitch = 48, .highest_pitch = 72, .step = 0.5});
  CHECK(roll.cells.rows() == 25);
  CHECK(roll.cells.cols() == 6);
  CHECK(roll.highest_pitch() == 72);
  CHECK(roll.cells(12, 0) == 1.0F);
  CHECK(roll.cells(12, 1) == 1.0F);
  CHECK(roll.cells(12, 2) == 0.0F);
  CHECK(roll.cells(16, 1) == 1.0F);
  CHECK(roll.cells(0, 2) == 1.0F);
  CHECK(roll.cells.sum() == 2 + 1 + 4);
  const Part back = piano_roll_to_part(roll);
  std::vector<Note> all{{48, 1.0, 2.0, 80}, {60, 0.0, 1.0, 80}, {64, 0.5, 0.5, 80}};
  std::sort(all.begin(), all.end(), note_order);
  CHECK(back.notes == all);
  // Repeated notes on adjacent steps merge (documented).
  Score repeated;
  repeated.parts.push_back(Part{"r", 0, 0, {{60, 0.0, 0.5, 80}, {60, 0.5, 0.5, 80}}});
  CHECK(piano_roll_to_part(piano_roll(repeated, {.step = 0.5})).notes ==
        std::vector<Note>{{60, 0.0, 1.0, 80}});
  CHECK_THROWS_WITH(piano_roll(score, {.lowest_pitch = 50}), Catch::Contains("C3"));
  CHECK_THROWS_AS(piano_roll(score, {.step = 0.0}), ArgumentError);
  Score negative;
  negative.parts.push_back(Part{"n", 0, 0, {{60, -1.0, 2.0, 80}}});
  CHECK_THROWS_WITH(piano_roll(negative), Catch::Contains("start ≥ 0"));
}

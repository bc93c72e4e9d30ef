// Tests of bachprop/music/score/note_sequence.hpp: rests folded into the notes before them.

#include "helpers.hpp"

#include <bachprop/music/score.hpp>
#include <bachprop/music/score/note_sequence.hpp>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("rests are folded into the note before them", "[note_sequence]") {
  const Melody melody{{rest_pitch, 1.0}, {60, 1.0}, {rest_pitch, 0.5}, {62, 0.5}, {64, 2.0},
                      {rest_pitch, 1.0}};
  const NoteSequence notes = notes_of(melody);
  CHECK(notes.pitches == std::vector<int>{60, 62, 64});
  CHECK(notes.durations == std::vector<double>{1.5, 0.5, 3.0});
  CHECK(melody_of(notes) == Melody{{60, 1.5}, {62, 0.5}, {64, 3.0}});
  CHECK(transposed(notes, -2).pitches == std::vector<int>{58, 60, 62});
}

// Tests of bachprop/music/evaluate/harmony_baseline.hpp: the interval baseline keeps a fixed
// distance in the key (counted in scale steps, music/theory/scale.hpp).

#include "music/evaluate/chord_grids.hpp"

#include <bachprop/music/evaluate/harmony_baseline.hpp>
#include <bachprop/music/evaluate/voice_leading.hpp>
#include <bachprop/music/theory/scale.hpp>

#include <catch2/catch.hpp>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("the interval baseline keeps a fixed distance in the key", "[harmony][evaluation]") {
  const Key c_major{0, Mode::major};
  CHECK(scale_step(60, c_major) == 35);  // C4: octave 5 of MIDI, degree 0
  CHECK(scale_step(64, c_major) == 37);
  CHECK(scale_step(61, c_major) == 35);  // C#4 counts as C4
  CHECK(pitch_of_scale_step(37, c_major) == 64);
  CHECK(pitch_of_scale_step(35 - 2, c_major) == 57);  // a third below C4: A3
  const Key a_minor{9, Mode::minor};
  CHECK(pitch_of_scale_step(scale_step(69, a_minor) - 1, a_minor) == 68);  // G#: harmonic minor
  for (int p = 0; p < 128; ++p) {
    if (in_scale(p, c_major)) {
      CHECK(pitch_of_scale_step(scale_step(p, c_major), c_major) == p);
    }
  }
  // Training chorales in C major with the alto a third, the tenor a sixth and the bass two
  // octaves below the soprano: the baseline finds those distances and repeats them exactly.
  const FourVoiceGrid training = grid_of_chords({{72, 69, 64, 48},
                                                 {74, 71, 65, 50},
                                                 {76, 72, 67, 52},
                                                 {77, 74, 69, 53},
                                                 {79, 76, 71, 55},
                                                 {72, 69, 64, 48},
                                                 {67, 64, 59, 43}});
  const IntervalBaseline baseline = IntervalBaseline::fit({training});
  CHECK(baseline.steps_below(alto) == 2);
  CHECK(baseline.steps_below(tenor) == 5);
  CHECK(baseline.steps_below(bass) == 14);
  const FourVoiceGrid again = baseline.harmonise(training.voices[soprano]);
  CHECK(again == training);
  CHECK(baseline.harmonise({72, X}).voices[bass] == std::vector<int>{48, X});
  // Its harmony is all parallel motion: a constant two octaves is parallel octaves S-B at
  // every step where the soprano moves.
  CHECK(music_checks(again).parallel_octaves[2] == 6);
}

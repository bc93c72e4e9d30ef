// Tests of bachprop/music/evaluate/roll_statistics.hpp: notes read from held and struck flags,
// and each statistic on a hand-made roll.

#include "helpers.hpp"

#include <bachprop/music/evaluate/roll_statistics.hpp>

#include <Eigen/Core>

#include <cstdint>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;

namespace {

using Flags = RollMatrix;

// A roll of `keys` keys from C4 (60) over `frames` frames of `step` quarter notes, all silent.
ArticulatedRoll silent_roll(Index keys, Index frames, double step = 0.5) {
  ArticulatedRoll roll;
  roll.play = Flags::Zero(keys, frames);
  roll.articulate = Flags::Zero(keys, frames);
  roll.lowest_pitch = 60;
  roll.step = step;
  return roll;
}

// 13 keys from C4 (60), 8 frames: C4 held 4 frames, then struck again for 4 (two notes); E4
// for frames 0-1 and again 3-4 (two notes, with a gap); G4 frames 0-7 struck at 0 only (one).
ArticulatedRoll c_major_roll(double step = 0.5) {
  ArticulatedRoll roll = silent_roll(13, 8, step);
  for (Index t = 0; t < 8; ++t) {
    roll.play(0, t) = 1;
    roll.play(7, t) = 1;
  }
  roll.articulate(0, 0) = roll.articulate(0, 4) = 1;
  roll.articulate(7, 0) = 1;
  roll.play(4, 0) = roll.play(4, 1) = 1;
  roll.play(4, 3) = roll.play(4, 4) = 1;
  roll.articulate(4, 0) = 1;  // frame 3's E4 starts after silence: a note without a strike flag
  return roll;
}

}  // namespace

TEST_CASE("roll statistics: notes, lengths, range, key", "[roll_statistics]") {
  const std::vector<ArticulatedRoll> rolls{c_major_roll()};
  const RollStatistics s = roll_statistics(rolls);
  CHECK(s.pieces == 1);
  CHECK(s.notes == 5);  // C4 twice, E4 twice, G4 once
  CHECK(s.keys_per_frame == Approx((8 + 8 + 4) / 8.0));
  // Lengths in frames 4, 4, 2, 2, 8 at half a quarter each.
  CHECK(s.mean_note_length == Approx(20.0 / 5 * 0.5));
  CHECK(s.mean_range == 7.0);
  CHECK(s.in_key == 1.0);
  // C major: tonic C; shares of C (2 notes), E (2), G (1).
  CHECK(s.pitch_classes[0] == Approx(0.4));
  CHECK(s.pitch_classes[4] == Approx(0.4));
  CHECK(s.pitch_classes[7] == Approx(0.2));
}

TEST_CASE("roll statistics: a note out of the key counts against in_key", "[roll_statistics]") {
  ArticulatedRoll roll = c_major_roll(1.0);
  roll.play(1, 6) = 1;  // C#4, one frame
  const RollStatistics s = roll_statistics(std::vector<ArticulatedRoll>{roll});
  CHECK(s.notes == 6);
  CHECK(s.in_key == Approx(5.0 / 6.0));
}

TEST_CASE("roll statistics: empty pieces and bad input", "[roll_statistics]") {
  const std::vector<ArticulatedRoll> silent{silent_roll(4, 3, 1.0)};
  const RollStatistics s = roll_statistics(silent);
  CHECK(s.pieces == 0);
  CHECK(s.notes == 0);
  CHECK(s.keys_per_frame == 0.0);
  CHECK_THROWS_AS(roll_statistics({silent_roll(4, 3, 0.0)}), ArgumentError);
  ArticulatedRoll mismatched = silent_roll(4, 3, 1.0);
  mismatched.articulate = Flags::Zero(4, 2);
  CHECK_THROWS_AS(roll_statistics({mismatched}), ArgumentError);
}

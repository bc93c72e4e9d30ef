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

using Flags = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic>;

struct StatisticsRoll {
  Flags play;
  Flags articulate;
};

// 13 keys from C4 (60), 8 frames: C4 held 4 frames, then struck again for 4 (two notes); E4
// for frames 0-1 and again 3-4 (two notes, with a gap); G4 frames 0-7 struck at 0 only (one).
StatisticsRoll c_major_roll() {
  StatisticsRoll roll{Flags::Zero(13, 8), Flags::Zero(13, 8)};
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
  const std::vector<StatisticsRoll> rolls{c_major_roll()};
  const RollStatistics s = roll_statistics(rolls, 60, 0.5);
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
  StatisticsRoll roll = c_major_roll();
  roll.play(1, 6) = 1;  // C#4, one frame
  const RollStatistics s = roll_statistics(std::vector<StatisticsRoll>{roll}, 60, 1.0);
  CHECK(s.notes == 6);
  CHECK(s.in_key == Approx(5.0 / 6.0));
}

TEST_CASE("roll statistics: empty pieces and bad input", "[roll_statistics]") {
  const std::vector<StatisticsRoll> silent{{Flags::Zero(4, 3), Flags::Zero(4, 3)}};
  const RollStatistics s = roll_statistics(silent, 60, 1.0);
  CHECK(s.pieces == 0);
  CHECK(s.notes == 0);
  CHECK(s.keys_per_frame == 0.0);
  CHECK_THROWS_AS(roll_statistics(silent, 60, 0.0), ArgumentError);
  const std::vector<StatisticsRoll> mismatched{{Flags::Zero(4, 3), Flags::Zero(4, 2)}};
  CHECK_THROWS_AS(roll_statistics(mismatched, 60, 1.0), ArgumentError);
}

// Tests of bachprop/music/corpora/statistics.hpp: what a set of melodies holds.

#include <bachprop/music/corpora/statistics.hpp>

#include <catch2/catch.hpp>

#include <vector>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("melody statistics count, range, durations and keys", "[chorales]") {
  const std::vector<Melody> melodies{
      {{60, 1.0}, {62, 1.0}, {64, 1.0}, {65, 1.0}, {67, 2.0}, {rest_pitch, 1.0}, {60, 2.0}},
      {{69, 0.5}, {71, 0.5}, {72, 1.0}}};
  const auto s = melody_statistics(melodies);
  CHECK(s.pieces == 2);
  CHECK(s.events == 10);
  CHECK(s.notes == 9);
  CHECK(s.rests == 1);
  CHECK(s.shortest == 3);
  CHECK(s.longest == 7);
  CHECK(s.mean_events == 5.0);
  CHECK(s.total_quarters == 11.0);
  CHECK(s.lowest_pitch == 60);
  CHECK(s.highest_pitch == 72);
  CHECK(s.durations.at(1.0) == 5);
  CHECK(s.durations.at(0.5) == 2);
  CHECK(s.keys.at("C major") == 1);
  const auto j = s.to_json();
  CHECK(j["durations"]["0.5"] == 2);
  CHECK(j["notes"] == 9);
}

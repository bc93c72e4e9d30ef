// Tests of bachprop/music/evaluate/style_statistics.hpp: histograms, share in key, longest repeat,
// range, and distances between histograms.

#include "helpers.hpp"

#include <bachprop/music/evaluate/style_statistics.hpp>

#include <array>
#include <map>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("style statistics of melodies", "[style]") {
  // C D E C | G G G F: in C major, pitch classes relative to C.
  const std::vector<NoteSequence> melodies{{{60, 62, 64, 60}, {1, 1, 1, 1}},
                                           {{67, 67, 67, 65}, {1, 1, 1, 1}}};
  const std::vector<Key> keys{{0, Mode::major}, {0, Mode::major}};
  const StyleStatistics s = style_statistics(melodies, keys);
  CHECK(s.melodies == 2);
  CHECK(s.notes == 8);
  CHECK(s.pitch_classes[0] == Approx(2.0 / 8));
  CHECK(s.pitch_classes[7] == Approx(3.0 / 8));
  CHECK(s.in_key == 1.0);
  CHECK(s.longest_repeat == 3);
  CHECK(s.intervals.at(0) == Approx(2.0 / 6));
  CHECK(s.intervals.at(2) == Approx(2.0 / 6));
  CHECK(s.mean_range == Approx((4 + 2) / 2.0));
  CHECK(s.mean_abs_interval == Approx((2 + 2 + 4 + 0 + 0 + 2) / 6.0));
  CHECK(histogram_distance(s.pitch_classes, s.pitch_classes) == 0.0);
  std::array<double, 12> all_tonic{};
  all_tonic[0] = 1.0;
  CHECK(histogram_distance(s.pitch_classes, all_tonic) == Approx(1.0 - 2.0 / 8));
  CHECK(histogram_distance(std::map<int, double>{{1, 1.0}}, std::map<int, double>{{2, 1.0}}) ==
        Approx(1.0));
  CHECK_THROWS_AS(style_statistics(melodies, {{0, Mode::major}}), ArgumentError);
}

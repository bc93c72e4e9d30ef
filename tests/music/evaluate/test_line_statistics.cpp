// Tests of bachprop/music/evaluate/line_statistics.hpp: note lengths, stepwise motion, leaps and
// short notes voice by voice on a hand-written piece whose figures are worked out in the
// comments; the distance between note-length distributions; spreads and percentiles; then Bach's
// own test chorales, where the data is present.

#include "helpers.hpp"
#include "music/evaluate/chord_grids.hpp"

#include <bachprop/music/corpora.hpp>
#include <bachprop/music/evaluate/line_statistics.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;

namespace {

// A voice written as (pitch, steps) runs.
std::vector<int> line_of_runs(const std::vector<std::array<int, 2>>& notes) {
  std::vector<int> line;
  for (const auto& [pitch, steps] : notes) {
    line.insert(line.end(), static_cast<std::size_t>(steps), pitch);
  }
  return line;
}

// 20 sixteenths in four voices:
//   soprano C4/4 D4/2 E4/1 F4/1 G4/8, a rest of 2, G4/2: notes of 4 2 1 1 8 2 sixteenths, all
//           motions steps (2 2 1 2; G4 after the rest is no motion), two notes shorter than an
//           eighth;
//   alto    A3/16 C4/4: a whole note and a leap of 3;
//   tenor   silent;
//   bass    C3/3 C2/5 G2/12: leaps of 12 and 7.
// Chords start at steps 0 3 4 6 7 8 16 18: 8 chords.
FourVoiceGrid walking_piece() {
  FourVoiceGrid g;
  g.voices[soprano] = line_of_runs({{60, 4}, {62, 2}, {64, 1}, {65, 1}, {67, 8}, {X, 2}, {67, 2}});
  g.voices[alto] = line_of_runs({{57, 16}, {60, 4}});
  g.voices[tenor] = line_of_runs({{X, 20}});
  g.voices[bass] = line_of_runs({{48, 3}, {36, 5}, {43, 12}});
  return g;
}

}  // namespace

TEST_CASE("line statistics of a hand-written piece", "[harmony][evaluation][lines]") {
  const LineStatistics s = line_statistics(walking_piece());
  CHECK(s.pieces == 1);
  CHECK(s.chords == 8);

  const VoiceLine& top = s.voices[soprano];
  CHECK(top.notes == 6);
  const NoteLengthHistogram shares = top.length_shares();
  CHECK(shares[0] == Approx(2.0 / 6));  // 1 sixteenth
  CHECK(shares[1] == Approx(2.0 / 6));  // 2
  CHECK(shares[3] == Approx(1.0 / 6));  // 4
  CHECK(shares[5] == Approx(1.0 / 6));  // 7-8
  CHECK(top.motions == 4);
  CHECK(top.stepwise_share() == 1.0);
  CHECK(top.mean_abs_interval() == Approx(7.0 / 4));
  CHECK(std::isnan(top.mean_leap()));  // no leaps
  CHECK(top.short_notes == 2);
  CHECK(s.short_notes_per_100_chords(soprano) == Approx(25.0));

  const VoiceLine& a = s.voices[alto];
  CHECK(a.notes == 2);
  CHECK(a.lengths[7] == 1);  // 13-16
  CHECK(a.lengths[3] == 1);  // 4
  CHECK(a.stepwise_share() == 0.0);
  CHECK(a.mean_leap() == 3.0);

  const VoiceLine& t = s.voices[tenor];
  CHECK(t.notes == 0);
  CHECK(std::isnan(t.stepwise_share()));
  CHECK(t.length_shares()[0] == 0.0);

  const VoiceLine& b = s.voices[bass];
  CHECK(b.lengths[2] == 1);  // 3
  CHECK(b.lengths[4] == 1);  // 5-6
  CHECK(b.lengths[6] == 1);  // 9-12
  CHECK(b.mean_abs_interval() == Approx(9.5));
  CHECK(b.mean_leap() == Approx(9.5));
  CHECK(b.short_notes == 0);

  // Soprano against alto: ½(1/3 + 1/3 + |1/6 − 1/2| + 1/6 + 1/2) = 5/6.
  CHECK(note_length_distance(top.lengths, a.lengths) == Approx(5.0 / 6));
  const auto distances = s.note_length_distances(s);
  CHECK(distances[soprano] == 0.0);
  CHECK(std::isnan(distances[tenor]));  // no notes: no distribution

  // The JSON.
  const auto json = s.to_json(&s);
  CHECK(json["chords"] == 8);
  CHECK(json["voices"]["Soprano"]["note_lengths"]["1"] == Approx(2.0 / 6));
  CHECK(json["voices"]["Soprano"]["note_lengths"][">16"] == 0.0);
  CHECK(json["voices"]["Bass"]["mean_abs_interval"] == Approx(9.5));
  CHECK(json["voices"]["Alto"]["note_length_distance"] == 0.0);
  CHECK(json["voices"]["Soprano"]["short_notes_per_100_chords"] == Approx(25.0));
  CHECK(json["voices"]["Tenor"]["stepwise_share"].dump() == "null");  // NaN is written as null
  CHECK_FALSE(s.to_json().at("voices").at("Bass").contains("note_length_distance"));

  // Two pieces pool their counts.
  const LineStatistics two =
      line_statistics(std::vector<FourVoiceGrid>{walking_piece(), walking_piece()});
  CHECK(two.pieces == 2);
  CHECK(two.chords == 16);
  CHECK(two.voices[soprano].notes == 12);
  CHECK(two.voices[soprano].stepwise_share() == 1.0);
  CHECK(two.note_length_distances(s)[soprano] == 0.0);
}

TEST_CASE("note lengths on other grids, and the bins' edges", "[harmony][evaluation][lines]") {
  CHECK(note_length_bin(1) == 0);
  CHECK(note_length_bin(0.5) == 0);
  CHECK(note_length_bin(5) == 4);  // 5-6
  CHECK(note_length_bin(6) == 4);
  CHECK(note_length_bin(16) == 7);  // 13-16
  CHECK(note_length_bin(17) == 8);  // >16
  CHECK(note_length_labels[8] == ">16");

  // On an eighth-note grid a step is two sixteenths: no note is shorter than an eighth.
  FourVoiceGrid eighths;
  eighths.steps_per_quarter = 2;
  eighths.voices[soprano] = line_of_runs({{60, 1}, {62, 1}, {64, 9}});
  for (int v = 1; v < voice_count; ++v) {
    eighths.voices[static_cast<std::size_t>(v)] = line_of_runs({{X, 11}});
  }
  const LineStatistics e = line_statistics(eighths);
  CHECK(e.voices[soprano].lengths[1] == 2);  // two eighths
  CHECK(e.voices[soprano].lengths[8] == 1);  // 18 sixteenths
  CHECK(e.voices[soprano].short_notes == 0);
  // On a 32nd-note grid a step is half a sixteenth, short.
  eighths.steps_per_quarter = 8;
  const LineStatistics t = line_statistics(eighths);
  CHECK(t.voices[soprano].lengths[0] == 2);
  CHECK(t.voices[soprano].short_notes == 2);
  CHECK(t.voices[soprano].lengths[4] == 1);  // 9 steps = 4.5 sixteenths
}

TEST_CASE("distance between note-length distributions", "[harmony][evaluation][lines]") {
  const NoteLengthHistogram quarters{0, 0, 0, 10, 0, 0, 0, 0, 0};
  const NoteLengthHistogram eighths{0, 5, 0, 0, 0, 0, 0, 0, 0};
  const NoteLengthHistogram mixed{0, 1, 0, 1, 0, 0, 0, 0, 0};
  CHECK(note_length_distance(quarters, quarters) == 0.0);
  CHECK(note_length_distance(quarters, eighths) == 1.0);  // nothing shared
  CHECK(note_length_distance(quarters, mixed) == Approx(0.5));
  CHECK(note_length_distance(mixed, quarters) == Approx(0.5));  // symmetric
  // Counts and shares: each histogram is normalised by its own total.
  const NoteLengthHistogram quarter_share{0, 0, 0, 1, 0, 0, 0, 0, 0};
  CHECK(note_length_distance(quarters, quarter_share) == 0.0);
  CHECK(std::isnan(note_length_distance(quarters, NoteLengthHistogram{})));
}

TEST_CASE("spreads: mean, extremes and percentiles", "[harmony][evaluation][lines]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Spread s = spread_of({10, 9, 8, 7, 6, 5, 4, 3, 2, 1, nan});
  CHECK(s.pieces == 10);
  CHECK(s.mean == Approx(5.5));
  CHECK(s.min == 1);
  CHECK(s.max == 10);
  CHECK(s.p10 == Approx(1.9));  // rank 0.9 between 1 and 2
  CHECK(s.p90 == Approx(9.1));
  CHECK(s.within(5));
  CHECK_FALSE(s.within(1));
  CHECK(s.to_json()["p90"] == Approx(9.1));
  const Spread one = spread_of({3});
  CHECK(one.p10 == 3);
  CHECK(one.p90 == 3);
  const Spread none = spread_of({nan});
  CHECK(none.pieces == 0);
  CHECK(std::isnan(none.mean));
  CHECK(percentile_of_sorted({1, 2}, 50) == 1.5);
  CHECK_THROWS_AS(percentile_of_sorted({}, 50), ArgumentError);
  CHECK_THROWS_AS(percentile_of_sorted({1}, 101), ArgumentError);

  // The same piece twice, transposed: every spread collapses to one value.
  const std::vector<FourVoiceGrid> pieces{walking_piece(), transposed(walking_piece(), 2)};
  const LineStatistics pooled = line_statistics(pieces);
  const LineSpread spread = line_spread(pieces, pooled);
  const VoiceSpread& bass_spread = spread.voices[bass];
  CHECK(bass_spread.mean_abs_interval.min == Approx(9.5));
  CHECK(bass_spread.mean_abs_interval.max == Approx(9.5));
  CHECK(bass_spread.note_length_distance.max == Approx(0.0));
  CHECK(spread.voices[soprano].short_notes_per_100_chords.mean == Approx(25.0));
  CHECK(spread.voices[tenor].stepwise_share.pieces == 0);  // silent: NaN, left out
  CHECK(spread.to_json()["Bass"]["mean_abs_interval"]["max"] == Approx(9.5));
}

TEST_CASE("Bach's rhythm and line in the test chorales, and his spread",
          "[harmony][evaluation][lines][data]") {
  const std::filesystem::path file =
      std::filesystem::path(BACHPROP_SHARED_DATA_DIR) / "jsb-chorales" / "Jsb16thSeparated.json";
  if (!std::filesystem::exists(file)) {
    WARN("no JSB chorales at " << file.string() << ": skipped");
    return;
  }
  const auto test = grids_of(load_jsb_chorales(file), "test");
  REQUIRE(test.size() == 77);
  const LineStatistics bach = line_statistics(test);
  const LineSpread spread = line_spread(test, bach);
  CHECK(bach.chords == 7173);  // as the music checks count them
  std::printf("Bach's 77 test chorales: rhythm and line per voice (pooled; spread p10-p90)\n");
  for (int v = 0; v < voice_count; ++v) {
    const VoiceLine& line = bach.voices[static_cast<std::size_t>(v)];
    const VoiceSpread& s = spread.voices[static_cast<std::size_t>(v)];
    INFO(voice_names[static_cast<std::size_t>(v)]);
    std::printf(
        "  %-8s notes %5.0f  stepwise %4.1f%% (%4.1f-%4.1f)  mean |interval| %4.2f (%4.2f-%4.2f)"
        "  short /100 chords %5.2f (%4.2f-%4.2f)  length distance (%4.2f-%4.2f)\n  %-8s lengths",
        std::string(voice_names[static_cast<std::size_t>(v)]).c_str(), line.notes,
        100 * line.stepwise_share(), 100 * s.stepwise_share.p10, 100 * s.stepwise_share.p90,
        line.mean_abs_interval(), s.mean_abs_interval.p10, s.mean_abs_interval.p90,
        bach.short_notes_per_100_chords(v), s.short_notes_per_100_chords.p10,
        s.short_notes_per_100_chords.p90, s.note_length_distance.p10, s.note_length_distance.p90,
        "");
    for (std::size_t b = 0; b < note_length_bins; ++b) {
      std::printf(" %s:%.3f", std::string(note_length_labels[b]).c_str(), line.length_shares()[b]);
    }
    std::printf("\n");
    // Plausible for a chorale: mostly eighths and quarters, lines that move by step more often
    // than not, few sixteenths.
    CHECK(line.stepwise_share() > 0.4);
    CHECK(line.stepwise_share() < 0.95);
    CHECK(line.mean_abs_interval() > 1.0);
    CHECK(line.mean_abs_interval() < 5.0);
    CHECK(line.length_shares()[1] + line.length_shares()[3] > 0.5);
    CHECK(bach.short_notes_per_100_chords(v) < 10.0);
    CHECK(s.stepwise_share.pieces == 77);
    CHECK(s.stepwise_share.min <= s.stepwise_share.p10);
    CHECK(s.stepwise_share.p10 <= s.stepwise_share.mean);
    CHECK(s.stepwise_share.mean <= s.stepwise_share.p90);
    CHECK(s.stepwise_share.within(line.stepwise_share()));
    CHECK(s.note_length_distance.min >= 0.0);
    CHECK(s.note_length_distance.max < 0.6);
  }
  // The soprano sings more steps than the bass.
  CHECK(bach.voices[soprano].stepwise_share() > bach.voices[bass].stepwise_share());
}

// Tests of bachprop/music/evaluate/voice_leading.hpp: the music checks (parallel fifths and
// octaves, crossings, range) on hand-made progressions whose counts are worked out in the
// comments; then Bach's own test chorales, where the data is present.

#include "helpers.hpp"
#include "music/evaluate/chord_grids.hpp"

#include <bachprop/music/corpora.hpp>
#include <bachprop/music/evaluate.hpp>
#include <bachprop/music/evaluate/voice_leading.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("music checks count parallels, crossings and range on a known progression",
          "[harmony][evaluation]") {
  const FourVoiceGrid g = grid_of_chords({
      {67, 64, 60, 48},  // 0: G4 E4 C4 C3
      {69, 65, 60, 50},  // 1: S and B up a step, a compound fifth apart before and after:
                         //    parallel fifths S-B (1); the tenor holds
      {69, 65, 62, 50},  // 2: only the tenor moves (to an octave above the held bass): nothing
      {71, 67, 64, 52},  // 3: all up a step: fifths S-T and S-B (2), octaves T-B (1)
      {76, 67, 64, 45},  // 4: S up, B down, a fifth to a compound fifth: contrary, not counted
      {76, 77, 64, 45},  // 5: the alto leaps above the soprano: a crossing, and F5 is out of
                         //    the alto's range (G3-D5)
      {76, 77, X, 45},   // 6: the tenor falls silent: a new chord, still crossed
      {76, 77, X, 45},   // 7: the same chord: nothing
      {X, X, X, X},      // 8: silence: no chord
      {72, 67, 60, 38},  // 9: D2 in the bass is below its range (E2-C4); nothing to compare
                         //    with across the silence
  });
  const MusicChecks c = music_checks(g);
  CHECK(c.pieces == 1);
  CHECK(c.steps == 10);
  CHECK(c.chords == 8);  // steps 0-6 and 9
  CHECK(c.notes == 19);  // 4 + 3 + 1 + 4 + 2 + 1 + 0 + 4
  CHECK(c.fifths() == 3);
  CHECK(c.parallel_fifths[2] == 2);  // S-B
  CHECK(c.parallel_fifths[1] == 1);  // S-T
  CHECK(c.octaves() == 1);
  CHECK(c.parallel_octaves[5] == 1);  // T-B
  CHECK(c.crossing_count() == 2);
  CHECK(c.crossings[0] == 2);  // S-A at steps 5 and 6
  CHECK(c.out_of_range[alto] == 1);
  CHECK(c.out_of_range[bass] == 1);
  CHECK(c.lower_out_of_range() == 2);
  CHECK(c.per_100_chords(c.fifths()) == Approx(37.5));
  CHECK(c.chords_per_quarter() == Approx(3.2));  // 8 chords in 10 16ths
  CHECK(voice_pair_name(5) == "T-B");
  const auto json = c.to_json();
  CHECK(json["parallel_fifths_by_pair"]["S-B"] == 2);
  CHECK(json["per_100_chords"]["parallel_octaves"] == Approx(12.5));
}

TEST_CASE("music checks: unisons, held voices and crossings below the soprano",
          "[harmony][evaluation]") {
  const FourVoiceGrid g = grid_of_chords({
      {76, 60, 60, 36},  // 0: alto and tenor in unison; bass two octaves below them
      {77, 62, 62, 38},  // 1: the lower three up a step: unison A-T and double octaves A-B and
                         //    T-B (3 octaves); the soprano's intervals change (no parallels)
      {77, 62, 65, 38},  // 2: the tenor above the alto: crossing A-T; only the tenor moved
      {77, 62, 65, 67},  // 3: the bass above the tenor: crossing T-B, and A-T still
  });
  const MusicChecks c = music_checks(g);
  CHECK(c.octaves() == 3);
  CHECK(c.parallel_octaves[3] == 1);  // A-T, a unison
  CHECK(c.parallel_octaves[4] == 1);  // A-B
  CHECK(c.parallel_octaves[5] == 1);  // T-B
  CHECK(c.fifths() == 0);
  CHECK(c.crossings[1] == 2);         // A-T at steps 2 and 3
  CHECK(c.crossings[2] == 1);         // T-B at step 3
  CHECK(c.out_of_range[bass] == 3);   // C2 and D2 below E2, and G4 above C4
  CHECK(c.out_of_range[tenor] == 0);  // C4, D4 and F4 are inside C3-G4

  // Custom ranges.
  std::array<VoiceRange, 4> wide{{{0, 127}, {0, 127}, {0, 127}, {0, 127}}};
  CHECK(music_checks(g, wide).lower_out_of_range() == 0);

  MusicChecks sum = music_checks(std::vector<FourVoiceGrid>{g, g});
  CHECK(sum.pieces == 2);
  CHECK(sum.octaves() == 6);
  CHECK(std::isnan(MusicChecks().per_100_chords(1)));
}

TEST_CASE("Bach's own test chorales pass the music checks almost always",
          "[harmony][evaluation][data]") {
  const std::filesystem::path file =
      std::filesystem::path(BACHPROP_SHARED_DATA_DIR) / "jsb-chorales" / "Jsb16thSeparated.json";
  if (!std::filesystem::exists(file)) {
    WARN("no JSB chorales at " << file.string() << ": skipped");
    return;
  }
  const JsbCorpus corpus = load_jsb_chorales(file);
  const auto test = grids_of(corpus, "test");
  REQUIRE(test.size() == 77);
  const MusicChecks bach = music_checks(test);
  CHECK(bach.steps == 18900);
  INFO("Bach: " << bach.to_json().dump());
  CHECK(bach.chords_per_quarter() > 1.2);
  CHECK(bach.chords_per_quarter() < 2.0);
  CHECK(bach.per_100_chords(bach.fifths()) < 1.0);
  CHECK(bach.per_100_chords(bach.octaves()) < 1.0);
  CHECK(bach.per_100_chords(bach.crossing_count()) < 5.0);
  // The baseline, fitted on the training chorales, breaks the rule Bach keeps best.
  const IntervalBaseline baseline = IntervalBaseline::fit(grids_of(corpus, "train"));
  const auto harmonised = harmonise_all(baseline, test);
  const MusicChecks mechanical = music_checks(harmonised);
  CHECK(mechanical.per_100_chords(mechanical.fifths() + mechanical.octaves()) > 20.0);
  const HarmonyAccuracy accuracy = evaluate_accuracy(harmonised, test);
  CHECK(accuracy.mean_accuracy() > 0.15);
  CHECK(accuracy.mean_accuracy() < 0.35);
}

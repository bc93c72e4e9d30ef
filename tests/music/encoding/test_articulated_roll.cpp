// Tests of bachprop/music/encoding/articulated_roll.hpp: frames from rounded note times, repeated
// notes struck again, dropped notes counted, bar lengths from time signatures, the round trip to
// notes, the checks, and the JSB chorales' two articulation rules (the mini fixture always, the
// real corpus where ../shared/data has it).

#include "helpers.hpp"

#include <bachprop/music/corpora/jsb.hpp>
#include <bachprop/music/encoding.hpp>
#include <bachprop/music/encoding/articulated_roll.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// A score of one part (channel 0) holding `notes`.
Score score_of_notes(const std::vector<Note>& notes) {
  Score score;
  score.parts.push_back(Part{"p", 0, 0, notes});
  return score;
}

// The frames of key `key` where `cells` is 1.
std::vector<Index> frames_set(const RollMatrix& cells, Index key) {
  std::vector<Index> frames;
  for (Index t = 0; t < cells.cols(); ++t) {
    if (cells(key, t) != 0) {
      frames.push_back(t);
    }
  }
  return frames;
}

using Frames = std::vector<Index>;

}  // namespace

TEST_CASE("articulated roll: a note covers its rounded frames and is struck at its first",
          "[encoding][articulated]") {
  // 0.1..0.4 at 0.25 a frame: frames round(0.4) = 0 to round(1.6) = 2, so 0 and 1. A note too
  // short to reach the next frame (0.3..0.35: frames 1 to 1) still covers one.
  const Score score = score_of_notes({{60, 0.1, 0.3, 80}, {62, 0.3, 0.05, 80}, {64, 1.0, 1.0, 80}});
  const ArticulatedRollResult result = articulated_roll(score);
  const ArticulatedRoll& roll = result.roll;
  CHECK(roll.keys() == 88);
  CHECK(roll.lowest_pitch == 21);
  CHECK(roll.highest_pitch() == 108);
  CHECK(roll.step == 0.25);
  CHECK(roll.frames() == 8);
  CHECK(frames_set(roll.play, 60 - 21) == Frames{0, 1});
  CHECK(frames_set(roll.articulate, 60 - 21) == Frames{0});
  CHECK(frames_set(roll.play, 62 - 21) == Frames{1});
  CHECK(frames_set(roll.articulate, 62 - 21) == Frames{1});
  CHECK(frames_set(roll.play, 64 - 21) == Frames{4, 5, 6, 7});
  CHECK(frames_set(roll.articulate, 64 - 21) == Frames{4});
  CHECK(result.out_of_range == 0);
  CHECK(result.percussion == 0);
  CHECK(static_cast<int>(roll.play.cast<int>().sum()) == 2 + 1 + 4);
  CHECK_NOTHROW(check_roll(roll));
}

TEST_CASE("articulated roll: a repeated note is struck again and comes back as two notes",
          "[encoding][articulated]") {
  // Adjacent: C4 for a half, then C4 again.
  const Score adjacent = score_of_notes({{60, 0.0, 0.5, 80}, {60, 0.5, 0.5, 80}});
  const ArticulatedRoll roll = articulated_roll(adjacent, {.step = 0.25}).roll;
  CHECK(frames_set(roll.play, 39) == Frames{0, 1, 2, 3});
  CHECK(frames_set(roll.articulate, 39) == Frames{0, 2});
  CHECK(part_of(roll).notes == adjacent.parts[0].notes);
  // Overlapping: the second strike starts while the first sounds; it ends the first there.
  const Score overlapping = score_of_notes({{60, 0.0, 2.0, 80}, {60, 1.0, 2.0, 80}});
  const ArticulatedRoll both = articulated_roll(overlapping, {.step = 1.0}).roll;
  CHECK(frames_set(both.play, 39) == Frames{0, 1, 2});
  CHECK(frames_set(both.articulate, 39) == Frames{0, 1});
  CHECK(part_of(both).notes == std::vector<Note>{{60, 0.0, 1.0, 80}, {60, 1.0, 2.0, 80}});
  // A played cell after silence starts a note even without an articulation.
  ArticulatedRoll bare = both;
  bare.articulate.setZero();
  bare.play(39, 1) = 0;
  CHECK(part_of(bare, "bare", 100).notes ==
        std::vector<Note>{{60, 0.0, 1.0, 100}, {60, 2.0, 1.0, 100}});
}

TEST_CASE("articulated roll: notes outside the keys and drum notes are dropped and counted",
          "[encoding][articulated]") {
  Score score = score_of_notes({{40, 0.0, 1.0, 80}, {60, 0.0, 1.0, 80}, {80, 4.0, 1.0, 80}});
  score.parts.push_back(Part{"drums", 0, 9, {{36, 0.0, 0.5, 90}, {38, 6.0, 0.5, 90}}});
  const ArticulatedRollResult result =
      articulated_roll(score, {.lowest_pitch = 48, .highest_pitch = 72, .step = 0.5});
  CHECK(result.out_of_range == 2);
  CHECK(result.percussion == 2);
  CHECK(result.roll.keys() == 25);
  CHECK(result.roll.frames() == 13);  // the roll spans the whole score, dropped notes too
  CHECK(static_cast<int>(result.roll.play.cast<int>().sum()) == 2);
  CHECK(part_of(result.roll).notes == std::vector<Note>{{60, 0.0, 1.0, 80}});
}

TEST_CASE("articulated roll: frames per bar from the time signature (3/4, 6/8, 4/4)",
          "[encoding][articulated]") {
  Score score = score_of_notes({{60, 0.0, 1.0, 80}});
  const auto bar = [&score](TimeSignature ts, double step) {
    score.time_signature = ts;
    return articulated_roll(score, {.step = step}).roll.frames_per_bar;
  };
  CHECK(bar({3, 4}, 0.25) == 12);
  CHECK(bar({6, 8}, 0.25) == 12);
  CHECK(bar({6, 8}, 0.5) == 6);
  CHECK(bar({4, 4}, 0.25) == 16);
  CHECK(bar({3, 8}, 1.0) == 2);   // 1.5 frames rounds to 2
  CHECK(bar({1, 16}, 1.0) == 1);  // a quarter of a frame: at least 1
  score.time_signature = {6, 8};
  const ArticulatedRoll roll = articulated_roll(score, {.step = 0.25}).roll;
  CHECK(score_of(roll).time_signature == TimeSignature{3, 4});  // 3 quarters: 6/8 reads as 3/4
  score.time_signature = {5, 8};
  CHECK(score_of(articulated_roll(score, {.step = 0.5}).roll).time_signature ==
        TimeSignature{5, 8});
  score.time_signature = {0, 4};
  CHECK_THROWS_AS(articulated_roll(score), ArgumentError);
}

TEST_CASE("articulated roll: a grid-aligned score comes back note for note",
          "[encoding][articulated]") {
  Score score;
  score.title = "round trip";
  score.time_signature = {3, 4};
  Part right{"right", 0, 0, {}};
  right.add(72, 0.0, 0.5).add(72, 0.5, 0.5).add(74, 1.0, 1.0).add(72, 2.0, 0.25);
  right.add(72, 2.25, 0.25).add(72, 2.5, 0.5).add(76, 4.0, 2.0);
  Part left{"left", 0, 1, {}};
  left.add_chord({48, 55, 64}, 0.0, 3.0).add_chord({48, 55, 64}, 3.0, 3.0).add(21, 6.0, 0.25);
  left.add(108, 6.0, 0.25);
  score.parts = {right, left};
  const ArticulatedRoll roll = articulated_roll(score, {.step = 0.25}).roll;
  CHECK(roll.name == "round trip");
  CHECK(roll.frames() == 25);
  CHECK(roll.frames_per_bar == 12);
  const Score back = score_of(roll);
  CHECK(back.title == "round trip");
  CHECK(back.time_signature == TimeSignature{3, 4});
  REQUIRE(back.parts.size() == 1);
  std::vector<Note> expected = right.notes;
  expected.insert(expected.end(), left.notes.begin(), left.notes.end());
  std::sort(expected.begin(), expected.end(), note_order);
  CHECK(back.parts[0].notes == expected);
  CHECK(back.parts[0].name == "piano");
  // And again: the roll of the notes read back is the same roll.
  const ArticulatedRoll again = articulated_roll(back, {.step = 0.25}).roll;
  CHECK(again.play == roll.play);
  CHECK(again.articulate == roll.articulate);
}

TEST_CASE("articulated roll: bad options, bad notes and absurd lengths are refused",
          "[encoding][articulated][errors]") {
  const Score score = score_of_notes({{60, 0.0, 1.0, 80}});
  CHECK_THROWS_WITH(articulated_roll(score, {.step = 0.0}),
                    Contains("expected a finite positive step"));
  CHECK_THROWS_AS(articulated_roll(score, {.step = std::nan("")}), ArgumentError);
  CHECK_THROWS_AS(articulated_roll(score, {.step = -0.25}), ArgumentError);
  CHECK_THROWS_WITH(articulated_roll(score, {.lowest_pitch = 70, .highest_pitch = 60}),
                    Contains("expected MIDI pitches 0 ≤ lowest ≤ highest ≤ 127, got 70 and 60"));
  CHECK_THROWS_AS(articulated_roll(score, {.highest_pitch = 128}), ArgumentError);
  CHECK_THROWS_WITH(articulated_roll(score_of_notes({{60, -1.0, 2.0, 80}})),
                    Contains("part 'p': a note at -1") && Contains("expected a start ≥ 0"));
  CHECK_THROWS_AS(articulated_roll(score_of_notes({{60, 0.0, 0.0, 80}})), ArgumentError);
  // A note three million quarters in, at sixteenths: 1.2·10^7 frames, above the limit.
  CHECK_THROWS_WITH(articulated_roll(score_of_notes({{60, 3.0e6, 1.0, 80}})),
                    Contains("12000004 frames, more than the limit of 10000000"));
  CHECK_THROWS_WITH(articulated_roll(score_of_notes({{60, 1.0e300, 1.0, 80}}), {.step = 1e-300}),
                    Contains("more than 10^15 frames"));
  CHECK_THROWS_WITH(articulated_roll(score, {.step = 1.0e-9}), Contains("a bar: 4000000000"));
  CHECK_THROWS_AS(articulated_roll(score_of_notes({{60, 100.0, 1.0, 80}}), {.max_frames = 100}),
                  ArgumentError);
  CHECK(articulated_roll(score_of_notes({{60, 96.0, 1.0, 80}}), {.step = 1.0, .max_frames = 97})
            .roll.frames() == 97);
  CHECK_THROWS_WITH(part_of(articulated_roll(score).roll, "x", 0), Contains("velocity 0"));
}

TEST_CASE("articulated roll: check_roll refuses sizes, stray strikes and keys past 127",
          "[encoding][articulated][errors]") {
  ArticulatedRoll roll = articulated_roll(score_of_notes({{60, 0.0, 1.0, 80}})).roll;
  roll.name = "mine";
  CHECK_NOTHROW(check_roll(roll));
  ArticulatedRoll stray = roll;
  stray.articulate(39, 3) = 0;
  stray.play(39, 3) = 0;
  stray.articulate(40, 2) = 1;
  CHECK_THROWS_WITH(check_roll(stray),
                    Contains("check_roll: articulated roll 'mine': key 40 (C#4), frame 2: play "
                             "0, articulate 1: expected 0 or 1, and articulate 1 only where"));
  ArticulatedRoll two = roll;
  two.play(0, 0) = 2;
  CHECK_THROWS_WITH(check_roll(two), Contains("key 0 (A0), frame 0: play 2"));
  ArticulatedRoll sizes = roll;
  sizes.articulate.resize(88, 3);
  CHECK_THROWS_WITH(check_roll(sizes), Contains("play is 88×4 but articulate is 88×3"));
  ArticulatedRoll high = roll;
  high.lowest_pitch = 41;
  CHECK_THROWS_WITH(check_roll(high), Contains("88 keys from pitch 41"));
  ArticulatedRoll step = roll;
  step.step = 0.0;
  CHECK_THROWS_AS(check_roll(step), ArgumentError);
  step.step = 0.25;
  step.frames_per_bar = 0;
  CHECK_THROWS_AS(check_roll(step), ArgumentError);
  CHECK_THROWS_AS(part_of(stray), ArgumentError);
}

TEST_CASE("articulated roll of JSB: in a file of plain steps a key is struck where it starts",
          "[encoding][articulated][data]") {
  // Quarter grid: C4+E4 twice (held: the data cannot tell), a rest, C4+D4, then C4 alone.
  const JsbChorale chorale{{{60, 64}, {60, 64}, {}, {60, 62}, {60}}};
  const ArticulatedRoll roll = articulated_roll(chorale, 1, false);
  CHECK(roll.step == 1.0);
  CHECK(roll.frames_per_bar == 4);  // assumed 4/4: the data has no meter
  CHECK(roll.frames() == 5);
  CHECK(frames_set(roll.play, 60 - 21) == Frames{0, 1, 3, 4});
  CHECK(frames_set(roll.articulate, 60 - 21) == Frames{0, 3});
  CHECK(frames_set(roll.articulate, 64 - 21) == Frames{0});
  CHECK(frames_set(roll.articulate, 62 - 21) == Frames{3});
  CHECK(articulated_roll(chorale, 4, false, 60, 5).frames_per_bar == 16);
  CHECK(articulated_roll(chorale, 4, false, 60, 5).step == 0.25);
  CHECK_THROWS_WITH(articulated_roll(chorale, 1, false, 61, 10),
                    Contains("step 0: pitch 60 is outside the keys 61..70"));
  CHECK_THROWS_WITH(articulated_roll(chorale, 0, false), Contains("must be 1..96, got 0"));
  CHECK_THROWS_AS(articulated_roll(chorale, 1, false, 100, 40), ArgumentError);
}

TEST_CASE("articulated roll of JSB: a separated voice strikes where its pitch changes",
          "[encoding][articulated][data]") {
  // S: G4 held, silent, G4 again. A and T cross in step 3 (E4 and F4 trade voices) and meet on
  // F4 in step 4. B: C3 throughout.
  const JsbChorale chorale{{{67, 64, 65, 48},
                            {67, 64, 65, 48},
                            {-1, 64, 65, 48},
                            {67, 65, 64, 48},
                            {67, 65, 65, 48}}};
  const ArticulatedRoll roll = articulated_roll(chorale, 4, true);
  CHECK(roll.step == 0.25);
  CHECK(roll.frames_per_bar == 16);
  CHECK(frames_set(roll.play, 67 - 21) == Frames{0, 1, 3, 4});
  CHECK(frames_set(roll.articulate, 67 - 21) == Frames{0, 3});  // after the soprano's silence
  CHECK(frames_set(roll.play, 64 - 21) == Frames{0, 1, 2, 3});
  CHECK(frames_set(roll.articulate, 64 - 21) == Frames{0, 3});  // the tenor arrives on E4
  CHECK(frames_set(roll.articulate, 65 - 21) == Frames{0, 3, 4});  // the alto, then the tenor
  CHECK(frames_set(roll.articulate, 48 - 21) == Frames{0});
  // The rule for plain steps would hold E4 and F4 through the crossing.
  CHECK(frames_set(articulated_roll(chorale, 4, false).articulate, 64 - 21) == Frames{0});
  const Part notes = part_of(roll);
  CHECK(notes.notes.size() == 2 + 2 + 3 + 1);
  const JsbChorale three{{{67, 64, 65, 48}, {67, 64, 65}}};
  CHECK_THROWS_WITH(articulated_roll(three, 4, true),
                    Contains("step 1 has 3 entries: expected four [S, A, T, B]"));
}

TEST_CASE("articulated rolls of a JSB split are named by split and index, and check",
          "[encoding][articulated][data]") {
  const fs::path mini = fs::path(BACHPROP_FIXTURE_DIR) / "music_mini_data" / "jsb-chorales" /
                        "Jsb16thSeparated.json";
  std::vector<fs::path> files{mini};
  const fs::path real = test::shared_data / "jsb-chorales";
  if (fs::exists(real / "Jsb16thSeparated.json")) {
    files.push_back(real / "Jsb16thSeparated.json");
    files.push_back(real / "jsb-chorales-quarter.json");
  } else {
    WARN("real JSB corpus not checked: none at " << real.string());
  }
  for (const auto& file : files) {
    INFO(file.string());
    const JsbCorpus corpus = load_jsb_chorales(file);
    for (const char* split : {"train", "valid", "test"}) {
      const std::vector<ArticulatedRoll> rolls = articulated_rolls(corpus, split);
      REQUIRE(rolls.size() == corpus.split(split).size());
      for (std::size_t i = 0; i < rolls.size(); ++i) {
        const ArticulatedRoll& roll = rolls[i];
        CHECK(roll.name == "jsb " + std::string(split) + " " + std::to_string(i));
        CHECK(roll.frames_per_bar == 4 * corpus.steps_per_quarter);
        check_roll(roll);
        // A key that starts to sound is struck in both layouts; the separated one strikes more.
        for (Index t = 0; t < roll.frames(); ++t) {
          for (Index k = 0; k < roll.keys(); ++k) {
            if (roll.play(k, t) != 0 && (t == 0 || roll.play(k, t - 1) == 0) &&
                roll.articulate(k, t) == 0) {
              FAIL("key " << k << " starts to sound unstruck at frame " << t);
            }
          }
        }
      }
    }
  }
}

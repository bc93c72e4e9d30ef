// Tests of bachprop/music/score/notation.hpp: note values (dots, ties, triplets), measures in
// 3/4 and 6/8, rests, chords, voices for overlapping notes, spelling in the key (Bb in F major,
// A# in E major), accidentals, clefs, the grid and its rounding, and what cannot be notated.

#include "helpers.hpp"
#include "music/score/notation_fixtures.hpp"

#include <bachprop/music/score/notation.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;

namespace {

namespace notation = bachprop::music::detail::notation;

// The values of a note of `length` divisions at `start`, as "4." "16" "3:8" (a triplet eighth).
std::string values_text(std::int64_t start, std::int64_t length, int divisions) {
  std::string text;
  for (const NoteValue& v : notation::note_values(start, length, divisions)) {
    text += (text.empty() ? "" : " ") + std::string(v.triplet ? "3:" : "") +
            std::to_string(v.log2 >= 0 ? 4 >> v.log2 : 4 << -v.log2) + (v.dots ? "." : "");
    CHECK(notation::value_length(v, divisions) == std::llround(v.quarters() * divisions));
  }
  return text;
}

// The events of voice `v` of measure `m` of part `p`, as "Bb4:q." or "r:8" or "C4+E4:q".
std::string measure_text(const NotatedScore& s, std::size_t p, std::size_t m, std::size_t v = 0) {
  std::string text;
  for (const NotatedEvent& e : s.parts[p].measures[m].voices[v]) {
    std::string heads;
    for (const NotatedPitch& h : e.pitches) {
      heads += (heads.empty() ? "" : "+") + std::string(1, "CDEFGAB"[h.letter]) +
               (h.alteration > 0   ? "#"
                : h.alteration < 0 ? "b"
                                   : "") +
               std::to_string(h.octave) + (h.accidental ? "!" : "");
    }
    const NoteValue& val = e.value;
    text += (text.empty() ? "" : " ") + (heads.empty() ? "r" : heads) + ":" +
            (e.measure_rest ? "bar"
                            : std::string(val.triplet ? "3:" : "") +
                                  std::to_string(val.log2 >= 0 ? 4 >> val.log2 : 4 << -val.log2) +
                                  (val.dots ? "." : "")) +
            (e.fermata ? "^" : "") + (e.tie_to_next ? "~" : "");
  }
  return text;
}

}  // namespace

TEST_CASE("note values: the largest that fit, dotted once, tied, triplets where needed",
          "[notation]") {
  // "4" is a quarter, "2" a half, "1" a whole, "8." a dotted eighth (log2 encoded as 4 >> k).
  CHECK(values_text(0, 6, 4) == "4.");     // a dotted quarter on sixteenths
  CHECK(values_text(0, 5, 4) == "4 16");   // 5/16 of a whole: quarter tied to sixteenth
  CHECK(values_text(0, 7, 4) == "4. 16");  // no double dots
  CHECK(values_text(0, 16, 4) == "1");
  CHECK(values_text(0, 24, 4) == "1.");
  CHECK(values_text(0, 64, 4) == "0");       // a long (4 >> 4 = 0): 16 quarters
  CHECK(values_text(0, 3, 2) == "4.");       // on eighths
  CHECK(values_text(0, 4, 12) == "3:8");     // a triplet eighth
  CHECK(values_text(0, 8, 12) == "3:4");     // a triplet quarter
  CHECK(values_text(0, 20, 12) == "4 3:4");  // starts on the beat: binary first
  CHECK(values_text(4, 20, 12) == "3:4 4");  // starts on a triplet: the triplet first
  CHECK(values_text(0, 10, 12) == "8 3:8");  // 5/6 of a quarter
  CHECK(values_text(0, 1, 96) == "3:256");   // the finest the default grid holds
  CHECK(values_text(0, 3, 96) == "128");
}

TEST_CASE("notate: measures, ties over the barline, chords, rests, voices and spelling in F",
          "[notation]") {
  const Score score = notation_test::hand_made_score();
  const NotatedScore s = notate(score);
  CHECK(s.divisions == 12);       // sixteenths and eighth triplets
  CHECK(s.measure_length == 36);  // 3/4
  CHECK(s.measure_count() == 3);
  CHECK(s.key == Key{5, Mode::major});
  REQUIRE(s.parts.size() == 2);
  CHECK(s.parts[0].clef == Clef::treble);
  CHECK(s.parts[1].clef == Clef::bass);
  CHECK(s.parts[0].voice_count() == 1);
  // Bb is the key's own (no accidental); the B natural is marked and tied over the barline.
  CHECK(measure_text(s, 0, 0) == "Bb4:4. A4:8 B4!:4~");
  CHECK(measure_text(s, 0, 1) == "B4:4~ B4:16 r:8. C4+E4+G4:4");
  CHECK(measure_text(s, 0, 2) == "C5:3:8 D5:3:4 Bb4:4~ Bb4:16 r:8.");
  // The bass: a long C2 under C3 and D3 goes to a second voice, present where it sounds.
  CHECK(s.parts[1].voice_count() == 2);
  CHECK(measure_text(s, 1, 0, 0) == "F2:2.");
  CHECK(s.parts[1].measures[0].voices[1].empty());
  CHECK(measure_text(s, 1, 1, 0) == "C3:4 D3:4 r:4");
  CHECK(measure_text(s, 1, 1, 1) == "C2:2.~");
  CHECK(measure_text(s, 1, 2, 0) == "r:bar");
  CHECK(measure_text(s, 1, 2, 1) == "C2:2.");
  const auto& tied = s.parts[0].measures[1].voices[0][1];
  CHECK(tied.tie_from_previous);
  CHECK_FALSE(tied.tie_to_next);
  CHECK(tied.start == 12);
  CHECK(tied.duration == 3);
}

TEST_CASE("notate: 6/8 in E major spells D# and A#, accidentals once per measure", "[notation]") {
  const NotatedScore s = notate(notation_test::six_eight_score());
  CHECK(s.divisions == 2);
  CHECK(s.measure_length == 6);
  REQUIRE(s.measure_count() == 3);
  // D# is in E major's signature (no accidental); A# is not (marked).
  CHECK(measure_text(s, 0, 0) == "r:4 E4:8 D#4:4.");
  CHECK(measure_text(s, 0, 1) == "A#4!:8 B4:4 E5:4.~");
  CHECK(measure_text(s, 0, 2) == "E5:4. r:4.");

  // The same pitch in F major is Bb; a B natural then a Bb in one measure: both marked.
  Score f;
  f.key_signature = {-1, Mode::major};
  f.parts.push_back(Part{}.add(71, 0, 1).add(71, 1, 1).add(70, 2, 1).add(82, 3, 1));
  CHECK(measure_text(notate(f), 0, 0) == "B4!:4 B4:4 Bb4!:4 Bb5:4");
  // C minor spells its raised seventh B natural (marked against the signature's Bb).
  f.key_signature = {-3, Mode::minor};
  CHECK(measure_text(notate(f), 0, 0) == "B4!:4 B4:4 Bb4!:4 Bb5:4");
}

TEST_CASE("notate: the grid, divisions, empty parts and what cannot be notated", "[notation]") {
  Score score;
  score.parts.push_back(Part{}.add(60, 0, 1).add(62, 1, 1));
  score.parts.push_back(Part{"empty", 0, 1, {}});
  NotatedScore s = notate(score);
  CHECK(s.divisions == 1);
  CHECK(s.measure_count() == 1);
  CHECK(measure_text(s, 0, 0) == "C4:4 D4:4 r:2");
  CHECK(measure_text(s, 1, 0) == "r:bar");
  // A note off the grid is rounded (start and end separately); one too short keeps a step.
  score.parts[0].notes = {{60, 0.01, 0.98, 80}, {64, 1.0, 0.001, 80}};
  s = notate(score, {4});
  CHECK(measure_text(s, 0, 0) == "C4:4 E4:16 r:2 r:8.");  // largest values first
  // Exact duplicates are written once; a chord is pitches low to high.
  score.parts[0].notes = {{67, 0, 1, 80}, {60, 0, 1, 80}, {60, 0, 1, 90}};
  CHECK(measure_text(notate(score), 0, 0) == "C4+G4:4 r:2.");

  CHECK_THROWS_AS(notate(Score{}), ArgumentError);  // no parts
  score.parts[0].notes = {{60, -1.0, 1.0, 80}};
  CHECK_THROWS_WITH(notate(score), Catch::Contains("non-negative"));
  score.parts[0].notes = {{60, 0.0, 1.0, 80}};
  CHECK_THROWS_WITH(notate(score, {5}), Catch::Contains("divide 384"));
  CHECK_THROWS_AS(notate(score, {0}), ArgumentError);
  score.time_signature = {3, 32};
  CHECK_THROWS_WITH(notate(score, {4}), Catch::Contains("finer grid"));
  CHECK(notate(score, {96}).measure_length == 3);  // 8 divisions a quarter
  score.time_signature = {4, 4};
  score.tempo_bpm = 0;
  CHECK_THROWS_AS(notate(score), ArgumentError);
  score.tempo_bpm = 120;
  score.parts[0].channel = 16;
  CHECK_THROWS_AS(notate(score), ArgumentError);
  score.parts[0].channel = 0;
  score.parts[0].notes = {{60, 1.0e6, 1.0, 80}};
  CHECK_THROWS_WITH(notate(score), Catch::Contains("measures"));
}

TEST_CASE("notate: a pickup is an incomplete measure 0; fermatas over their notes and chords",
          "[notation]") {
  const NotatedScore s = notate(notation_test::pickup_score());
  CHECK(s.divisions == 1);
  CHECK(s.measure_length == 4);
  CHECK(s.pickup_length == 1);
  CHECK(s.measure_count() == 5);  // the pickup, three full bars, and the last note's tied end
  CHECK(s.length_of_measure(0) == 1);
  CHECK(s.length_of_measure(1) == 4);
  CHECK(s.number_of_measure(0) == 0);
  CHECK(s.number_of_measure(4) == 4);
  CHECK(measure_text(s, 0, 0) == "G4:4");
  CHECK(measure_text(s, 0, 1) == "B4:4 A4:4 G4:4 A4:4");
  CHECK(measure_text(s, 0, 2) == "B4:2^ B4:4 C5:4");
  CHECK(measure_text(s, 0, 3) == "D5:4 C5:4 B4:4 A4:4^~");
  CHECK(measure_text(s, 0, 4) == "A4:4 r:2.");
  // The bass's pickup is a quarter rest (not a whole-bar rest); its last chord has the fermata
  // though only one of its notes carries it.
  CHECK(measure_text(s, 1, 0) == "r:4");
  CHECK(measure_text(s, 1, 2) == "G2:2^ G3:4 A3:4");
  CHECK(measure_text(s, 1, 3) == "B3:4 A3:4 G3:4 D3+F#3:4^~");
  CHECK(measure_text(s, 1, 4) == "D3+F#3:4 r:2.");
  CHECK(s.parts[0].measures[0].voices[0][0].start == 0);

  // Without the pickup the same notes start a full measure of 4/4.
  Score plain = notation_test::pickup_score();
  plain.pickup = 0;
  CHECK(notate(plain).pickup_length == 0);
  CHECK(measure_text(notate(plain), 0, 0) == "G4:4 B4:4 A4:4 G4:4");
  // A pickup must be shorter than a bar.
  Score bad = notation_test::pickup_score();
  bad.pickup = 4;
  CHECK_THROWS_WITH(notate(bad), Catch::Contains("shorter than a bar"));
  bad.pickup = -1;
  CHECK_THROWS_AS(notate(bad), ArgumentError);
}

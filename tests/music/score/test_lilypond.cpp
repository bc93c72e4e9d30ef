// Tests of bachprop/music/score/lilypond.hpp: the text written for hand-made scores (absolute
// pitch names spelled in the key, durations with dots, ties, chords, rests, triplets, clefs,
// key, time and tempo, a second voice), what is refused, and LilyPond itself (Debian's
// lilypond) where it is installed: it compiles every file without a warning (each measure
// carries a bar check), engraves a PNG, and its MIDI, read back with read_midi, holds exactly
// the score's notes, for hand-made scores, varied random ones and a real JSB chorale. Skipped
// with a warning where lilypond or the chorales are absent (scripts/setup.sh --with-notation).

#include "helpers.hpp"
#include "music/score/midi_fixtures.hpp"
#include "music/score/notation_fixtures.hpp"

#include <bachprop/io/file.hpp>
#include <bachprop/music/score/lilypond.hpp>
#include <bachprop/music/score/midi_read.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>

using namespace bachprop;
using namespace bachprop::music;
using namespace notation_test;

namespace {

bool has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

// lilypond engraves `score` (a PNG when `png`) and writes its MIDI; no warnings, the same notes.
void check_with_lilypond(const Score& score, const std::string& name, bool png = false) {
  static const bool present = installed("lilypond");
  static bool warned = false;
  if (!present) {
    if (!std::exchange(warned, true)) {
      WARN("lilypond is not installed: the .ly files are not compiled");
    }
    return;
  }
  const fs::path folder = scratch("lilypond_" + name);
  write_lilypond(folder / "score.ly", score);
  const std::string output = png ? "--png -dresolution=80" : "-dno-print-pages";
  const int status = run("timeout 600 lilypond " + output + " -o '" + (folder / "score").string() +
                             "' '" + (folder / "score.ly").string() + "'",
                         folder / "lilypond.log");
  const std::string log = read_file(folder / "lilypond.log");
  INFO("lilypond said:\n" << log);
  REQUIRE(status == 0);
  CHECK_FALSE(has(log, "warning"));  // bar checks, ties, durations
  CHECK_FALSE(has(log, "error"));
  if (png) {
    const std::string picture = read_file(folder / "score.png");
    CHECK(picture.starts_with("\x89PNG\r\n\x1a\n"));
    CHECK(picture.size() > 2000);
  }
  const Score back = read_midi(folder / "score.midi");
  require_same_notes(back, score, 0.0);
  fs::remove_all(folder);
}

}  // namespace

TEST_CASE("LilyPond: absolute pitches spelled in the key, dots, ties, chords, rests, voices",
          "[lilypond]") {
  const std::string ly = encode_lilypond(hand_made_score());
  CHECK(ly.starts_with("\\version \"2.24.0\"\n"));
  CHECK(has(ly, "title = \"Sheet music test: F major & <friends>\""));
  CHECK(has(ly, "\\new Staff \\with { instrumentName = \"Melody\" }"));
  CHECK(has(ly, "\\clef treble \\key f \\major \\time 3/4\n      \\tempo 4 = 90\n"));
  CHECK(has(ly, "\\clef bass \\key f \\major \\time 3/4\n"));
  // Bb is bes, B natural b; c' is middle C; a dotted quarter 4.; a tie ~ over the barline.
  CHECK(has(ly, "      bes'4. a'8 b'4~ | % 1\n"));
  CHECK(has(ly, "      b'4~ b'16 r8. <c' e' g'>4 | % 2\n"));
  CHECK(has(ly, "      \\tuplet 3/2 { c''8 d''4 } bes'4~ bes'16 r8. | % 3\n"));
  // The bass's two voices; a whole-measure rest and a spacer where a voice is silent.
  CHECK(has(ly, "\\new Voice { \\voiceOne\n          f,2. | % 1\n"));
  CHECK(has(ly, "          R1*3/4 | % 3\n"));
  CHECK(has(ly, "\\new Voice { \\voiceTwo\n          s1*3/4 | % 1\n          c,2.~ | % 2\n"));
  CHECK(has(ly, "\\midi { }"));

  const std::string e_major = encode_lilypond(six_eight_score(), {.midi = false});
  CHECK(has(e_major, "\\key e \\major \\time 6/8"));
  CHECK(has(e_major, "r4 e'8 dis'4. | % 1\n"));  // D# in E major: dis
  CHECK(has(e_major, "ais'8 b'4 e''4.~ | % 2\n"));
  CHECK_FALSE(has(e_major, "\\midi"));

  // Flats: a Cb (ces'' is MIDI 71 in Gb major), the low end of the MIDI range, Eb minor's tonic.
  Score flats;
  flats.key_signature = {-6, Mode::major};
  flats.time_signature = {2, 2};
  flats.tempo_bpm = 72.6;
  flats.parts.push_back(Part{"Low", 0, 0, {}}.add(71, 0, 8).add(22, 8, 0.5).add(6, 8.5, 16));
  const std::string gb = encode_lilypond(flats);
  CHECK(has(gb, "\\clef bass \\key ges \\major \\time 2/2\n      \\tempo 4 = 73\n"));
  CHECK(has(gb, "ces''1~ | % 1\n      ces''1 | % 2\n"));
  CHECK(has(gb, "bes,,,8 ges,,,,2.~ ges,,,,8~ | % 3\n"));
  flats.time_signature = {4, 1};  // a bar of four whole notes holds a breve
  CHECK(has(encode_lilypond(flats), "ces''\\breve bes,,,8 ges,,,,1.~ ges,,,,4.~ | % 1\n"));
  CHECK(has(encode_lilypond(flats), "ges,,,,\\breve~ ges,,,,8 r1. r4. | % 2\n"));
  flats.key_signature = {-6, Mode::minor};
  CHECK(has(encode_lilypond(flats), "\\key ees \\minor"));
}

TEST_CASE("LilyPond: a pickup is \\partial, a fermata \\fermata", "[lilypond]") {
  const std::string ly = encode_lilypond(pickup_score());
  CHECK(has(ly, "\\tempo 4 = 72\n      \\partial 1*1/4\n      g'4 | % 0\n"));
  CHECK(has(ly, "      b'2\\fermata b'4 c''4 | % 2\n"));
  CHECK(has(ly, "      d''4 c''4 b'4 a'4\\fermata~ | % 3\n"));
  CHECK(has(ly, "      \\partial 1*1/4\n      r4 | % 0\n"));
  CHECK(has(ly, "<d fis>4\\fermata~ | % 3\n"));
}

TEST_CASE("LilyPond: files written atomically, strings escaped, what cannot be written",
          "[lilypond]") {
  Score score = hand_made_score();
  score.title = "A \"quoted\" \\title\x02";
  const fs::path folder = scratch("lilypond_file");
  write_lilypond(folder / "s.ly", score);
  const std::string ly = read_file(folder / "s.ly");
  CHECK(ly == encode_lilypond(score));
  CHECK(has(ly, "title = \"A \\\"quoted\\\" \\\\title?\"\n"));
  fs::remove_all(folder);

  score.parts[1].notes[2].start = -1;
  CHECK_THROWS_WITH(encode_lilypond(score),
                    Catch::Contains("encode_lilypond") && Catch::Contains("non-negative"));
  CHECK_THROWS_AS(encode_lilypond(Score{}), ArgumentError);
  score = hand_made_score();
  score.key_signature.sharps = 8;
  CHECK_THROWS_AS(encode_lilypond(score), ArgumentError);
}

TEST_CASE("LilyPond compiles what we write, and its MIDI holds our notes",
          "[lilypond][engraving]") {
  check_with_lilypond(hand_made_score(), "hand_made", true);
  check_with_lilypond(pickup_score(), "pickup", true);
  check_with_lilypond(six_eight_score(), "six_eight");
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    INFO("seed " << seed);
    check_with_lilypond(midi_test::random_score(seed, 1 + static_cast<int>(seed % 3)),
                        "random_" + std::to_string(seed));
  }
}

TEST_CASE("LilyPond engraves a JSB chorale, and its MIDI holds the chorale's notes",
          "[lilypond][engraving][data]") {
  if (const auto chorale = jsb_chorale(0)) {
    check_with_lilypond(*chorale, "jsb");
  }
}

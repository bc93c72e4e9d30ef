// Tests of bachprop/music/score/musicxml.hpp: the elements written for hand-made scores (parts
// and their MIDI instruments, key, time, tempo, divisions, spelled pitches, dots, ties, chords,
// rests, triplets, a second voice), what is refused, and an independent reader: MuseScore 3
// (`mscore3`, Debian's musescore3) checks each file against its MusicXML schema and converts it
// to MIDI, which read_midi reads back; the notes (pitch, onset, duration) must equal the
// score's, for hand-made scores, varied random ones and a real JSB chorale. Skipped with a
// warning where mscore3 or the chorales are absent (scripts/setup.sh --with-notation).

#include "helpers.hpp"
#include "music/score/midi_fixtures.hpp"
#include "music/score/notation_fixtures.hpp"

#include <bachprop/io/file.hpp>
#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/musicxml.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>

using namespace bachprop;
using namespace bachprop::music;
using namespace notation_test;

namespace {

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

// MuseScore 3 reads `score` as MusicXML and writes MIDI; the notes must be the score's. MuseScore
// ends every note one tick (of its 480 a quarter) early, so durations may be that much short.
void check_with_musescore(const Score& score, const std::string& name) {
  static const bool present = installed("mscore3");
  static bool warned = false;
  if (!present) {
    if (!std::exchange(warned, true)) {
      WARN("mscore3 (Debian's musescore3) is not installed: MusicXML not read back");
    }
    return;
  }
  const fs::path folder = scratch("musescore_" + name);
  write_musicxml(folder / "score.musicxml", score);
  const int status =
      run("QT_QPA_PLATFORM=offscreen timeout 300 mscore3 -o '" + (folder / "back.mid").string() +
              "' '" + (folder / "score.musicxml").string() + "'",
          folder / "mscore.log");
  const std::string log = read_file(folder / "mscore.log");
  INFO("mscore3 said:\n" << log);
  REQUIRE(status == 0);
  CHECK(log.find("not a valid MusicXML file") == std::string::npos);  // its schema check
  CHECK(log.find("Error") == std::string::npos);  // e.g. a duration its note type contradicts
  const Score back = read_midi(folder / "back.mid");
  require_same_notes(back, score, 1.5 / 480);
  if (score.pickup > 0) {
    // MuseScore's MIDI file opens with the pickup measure's actual length as its meter.
    CHECK(back.time_signature.bar_quarters() == score.pickup);
  } else {
    CHECK(back.time_signature == score.time_signature);
  }
  for (std::size_t p = 0; p < score.parts.size() && p < back.parts.size(); ++p) {
    CHECK(back.parts[p].program == score.parts[p].program);
  }
  fs::remove_all(folder);
}

}  // namespace

TEST_CASE("MusicXML: parts, attributes, spelled pitches, dots, ties, chords, rests, voices",
          "[musicxml]") {
  const std::string xml = encode_musicxml(hand_made_score());
  CHECK(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\""));
  CHECK(occurrences(xml, "<score-partwise version=\"3.1\">") == 1);
  CHECK(occurrences(xml, "Sheet music test: F major &amp; &lt;friends&gt;") == 1);
  CHECK(occurrences(xml, "<part-name>Melody</part-name>") == 1);
  CHECK(occurrences(xml, "<midi-channel>1</midi-channel><midi-program>53</midi-program>") == 1);
  CHECK(occurrences(xml, "<midi-channel>2</midi-channel><midi-program>33</midi-program>") == 1);
  CHECK(occurrences(xml, "<measure number=") == 6);
  CHECK(occurrences(xml, "<divisions>12</divisions>") == 2);
  CHECK(occurrences(xml, "<key><fifths>-1</fifths><mode>major</mode></key>") == 2);
  CHECK(occurrences(xml, "<time><beats>3</beats><beat-type>4</beat-type></time>") == 2);
  CHECK(occurrences(xml, "<clef><sign>G</sign><line>2</line></clef>") == 1);
  CHECK(occurrences(xml, "<clef><sign>F</sign><line>4</line></clef>") == 1);
  CHECK(occurrences(xml, "<per-minute>90</per-minute>") == 1);
  CHECK(occurrences(xml, "<sound tempo=\"90\"/>") == 1);
  // Bb (the key's, no accidental), then B natural marked, tied across the barline.
  CHECK(occurrences(xml, "<step>B</step><alter>-1</alter><octave>4</octave>") == 3);
  CHECK(occurrences(xml, "<step>B</step><octave>4</octave>") == 3);
  CHECK(occurrences(xml, "<accidental>natural</accidental>") == 1);
  CHECK(occurrences(xml, "<type>quarter</type>\n        <dot/>") == 1);
  CHECK(occurrences(xml, "<chord/>") == 2);
  CHECK(occurrences(xml, "<rest/>") == 3);
  CHECK(occurrences(xml, "<rest measure=\"yes\"/>") == 1);
  CHECK(occurrences(xml, "<tie type=\"start\"/>") == 4);
  CHECK(occurrences(xml, "<tie type=\"stop\"/>") == 4);
  CHECK(occurrences(xml, "<tied type=\"start\"/>") == 4);
  CHECK(occurrences(xml, "<actual-notes>3</actual-notes><normal-notes>2</normal-notes>") == 2);
  CHECK(occurrences(xml, "<backup><duration>36</duration></backup>") == 2);
  CHECK(occurrences(xml, "<voice>2</voice>") == 2);
  CHECK(occurrences(xml, "dynamics=\"88.89\"") == 17);  // velocity 80 of 90

  const std::string e_major = encode_musicxml(six_eight_score(), {.metronome_mark = false});
  CHECK(occurrences(e_major, "<key><fifths>4</fifths><mode>major</mode></key>") == 1);
  CHECK(occurrences(e_major, "<time><beats>6</beats><beat-type>8</beat-type></time>") == 1);
  CHECK(occurrences(e_major, "<divisions>2</divisions>") == 1);
  CHECK(occurrences(e_major, "<step>D</step><alter>1</alter>") == 1);  // D#, the key's own
  CHECK(occurrences(e_major, "<step>A</step><alter>1</alter>") == 1);  // A#, marked
  CHECK(occurrences(e_major, "<accidental>sharp</accidental>") == 1);
  CHECK(occurrences(e_major, "<metronome>") == 0);
  CHECK(occurrences(e_major, "<sound tempo=\"60\"/>") == 1);
}

TEST_CASE("MusicXML: files written atomically, names escaped, what cannot be written",
          "[musicxml]") {
  Score score = hand_made_score();
  score.parts[0].name = "Soprano \"I\" \x01 \xff";
  const fs::path folder = scratch("musicxml_file");
  write_musicxml(folder / "s.musicxml", score);
  const std::string xml = read_file(folder / "s.musicxml");
  CHECK(xml == encode_musicxml(score));
  CHECK(occurrences(xml, "<part-name>Soprano &quot;I&quot; ? ?</part-name>") == 1);
  fs::remove_all(folder);

  score.parts[0].notes[0].start = -0.5;
  CHECK_THROWS_WITH(encode_musicxml(score),
                    Catch::Contains("encode_musicxml") && Catch::Contains("non-negative"));
  CHECK_THROWS_AS(encode_musicxml(Score{}), ArgumentError);
  CHECK_THROWS_AS(encode_musicxml(hand_made_score(), {.grid = 7}), ArgumentError);
  CHECK_THROWS_AS(write_musicxml(folder / "never.musicxml", Score{}), ArgumentError);
  CHECK_FALSE(fs::exists(folder / "never.musicxml"));
}

TEST_CASE("MusicXML: a pickup is measure 0, implicit; fermatas in the notations",
          "[musicxml]") {
  const std::string xml = encode_musicxml(pickup_score());
  CHECK(occurrences(xml, "<measure number=\"0\" implicit=\"yes\">") == 2);
  CHECK(occurrences(xml, "<measure number=\"1\">") == 2);
  CHECK(occurrences(xml, "<measure number=\"4\">") == 2);
  CHECK(occurrences(xml, "<measure number=\"5\"") == 0);
  CHECK(occurrences(xml, "<fermata type=\"upright\"/>") == 4);
  // The tied last note carries its fermata once, with the tie's start.
  CHECK(occurrences(xml, "<tied type=\"start\"/><fermata type=\"upright\"/>") == 2);
}

TEST_CASE("MusicXML read back by MuseScore: the same notes, hand-made and random scores",
          "[musicxml][musescore]") {
  check_with_musescore(hand_made_score(), "hand_made");
  check_with_musescore(pickup_score(), "pickup");
  check_with_musescore(six_eight_score(), "six_eight");
  check_with_musescore(midi_test::lesson_score(), "lesson");
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    INFO("seed " << seed);
    check_with_musescore(midi_test::random_score(seed, 1 + static_cast<int>(seed % 3)),
                         "random_" + std::to_string(seed));
  }
}

TEST_CASE("MusicXML of a JSB chorale read back by MuseScore: the same notes",
          "[musicxml][musescore][data]") {
  if (const auto chorale = jsb_chorale(0)) {
    check_with_musescore(*chorale, "jsb");
  }
}

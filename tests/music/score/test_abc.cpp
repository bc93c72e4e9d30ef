// Tests of bachprop/music/score/abc.hpp (and the abc_*.hpp pieces it is built from): hand-written
// tunes with the exact pitches, onsets and lengths each feature gives, the errors bad input
// gives (source, line, column, what was expected), the limits, and an independent reader:
// abc2midi (Debian's abcmidi) turns the fixtures in tests/fixtures/abc/ into MIDI, read back
// with read_midi, which must hold the notes decode_abc reads. Skipped with a warning where
// abc2midi is not installed (scripts/setup.sh installs it).

#include "helpers.hpp"
#include "music/score/notation_fixtures.hpp"

#include <bachprop/io/file.hpp>
#include <bachprop/music/score/abc.hpp>
#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/music/score/musicxml.hpp>
#include <bachprop/music/score/note_sequence.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;

namespace abc_test {

namespace fs = std::filesystem;

const fs::path fixtures = fs::path(BACHPROP_FIXTURE_DIR) / "abc";

// A note as the tests write it: pitch, onset and length in quarter notes.
struct Expected {
  int pitch;
  double start;
  double duration;
};

// The notes of the score's one part, in order of onset (then pitch).
std::vector<Note> notes(const Score& score) {
  REQUIRE(score.parts.size() == 1);
  std::vector<Note> out = score.parts.front().notes;
  std::sort(out.begin(), out.end(), note_order);
  return out;
}

// Reads `body` after a header of 4/4 with a quarter-note unit in C (or `header`).
Score tune(const std::string& body, const std::string& header = "X:1\nM:4/4\nL:1/4\nK:C\n") {
  return decode_abc(header + body, "tune.abc");
}

// The pitches of the notes in order of onset.
std::vector<int> pitches(const Score& score) {
  std::vector<int> out;
  for (const Note& n : notes(score)) {
    out.push_back(n.pitch);
  }
  return out;
}

void require_notes(const Score& score, const std::vector<Expected>& expected) {
  const std::vector<Note> got = notes(score);
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("note " << i);
    CHECK(got[i].pitch == expected[i].pitch);
    CHECK(got[i].start == Approx(expected[i].start).margin(1e-12));
    CHECK(got[i].duration == Approx(expected[i].duration).margin(1e-12));
    CHECK(got[i].velocity == 80);
  }
}

// The message decode_abc throws for `text` (named "tune.abc"); fails if it reads it.
std::string error_of(const std::string& text, const AbcOptions& options = {}) {
  try {
    decode_abc(text, "tune.abc", options);
  } catch (const FormatError& error) {
    return error.what();
  }
  FAIL("read without an error: " << text);
  return {};
}

// abc2midi (abcmidi 4.84) writes `tune` of `file` as MIDI; the part with notes `part` of it
// must hold the notes read_abc reads from voice `voice`. Returns the number of notes compared.
//
// Options: -NGRA leaves grace notes out (by default abc2midi plays them, taking their time from
// the next note), -NFER plays fermatas at their written length (by default it doubles them),
// -NGUI plays no accompaniment for the guitar chords. The fixtures avoid what abc2midi plays as
// ornaments (~ and T, as several notes) and articulations (a staccato '.' halves the note),
// which the score model has no place for. abc2midi starts every note one tick (of its 480 a
// quarter) after its onset and ends it on time: onsets are compared exactly after taking off
// that delay, measured on the first note and required to be 0 or 1 tick and the same for every
// note, and durations must be the written length less the same delay, exactly. abc2midi's
// chords arpeggiate by 10 ticks a note unless %%MIDI chordattack 0, which the fixtures with
// chords set.
std::size_t compare_with_abc2midi(const std::string& file, int number, const std::string& voice,
                                  std::size_t part) {
  using notation_test::installed;
  using notation_test::run;
  static const bool present = installed("abc2midi");
  static bool warned = false;
  if (!present) {
    if (!std::exchange(warned, true)) {
      WARN("abc2midi (Debian's abcmidi) is not installed: ABC not checked against it");
    }
    return 0;
  }
  const fs::path folder =
      notation_test::scratch("abc2midi_" + file + "_" + std::to_string(number) + voice);
  const fs::path midi = folder / "tune.mid";
  const int status =
      run("timeout 60 abc2midi '" + (fixtures / file).string() + "' " + std::to_string(number) +
              " -o '" + midi.string() + "' -NGRA -NFER -NGUI",
          folder / "abc2midi.log");
  INFO(file << " X:" << number << " voice '" << voice << "'; abc2midi said:\n"
            << read_file(folder / "abc2midi.log"));
  REQUIRE(status == 0);
  const Score theirs = read_midi(midi);
  const Score ours = read_abc(fixtures / file, {.tune = number, .voice = voice});
  std::vector<const Part*> sounding;
  for (const Part& p : theirs.parts) {
    if (!p.notes.empty()) {
      sounding.push_back(&p);
    }
  }
  REQUIRE(part < sounding.size());
  std::vector<Note> got = sounding[part]->notes;
  std::sort(got.begin(), got.end(), note_order);
  const std::vector<Note> want = notes(ours);
  REQUIRE(got.size() == want.size());
  REQUIRE(!want.empty());
  const int tpq = theirs.ticks_per_quarter;
  const auto ticks = [&](double quarters) { return to_ticks(quarters, tpq); };
  const std::int64_t delay = ticks(got.front().start) - ticks(want.front().start);
  CHECK((delay == 0 || delay == 1));
  int differences = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const bool same = got[i].pitch == want[i].pitch &&
                      ticks(got[i].start) == ticks(want[i].start) + delay &&
                      ticks(got[i].end()) - ticks(got[i].start) ==
                          ticks(want[i].end()) - ticks(want[i].start) - delay;
    if (!same && ++differences <= 5) {
      FAIL_CHECK("note " << i << ": read " << want[i].pitch << " at " << ticks(want[i].start)
                         << " for " << ticks(want[i].end()) - ticks(want[i].start)
                         << " ticks, abc2midi " << got[i].pitch << " at " << ticks(got[i].start)
                         << " for " << ticks(got[i].end()) - ticks(got[i].start));
    }
  }
  CHECK(differences == 0);
  CHECK(theirs.tempo_bpm == Approx(ours.tempo_bpm));
  CHECK(theirs.time_signature == ours.time_signature);
  CHECK(theirs.key_signature == ours.key_signature);
  fs::remove_all(folder);
  return want.size();
}

TEST_CASE("ABC read by abc2midi: the same pitches, onsets and lengths", "[abc][abc2midi]") {
  std::size_t compared = 0;
  compared += compare_with_abc2midi("chorale.abc", 1, "", 0);
  compared += compare_with_abc2midi("chorale.abc", 1, "B", 1);
  compared += compare_with_abc2midi("jig.abc", 2, "", 0);
  compared += compare_with_abc2midi("reel.abc", 3, "", 0);
  compared += compare_with_abc2midi("hornpipe.abc", 4, "", 0);
  compared += compare_with_abc2midi("lament.abc", 5, "", 0);
  compared += compare_with_abc2midi("tunes.abc", 6, "", 0);
  compared += compare_with_abc2midi("tunes.abc", 7, "", 0);
  if (compared > 0) {
    CHECK(compared == 804);  // 8 tunes and voices of 6 files
  }
}

TEST_CASE("ABC: the header's meter, unit length, tempo, key and title", "[abc]") {
  // M: and the unit length it implies when L: is absent (1/16 below 3/4, else 1/8).
  const auto first = [](const std::string& header) {
    return notes(decode_abc("X:1\n" + header + "\nC", "tune.abc")).front().duration;
  };
  CHECK(first("M:2/4\nK:C") == 0.25);
  CHECK(first("M:3/4\nK:C") == 0.5);
  CHECK(first("M:6/8\nK:C") == 0.5);
  CHECK(first("M:3/8\nK:C") == 0.25);
  CHECK(first("M:C\nK:C") == 0.5);
  CHECK(first("M:C|\nK:C") == 0.5);
  CHECK(first("M:none\nK:C") == 0.5);
  CHECK(first("K:C") == 0.5);
  CHECK(first("M:2/4\nL:1/4\nK:C") == 1.0);
  CHECK(first("L:1\nK:C") == 4.0);
  CHECK(first("L:3/8\nK:C") == 1.5);
  CHECK(tune("C", "X:1\nM:C\nK:C\n").time_signature == TimeSignature{4, 4});
  CHECK(tune("C", "X:1\nM:C|\nK:C\n").time_signature == TimeSignature{2, 2});
  CHECK(tune("C", "X:1\nM:6/8\nK:C\n").time_signature == TimeSignature{6, 8});
  CHECK(tune("C", "X:1\nM:(2+3+2)/8\nK:C\n").time_signature == TimeSignature{7, 8});
  CHECK(tune("C", "X:1\nM:none\nK:C\n").time_signature == TimeSignature{4, 4});

  // Q: in its forms; the older Q:120 and Q:C=120 count unit note lengths (here eighths).
  const auto tempo = [](const std::string& q) {
    return decode_abc("X:1\nL:1/8\n" + q + "\nK:C\nC", "tune.abc").tempo_bpm;
  };
  CHECK(tempo("Q:1/4=120") == 120.0);
  CHECK(tempo("Q:1/2=60") == 120.0);
  CHECK(tempo("Q:3/8=40") == 60.0);
  CHECK(tempo("Q:1/4 3/8 1/4 3/8=40") == 200.0);
  CHECK(tempo("Q:\"Allegro\" 1/4=132") == 132.0);
  CHECK(tempo("Q: 3/8=50 \"Slowly\"") == 75.0);
  CHECK(tempo("Q:\"Andante\"") == 120.0);  // a text alone: the default
  CHECK(tempo("Q:120") == 60.0);
  CHECK(tempo("Q:C=120") == 60.0);
  CHECK(tempo("Q:1/4=100 % a comment") == 100.0);

  // K: tonic and mode, the signature a MIDI file would store, and the pitches it gives.
  const auto key = [](const std::string& k) {
    return decode_abc("X:1\nL:1/4\nK:" + k + "\nC D E F G A B", "tune.abc");
  };
  CHECK(key("D").key_signature == KeySignature{2, Mode::major});
  CHECK(key("Bm").key_signature == KeySignature{2, Mode::minor});
  CHECK(key("B minor").key_signature == KeySignature{2, Mode::minor});
  CHECK(key("Ador").key_signature == KeySignature{1, Mode::major});
  CHECK(key("A Dorian").key_signature == KeySignature{1, Mode::major});
  CHECK(key("F#mix").key_signature == KeySignature{5, Mode::major});
  CHECK(key("Bb").key_signature == KeySignature{-2, Mode::major});
  CHECK(key("Ebm").key_signature == KeySignature{-6, Mode::minor});
  CHECK(key("Eaeolian").key_signature == KeySignature{1, Mode::minor});
  CHECK(key("Cm").key_signature == KeySignature{-3, Mode::minor});
  CHECK(key("G lydian").key_signature == KeySignature{2, Mode::major});
  CHECK(key("Bloc").key_signature == KeySignature{0, Mode::major});
  CHECK(key("E PHRYGIAN").key_signature == KeySignature{0, Mode::major});
  CHECK(pitches(key("D")) == std::vector<int>{61, 62, 64, 66, 67, 69, 71});
  CHECK(pitches(key("Ador")) == std::vector<int>{60, 62, 64, 66, 67, 69, 71});
  CHECK(pitches(key("F#mix")) == std::vector<int>{61, 63, 64, 66, 68, 70, 71});
  CHECK(pitches(key("Cm")) == std::vector<int>{60, 62, 63, 65, 67, 68, 70});
  CHECK(pitches(key("none")) == std::vector<int>{60, 62, 64, 65, 67, 69, 71});
  CHECK(pitches(key("HP")) == std::vector<int>{60, 62, 64, 65, 67, 69, 71});
  CHECK(pitches(key("Hp")) == std::vector<int>{61, 62, 64, 66, 67, 69, 71});
  CHECK(pitches(key("")) == std::vector<int>{60, 62, 64, 65, 67, 69, 71});
  // Explicit accidentals: added to the key, or the whole signature with exp.
  CHECK(pitches(key("D =c")) == std::vector<int>{60, 62, 64, 66, 67, 69, 71});
  CHECK(pitches(key("D Phr ^f")) == std::vector<int>{60, 62, 63, 66, 67, 69, 70});
  CHECK(pitches(key("D exp _b _e ^f")) == std::vector<int>{60, 62, 63, 66, 67, 69, 70});
  CHECK(key("D exp _b _e ^f").key_signature == KeySignature{2, Mode::major});
  // Clefs and layout parameters leave the pitch alone; transpose=, octave= and an 8 move it.
  CHECK(pitches(key("G clef=bass middle=d stafflines=5")) == pitches(key("G")));
  CHECK(pitches(key("G bass")) == pitches(key("G")));
  CHECK(pitches(key("C transpose=-2")) == std::vector<int>{58, 60, 62, 63, 65, 67, 69});
  CHECK(pitches(key("C t=12 octave=-1")) == std::vector<int>{60, 62, 64, 65, 67, 69, 71});
  CHECK(pitches(key("C treble-8")) == std::vector<int>{48, 50, 52, 53, 55, 57, 59});
  CHECK(pitches(key("C clef=bass+8")) == std::vector<int>{72, 74, 76, 77, 79, 81, 83});

  const Score titled = decode_abc(
      "X:3\nT:The First Title \nT:A Subtitle\nC:Trad.\nO:Ireland\nR:reel\nN:note\n"
      "Z:me\nS:a session\nH:history\nB:book\nD:record\nF:file\nG:group\nI:abc-charset "
      "utf-8\nK:G\nG",
      "tune.abc");
  CHECK(titled.title == "The First Title");
  CHECK(titled.parts.front().name == "The First Title");
}

TEST_CASE("ABC: the first tune of a file, or the tune an X: number names", "[abc]") {
  const std::string file =
      "%abc-2.1\nM:3/4\nL:1/4\n\nFree text between tunes.\n\nX:1\nT:One\nK:C\nC D E\n\n"
      "X:2\nT:Two\nK:G\nF G A\n\nX:10\nT:Ten\nL:1/8\nK:F\nB\nX:11\nT:Eleven\nK:C\nc\n";
  CHECK(decode_abc(file).title == "One");
  CHECK(pitches(decode_abc(file)) == std::vector<int>{60, 62, 64});
  CHECK(decode_abc(file).time_signature == TimeSignature{3, 4});  // the file header's M:
  CHECK(notes(decode_abc(file)).front().duration == 1.0);         // and its L:
  CHECK(pitches(decode_abc(file, "f", {.tune = 2})) == std::vector<int>{66, 67, 69});
  CHECK(pitches(decode_abc(file, "f", {.tune = 10})) == std::vector<int>{70});
  CHECK(notes(decode_abc(file, "f", {.tune = 10})).front().duration == 0.5);
  // A tune ends at an empty line or at the next X: line.
  CHECK(pitches(decode_abc(file, "f", {.tune = 11})) == std::vector<int>{72});
  CHECK(error_of(file, {.tune = 3}) ==
        "tune.abc: expected a tune X:3; the file's tunes are X:1, X:2, X:10, X:11");
  const auto listed = abc_tunes(file);
  REQUIRE(listed.size() == 4);
  CHECK(listed[1].number == 2);
  CHECK(listed[1].title == "Two");
  CHECK(listed[1].line == 12);
  CHECK(listed[3].title == "Eleven");
  // Text without X: is one tune; CR LF and CR line ends, a byte order mark.
  CHECK(pitches(decode_abc("K:D\nF")) == std::vector<int>{66});
  CHECK(pitches(decode_abc("\xEF\xBB\xBFX:1\r\nK:D\r\nF G\r\n")) == std::vector<int>{66, 67});
  CHECK(pitches(decode_abc("X:1\rK:D\rF G\r")) == std::vector<int>{66, 67});
}

TEST_CASE("ABC: pitches, octaves and accidentals that carry to the end of the bar", "[abc]") {
  CHECK(pitches(tune("C D E F G A B c d e' C, C,, c'' C,',")) ==
        std::vector<int>{60, 62, 64, 65, 67, 69, 71, 72, 74, 88, 48, 36, 96, 48});
  CHECK(pitches(tune("^C _D =E ^^F __B")) == std::vector<int>{61, 61, 64, 67, 69});
  // An accidental carries to the same letter in every octave, to the end of the bar.
  CHECK(pitches(tune("^F F f F, | F")) == std::vector<int>{66, 66, 78, 54, 65});
  CHECK(pitches(tune("_B B ^^B B =B B | B", "X:1\nL:1/4\nK:F\n")) ==
        std::vector<int>{70, 70, 73, 73, 71, 71, 70});
  CHECK(pitches(tune("F =F F f | F", "X:1\nL:1/4\nK:G\n")) == std::vector<int>{66, 65, 65, 77, 66});
  // Every kind of bar line ends the bar, and so does a key change.
  CHECK(pitches(tune("^F || F ^F |] F ^F |: F ^F :| F ^F [K:C] F")) ==
        std::vector<int>{66, 65, 66, 65, 66, 65, 66, 65, 66, 65, 66, 65});
  // %%propagate-accidentals (and I:propagate-accidentals) octave and not.
  CHECK(pitches(tune("^F F f | F", "X:1\nL:1/4\n%%propagate-accidentals octave\nK:C\n")) ==
        std::vector<int>{66, 66, 77, 65});
  CHECK(pitches(tune("^F F f | F", "X:1\nL:1/4\nI:propagate-accidentals not\nK:C\n")) ==
        std::vector<int>{66, 65, 77, 65});
  // A note tied over the bar line keeps its accidental; the rest of the new bar does not.
  require_notes(tune("^F2-|F F"), {{66, 0, 3}, {65, 3, 1}});
  require_notes(tune("[^F^c]-|[Fc] c"), {{66, 0, 2}, {73, 0, 2}, {72, 2, 1}});
}

TEST_CASE("ABC: note lengths, rests and whole-bar rests", "[abc]") {
  require_notes(tune("C2 D/2 E/ F// G3/2 A3/ B/4 c d/2/2 e2/3"), {{60, 0, 2},
                                                                  {62, 2, 0.5},
                                                                  {64, 2.5, 0.5},
                                                                  {65, 3, 0.25},
                                                                  {67, 3.25, 1.5},
                                                                  {69, 4.75, 1.5},
                                                                  {71, 6.25, 0.25},
                                                                  {72, 6.5, 1},
                                                                  {74, 7.5, 0.25},
                                                                  {76, 7.75, 2.0 / 3}});
  require_notes(tune("C z2 D x/ E z"), {{60, 0, 1}, {62, 3, 1}, {64, 4.5, 1}});
  // Z and X: whole bars in the current meter.
  require_notes(tune("C2 C | Z2 | D Z | E X3 | F", "X:1\nM:3/4\nL:1/4\nK:C\n"),
                {{60, 0, 2}, {60, 2, 1}, {62, 9, 1}, {64, 13, 1}, {65, 23, 1}});
  require_notes(tune("C [M:6/8] Z D"), {{60, 0, 1}, {62, 4, 1}});
}

TEST_CASE("ABC: broken rhythm > and <, doubled and tripled", "[abc]") {
  require_notes(tune("A>B A<B A>>B A<<B A>>>B", "X:1\nL:1/8\nK:C\n"), {{69, 0, 0.75},
                                                                       {71, 0.75, 0.25},
                                                                       {69, 1, 0.25},
                                                                       {71, 1.25, 0.75},
                                                                       {69, 2, 0.875},
                                                                       {71, 2.875, 0.125},
                                                                       {69, 3, 0.125},
                                                                       {71, 3.125, 0.875},
                                                                       {69, 4, 0.9375},
                                                                       {71, 4.9375, 0.0625}});
  // Between chords and rests, around grace notes and decorations, each length scaled.
  require_notes(tune("[CE]>z G2 < {ab}!p!A", "X:1\nL:1/8\nK:C\n"),
                {{60, 0, 0.75}, {64, 0, 0.75}, {67, 1, 0.5}, {69, 1.5, 0.75}});
}

TEST_CASE("ABC: ties join notes of one pitch, in and across bars and chords", "[abc]") {
  require_notes(tune("C-C C2-|C D-E F- z F"),
                {{60, 0, 2}, {60, 2, 3}, {62, 5, 1}, {64, 6, 1}, {65, 7, 1}, {65, 9, 1}});
  require_notes(tune("[CE]-[CE] [C-E]C [CEG]-[CG]2 C.-C"), {{60, 0, 2},
                                                            {64, 0, 2},
                                                            {60, 2, 2},
                                                            {64, 2, 1},
                                                            {60, 4, 3},
                                                            {64, 4, 1},
                                                            {67, 4, 3},
                                                            {60, 7, 2}});
  // A tie over a repeat joins the notes as they are played.
  require_notes(tune("|: C- :| D"), {{60, 0, 2}, {62, 2, 1}});
}

TEST_CASE("ABC: chords last their first note's length, times their own", "[abc]") {
  require_notes(tune("[CEG] [C2E2G2] [CEG]2 [C2E]3/2 [c/e/]"), {{60, 0, 1},
                                                                {64, 0, 1},
                                                                {67, 0, 1},
                                                                {60, 1, 2},
                                                                {64, 1, 2},
                                                                {67, 1, 2},
                                                                {60, 3, 2},
                                                                {64, 3, 2},
                                                                {67, 3, 2},
                                                                {60, 5, 3},
                                                                {64, 5, 3},
                                                                {72, 8, 0.5},
                                                                {76, 8, 0.5}});
  require_notes(tune("[^F=Fc']"), {{65, 0, 1}, {66, 0, 1}, {84, 0, 1}});
  require_notes(tune("[!trill!C .E] [DD]"), {{60, 0, 1}, {64, 0, 1}, {62, 1, 1}, {62, 1, 1}});
}

TEST_CASE("ABC: tuplets (3, (p:q:r and the default q", "[abc]") {
  const double third = 1.0 / 3;
  require_notes(tune("(3CDE F (3:2:2G2A (3::2 z c d", "X:1\nL:1/8\nK:C\n"),
                {{60, 0, third},
                 {62, third, third},
                 {64, 2 * third, third},
                 {65, 1, 0.5},
                 {67, 1.5, 2 * third},
                 {69, 1.5 + 2 * third, third},
                 {72, 2.5 + third, third},
                 {74, 2.5 + 2 * third, 0.5}});
  // (5, (7 and (9 take q = 3 in compound meters, 2 otherwise; (2, (4, (6, (8 have their own.
  const auto first = [](const std::string& meter, const std::string& body) {
    return notes(decode_abc("X:1\nM:" + meter + "\nL:1/8\nK:C\n" + body, "t")).front().duration;
  };
  CHECK(first("4/4", "(5CDEFG") == Approx(0.2));
  CHECK(first("6/8", "(5CDEFG") == Approx(0.3));
  CHECK(first("12/8", "(7CDEFGAB") == Approx(1.5 / 7));
  CHECK(first("3/4", "(7CDEFGAB") == Approx(1.0 / 7));
  CHECK(first("4/4", "(2CD") == Approx(0.75));
  CHECK(first("4/4", "(4CDEF") == Approx(0.375));
  CHECK(first("6/8", "(6CDEFGA") == Approx(1.0 / 6));
  CHECK(first("4/4", "(8CDEFGABc") == Approx(0.1875));
  CHECK(first("4/4", "(9CDEFGABcd") == Approx(1.0 / 9));
  CHECK(first("4/4", "(3:4 CDE") == Approx(2.0 / 3));
  // Grace notes and decorations do not count as tuplet notes; a chord counts once.
  require_notes(tune("(3{g}C !p![DF] E G", "X:1\nL:1/8\nK:C\n"), {{60, 0, third},
                                                                  {62, third, third},
                                                                  {65, third, third},
                                                                  {64, 2 * third, third},
                                                                  {67, 1, 0.5}});
}

TEST_CASE("ABC: repeats and endings are played out in order", "[abc]") {
  const auto played = [](const std::string& body) {
    std::vector<int> out;
    for (const Note& n : notes(tune(body, "X:1\nM:2/4\nL:1/4\nK:C\n"))) {
      out.push_back(n.pitch);
    }
    return out;
  };
  // As abc2midi plays them (each checked against it while writing this test).
  CHECK(played("|: C D :| E F :| G A") == std::vector<int>{60, 62, 60, 62, 64, 65, 64, 65, 67, 69});
  CHECK(played("|: C D :: E F :| G A") == played("|: C D :| E F :| G A"));
  CHECK(played("|: C D :|: E F :| G A") == played("|: C D :| E F :| G A"));
  CHECK(played("|: C D :||: E F :| G A") == played("|: C D :| E F :| G A"));
  CHECK(played("C D || E F :| G A") == std::vector<int>{60, 62, 64, 65, 60, 62, 64, 65, 67, 69});
  CHECK(played("|: C D |1 E :|2 F |3 G :| A") == std::vector<int>{60, 62, 64, 60, 62, 65, 69});
  CHECK(played("|: C D |1 E :| [2 F :|3 G || A") ==
        std::vector<int>{60, 62, 64, 60, 62, 65, 60, 62, 67, 69});
  CHECK(played("C |: D |1 E :|2 F |: G |1 A :|2 B |]") ==
        std::vector<int>{60, 62, 64, 62, 65, 67, 69, 67, 71});
  CHECK(played("|: C D |1 E F :|2 G A |: B c :|") ==
        std::vector<int>{60, 62, 64, 65, 60, 62, 67, 69, 71, 72, 71, 72});
  CHECK(played("C D |[1 E :|[2 F |]") == std::vector<int>{60, 62, 64, 60, 62, 65});
  CHECK(played("|:C|1D:|2E|3F|]") == std::vector<int>{60, 62, 60, 64});
  CHECK(played("|: C |1,3 D :|2 E :|4 F |]") == std::vector<int>{60, 62, 60, 64, 60, 62, 60, 65});
  CHECK(played("|: A |1 B :| c d") == std::vector<int>{69, 71, 69, 72, 74});
  CHECK(played("|: A | [1 B :| [2 c :| [3 d |]") == std::vector<int>{69, 71, 69, 72, 69, 74});
  CHECK(played("|: C [1-2 D :| [3 E |]") == std::vector<int>{60, 62, 60, 62, 60, 64});
  // Where abc2midi departs from the standard (section 4.8): ::| plays three times, and a :|
  // after a finished ending goes back to the end of that repeated section, not to its start.
  CHECK(played("|: A ::| B") == std::vector<int>{69, 69, 69, 71});
  CHECK(played("|: A |1 B :|2 c || d e :| f") ==
        std::vector<int>{69, 71, 69, 72, 74, 76, 74, 76, 77});
  // Onsets follow the played order.
  require_notes(tune("|: C :| D2", "X:1\nM:2/4\nL:1/4\nK:C\n"),
                {{60, 0, 1}, {60, 1, 1}, {62, 2, 2}});
}

TEST_CASE("ABC: parts are played in the order the header's P: gives", "[abc]") {
  const auto played = [](const std::string& order, const std::string& body) {
    return pitches(decode_abc("X:1\nL:1/4\n" + order + "K:C\n" + body, "tune.abc"));
  };
  const std::string body = "C|\nP:A\nD E|\nP:B\n|: F :|\n[P:C] G|";
  CHECK(played("P:AABC\n", body) == std::vector<int>{60, 62, 64, 62, 64, 65, 65, 67});
  CHECK(played("P:(AB)2.C\n", body) == std::vector<int>{60, 62, 64, 65, 65, 62, 64, 65, 65, 67});
  CHECK(played("P:B3\n", body) == std::vector<int>{60, 65, 65, 65, 65, 65, 65});
  CHECK(played("", body) == std::vector<int>{60, 62, 64, 65, 65, 67});  // no order: as written
  CHECK(played("P:AB\n", "C D") == std::vector<int>{60, 62});           // no labels: as written
  CHECK(error_of("X:1\nP:AD\nK:C\nP:A\nC") ==
        "tune.abc: line 2: expected a part P:D in the tune, which the P: field plays");
}

TEST_CASE("ABC: the first voice, or the voice V: names", "[abc]") {
  const std::string chorale =
      "X:1\nM:4/4\nL:1/4\nV:S name=\"Soprano I\"\nV:B clef=bass transpose=-12\nK:G\n"
      "V:S\nG A B c|\nV:B\nG F E D|\nV:S\nd2 B2|]\n[V:B] G2 G,2|]\n";
  const Score soprano = decode_abc(chorale, "tune.abc");
  CHECK(pitches(soprano) == std::vector<int>{67, 69, 71, 72, 74, 71});
  CHECK(soprano.parts.front().name == "Soprano I");
  const Score bass = decode_abc(chorale, "tune.abc", {.voice = "B"});
  require_notes(bass, {{55, 0, 1}, {54, 1, 1}, {52, 2, 1}, {50, 3, 1}, {55, 4, 2}, {43, 6, 2}});
  CHECK(bass.parts.front().name == "B");
  CHECK(error_of(chorale, {.voice = "T"}) ==
        "tune.abc: expected a voice V:T in the tune (its voices: S, B)");
  // Voices only in the body: music before the first V: belongs to it (as abc2midi reads it).
  const std::string body_voices = "X:1\nL:1/4\nK:C\nC\nV:1\nE\nV:2 octave=1\nD\nV:1\nF [V:2] G";
  CHECK(pitches(decode_abc(body_voices)) == std::vector<int>{60, 64, 65});
  CHECK(pitches(decode_abc(body_voices, "t", {.voice = "2"})) == std::vector<int>{74, 79});
  CHECK(pitches(decode_abc("X:1\nK:C\nV:1\nC\nV:2\nD")) == std::vector<int>{60});
  // A voice keeps its own key and unit length.
  CHECK(pitches(decode_abc("X:1\nL:1/4\nK:C\nV:1\nK:D\nF\nV:2\nF\nV:1\nF", "t")) ==
        std::vector<int>{66, 66});
}

TEST_CASE(
    "ABC: decorations, grace notes, chord symbols, slurs, lyrics and comments are "
    "skipped",
    "[abc]") {
  const Score score = tune(
      "!trill!C .D ~E HF TG uA vB LMOPS c \"Am\"d \"^above\"e {ga}f ({/g}g a) +fermata+b "
      "!fermata!c' y ` $ !\nw: la la la\nW: words\n% a comment line\n%%MIDI program 40\n"
      "C D % a comment after music\nE & F G | A\ns: !f! * *\n+: continued\nT:a subtitle\n"
      "N:a note\nR:reel\nr:remark\n[r:inline] B \\\n c");
  CHECK(pitches(score) == std::vector<int>{60, 62, 64, 65, 67, 69, 71, 72, 74, 76, 77,
                                           79, 81, 83, 84, 60, 62, 64, 69, 71, 72});
  const std::vector<Note> n = notes(score);
  for (std::size_t i = 0; i < n.size(); ++i) {
    CHECK(n[i].start == static_cast<double>(i));  // no grace note takes time
    // H, +fermata+ and !fermata! put fermatas over F, b and c'; no other decoration does.
    CHECK(n[i].fermata == (i == 3 || i == 13 || i == 14));
  }
}

TEST_CASE("ABC: fermatas over notes and chords; an upbeat is the score's pickup", "[abc]") {
  const Score score = decode_abc(
      "X:1\nT:Chorale phrase\nM:4/4\nL:1/4\nK:G\n"
      "G | B A G A | HB2 B c | d c !fermata![A2c2]- | [Ac] z H z2 |]\n");
  CHECK(score.pickup == 1.0);  // one quarter before the first bar line
  const std::vector<Note> n = notes(score);
  std::vector<int> held;
  for (const Note& note : n) {
    if (note.fermata) {
      held.push_back(note.pitch);
      CHECK((note.duration == 2.0 || note.duration == 3.0));  // tied over the bar: still held
    }
  }
  CHECK(held == std::vector<int>{71, 69, 72});  // B (a half), then the chord A-C; not the rest
  // The sheet music opens with a measure 0 of one beat and prints the fermatas.
  const std::string xml = encode_musicxml(score);
  CHECK(xml.find("<measure number=\"0\" implicit=\"yes\">") != std::string::npos);
  std::size_t fermatas = 0;
  for (auto at = xml.find("<fermata"); at != std::string::npos; at = xml.find("<fermata", at + 1)) {
    ++fermatas;
  }
  CHECK(fermatas == 2);  // one per note or chord
  // No upbeat: a first bar as long as the meter's, or music starting on a bar line.
  CHECK(decode_abc("X:1\nM:3/4\nL:1/4\nK:C\nC D E | F G A |]").pickup == 0.0);
  CHECK(decode_abc("X:1\nM:3/4\nL:1/4\nK:C\n|: C D E :|").pickup == 0.0);
  CHECK(decode_abc("X:1\nM:3/4\nL:1/4\nK:C\n|: C | D E F :|").pickup == 1.0);
  // The fixture chorale: an upbeat after the opening repeat sign, fermatas at the line ends.
  const Score chorale = read_abc(fixtures / "chorale.abc");
  CHECK(chorale.pickup == 1.0);
  std::size_t lines_held = 0;
  for (const Note& note : chorale.parts.front().notes) {
    lines_held += note.fermata ? 1 : 0;
  }
  CHECK(lines_held == 6);  // H B and H G, sung twice, then H c and !fermata! G
  CHECK(decode_abc("X:1\nM:none\nL:1/4\nK:C\nC | D E F G").pickup == 0.0);
  CHECK(decode_abc("X:1\nM:6/8\nL:1/8\nK:D\nA | d2 d f2 f |]").pickup == 0.5);
}

TEST_CASE("ABC: inline fields change the key, unit, meter and voice mid-line", "[abc]") {
  require_notes(tune("F [K:D] F [L:1/8] F [M:6/8] (5CDEFG [Q:1/4=60] [I:x] G | [K:F exp] B"),
                {{65, 0, 1},
                 {66, 1, 1},
                 {66, 2, 0.5},
                 {61, 2.5, 0.3},
                 {62, 2.8, 0.3},
                 {64, 3.1, 0.3},
                 {66, 3.4, 0.3},
                 {67, 3.7, 0.3},
                 {67, 4.0, 0.5},
                 {71, 4.5, 0.5}});
  // Body fields on lines of their own.
  require_notes(tune("C\nL:1/8\nK:A\nM:3/4\nC Z\nD"), {{60, 0, 1}, {61, 1, 0.5}, {62, 4.5, 0.5}});
}

TEST_CASE("ABC: a melody for a primer, as a MIDI file's melody is read", "[abc]") {
  const std::string text = "X:1\nL:1/4\nK:C\nz [CE] z/ D/ E2- E | [G,D]";
  const Melody melody = decode_abc_melody(text);
  CHECK(melody == Melody{{64, 1}, {rest_pitch, 0.5}, {62, 0.5}, {64, 3}, {62, 1}});
  const NoteSequence sequence = notes_of(melody);
  CHECK(sequence.pitches == std::vector<int>{64, 62, 64, 62});
  CHECK(sequence.durations == std::vector<double>{1.5, 0.5, 3, 1});
  // The same tune through a MIDI file gives the same melody.
  const Score midi = decode_midi(encode_midi(decode_abc(text)));
  CHECK(melody_from_part(midi.parts.front()) == melody);
  // From a file, with the tune and voice chosen.
  const Melody bass = read_abc_melody(fixtures / "chorale.abc", {.tune = 1, .voice = "B"});
  CHECK(bass.front() == MelodyEvent{55, 1});
  CHECK(notes_of(read_abc_melody(fixtures / "jig.abc")).size() == 166);
}

TEST_CASE("ABC: bad input is a FormatError naming the source, line, column and what was expected",
          "[abc]") {
  const std::string h = "X:1\nT:t\nM:4/4\nL:1/4\nK:C\n";
  const auto at6 = [&](const std::string& body) { return error_of(h + body); };
  const std::string line6 = "tune.abc: line 6, column ";
  CHECK(at6("C D # E") ==
        line6 + "5: expected a note, rest, chord, bar line or decoration, found '#'");
  CHECK(at6("C D\x01") ==
        line6 + "4: expected a note, rest, chord, bar line or decoration, found '\\x01'");
  CHECK(at6("C D H| ^/C") == line6 +
                                 "8: expected a sharp, flat or natural: microtonal "
                                 "accidentals such as ^/c are not supported");
  CHECK(at6("C D _3/2E") == line6 +
                                "5: expected a sharp, flat or natural: microtonal "
                                "accidentals such as ^/c are not supported");
  CHECK(at6("^ C") == line6 +
                          "2: expected a note letter A-G or a-g after the accidental, "
                          "found ' '");
  CHECK(at6("[CEG C") == line6 + "1: expected a ']' closing the chord on the same line");
  CHECK(at6("[] C") == line6 + "1: expected a note inside the chord");
  CHECK(at6("[CE z]") == line6 + "5: expected a note or the ']' closing the chord, found 'z'");
  CHECK(at6("{ga C") == line6 + "1: expected a '}' closing the grace notes on the same line");
  CHECK(at6("\"Am C") ==
        line6 + "1: expected a '\"' closing the chord symbol or annotation on the same line");
  CHECK(at6("C +trill D") == line6 + "3: expected a '+' closing the decoration on the same line");
  CHECK(at6("> C") == line6 + "1: expected a note or rest before the broken rhythm '>'");
  CHECK(at6("C> | D") == line6 + "4: expected a note after the broken rhythm, before the bar line");
  CHECK(at6("C>>>>D") == line6 + "2: expected at most three '>'");
  CHECK(at6("C D>") == line6 +
                           "4: expected a note after the broken rhythm, found the end of the "
                           "tune");
  CHECK(at6("(3 C (3 D E F") == line6 +
                                    "6: expected the tuplet before this one to end first "
                                    "(tuplets inside tuplets are not supported)");
  CHECK(at6("(0CDE") ==
        line6 + "1: expected a tuplet (p:q:r of positive numbers, such as (3 or (3:2:3)");
  CHECK(at6("(99CDE") == line6 + "2: expected a tuplet of notes of at most 64");
  CHECK(at6("c'''''''") == line6 +
                               "1: expected a pitch inside MIDI's 0..127, found 156 for "
                               "'c''''''''");
  CHECK(at6("C,,,,,,") == line6 +
                              "1: expected a pitch inside MIDI's 0..127, found -12 for "
                              "'C,,,,,,'");
  CHECK(at6("[K:C transpose=48] g''") ==
        line6 + "20: expected a pitch inside MIDI's 0..127, found 151 for 'g'''");
  CHECK(at6("C0") == line6 + "2: expected a positive note length (A0 is none)");
  CHECK(at6("C/0") == line6 + "3: expected a positive note length (/0 divides by nothing)");
  CHECK(at6("C99999") == line6 + "2: expected a note length of at most 9999");
  CHECK(at6("C/9999/9999/9999/9999/9999") ==
        line6 + "2: expected a note length that fits in 64-bit fractions");
  // A fuzzer's finding: B/////...(57 halvings) fits in 64 bits but, as a double, ends where
  // it starts twenty bars in. The limit: 1/262144 of a whole note (L:1/4 here, so /256/256 is
  // the shortest).
  CHECK_NOTHROW(decode_abc(h + "C/256/256 D", "tune.abc"));
  CHECK(at6("C/256/256/2") ==
        line6 + "1: expected a note length of at least 1/262144 of a whole note (the lengths "
                "and tuplets before it make it too fine)");
  CHECK(at6("C/////////////////") ==
        line6 + "1: expected a note length of at least 1/262144 of a whole note (the lengths "
                "and tuplets before it make it too fine)");
  CHECK(at6("[0 C") == line6 + "2: expected an ending's numbers 1..64, such as 1, 2, 1,3 or 1-3");
  CHECK(at6("[2-1 C") == line6 +
                             "2: expected an ending's numbers 1..64, such as 1, 2, 1,3 or "
                             "1-3");
  CHECK(at6("|65 C") == line6 + "2: expected an ending number of at most 64");
  CHECK(at6("C : D") == line6 +
                            "3: expected a bar line (a ':' stands beside '|', as in |: or "
                            ":|)");
  CHECK(at6("C ] D") ==
        line6 + "3: expected a note, rest, chord, bar line or decoration, found ']'");
  CHECK(at6("C - D") ==
        line6 + "3: expected a note, rest, chord, bar line or decoration, found '-'");
  CHECK(at6("C [K:C") == line6 + "3: expected a ']' closing the inline field");
  CHECK(at6("Z2 [M:none] Z") == line6 + "13: expected a meter (M:) for the whole-bar rest 'Z'");
  CHECK(at6("[P:a]") == line6 + "4: expected a part label A-Z after P:, found 'a'");
  CHECK(at6("[V:]") == line6 + "4: expected a voice id after V:");
  // Field values.
  CHECK(at6("[K:H]") == line6 +
                            "4: expected a key (such as G, Dm, Ador or F#mix), accidentals "
                            "such as ^f, exp, a clef or a parameter name=value, found 'H'");
  CHECK(at6("[K:D ^x]") ==
        line6 + "6: expected an accidental and a note letter, such as ^f or _B, found '^x'");
  CHECK(at6("[K:C transpose=x]") == line6 + "16: expected semitones -48..48 after transpose=");
  CHECK(at6("[K:C octave=9]") == line6 + "13: expected an octave -4..4 after octave=");
  CHECK(at6("[M:4/3]") == line6 +
                              "6: expected a meter with 1..255 beats of a power-of-two note "
                              "value 1..128");
  CHECK(at6("[L:0]") == line6 + "4: expected a unit note length such as 1/8, found '0'");
  CHECK(at6("[Q:1/4=]") == line6 +
                               "8: expected a tempo such as 1/4=120, found the end of the "
                               "line");
  CHECK(at6("[Q:1/4]") ==
        line6 + "7: expected '=' and a number of beats a minute after the beat, as in 1/4=120");
  CHECK(at6("[Q:fast]") == line6 + "4: expected a tempo such as 1/4=120, found 'f'");
  const auto at2 = [](const std::string& field) { return error_of("X:1\n" + field + "\nK:C\nC"); };
  CHECK(at2("M:3/4 4/4") ==
        "tune.abc: line 2, column 6: expected a meter such as 6/8, C, C|, "
        "none or (2+3+2)/8, found ' '");
  CHECK(at2("M:(2+3/8") ==
        "tune.abc: line 2, column 7: expected ')' closing the meter's numerator, found '/'");
  CHECK(at2("M:256/4") == "tune.abc: line 2, column 3: expected a beat count of at most 255");
  CHECK(at2("K:Gxyz") ==
        "tune.abc: line 2, column 4: expected a mode after the key's tonic "
        "(major, minor, m, ionian, dorian, phrygian, lydian, mixolydian, aeolian "
        "or locrian), found 'x'");
  CHECK(at2("K:G#") ==
        "tune.abc: line 2, column 3: expected a key with at most 7 sharps or flats, found 'G#'");
  CHECK(at2("K:Fbm") ==
        "tune.abc: line 2, column 3: expected a key with at most 7 sharps or flats, found 'Fbm'");
  CHECK(at2("L:1/5000") == "tune.abc: line 2, column 5: expected a note length of at most 4096");
  CHECK(at2("Q:\"Allegro") ==
        "tune.abc: line 2, column 3: expected a '\"' closing the tempo's "
        "text");
  CHECK(at2("Q:1/4=120 x") ==
        "tune.abc: line 2, column 11: expected a tempo such as 1/4=120, found 'x'");
  CHECK(at2("P:A(B") == "tune.abc: line 2, column 6: expected a ')' closing the group of parts");
  CHECK(at2("P:a") ==
        "tune.abc: line 2, column 3: expected a part order such as ABAB, A2B or "
        "(AB)3C, found 'a'");
  CHECK(at2("%%propagate-accidentals sometimes") ==
        "tune.abc: line 2, column 25: expected propagate-accidentals not, octave or pitch, found "
        "'s'");
  // The header and the tune.
  CHECK(error_of("X:1\nT:t\nC D") ==
        "tune.abc: line 3, column 1: expected a header field such as T:, M:, L: or K: (the "
        "header ends with K:, before the music), found 'C'");
  CHECK(error_of("X:1\nT:t\n\nK:C\nC") ==
        "tune.abc: line 2: expected a K: field ending the tune header, found the end of the tune");
  CHECK(error_of("") == "tune.abc: expected a tune, but the text has no X: field and no music");
  CHECK(error_of("K:C\nC", {.tune = 4}) ==
        "tune.abc: expected a tune X:4, but the text has no X: field");
  // Nothing but FormatError, and IoError for a file that is not there.
  CHECK_THROWS_AS(decode_abc("X:1\nK:C\n\xff"), FormatError);
  CHECK_THROWS_WITH(read_abc(fixtures / "no_such_tune.abc"),
                    Catch::Contains("no_such_tune.abc: cannot open for reading"));
  CHECK_THROWS_AS(read_abc(fixtures / "no_such_tune.abc"), IoError);
}

TEST_CASE("ABC: limits on size, notes, numbers and exact arithmetic", "[abc]") {
  // Text above max_bytes is refused before it is read, from memory or from a file.
  CHECK(error_of("X:1\nK:C\nC D E F G", {.max_bytes = 10}) ==
        "tune.abc: 17 bytes, above the limit of 10 (AbcOptions::max_bytes)");
  const fs::path jig = fixtures / "jig.abc";
  CHECK_THROWS_WITH(read_abc(jig, {.max_bytes = 100}),
                    jig.string() + ": " + std::to_string(fs::file_size(jig)) +
                        " bytes, above the limit of 100 (AbcOptions::max_bytes)");
  // Notes and rests as written, and as played out: repeats cannot multiply them unseen.
  CHECK(error_of("X:1\nK:C\nC D E z G", {.max_notes = 4}) ==
        "tune.abc: line 3, column 9: expected at most 4 notes and rests in a tune "
        "(AbcOptions::max_notes)");
  CHECK(error_of("X:1\nK:C\n|: C D :|", {.max_notes = 3}) ==
        "tune.abc: line 3, column 6: expected a tune that plays out in at most 3 notes "
        "(AbcOptions::max_notes)");
  CHECK(pitches(decode_abc("X:1\nK:C\n|: C D :|", "t", {.max_notes = 4})).size() == 4);
  // Rests played out are bounded too: 990 parts of 8 rests are more steps than 4 × 10 + 4096.
  CHECK(error_of("X:1\nP:(A99)10\nK:C\nP:A\nz z z z z z z z|", {.max_notes = 10}) ==
        "tune.abc: line 5, column 1: expected a tune that plays out in at most 10 notes and "
        "rests (AbcOptions::max_notes)");
  // Voices are copies of the reading state: at most 64, in the header or the body.
  std::string voices = "X:1\nK:C\n";
  for (int i = 1; i <= 65; ++i) {
    voices += "V:" + std::to_string(i) + "\nC\n";
  }
  CHECK(error_of(voices) == "tune.abc: line 131, column 3: expected at most 64 voices in a tune");
  std::string declared = "X:1\n";
  for (int i = 1; i <= 65; ++i) {
    declared += "V:" + std::to_string(i) + "\n";
  }
  CHECK(error_of(declared + "K:C\nC") ==
        "tune.abc: line 66, column 3: expected at most 64 voices in a tune");
  // Tuplets of seventeen primes: the onsets' denominators outgrow 64 bits, and say so.
  std::string primes = "X:1\nL:1\nK:C\n";
  for (const int p : {3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61}) {
    primes += "(" + std::to_string(p) + ":1:1 C ";
  }
  CHECK(error_of(primes) ==
        "tune.abc: line 4, column 146: expected a tune shorter than 2^20 "
        "whole notes whose times fit in 64-bit fractions");
  // Lengths that would pass 2^20 whole notes.
  CHECK(error_of("X:1\nM:255/1\nK:C\nZ9999 Z9999 Z9999 Z9999 Z9999 Z9999") ==
        "tune.abc: line 4, column 1: expected a tune shorter than 2^20 whole notes whose times "
        "fit in 64-bit fractions");
  // A long tune within the limits is read in linear time.
  std::string reel = "X:1\nM:C|\nL:1/8\nK:D\n";
  for (int bar = 0; bar < 10000; ++bar) {
    reel += bar % 8 == 0 ? "|:" : "";
    reel += "(3ABA dfed ^cB=cA" + std::string(bar % 8 == 7 ? ":|\n" : "|");
  }
  CHECK(decode_abc(reel, "reel", {.max_notes = 250000}).note_count() == 10000 * 11 * 2);
  CHECK_THROWS_WITH(decode_abc(reel), Catch::Contains("in at most 200000 notes"));
}

TEST_CASE("ABC: the fixtures cut at every byte, or with bytes changed, read or give FormatError",
          "[abc]") {
  std::uint32_t state = 12345;
  const auto next = [&] {
    state = state * 1664525U + 1013904223U;
    return state >> 8U;
  };
  static constexpr std::string_view pieces = "|:[]()<>-/^_=,'\"!{}%2357ABCzZxK\n ";
  int read = 0;
  int refused = 0;
  for (const char* name :
       {"chorale.abc", "jig.abc", "reel.abc", "hornpipe.abc", "lament.abc", "tunes.abc"}) {
    const std::string text = read_file(fixtures / name);
    const auto attempt = [&](const std::string& changed) {
      try {
        const Score score = decode_abc(changed, name, {.max_notes = 20000});
        for (const Note& n : score.parts.front().notes) {
          require_valid(n);
        }
        ++read;
      } catch (const FormatError&) {
        ++refused;
      }
    };
    for (std::size_t cut = 0; cut <= text.size(); ++cut) {
      attempt(text.substr(0, cut));
    }
    for (int trial = 0; trial < 1500; ++trial) {
      std::string changed = text;
      for (int k = 0; k < 1 + static_cast<int>(next() % 3); ++k) {
        changed[next() % changed.size()] = pieces[next() % pieces.size()];
      }
      attempt(changed);
    }
  }
  CHECK(read > 1000);
  CHECK(refused > 1000);
}

}  // namespace abc_test

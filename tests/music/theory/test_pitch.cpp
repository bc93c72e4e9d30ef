// Tests of bachprop/music/theory/pitch.hpp: names, frequencies, pitch classes and the note-string
// parser, including the inputs the fuzzer (fuzz/fuzz_notes.cpp) and its review found.

#include "helpers.hpp"

#include <bachprop/music/score/stream.hpp>
#include <bachprop/music/theory/pitch.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace bachprop;
using namespace bachprop::music;
using Catch::Matchers::Contains;

TEST_CASE("pitch names follow scientific pitch notation", "[pitch]") {
  CHECK(parse_pitch("C4") == 60);
  CHECK(parse_pitch("A4") == 69);
  CHECK(parse_pitch("C#4") == 61);
  CHECK(parse_pitch("Db4") == 61);
  CHECK(parse_pitch("B3") == 59);
  CHECK(parse_pitch("C-1") == 0);
  CHECK(parse_pitch("G9") == 127);
  CHECK(parse_pitch("c4") == 60);  // lower-case letters are accepted
  // The octave number belongs to the letter: B#3 is C4's key and Cb4 is B3's.
  CHECK(parse_pitch("B#3") == 60);
  CHECK(parse_pitch("Cb4") == 59);
  CHECK(parse_pitch("E#4") == 65);
  CHECK(parse_pitch("Fb4") == 64);
  CHECK(pitch_name(60) == "C4");
  CHECK(pitch_name(61) == "C#4");
  CHECK(pitch_name(70) == "A#4");
  CHECK(pitch_name(0) == "C-1");
  CHECK(pitch_name(127) == "G9");
  for (int p = 0; p <= 127; ++p) {
    CHECK(parse_pitch(pitch_name(p)) == p);
  }
  CHECK_THROWS_AS(pitch_name(128), ArgumentError);
  CHECK_THROWS_AS(pitch_name(-1), ArgumentError);
}

TEST_CASE("bad pitch names are refused with the text quoted", "[pitch][errors]") {
  CHECK_THROWS_WITH(parse_pitch("H4"), Catch::Contains("'H4'") && Catch::Contains("A-G"));
  CHECK_THROWS_WITH(parse_pitch("C"), Catch::Contains("octave number"));
  CHECK_THROWS_WITH(parse_pitch("C##4"), Catch::Contains("'C##4'"));
  CHECK_THROWS_WITH(parse_pitch("C4x"), Catch::Contains("octave"));
  CHECK_THROWS_WITH(parse_pitch("G#9"), Catch::Contains("MIDI range"));
  CHECK_THROWS_WITH(parse_pitch("Cb-1"), Catch::Contains("MIDI range"));
  CHECK_THROWS_WITH(parse_pitch("C12"), Catch::Contains("-1..9"));
  CHECK_THROWS_AS(parse_pitch(""), FormatError);
}

TEST_CASE("pitch classes and octaves", "[pitch]") {
  CHECK(pitch_class(60) == 0);
  CHECK(pitch_class(71) == 11);
  CHECK(pitch_class(-1) == 11);
  CHECK(pitch_class(-12) == 0);
  CHECK(octave_of(60) == 4);
  CHECK(octave_of(59) == 3);
  CHECK(octave_of(0) == -1);
  CHECK(pitch_class_name(1) == "C#");
}

TEST_CASE("frequencies in equal temperament, A4 = 440 Hz", "[pitch]") {
  CHECK(frequency(69) == Approx(440.0).epsilon(1e-12));
  CHECK(frequency(81) == Approx(880.0).epsilon(1e-12));
  CHECK(frequency(57) == Approx(220.0).epsilon(1e-12));
  CHECK(frequency(60) == Approx(261.6255653).epsilon(1e-9));
  CHECK(frequency(0) == Approx(8.1757989).epsilon(1e-7));
  for (int p = 0; p <= 127; ++p) {
    const auto back = nearest_pitch(frequency(p));
    CHECK(back.pitch == p);
    CHECK(std::abs(back.cents) < 1e-6);
  }
  // 450 Hz is 38.9 cents above A4: 1200·log2(450/440).
  const auto sharp = nearest_pitch(450.0);
  CHECK(sharp.pitch == 69);
  CHECK(sharp.cents == Approx(38.9057).epsilon(1e-5));
  const auto flat = nearest_pitch(430.0);
  CHECK(flat.pitch == 69);
  CHECK(flat.cents == Approx(-39.8002).epsilon(1e-5));
  CHECK_THROWS_AS(nearest_pitch(0.0), ArgumentError);
  CHECK_THROWS_AS(nearest_pitch(-5.0), ArgumentError);
  CHECK_THROWS_AS(nearest_pitch(20000.0), ArgumentError);
  CHECK_THROWS_AS(nearest_pitch(std::nan("")), ArgumentError);
}

TEST_CASE("the note-string parser reads pitches, chords, rests and durations", "[pitch]") {
  const auto events = parse_notes("C4 D4/8 E4/4. R/2 G4:1.5 C4.E4.G4/1 r  F#3/16..");
  REQUIRE(events.size() == 8);
  CHECK(events[0].pitches == std::vector<int>{60});
  CHECK(events[0].quarter_length == 1.0);
  CHECK(events[1].pitches == std::vector<int>{62});
  CHECK(events[1].quarter_length == 0.5);
  CHECK(events[2].quarter_length == 1.5);
  CHECK(events[3].is_rest());
  CHECK(events[3].quarter_length == 2.0);
  CHECK(events[4].pitches == std::vector<int>{67});
  CHECK(events[4].quarter_length == 1.5);
  CHECK(events[5].pitches == std::vector<int>{60, 64, 67});
  CHECK(events[5].quarter_length == 4.0);
  CHECK(events[6].is_rest());
  CHECK(events[6].position == 36);
  CHECK(parse_notes("F#3/16..")[0].quarter_length == 0.25 * 1.75);
  CHECK(parse_notes("C4 D4", 0.5)[1].quarter_length == 0.5);
  CHECK(parse_notes("   ").empty());
  CHECK(parse_notes("C4 D4 | E4/2 |").size() == 3);  // bar lines are skipped
  CHECK(parse_notes("C4 | D4")[1].position == 5);
}

TEST_CASE("a bad token is reported with its position", "[pitch][errors]") {
  CHECK_THROWS_WITH(parse_notes("C4 D4 X4 E4"),
                    Catch::Contains("position 6") && Catch::Contains("'X4'"));
  CHECK_THROWS_WITH(parse_notes("C4 D4/3"),
                    Catch::Contains("position 3") && Catch::Contains("/1, /2, /4"));
  CHECK_THROWS_WITH(parse_notes("C4:0"), Catch::Contains("positive length"));
  CHECK_THROWS_WITH(parse_notes("C4:-1"), Catch::Contains("position 0"));
  CHECK_THROWS_WITH(parse_notes("C4:abc"), Catch::Contains("positive length"));
  CHECK_THROWS_WITH(parse_notes("C4 C4.Q4"),
                    Catch::Contains("position 3") && Catch::Contains("'Q4'"));
  CHECK_THROWS_WITH(parse_notes("C4.. "), Catch::Contains("position 0"));
  CHECK_THROWS_WITH(parse_notes("C4/4..."), Catch::Contains("two dots"));
  CHECK_THROWS_WITH(parse_notes("C4/"), Catch::Contains("/1, /2"));
  CHECK_THROWS_AS(parse_notes("C4", 0.0), ArgumentError);
}

TEST_CASE("note strings: empty and blank input, bar lines alone, and huge lengths",
          "[pitch][errors]") {
  CHECK(parse_notes("").empty());
  CHECK(parse_notes(" \t\n| |").empty());
  CHECK_THROWS_WITH(parse_notes("C4:1e7"), Contains("position 0") && Contains("positive length"));
  CHECK_THROWS_WITH(parse_notes("C4:inf"), Contains("positive length"));
  CHECK_THROWS_WITH(parse_notes("C4:nan"), Contains("positive length"));
  CHECK_THROWS_WITH(parse_notes("C4 ."),
                    Contains("position 3") && Contains("expected a pitch name, found none"));
  CHECK_THROWS_WITH(parse_pitch("C\xC3\xA9" "4"), Contains("octave number"));
  // A NUL in the text is quoted as \x00: it would cut the message short where it is printed.
  CHECK_THROWS_WITH(parse_pitch(std::string("C\0" "4", 3)),
                    Contains("pitch name 'C\\x004': expected an octave number"));
  CHECK_THROWS_WITH(parse_notes(std::string("C4 D\x01", 5)), Contains("token 'D\\x01'"));
  CHECK_THROWS_WITH(parse_notes("C4 " + std::string(100, 'X')),
                    Contains("token '" + std::string(40, 'X') + "...'"));
  Stream stream;
  CHECK_THROWS_AS(stream.append("C4 D4 X9"), FormatError);
  CHECK(stream.part().notes.empty());  // nothing of a bad string is appended
}

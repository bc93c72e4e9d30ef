// Regression tests for what the fuzzers (fuzz/fuzz_chorales_json.cpp, fuzz_chorales_lisp.cpp,
// fuzz_midi.cpp, fuzz_notes.cpp) and the review around them found in the music loaders, and for
// the rows of docs/robustness.md that no other test covered. Every bad input is built here.

#include "helpers.hpp"

#include <bachprop/music/score/midi_read.hpp>
#include <bachprop/music/score/midi_write.hpp>
#include <bachprop/music/corpora.hpp>
#include <bachprop/music/theory/pitch.hpp>
#include <bachprop/music/score/stream.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <string>

using namespace bachprop;
using namespace bachprop::music;
using Catch::Matchers::Contains;

namespace {


const std::string uci_event = "((st 0) (pitch 60) (dur 4) (keysig 0) (timesig 16) (fermata 0))";

}  // namespace

TEST_CASE("JSB JSON: a number beyond a double's range is a FormatError naming the file",
          "[chorales][errors][fuzz]") {
  // Found by fuzz_chorales_json: nlohmann's out_of_range for 61e394 escaped the loader.
  const std::string message = test::format_error_of([] {
    parse_jsb_chorales(R"({"train": [[[60, 61e394, 67]]], "valid": [], "test": []})",
                       "bad-16th.json");
  });
  CHECK_THAT(message, Contains("bad-16th.json: malformed JSON"));
  CHECK_THAT(message, Contains("number overflow parsing '61e394'"));
}

TEST_CASE("JSB JSON: a pitch nested 100,000 lists deep is refused without recursion",
          "[chorales][errors]") {
  // The error message quoted the value with dump(), which recursed 100,000 levels deep and
  // overflowed the stack.
  const std::string deep = std::string(100000, '[') + "60" + std::string(100000, ']');
  const std::string text = R"({"train": [[[60, )" + deep + R"(]]], "valid": [], "test": []})";
  CHECK_THAT(test::format_error_of([&] { parse_jsb_chorales(text, "deep-16th.json"); }),
             Contains("deep-16th.json: train[0][0][1]: expected a MIDI pitch") &&
                 Contains("got a list"));
  // A long string is named, not copied into the message.
  const std::string long_string =
      R"({"train": [[[")" + std::string(10000, 'x') + R"("]]], "valid": [], "test": []})";
  const std::string message =
      test::format_error_of([&] { parse_jsb_chorales(long_string, "long-16th.json"); });
  CHECK_THAT(message, Contains("got a string"));
  CHECK(message.size() < 300);
}

TEST_CASE("UCI Lisp: an event ending beyond the time limit is refused, not overflowed",
          "[chorales][errors][fuzz]") {
  // st + dur overflowed int (UBSan: signed integer overflow) when the next event was checked.
  const std::string text =
      "(1 ((st 2147483647) (pitch 60) (dur 1) (keysig 0) (timesig 16) (fermata 0)) " +
      uci_event + ")";
  CHECK_THAT(test::format_error_of([&] { parse_uci_chorales(text, "bad.lisp"); }),
             Contains("bad.lisp: line 1") &&
                 Contains("an event ending by sixteenth 1048576, found st 2147483647 and dur 1"));
  CHECK_THROWS_AS(
      parse_uci_chorales("(1 ((st 0) (pitch 60) (dur 2147483647) (keysig 0) (timesig 16) "
                         "(fermata 0)))",
                         "bad.lisp"),
      FormatError);
  // The limit is far beyond any chorale: an event ending exactly there is read.
  const auto read = parse_uci_chorales(
      "(1 ((st 1048572) (pitch 60) (dur 4) (keysig 0) (timesig 16) (fermata 0)))", "ok.lisp");
  REQUIRE(read.size() == 1);
  CHECK(read[0].events[0].start == 1048572);
}

TEST_CASE("MIDI: what the reader accepts, the writer writes and the reader reads back",
          "[midi][fuzz]") {
  // fuzz_midi's property, on a file with running status, a zero-length note, a note never
  // released and an unknown chunk.
  const std::string track = std::string("\x00\x90\x3C\x40", 4) +  // C4 on
                            std::string("\x60\x3E\x40", 3) +      // D4 on, running status
                            std::string("\x00\x3E\x00", 3) +      // D4 off at once: dropped
                            std::string("\x60\x80\x3C\x00", 4) +  // C4 off
                            std::string("\x00\x90\x3E\x40", 4) +  // D4 on, never released
                            std::string("\x60\xFF\x2F\x00", 4);   // end of track
  std::string file = std::string("MThd\x00\x00\x00\x06\x00\x00\x00\x01\x01\xE0", 14) +
                     std::string("XTRA\x00\x00\x00\x02zz", 10) + "MTrk";
  file += std::string{static_cast<char>(0), static_cast<char>(0), static_cast<char>(0),
                      static_cast<char>(track.size())} +
          track;
  const Score score = decode_midi(file, "odd.mid");
  REQUIRE(score.parts.size() == 1);
  CHECK(score.parts[0].notes.size() == 2);  // C4, and D4 ended with its track
  const Score again = decode_midi(encode_midi(score), "again.mid");
  REQUIRE(again.parts.size() == 1);
  CHECK(again.parts[0].notes == score.parts[0].notes);
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

TEST_CASE("MIDI: a file of 100,000 notes never released is read in linear time",
          "[midi][errors]") {
  // Each note off searched every sounding note, and a file of 100,000 note ons then 100,000
  // unmatched note offs (800 KB) took minutes: a note off now finds its note at once.
  std::string track;
  for (int i = 0; i < 100000; ++i) {
    track += std::string("\x00\x90\x3C\x40", 4);  // C4 on
  }
  for (int i = 0; i < 100000; ++i) {
    track += std::string("\x00\x80\x3D\x40", 4);  // C#4 off: nothing to release
  }
  track += std::string("\x01\xFF\x2F\x00", 4);
  const auto length = static_cast<std::uint32_t>(track.size());
  std::string file = std::string("MThd\x00\x00\x00\x06\x00\x00\x00\x01\x01\xE0", 14) + "MTrk";
  for (int shift = 24; shift >= 0; shift -= 8) {
    file.push_back(static_cast<char>((length >> static_cast<unsigned>(shift)) & 0xFFU));
  }
  file += track;
  const auto started = std::chrono::steady_clock::now();
  const Score score = decode_midi(file, "many.mid");
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
  REQUIRE(score.parts.size() == 1);
  CHECK(score.parts[0].notes.size() == 100000);  // each ends with the track, one tick later
  CHECK(elapsed.count() < 5.0);
}

TEST_CASE("JSB JSON: an unknown grid and a forced layout that does not fit are refused",
          "[chorales][errors]") {
  const std::string text = R"({"train": [[[60, 64, 67]]], "valid": [], "test": []})";
  CHECK_THROWS_AS(parse_jsb_chorales(text, "chorales.json"), ArgumentError);
  CHECK_THROWS_WITH(parse_jsb_chorales(text, "chorales.json"),
                    Contains("chorales.json: cannot tell the grid from the file name"));
  CHECK(parse_jsb_chorales(text, "chorales.json", {.steps_per_quarter = 2}).steps_per_quarter ==
        2);
  CHECK_THROWS_WITH(parse_jsb_chorales(text, "x-16th.json", {.layout = 1}),
                    Contains("x-16th.json: the separated layout needs exactly four voices"));
}

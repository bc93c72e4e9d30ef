// Tests of bachprop/music/corpora/uci.hpp: small UCI documents written here (real durations, rests
// from gaps, keys and fermatas), every malformed form refused with line and column (including
// what the fuzzer, fuzz/fuzz_chorales_lisp.cpp, found), and the real file (skipped where
// ../shared/data is absent).

#include "helpers.hpp"

#include <bachprop/music/corpora.hpp>
#include <bachprop/music/corpora/uci.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

using namespace bachprop;
using namespace bachprop::music;
using Catch::Matchers::Contains;
using test::shared_data;
namespace fs = std::filesystem;

namespace {

const char* uci_doc =
    "(1 ((st 8) (pitch 67) (dur 4) (keysig 1) (timesig 12) (fermata 0))"
    "((st 12) (pitch 71) (dur 8) (keysig 1) (timesig 12) (fermata 0))"
    "((st 24) (pitch 74) (dur 4) (keysig 1) (timesig 12) (fermata 1))"
    "((st 28) (pitch 67) (dur 12) (keysig 1) (timesig 12) (fermata 1)))\n\n"
    "(5 ((st 0) (pitch 60) (dur 2) (keysig 0) (timesig 16) (fermata 0)))\n";

const std::string uci_event = "((st 0) (pitch 60) (dur 4) (keysig 0) (timesig 16) (fermata 0))";

}  // namespace

TEST_CASE("UCI chorales: real durations, rests from gaps, keys and fermatas", "[chorales]") {
  const auto chorales = parse_uci_chorales(uci_doc, "mini.lisp");
  REQUIRE(chorales.size() == 2);
  CHECK(chorales[0].id == 1);
  CHECK(chorales[0].events.size() == 4);
  CHECK(chorales[0].events[2] == UciEvent{24, 74, 4, 1, 12, true});
  // The gap 20..24 is an eighth rest; the upbeat before 8 is not a rest.
  CHECK(chorales[0].melody() ==
        Melody{{67, 1.0}, {71, 2.0}, {rest_pitch, 1.0}, {74, 1.0}, {67, 3.0}});
  CHECK(chorales[0].fermatas() == std::vector<bool>{false, false, false, true, true});
  CHECK(chorales[0].time_signature() == TimeSignature{3, 4});
  CHECK(chorales[0].key_signature() == KeySignature{1, Mode::major});  // G B D G: G major
  const Score score = chorales[0].to_score();
  CHECK(score.parts[0].notes.front().start == 2.0);
  CHECK(score.time_signature == TimeSignature{3, 4});
  CHECK(chorales[1].time_signature() == TimeSignature{4, 4});
}

TEST_CASE("malformed UCI Lisp is refused with line and column", "[chorales][errors]") {
  auto fails = [](const std::string& text, const std::string& expected) {
    INFO(text);
    CHECK_THROWS_AS(parse_uci_chorales(text, "bad.lisp"), FormatError);
    CHECK_THROWS_WITH(parse_uci_chorales(text, "bad.lisp"),
                      Catch::Contains("bad.lisp: line") && Catch::Contains(expected));
  };
  const std::string event = "((st 0) (pitch 60) (dur 4) (keysig 0) (timesig 16) (fermata 0))";
  fails("(1 " + event, "file ends");
  fails("\n\n(x " + event + ")", "line 3, column 2");
  fails("(1 ((st 0) (pitch 60) (dur 4) (keysig 0) (timesig 16)))", "'fermata'");
  fails("(1 ((st 0) (pich 60) (dur 4) (keysig 0) (timesig 16) (fermata 0)))", "found 'pich'");
  fails("(1 ((st 0) (pitch 200) (dur 4) (keysig 0) (timesig 16) (fermata 0)))", "pitch 0..127");
  fails("(1 ((st 0) (pitch 60) (dur 0) (keysig 0) (timesig 16) (fermata 0)))", "dur > 0");
  fails("(1 ((st 0) (pitch 60) (dur 4) (keysig 9) (timesig 16) (fermata 0)))", "keysig");
  fails("(1 ((st 0) (pitch 60) (dur 4) (keysig 0) (timesig 16) (fermata 2)))", "fermata 0 or 1");
  fails("(1 " + event + "((st 2) (pitch 60) (dur 4) (keysig 0) (timesig 16) (fermata 0)))",
        "found st 2");
  fails("(1 " + event + "((st 4) (pitch 60) (dur 4) (keysig 1) (timesig 16) (fermata 0)))",
        "same keysig");
  fails("(1 ((st 0) (pitch 99999999999) (dur 4) (keysig 0) (timesig 16) (fermata 0)))",
        "integer");
  fails(")", "'('");
  CHECK(parse_uci_chorales("  \n ", "empty.lisp").empty());
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

TEST_CASE("real data: the UCI file has 100 chorales and 4,693 events", "[chorales][data]") {
  const fs::path file = shared_data / "bach-chorales-uci" / "chorales.lisp";
  if (!fs::exists(file)) {
    WARN("skipped: no UCI chorales at " << file.string());
    return;
  }
  const auto chorales = load_uci_chorales(file);
  CHECK(chorales.size() == 100);
  std::size_t events = 0;
  std::size_t fermatas = 0;
  std::size_t three_four = 0;
  std::size_t gaps = 0;
  std::vector<Melody> melodies;
  for (const auto& c : chorales) {
    events += c.events.size();
    for (const auto& e : c.events) {
      fermatas += e.fermata ? 1 : 0;
      three_four += e.bar_sixteenths == 12 ? 1 : 0;
    }
    melodies.push_back(c.melody());
    for (const auto& e : melodies.back()) {
      gaps += e.is_rest() ? 1 : 0;
    }
  }
  CHECK(events == 4693);
  CHECK(fermatas == 585);
  CHECK(three_four == 376);
  CHECK(gaps == 40);  // 39 gaps of 4 sixteenths and one of 80
  const auto stats = melody_statistics(melodies);
  CHECK(stats.notes == 4693);
  CHECK(stats.lowest_pitch == 60);
  CHECK(stats.highest_pitch == 79);
  CHECK(stats.shortest == 27);  // 26 notes and one rest: PROVENANCE's 26..86 counts notes
  CHECK(stats.longest == 86);
  WARN("UCI: " << stats.to_json().dump());
}

// Tests of music/corpora/jsb.hpp: small JSB and UCI documents written here, every malformed form
// refused with its position, and the real corpora (skipped where ../shared/data is absent).

#include <bachprop/music/corpora.hpp>

#include <catch2/catch.hpp>

#include <filesystem>

using namespace bachprop;
using namespace bachprop::music;
namespace fs = std::filesystem;

namespace {

// Two soprano steps of C5 (held or repeated: the grid cannot tell), a rest, then D5 - with
// floats as the 8th/16th files write them.
const char* separated_doc = R"({
  "train": [[[72, 67, 64, 48], [72.0, 67, 64, 48], [-1, 67, 64, 48], [74, 65, 62, 47]]],
  "valid": [[[60, 55, 52, 36]]],
  "test": [[[71, 67, 62, 43], [72, 64, 60, 48]], [[65, 60, 57, 53]]]
})";

const char* unseparated_doc = R"({
  "train": [[[48, 64, 67, 72], [48, 64, 67, 72], [], [47, 62, 67, 74]]],
  "valid": [],
  "test": []
})";

}  // namespace

TEST_CASE("a JSB document loads with its splits and layout", "[chorales]") {
  const JsbCorpus corpus = parse_jsb_chorales(separated_doc, "mini-16th.json");
  CHECK(corpus.steps_per_quarter == 4);
  CHECK(corpus.separated);
  CHECK(corpus.train.size() == 1);
  CHECK(corpus.valid.size() == 1);
  CHECK(corpus.test.size() == 2);
  CHECK(corpus.train[0].steps[1] == std::vector<int>{72, 67, 64, 48});
  CHECK(corpus.train[0].steps[2][0] == silent_voice);
  CHECK(&corpus.split("test") == &corpus.test);
  CHECK_THROWS_AS(corpus.split("dev"), ArgumentError);
  // Soprano: the two C5 steps join into one eighth (a sixteenth grid), then a rest, then D5.
  CHECK(soprano_line(corpus.train[0], corpus) ==
        Melody{{72, 0.5}, {rest_pitch, 0.25}, {74, 0.25}});
  CHECK(voice_line(corpus.train[0], corpus, 3) == Melody{{48, 0.75}, {47, 0.25}});
  CHECK(soprano_lines(corpus, "test").size() == 2);
  const Score score = chorale_to_score(corpus.train[0], corpus);
  REQUIRE(score.parts.size() == 4);
  CHECK(score.parts[0].name == "Soprano");
  CHECK(score.parts[3].channel == 3);
  CHECK(score.parts[0].notes == std::vector<Note>{{72, 0.0, 0.5, 80}, {74, 0.75, 0.25, 80}});
  CHECK_THROWS_AS(voice_line(corpus.train[0], corpus, 4), ArgumentError);
}

TEST_CASE("an unseparated JSB document: highest pitch is the soprano, held notes join",
          "[chorales]") {
  const JsbCorpus corpus = parse_jsb_chorales(unseparated_doc, "x.json", {.steps_per_quarter = 2});
  CHECK(!corpus.separated);
  CHECK(corpus.steps_per_quarter == 2);
  CHECK(soprano_line(corpus.train[0], corpus) ==
        Melody{{72, 1.0}, {rest_pitch, 0.5}, {74, 0.5}});
  CHECK(voice_line(corpus.train[0], corpus, 3) ==
        Melody{{48, 1.0}, {rest_pitch, 0.5}, {47, 0.5}});
  CHECK(voice_line(corpus.train[0], corpus, 1) ==
        Melody{{67, 1.0}, {rest_pitch, 0.5}, {67, 0.5}});
  const Score score = chorale_to_score(corpus.train[0], corpus);
  REQUIRE(score.parts.size() == 1);
  CHECK(score.parts[0].notes.size() == 8);  // 4 held notes, a rest, 4 new notes
  CHECK(score.parts[0].notes[0] == Note{48, 0.0, 1.0, 80});
  CHECK_THROWS_WITH(parse_jsb_chorales(unseparated_doc, "x.json"),
                    Catch::Contains("steps_per_quarter"));
  CHECK_THROWS_AS(parse_jsb_chorales(unseparated_doc, "x.json", {.steps_per_quarter = 2,
                                                                 .layout = 1}),
                  FormatError);
}

TEST_CASE("malformed JSB JSON is refused with the file and the position", "[chorales][errors]") {
  auto fails = [](const std::string& text, const std::string& expected) {
    INFO(text);
    CHECK_THROWS_AS(parse_jsb_chorales(text, "bad-16th.json"), FormatError);
    CHECK_THROWS_WITH(parse_jsb_chorales(text, "bad-16th.json"),
                      Catch::Contains("bad-16th.json") && Catch::Contains(expected));
  };
  fails(R"({"train": [[[60]]], "valid": [], "test": [)", "byte 43");
  fails(R"([1, 2])", "JSON object");
  fails(R"({"train": [], "valid": []})", "'test'");
  fails(R"({"train": [[[60, 73.5]]], "valid": [], "test": []})", "train[0][0][1]");
  fails(R"({"train": [], "valid": [[[60], [128]]], "test": []})", "valid[0][1][0]");
  fails(R"({"train": [], "valid": [[[60], [-2]]], "test": []})", "got -2");
  fails(R"({"train": [], "valid": [], "test": [[[60], ["C4"]]]})", "\"C4\"");
  fails(R"({"train": [], "valid": [], "test": [[60]]})", "test[0][0]: expected a time step");
  fails(R"({"train": [5], "valid": [], "test": []})", "train[0]: expected a chorale");
  fails(R"({"train": [[[60, null]]], "valid": [], "test": []})", "null");
  fails(R"({"train": [[[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]]], "valid": [], "test": []})",
        "at most 16");
  CHECK_THROWS_AS(load_jsb_chorales("no/such/file-16th.json"), IoError);
}

TEST_CASE("transposition keeps silent voices and checks the range", "[chorales]") {
  const JsbCorpus corpus = parse_jsb_chorales(separated_doc, "mini-16th.json");
  const JsbChorale up = transpose(corpus.train[0], 2);
  CHECK(up.steps[0] == std::vector<int>{74, 69, 66, 50});
  CHECK(up.steps[2][0] == silent_voice);
  CHECK_THROWS_WITH(transpose(corpus.train[0], 8, 36, 81), Catch::Contains("pitch 74"));
  const Melody line{{60, 1.0}, {rest_pitch, 1.0}, {72, 1.0}};
  const auto shifted = transpositions(line, -6, 5, 55, 76);
  CHECK(shifted.size() == 10);  // -5..4: the low C may drop 5, the high C rise 4
  CHECK(shifted.front()[0].pitch == 55);
  CHECK(shifted.back()[2].pitch == 76);
  CHECK_THROWS_AS(transpositions(line, 3, 2), ArgumentError);
}

namespace {

const char* uci_doc =
    "(1 ((st 8) (pitch 67) (dur 4) (keysig 1) (timesig 12) (fermata 0))"
    "((st 12) (pitch 71) (dur 8) (keysig 1) (timesig 12) (fermata 0))"
    "((st 24) (pitch 74) (dur 4) (keysig 1) (timesig 12) (fermata 1))"
    "((st 28) (pitch 67) (dur 12) (keysig 1) (timesig 12) (fermata 1)))\n\n"
    "(5 ((st 0) (pitch 60) (dur 2) (keysig 0) (timesig 16) (fermata 0)))\n";

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

TEST_CASE("melody statistics count, range, durations and keys", "[chorales]") {
  const std::vector<Melody> melodies{
      {{60, 1.0}, {62, 1.0}, {64, 1.0}, {65, 1.0}, {67, 2.0}, {rest_pitch, 1.0}, {60, 2.0}},
      {{69, 0.5}, {71, 0.5}, {72, 1.0}}};
  const auto s = melody_statistics(melodies);
  CHECK(s.pieces == 2);
  CHECK(s.events == 10);
  CHECK(s.notes == 9);
  CHECK(s.rests == 1);
  CHECK(s.shortest == 3);
  CHECK(s.longest == 7);
  CHECK(s.mean_events == 5.0);
  CHECK(s.total_quarters == 11.0);
  CHECK(s.lowest_pitch == 60);
  CHECK(s.highest_pitch == 72);
  CHECK(s.durations.at(1.0) == 5);
  CHECK(s.durations.at(0.5) == 2);
  CHECK(s.keys.at("C major") == 1);
  const auto j = s.to_json();
  CHECK(j["durations"]["0.5"] == 2);
  CHECK(j["notes"] == 9);
}

namespace {

const fs::path shared_data{BACHPROP_SHARED_DATA_DIR};

}  // namespace

TEST_CASE("real data: the JSB splits are 229/76/77 in every file", "[chorales][data]") {
  const fs::path folder = shared_data / "jsb-chorales";
  if (!fs::exists(folder / "Jsb16thSeparated.json")) {
    WARN("skipped: no JSB chorales at " << folder.string());
    return;
  }
  for (const char* file : {"jsb-chorales-quarter.json", "jsb-chorales-8th.json",
                           "jsb-chorales-16th.json", "Jsb16thSeparated.json"}) {
    INFO(file);
    const JsbCorpus corpus = load_jsb_chorales(folder / file);
    CHECK(corpus.train.size() == 229);
    CHECK(corpus.valid.size() == 76);
    CHECK(corpus.test.size() == 77);
    CHECK(corpus.separated == (std::string(file) == "Jsb16thSeparated.json"));
    std::size_t steps = 0;
    for (const char* split : {"train", "valid", "test"}) {
      for (const auto& c : corpus.split(split)) {
        steps += c.steps.size();
      }
    }
    // PROVENANCE.md: 23,134 quarter steps, twice that in eighths, four times in sixteenths.
    CHECK(steps == 23134 * static_cast<std::size_t>(corpus.steps_per_quarter));
  }
  const JsbCorpus separated = load_jsb_chorales(folder / "Jsb16thSeparated.json");
  std::size_t events = 0;
  std::size_t notes = 0;
  for (const char* split : {"train", "valid", "test"}) {
    const auto stats = melody_statistics(soprano_lines(separated, split));
    events += stats.events;
    notes += stats.notes;
    CHECK(stats.lowest_pitch == 60);
    CHECK(stats.highest_pitch <= 81);
    WARN(split << ": " << stats.to_json().dump());
  }
  // Joining equal consecutive sixteenths gives 18,035 soprano events (PROVENANCE.md), rests
  // included as events.
  CHECK(events == 18035);
  CHECK(notes < events);
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

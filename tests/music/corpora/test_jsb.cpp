// Tests of bachprop/music/corpora/jsb.hpp: small JSB documents written here (separated and not),
// chorales as voices, scores and four-voice grids, transposition, every malformed form refused
// with its position (including what the fuzzer, fuzz/fuzz_chorales_json.cpp, found), and the
// real corpus (skipped where ../shared/data is absent).

#include "helpers.hpp"
#include "music/harmony_fixtures.hpp"

#include <bachprop/music/corpora.hpp>
#include <bachprop/music/corpora/jsb.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

using namespace bachprop;
using namespace bachprop::music;
using Catch::Matchers::Contains;
using test::shared_data;
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

TEST_CASE("a separated JSB chorale becomes four aligned voices", "[harmony][data]") {
  const JsbCorpus corpus = parse_jsb_chorales(tiny_corpus, "tiny_16th.json");
  REQUIRE(corpus.separated);
  const auto grids = grids_of(corpus, "train");
  REQUIRE(grids.size() == 1);
  const FourVoiceGrid& g = grids[0];
  CHECK(g.steps() == 4);
  CHECK(g.steps_per_quarter == 4);
  CHECK(g.voices[soprano] == std::vector<int>{72, 72, 74, -1});
  CHECK(g.voices[alto] == std::vector<int>{67, 67, 65, -1});
  CHECK(g.voices[tenor] == std::vector<int>{64, 64, 62, -1});
  CHECK(g.voices[bass] == std::vector<int>{48, 48, 47, -1});
  CHECK(g.at(bass, 2) == 47);
  CHECK(grids_of(corpus, "test")[0].voices[alto] == std::vector<int>{55});

  // An unseparated corpus cannot be split into voices.
  const JsbCorpus mixed = parse_jsb_chorales(R"({"train": [[[60, 64], [62]]], "valid": [],
                                                 "test": []})",
                                             "mixed_16th.json");
  CHECK_THROWS_AS(grid_of(mixed.train[0], mixed), ArgumentError);
}

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

// Tests of bachprop/music/encoding/vocabulary.hpp: ids by count, unknown tokens, and the JSON file
// with every malformed form refused.

#include <bachprop/io/file.hpp>
#include <bachprop/music/encoding/vocabulary.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

using namespace bachprop;
using namespace bachprop::music;

TEST_CASE("a vocabulary numbers tokens by count and handles unknown tokens", "[encoding]") {
  const std::vector<std::vector<std::string>> corpus{{"C4", "D4", "C4", "R"},
                                                     {"E4", "C4", "D4", "A2.G#3"}};
  const Vocabulary v = Vocabulary::build(corpus);
  REQUIRE(v.size() == 6);
  CHECK(v.token(0) == "<unk>");
  CHECK(v.token(1) == "C4");  // 3 times
  CHECK(v.token(2) == "D4");  // 2 times
  CHECK(v.token(3) == "A2.G#3");  // once each, in text order
  CHECK(v.token(4) == "E4");
  CHECK(v.token(5) == "R");
  CHECK(v.count(1) == 3);
  CHECK(v.id("F4") == 0);
  CHECK(!v.find("F4"));
  CHECK(v.encode({"C4", "F4", "R"}) == std::vector<int>{1, 0, 5});
  CHECK(v.decode({1, 2}) == std::vector<std::string>{"C4", "D4"});
  CHECK(v.option_pitches() == std::vector<int>{-2, 60, 62, -2, 64, -1});
  CHECK_THROWS_AS(v.token(6), ArgumentError);
  CHECK_THROWS_AS(v.token(-1), ArgumentError);

  const Vocabulary strict = Vocabulary::build(corpus, 2, false);
  CHECK(strict.size() == 2);
  CHECK_THROWS_WITH(strict.id("E4"), Catch::Contains("'E4'") && Catch::Contains("no unknown"));
  const Vocabulary pruned = Vocabulary::build(corpus, 2, true);
  CHECK(pruned.size() == 3);
  CHECK(pruned.count(0) == 3);  // E4, R and A2.G#3 fold into <unk>
  CHECK_THROWS_AS(Vocabulary::build({{"<unk>"}}), ArgumentError);
}

TEST_CASE("a vocabulary survives JSON, and bad JSON is refused", "[encoding][errors]") {
  const Vocabulary v = Vocabulary::build({{"C4", "D4", "C4"}, {"R"}});
  const auto path = std::filesystem::temp_directory_path() / "bachprop_music_vocabulary.json";
  v.save(path);
  CHECK(Vocabulary::load(path) == v);
  std::filesystem::remove(path);
  CHECK(Vocabulary::from_json(v.to_json()) == v);
  const Vocabulary strict = Vocabulary::build({{"x", "y"}}, 1, false);
  CHECK(Vocabulary::from_json(strict.to_json()) == strict);

  auto refused = [&](nlohmann::json j, const std::string& text) {
    INFO(j.dump());
    CHECK_THROWS_WITH(Vocabulary::from_json(j, "v.json"),
                      Catch::Contains("v.json") && Catch::Contains(text));
  };
  auto j = v.to_json();
  j["format"] = "other";
  refused(j, "bachprop.vocabulary");
  j["format"] = nlohmann::json::array({"<unk>", "C4"});  // not a string: refused, not a type_error
  refused(j, "bachprop.vocabulary");
  j.erase("format");
  refused(j, "bachprop.vocabulary");
  j = v.to_json();
  j["version"] = 2;
  refused(j, "version");
  j = v.to_json();
  j["counts"].push_back(1);
  refused(j, "equal length");
  j = v.to_json();
  j["tokens"][2] = "C4";
  refused(j, "appears twice");
  j = v.to_json();
  j["tokens"][1] = 5;
  refused(j, "tokens[1]");
  j = v.to_json();
  j["counts"][1] = -3;
  refused(j, "counts[1]");
  j = v.to_json();
  j["tokens"][0] = "C5";
  refused(j, "'<unk>' exactly at tokens[0]");
  j = strict.to_json();
  j["tokens"][1] = "<unk>";
  refused(j, "tokens[1]");
  const auto bad = std::filesystem::temp_directory_path() / "bachprop_music_bad_vocab.json";
  write_file_atomically(bad, std::string("{\"tokens\": [1, 2"));
  CHECK_THROWS_WITH(Vocabulary::load(bad), Catch::Contains("byte"));
  std::filesystem::remove(bad);
}

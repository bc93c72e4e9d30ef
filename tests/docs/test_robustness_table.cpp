// Tests of docs/robustness.md: the tests its tables name exist.
//
// docs/robustness.md lists every kind of bad input with the test that proves what the user sees.
// This test keeps the tables honest: every row names at least one test (or says "same" as the
// row above), and every test it names exists — a TEST_CASE in the suite's folder for
// "suite:name" (the suite music_score is tests/music/score/), an add_test in examples/ for
// "example.program.check".

#include "helpers.hpp"

#include <bachprop/io/file.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {


std::vector<std::string> backticked(const std::string& text) {
  std::vector<std::string> spans;
  for (std::size_t open = text.find('`'); open != std::string::npos;) {
    const std::size_t close = text.find('`', open + 1);
    if (close == std::string::npos) {
      break;
    }
    spans.push_back(text.substr(open + 1, close - open - 1));
    open = text.find('`', close + 1);
  }
  return spans;
}

// The text of every file in `folder` (and its subfolders when `recursive`) whose name starts
// with `prefix` and ends with `suffix`.
std::string texts_of(const fs::path& folder, const std::string& prefix, const std::string& suffix,
                     bool recursive) {
  std::string all;
  const auto add = [&](const fs::directory_entry& entry) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.rfind(prefix, 0) == 0 && name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      all += bachprop::read_file(entry.path());
    }
  };
  if (recursive) {
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
      add(entry);
    }
  } else {
    for (const auto& entry : fs::directory_iterator(folder)) {
      add(entry);
    }
  }
  return all;
}

// The folder of the suite `suite`, as tests/CMakeLists.txt names suites: the folder's path under
// tests/ with '/' as '_' (tests/music/score is "music_score"). Empty if no folder has that name.
fs::path suite_folder(const std::string& suite) {
  const fs::path tests = test::source_dir / "tests";
  for (const auto& entry : fs::recursive_directory_iterator(tests)) {
    if (!entry.is_directory()) {
      continue;
    }
    std::string name = entry.path().lexically_relative(tests).generic_string();
    std::replace(name.begin(), name.end(), '/', '_');
    if (name == suite) {
      return entry.path();
    }
  }
  return {};
}

}  // namespace

TEST_CASE("every row of the bad-input tables names tests that exist", "[docs]") {
  const std::string document = bachprop::read_file(test::source_dir / "docs" / "robustness.md");
  const std::string tables = document.substr(0, document.find("\n## The fuzzers"));
  const std::string example_tests =
      texts_of(test::source_dir / "examples", "CMakeLists", ".txt", true);
  std::size_t rows = 0;
  std::size_t names = 0;
  std::size_t start = 0;
  while (start < tables.size()) {
    std::size_t end = tables.find('\n', start);
    end = end == std::string::npos ? tables.size() : end;
    const std::string line = tables.substr(start, end - start);
    start = end + 1;
    if (line.rfind("| ", 0) != 0 || line.rfind("| bad input", 0) == 0 ||
        line.rfind("| ---", 0) == 0) {
      continue;
    }
    ++rows;
    INFO("docs/robustness.md row: " << line);
    const std::size_t last = line.rfind(" | ");
    REQUIRE(last != std::string::npos);
    const std::string cell = line.substr(last + 3);
    const auto tests = backticked(cell);
    CHECK((!tests.empty() || cell.rfind("same", 0) == 0));
    for (const auto& name : tests) {
      ++names;
      INFO("test " << name);
      if (name.rfind("example.", 0) == 0) {
        // example.PROGRAM.unknown_option stands for the check every example gets.
        const std::string spelled = name.find("PROGRAM") != std::string::npos
                                        ? "example.${name}.unknown_option"
                                        : name;
        const std::size_t at = example_tests.find("NAME " + spelled);
        const std::size_t after = at + 5 + spelled.size();
        CHECK((at != std::string::npos && after < example_tests.size() &&
               (example_tests[after] == ' ' || example_tests[after] == '\n')));
        continue;
      }
      // As ctest lists it: the suite (named from its folder under tests/), a colon, the
      // TEST_CASE's name. A suite is the test files directly in its folder.
      const std::size_t colon = name.find(':');
      REQUIRE(colon != std::string::npos);
      const fs::path suite = suite_folder(name.substr(0, colon));
      INFO("suite folder " << suite.string());
      REQUIRE(fs::is_directory(suite));
      const std::string sources = texts_of(suite, "test_", ".cpp", false);
      CHECK(sources.find("TEST_CASE(\"" + name.substr(colon + 1) + "\"") != std::string::npos);
    }
  }
  CHECK(rows >= 90);
  CHECK(names >= 60);
}

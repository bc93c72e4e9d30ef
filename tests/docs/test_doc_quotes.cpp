// Tests of the docs (docs/*.md, README.md) against the headers they quote.
//
// The docs quote the code; this test keeps them honest. In a Markdown file under docs/ (or the
// README), a line `<!-- quote: include/bachprop/layers/dense.hpp#dense-forward -->` must be
// followed by a fenced code block equal to the lines between `// doc:begin dense-forward` and
// `// doc:end dense-forward` in that file (common indentation removed). The test fails when a
// quote drifts from its source, when a marker disappears, or when a marker in the headers is
// quoted nowhere. scripts/update_doc_quotes.py rewrites the quotes from the sources.

#include "helpers.hpp"

#include <bachprop/io/file.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {


std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

std::string trim_left(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  return first == std::string::npos ? std::string() : s.substr(first);
}

// The marked region of `file`, dedented; empty optional-like flag via `found`.
std::string marked_region(const fs::path& file, const std::string& name, bool& found) {
  const auto lines = lines_of(bachprop::read_file(file));
  std::vector<std::string> region;
  bool inside = false;
  found = false;
  for (const auto& line : lines) {
    const std::string stripped = trim_left(line);
    if (stripped == "// doc:begin " + name) {
      inside = true;
      found = true;
      continue;
    }
    if (stripped == "// doc:end " + name) {
      inside = false;
      continue;
    }
    if (inside) {
      region.push_back(line);
    }
  }
  std::size_t indent = std::string::npos;
  for (const auto& line : region) {
    if (!trim_left(line).empty()) {
      indent = std::min(indent, line.size() - trim_left(line).size());
    }
  }
  std::string text;
  for (const auto& line : region) {
    text += (line.size() >= indent && indent != std::string::npos ? line.substr(indent)
                                                                  : trim_left(line)) +
            "\n";
  }
  return text;
}

struct Quote {
  fs::path document;
  std::size_t line = 0;
  std::string source;
  std::string name;
  std::string quoted;
};

std::vector<fs::path> markdown_files() {
  std::vector<fs::path> files{test::source_dir / "README.md"};
  if (fs::exists(test::source_dir / "docs")) {
    for (const auto& entry : fs::recursive_directory_iterator(test::source_dir / "docs")) {
      if (entry.path().extension() == ".md") {
        files.push_back(entry.path());
      }
    }
  }
  return files;
}

std::vector<Quote> quotes_in(const fs::path& document) {
  static const std::regex marker(R"(^<!-- quote: ([^#\s]+)#([A-Za-z0-9_.-]+) -->\s*$)");
  const auto lines = lines_of(bachprop::read_file(document));
  std::vector<Quote> quotes;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::smatch match;
    if (!std::regex_match(lines[i], match, marker)) {
      continue;
    }
    Quote quote{document, i + 1, match[1], match[2], ""};
    std::size_t j = i + 1;
    if (j < lines.size() && lines[j].rfind("```", 0) == 0) {
      for (++j; j < lines.size() && lines[j].rfind("```", 0) != 0; ++j) {
        quote.quoted += lines[j] + "\n";
      }
    } else {
      quote.quoted = "(no fenced code block after the marker)";
    }
    quotes.push_back(quote);
  }
  return quotes;
}

}  // namespace

TEST_CASE("every quote in the docs matches the code it quotes", "[docs]") {
  std::size_t count = 0;
  for (const auto& document : markdown_files()) {
    for (const auto& quote : quotes_in(document)) {
      ++count;
      INFO(fs::relative(document, test::source_dir).string() << ":" << quote.line << " quotes "
                                                        << quote.source << "#" << quote.name);
      const fs::path source = test::source_dir / quote.source;
      REQUIRE(fs::exists(source));
      bool found = false;
      const std::string region = marked_region(source, quote.name, found);
      INFO("the marker 'doc:begin " << quote.name << "' is missing from the source");
      REQUIRE(found);
      INFO("run scripts/update_doc_quotes.py after changing the code, and check the prose");
      CHECK(quote.quoted == region);
    }
  }
  CHECK(count >= 15);
}

TEST_CASE("every marked region of the headers is quoted in the docs", "[docs]") {
  std::set<std::string> quoted;
  for (const auto& document : markdown_files()) {
    for (const auto& quote : quotes_in(document)) {
      quoted.insert(quote.source + "#" + quote.name);
    }
  }
  static const std::regex begin(R"(^\s*// doc:begin ([A-Za-z0-9_.-]+)\s*$)");
  for (const auto& entry : fs::recursive_directory_iterator(test::source_dir / "include")) {
    if (!entry.is_regular_file()) {
      continue;
    }
    const std::string relative = fs::relative(entry.path(), test::source_dir).generic_string();
    for (const auto& line : lines_of(bachprop::read_file(entry.path()))) {
      std::smatch match;
      if (std::regex_match(line, match, begin)) {
        const std::string key = relative + "#" + match[1].str();
        INFO(key << " is marked for the docs but quoted nowhere");
        CHECK(quoted.count(key) == 1);
      }
    }
  }
}

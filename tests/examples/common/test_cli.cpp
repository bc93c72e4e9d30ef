// Tests of examples/common/cli.hpp, the command line every example program shares: each kind of
// bad option (docs/robustness.md, "Command-line options") gives exit code 2 and a message naming
// the option and what it expects, and changes no setting.

#include "common/cli.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using Catch::Matchers::Contains;

namespace {

struct Settings {
  std::uint64_t seed = 1;
  int transpose = 0;
  double rate = 0.5;
  std::string out = "out";
  bool wav = false;
};

struct Outcome {
  bool run = false;  // parse() returned true: the program would go on
  int exit_code = 0;
  std::string errors;
  std::string printed;
  Settings settings;
};

// Parses `arguments` (after the program name) as an example with a few typical options.
Outcome parse(const std::vector<std::string>& arguments) {
  Outcome outcome;
  std::string summary;
  examples::CommandLine command_line("lesson", "A lesson.");
  command_line.standard(outcome.settings.seed, summary)
      .option("transpose", outcome.settings.transpose, "N", "semitones")
      .option("rate", outcome.settings.rate, "X", "learning rate")
      .option("out", outcome.settings.out, "DIR", "where to write")
      .flag("wav", outcome.settings.wav, "also write WAV");
  std::vector<std::string> storage{"lesson"};
  storage.insert(storage.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (auto& argument : storage) {
    argv.push_back(argument.data());
  }
  std::ostringstream errors;
  std::ostringstream printed;
  auto* old_cerr = std::cerr.rdbuf(errors.rdbuf());
  auto* old_cout = std::cout.rdbuf(printed.rdbuf());
  outcome.run = command_line.parse(static_cast<int>(argv.size()), argv.data());
  std::cerr.rdbuf(old_cerr);
  std::cout.rdbuf(old_cout);
  outcome.exit_code = command_line.exit_code();
  outcome.errors = errors.str();
  outcome.printed = printed.str();
  return outcome;
}

void refused(const std::vector<std::string>& arguments, const std::string& message) {
  INFO("arguments: " << Catch::Detail::stringify(arguments));
  const Outcome outcome = parse(arguments);
  CHECK_FALSE(outcome.run);
  CHECK(outcome.exit_code == 2);
  CHECK_THAT(outcome.errors, Contains("lesson: " + message));
  CHECK_THAT(outcome.errors, Contains("(run lesson --help for the options)"));
}

}  // namespace

TEST_CASE("good options are read, inline or as the next argument", "[cli]") {
  const Outcome outcome =
      parse({"--seed", "7", "--transpose=-3", "--rate", "1e-3", "--out", "x", "--wav"});
  CHECK(outcome.run);
  CHECK(outcome.errors.empty());
  CHECK(outcome.settings.seed == 7);
  CHECK(outcome.settings.transpose == -3);
  CHECK(outcome.settings.rate == 1e-3);
  CHECK(outcome.settings.out == "x");
  CHECK(outcome.settings.wav);
}

TEST_CASE("an unknown option is refused by name", "[cli][errors]") {
  refused({"--no-such-option"}, "unknown option --no-such-option");
  refused({"--seed=1", "--sed", "2"}, "unknown option --sed");
}

TEST_CASE("an option without its value is refused, naming the value it needs", "[cli][errors]") {
  refused({"--seed"}, "--seed needs a value (N)");
  refused({"--out"}, "--out needs a value (DIR)");
  refused({"--out="}, "--out needs a non-empty value");
}

TEST_CASE("a non-numeric value is refused, quoting it", "[cli][errors]") {
  refused({"--seed", "banana"}, "--seed expects a non-negative integer, got 'banana'");
  refused({"--transpose", "3.5"}, "--transpose expects an integer, got '3.5'");
  refused({"--transpose", ""}, "--transpose expects an integer, got ''");
  refused({"--rate", "fast"}, "--rate expects a number, got 'fast'");
  refused({"--rate", "0.5x"}, "--rate expects a number, got '0.5x'");
}

TEST_CASE("a value outside its type's range or not finite is refused", "[cli][errors]") {
  refused({"--seed", "-1"}, "--seed expects a non-negative integer, got '-1'");
  refused({"--seed", "99999999999999999999999"},
          "--seed expects a non-negative integer, got '99999999999999999999999'");
  refused({"--transpose", "3000000000"}, "--transpose expects an integer, got '3000000000'");
  refused({"--rate", "inf"}, "--rate expects a number, got 'inf'");
  refused({"--rate", "nan"}, "--rate expects a number, got 'nan'");
  refused({"--rate", "1e999"}, "--rate expects a number, got '1e999'");
}

TEST_CASE("a flag given a value and a stray argument are refused", "[cli][errors]") {
  refused({"--wav=yes"}, "--wav takes no value");
  refused({"data"}, "unexpected argument 'data' (options start with --)");
  refused({"-seed", "1"}, "unexpected argument '-seed'");
}

TEST_CASE("a refused command line changes no setting after the bad option", "[cli][errors]") {
  const Outcome outcome = parse({"--seed", "banana", "--transpose", "4"});
  CHECK_FALSE(outcome.run);
  CHECK(outcome.settings.seed == 1);
  CHECK(outcome.settings.transpose == 0);
}

TEST_CASE("--help prints every option with its default and stops with exit code 0", "[cli]") {
  const Outcome outcome = parse({"--rate", "0.1", "--help"});
  CHECK_FALSE(outcome.run);
  CHECK(outcome.exit_code == 0);
  CHECK_THAT(outcome.printed, Contains("usage: lesson [options]"));
  CHECK_THAT(outcome.printed, Contains("--seed N"));
  CHECK_THAT(outcome.printed, Contains("--summary FILE"));
  CHECK_THAT(outcome.printed, Contains("(default: \"out\")"));
}

// Tests of examples/common/cli.hpp, the command line every example program shares: each kind of
// bad option (docs/robustness.md, "Command-line options") gives exit code 2 and a message naming
// the option and what it expects, and changes no setting; and of the shared options of
// docs/cli.md (common/output.hpp, common/music_options.hpp): pitches by name, one melody source,
// no file overwritten without --force.

#include "common/cli.hpp"
#include "common/music_options.hpp"
#include "common/output.hpp"

#include <bachprop/core/error.hpp>
#include <bachprop/version.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
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
  std::string melody;
};

struct Outcome {
  bool run = false;  // parse() returned true: the program would go on
  int exit_code = 0;
  std::string errors;
  std::string printed;
  Settings settings;
};

// Parses `arguments` (after the program name) as an example with a few typical options.
Outcome parse(const std::vector<std::string>& arguments, bool with_positional = false) {
  Outcome outcome;
  std::string summary;
  examples::CommandLine command_line("lesson", "A lesson.");
  command_line.standard(outcome.settings.seed, summary)
      .option("transpose", outcome.settings.transpose, "N", "semitones")
      .option("rate", outcome.settings.rate, "X", "learning rate")
      .option("out", outcome.settings.out, "DIR", "where to write")
      .flag("wav", outcome.settings.wav, "also write WAV");
  if (with_positional) {
    command_line.positional(outcome.settings.melody, "MELODY", "the melody");
  }
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
  CHECK_THAT(outcome.errors, Contains("lesson: error: " + message));
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

TEST_CASE("the program and the library's version, printed by --version", "[cli]") {
  const Outcome outcome = parse({"--seed", "3", "--version"});
  CHECK_FALSE(outcome.run);
  CHECK(outcome.exit_code == 0);
  CHECK(outcome.printed == std::string("lesson (bachprop ") + BACHPROP_VERSION_STRING + ")\n");
}

TEST_CASE("one positional argument where the program declares it, and only one", "[cli]") {
  const Outcome outcome = parse({"C4 D4 E4", "--seed", "2"}, true);
  CHECK(outcome.run);
  CHECK(outcome.settings.melody == "C4 D4 E4");
  CHECK(outcome.settings.seed == 2);
  const Outcome twice = parse({"C4", "D4"}, true);
  CHECK_FALSE(twice.run);
  CHECK(twice.exit_code == 2);
  CHECK_THAT(twice.errors, Contains("unexpected argument 'D4'"));
}

TEST_CASE("help is wrapped to the width asked for, every option still shown", "[cli]") {
  std::string summary;
  std::uint64_t seed = 1;
  std::string long_value;
  examples::CommandLine command_line(
      "lesson", "A lesson whose description is long enough to need more than one line when "
                "printed in sixty columns, as a narrow terminal has.");
  command_line.standard(seed, summary)
      .option("a-rather-long-option-name", long_value, "VALUE",
              "an option whose name and help both run long, so that the help starts on the next "
              "line and wraps over several lines");
  for (const int width : {60, 80, 120}) {
    std::ostringstream printed;
    command_line.print_help(printed, width);
    std::istringstream lines(printed.str());
    std::string line;
    std::size_t count = 0;
    while (std::getline(lines, line)) {
      INFO("width " << width << ": " << line);
      CHECK(static_cast<int>(line.size()) <= width);
      ++count;
    }
    CHECK(count > 8);
    CHECK_THAT(printed.str(), Contains("--a-rather-long-option-name VALUE\n"));
    CHECK_THAT(printed.str(), Contains("--version"));
  }
}

TEST_CASE("pitches are taken by name or MIDI number, anything else refused", "[cli][music]") {
  CHECK(examples::parse_pitch_option("lowest", "C4") == 60);
  CHECK(examples::parse_pitch_option("lowest", "Bb3") == 58);
  CHECK(examples::parse_pitch_option("lowest", "F#5") == 78);
  CHECK(examples::parse_pitch_option("lowest", "60") == 60);
  CHECK(examples::parse_pitch_option("lowest", "0") == 0);
  CHECK_THROWS_WITH(examples::parse_pitch_option("lowest", "128"),
                    Contains("--lowest expects a pitch name (C4) or a MIDI number 0..127"));
  CHECK_THROWS_WITH(examples::parse_pitch_option("highest", "H4"),
                    Contains("--highest expects a pitch name such as C4"));
  CHECK_THROWS_AS(examples::parse_pitch_option("highest", ""), examples::UsageError);
}

TEST_CASE("a melody comes from one source; the positional argument by its extension",
          "[cli][music]") {
  examples::MelodySource text;
  text.positional = "C4 D4";
  text.settle();
  CHECK(text.text == "C4 D4");
  examples::MelodySource midi;
  midi.positional = "tune.mid";
  midi.settle();
  CHECK(midi.midi_path == "tune.mid");
  examples::MelodySource abc;
  abc.positional = "tune.abc";
  abc.settle();
  CHECK(abc.abc_path == "tune.abc");
  examples::MelodySource two;
  two.positional = "tune.mid";
  two.text = "C4";
  CHECK_THROWS_WITH(two.settle(), Contains("give one primer"));
  examples::MelodySource again;
  again.positional = "a.mid";
  again.midi_path = "b.mid";
  CHECK_THROWS_WITH(again.settle(), Contains("given twice: 'a.mid' and --primer-midi"));
  examples::MelodySource chorale;
  chorale.chorale = 3;
  chorale.abc_path = "x.abc";
  CHECK_THROWS_AS(chorale.settle(), examples::UsageError);
}

TEST_CASE("no file is overwritten without --force: the new one is numbered", "[cli][output]") {
  const auto folder = std::filesystem::temp_directory_path() / "bachprop_test_output_numbering";
  std::filesystem::remove_all(folder);
  examples::OutputOptions output;
  output.folder = folder.string();
  CHECK(output.file("a.png") == folder / "a.png");
  CHECK(std::filesystem::is_directory(folder));
  std::ofstream(folder / "a.png") << "x";
  CHECK(output.file("a.png") == folder / "a-2.png");
  std::ofstream(folder / "a-2.png") << "x";
  CHECK(output.file("a.png") == folder / "a-3.png");
  // A score's files are numbered together: one taken extension moves them all.
  std::ofstream(folder / "s.wav") << "x";
  CHECK(output.free_stem("s", {".mid", ".png", ".wav"}) == "s-2");
  output.force = true;
  CHECK(output.file("a.png") == folder / "a.png");
  CHECK(output.free_stem("s", {".mid", ".png", ".wav"}) == "s");
  std::filesystem::remove_all(folder);
}

TEST_CASE("a usage error found after parsing ends with exit status 2, other errors 1",
          "[cli][errors]") {
  std::ostringstream errors;
  auto* old_cerr = std::cerr.rdbuf(errors.rdbuf());
  const int usage = examples::run_reporting_errors(
      "lesson", []() -> int { throw examples::UsageError("give one primer"); });
  const int argument = examples::run_reporting_errors(
      "lesson", []() -> int { throw bachprop::ArgumentError("--tempo must be 10..400"); });
  const int io = examples::run_reporting_errors(
      "lesson", []() -> int { throw bachprop::IoError("x.mid: cannot open"); });
  std::cerr.rdbuf(old_cerr);
  CHECK(usage == 2);
  CHECK(argument == 2);
  CHECK(io == 1);
  CHECK_THAT(errors.str(), Contains("lesson: error: give one primer\n(run lesson --help"));
  CHECK_THAT(errors.str(), Contains("lesson: error: x.mid: cannot open\n"));
}

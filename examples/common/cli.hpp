#pragma once
// Command-line handling shared by the example programs: every program takes --help, --version,
// --seed and --summary FILE, reports bad options by name with exit status 2, wraps its help to
// the terminal, and ends with a clear message on any error. The options several programs share
// are declared here once (output(), wav(), quick(), learning_rate()), so they are spelled the
// same everywhere; docs/cli.md lists them. Not part of the library: it only serves the examples.

#include <bachprop/core/error.hpp>
#include <bachprop/io/file.hpp>
#include <bachprop/version.hpp>

#include <sys/ioctl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <iostream>
#include <algorithm>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace examples {

/// A bad command line: the message says which option and what it expects. The program ends
/// with exit status 2 (run_reporting_errors), as for an unknown option.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What to do about WAV files: render them where FluidSynth is installed (the default), always
/// (--wav: an error where it cannot), or never (--no-wav).
enum class WavChoice { where_possible, required, off };

/// The columns help is wrapped to: the terminal's width, else $COLUMNS, else 80 (60..120).
inline int help_width() {
  int width = 0;
  winsize size{};
  if (isatty(STDOUT_FILENO) != 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0) {
    width = size.ws_col;
  } else if (const char* columns = std::getenv("COLUMNS"); columns != nullptr) {
    std::from_chars(columns, columns + std::char_traits<char>::length(columns), width);
  }
  return width <= 0 ? 80 : std::clamp(width, 60, 120);
}

/// `text` broken into lines of at most `width` columns at spaces; the first line starts at
/// column `first_column` (already written), the others after `indent` spaces.
inline std::string wrapped(const std::string& text, int indent, int first_column, int width) {
  std::string out;
  int column = first_column;
  std::istringstream words(text);
  std::string word;
  bool line_start = true;
  while (words >> word) {
    const int length = static_cast<int>(word.size());
    if (!line_start && column + 1 + length > width) {
      out += '\n' + std::string(static_cast<std::size_t>(indent), ' ');
      column = indent;
      line_start = true;
    }
    if (!line_start) {
      out += ' ';
      ++column;
    }
    out += word;
    column += length;
    line_start = false;
  }
  return out;
}

/// Declares options bound to variables, parses argv, prints --help and --version.
class CommandLine {
 public:
  CommandLine(std::string program, std::string description)
      : program_(std::move(program)), description_(std::move(description)) {}

  /// --name VALUE, parsed into `target` (an integer, a floating-point number or a string); the
  /// value `target` holds now is the default shown by --help.
  template <class T>
  CommandLine& option(std::string name, T& target, std::string value_name, std::string help) {
    std::string shown = default_text(target);
    return add(std::move(name), std::move(value_name), std::move(help), std::move(shown),
               [&target](const std::string& option_name, const std::string& text) {
                 target = parse_value<T>(option_name, text);
               });
  }

  /// --name VALUE, read by `parse` (which throws UsageError for a bad value); `shown` is the
  /// default --help shows ("" for none).
  CommandLine& custom(std::string name, std::string value_name, std::string help,
                      std::string shown,
                      std::function<void(const std::string& text)> parse) {
    return add(std::move(name), std::move(value_name), std::move(help), std::move(shown),
               [parse = std::move(parse)](const std::string&, const std::string& text) {
                 parse(text);
               });
  }

  /// `text` read as a T (an integer, a number or a string) for option --`name`, as option()
  /// reads it; throws UsageError for a bad value.
  template <class T>
  static T value_of(const std::string& name, const std::string& text) {
    return parse_value<T>(name, text);
  }

  /// --name, setting `target` to true.
  CommandLine& flag(std::string name, bool& target, std::string help) {
    return add(std::move(name), "", std::move(help), "",
               [&target](const std::string&, const std::string&) { target = true; });
  }

  /// The one argument without a leading "--" (e.g. the melody), into `target`; --help shows
  /// it as `value_name`.
  CommandLine& positional(std::string& target, std::string value_name, std::string help) {
    positional_ = &target;
    positional_name_ = std::move(value_name);
    positional_help_ = std::move(help);
    return *this;
  }

  /// The options every example has: --seed N and --summary FILE.
  CommandLine& standard(std::uint64_t& seed, std::string& summary_path) {
    option("seed", seed, "N", "seed of every random choice (same seed, same result)");
    option("summary", summary_path, "FILE", "write the key figures as JSON to FILE");
    return *this;
  }

  /// --out DIR (the folder of the files the program writes; `what` says which) and --force
  /// (overwrite them; without it a file that exists is kept and the new one numbered).
  CommandLine& output(std::string& folder, bool& force, const std::string& what) {
    option("out", folder, "DIR", "folder for " + what);
    flag("force", force,
         "overwrite files of the same name in --out (otherwise new ones are numbered: NAME-2...)");
    return *this;
  }

  /// --wav and --no-wav (WavChoice).
  CommandLine& wav(WavChoice& choice) {
    add("wav", "", "render WAV files with FluidSynth (the default where it is installed; "
                   "with --wav its absence is an error)", "",
        [&choice](const std::string&, const std::string&) { choice = WavChoice::required; });
    add("no-wav", "", "write no WAV files", "",
        [&choice](const std::string&, const std::string&) { choice = WavChoice::off; });
    return *this;
  }

  /// --quick: the smoke run (`what` says what it shrinks to).
  CommandLine& quick(bool& target, const std::string& what) {
    return flag("quick", target, what + ": a smoke run in seconds");
  }

  /// --learning-rate ETA (`of` says whose: "Adam", "gradient descent (η of eq. 13)").
  template <class T>
  CommandLine& learning_rate(T& target, const std::string& of) {
    return option("learning-rate", target, "ETA", "learning rate of " + of);
  }

  /// The training examples' --checkpoint FILE and --resume; `kept` says what a checkpoint
  /// holds. check_checkpoint_options() checks the pair once parsed.
  CommandLine& checkpoints(std::string& path, bool& resume, const std::string& kept) {
    option("checkpoint", path, "FILE",
           "write a checkpoint (" + kept + ") to FILE after every epoch");
    flag("resume", resume,
         "continue the run whose --checkpoint FILE is given (same options and seed): it ends "
         "with the model an uninterrupted run gives");
    return *this;
  }

  /// Parses argv. Returns false when the program should exit now with exit_code() (after
  /// --help or --version, or after a usage error, which it has printed).
  bool parse(int argc, char** argv) {
    try {
      bool positional_seen = false;
      for (int i = 1; i < argc; ++i) {
        std::string argument = argv[i];
        if (argument == "--help" || argument == "-h") {
          print_help(std::cout, help_width());
          exit_code_ = EXIT_SUCCESS;
          return false;
        }
        if (argument == "--version") {
          std::cout << program_ << " (bachprop " << BACHPROP_VERSION_STRING << ")\n";
          exit_code_ = EXIT_SUCCESS;
          return false;
        }
        if (argument.rfind("--", 0) != 0) {
          if (positional_ == nullptr || positional_seen) {
            throw UsageError("unexpected argument '" + argument + "' (options start with --)");
          }
          *positional_ = argument;
          positional_seen = true;
          continue;
        }
        std::string name = argument.substr(2);
        std::string value;
        bool has_inline_value = false;
        if (const auto equals = name.find('='); equals != std::string::npos) {
          value = name.substr(equals + 1);
          name = name.substr(0, equals);
          has_inline_value = true;
        }
        const Entry* entry = find(name);
        if (entry == nullptr) {
          throw UsageError("unknown option --" + name);
        }
        if (!entry->value_name.empty() && !has_inline_value) {
          if (i + 1 >= argc) {
            throw UsageError("--" + name + " needs a value (" + entry->value_name + ")");
          }
          value = argv[++i];
        } else if (entry->value_name.empty() && has_inline_value) {
          throw UsageError("--" + name + " takes no value");
        }
        entry->assign(name, value);
      }
      return true;
    } catch (const UsageError& error) {
      report_usage_error(program_, error.what());
      exit_code_ = 2;
      return false;
    }
  }

  int exit_code() const { return exit_code_; }
  const std::string& program() const { return program_; }

  /// The help, wrapped to `width` columns.
  void print_help(std::ostream& out, int width = 80) const {
    out << "usage: " << program_ << " [options]"
        << (positional_ == nullptr ? "" : " [" + positional_name_ + "]") << "\n\n"
        << wrapped(description_, 0, 0, width) << "\n\n";
    if (positional_ != nullptr) {
      print_entry(out, positional_name_, positional_help_, width);
      out << '\n';
    }
    out << "options:\n";
    for (const auto& e : entries_) {
      print_entry(out, "--" + e.name + (e.value_name.empty() ? "" : " " + e.value_name),
                  e.help + (e.shown_default.empty() ? "" : " (default: " + e.shown_default + ")"),
                  width);
    }
    print_entry(out, "--version", "show the program's version and exit", width);
    print_entry(out, "--help", "show this help and exit", width);
  }

  /// Prints "PROGRAM: error: MESSAGE" and where to find the options, on standard error.
  static void report_usage_error(const std::string& program, const std::string& message) {
    std::cerr << program << ": error: " << message << "\n(run " << program
              << " --help for the options)\n";
  }

 private:
  struct Entry {
    std::string name;
    std::string value_name;  // empty for flags
    std::string help;
    std::string shown_default;
    std::function<void(const std::string&, const std::string&)> assign;
  };

  CommandLine& add(std::string name, std::string value_name, std::string help, std::string shown,
                   std::function<void(const std::string&, const std::string&)> assign) {
    entries_.push_back({std::move(name), std::move(value_name), std::move(help),
                        std::move(shown), std::move(assign)});
    return *this;
  }

  // "  LEFT" padded to column 26 (or on a line of its own when longer), then `help` wrapped.
  static void print_entry(std::ostream& out, const std::string& left_text,
                          const std::string& help, int width) {
    constexpr int help_column = 26;
    const std::string left = "  " + left_text;
    out << left;
    int column = static_cast<int>(left.size());
    if (column + 1 > help_column) {
      out << '\n';
      column = 0;
    }
    out << std::string(static_cast<std::size_t>(help_column - column), ' ')
        << wrapped(help, help_column, help_column, width) << '\n';
  }

  const Entry* find(const std::string& name) const {
    for (const auto& e : entries_) {
      if (e.name == name) {
        return &e;
      }
    }
    return nullptr;
  }

  template <class T>
  static std::string default_text(const T& value) {
    if constexpr (std::is_same_v<T, std::string>) {
      return value.empty() ? std::string() : '"' + value + '"';
    } else {
      std::ostringstream out;
      out << value;
      return out.str();
    }
  }

  template <class T>
  static T parse_value(const std::string& name, const std::string& text) {
    if constexpr (std::is_same_v<T, std::string>) {
      if (text.empty()) {
        throw UsageError("--" + name + " needs a non-empty value");
      }
      return text;
    } else if constexpr (std::is_integral_v<T>) {
      T value{};
      const auto* end = text.data() + text.size();
      const auto [ptr, error] = std::from_chars(text.data(), end, value);
      if (error != std::errc() || ptr != end) {
        throw UsageError("--" + name + " expects " +
                         (std::is_signed_v<T> ? std::string("an integer")
                                              : std::string("a non-negative integer")) +
                         ", got '" + text + "'");
      }
      return value;
    } else {
      static_assert(std::is_floating_point_v<T>, "options are integers, numbers or strings");
      std::size_t used = 0;
      double value = 0;
      try {
        value = std::stod(text, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != text.size() || text.empty() || !std::isfinite(value)) {
        throw UsageError("--" + name + " expects a number, got '" + text + "'");
      }
      return static_cast<T>(value);
    }
  }

  std::string program_;
  std::string description_;
  std::vector<Entry> entries_;
  std::string* positional_ = nullptr;
  std::string positional_name_;
  std::string positional_help_;
  int exit_code_ = EXIT_SUCCESS;
};

/// Throws ArgumentError for --resume without --checkpoint FILE or without that file, and for
/// --checkpoint in a run that only evaluates (`evaluating`; `evaluating_options` then names the
/// options that made it so, e.g. "--model only evaluates").
inline void check_checkpoint_options(const std::string& path, bool resume, bool evaluating = false,
                                     const std::string& evaluating_options = {}) {
  if (resume && path.empty()) {
    throw bachprop::ArgumentError(
        "--resume needs --checkpoint FILE (the checkpoint to continue from)");
  }
  if (evaluating && !path.empty()) {
    throw bachprop::ArgumentError("--checkpoint is for training; " + evaluating_options);
  }
  if (resume && !std::filesystem::exists(path)) {
    throw bachprop::ArgumentError("--resume: there is no checkpoint " + path +
                                  " (run without --resume to start afresh)");
  }
}

/// Writes the summary JSON atomically (nothing when `path` is empty).
inline void write_summary(const std::string& path, const nlohmann::json& summary) {
  if (!path.empty()) {
    bachprop::write_file_atomically(path, summary.dump(2) + "\n");
  }
}

/// Runs `body`, turning any exception into a message and an exit code: 2 for a usage error
/// (UsageError, and ArgumentError: an option's value the program or the library refused), 1 for
/// anything else (a missing data set, an unreadable file).
inline int run_reporting_errors(const std::string& program, const std::function<int()>& body) {
  try {
    return body();
  } catch (const UsageError& error) {
    CommandLine::report_usage_error(program, error.what());
    return 2;
  } catch (const bachprop::ArgumentError& error) {
    CommandLine::report_usage_error(program, error.what());
    return 2;
  } catch (const std::exception& error) {
    std::cerr << program << ": error: " << error.what() << '\n';
    return EXIT_FAILURE;
  }
}

}  // namespace examples

#pragma once
// Command-line handling shared by the example programs: every program takes --help, --seed and
// --summary FILE, reports bad options by name, and ends with a clear message on any error.
// Not part of the library: it only serves the examples.

#include <bachprop/core/error.hpp>
#include <bachprop/io/file.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace examples {

/// A bad command line: the message says which option and what it expects.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Declares options bound to variables, parses argv, prints --help.
class CommandLine {
 public:
  CommandLine(std::string program, std::string description)
      : program_(std::move(program)), description_(std::move(description)) {}

  /// --name VALUE, parsed into `target` (an integer, a floating-point number or a string); the
  /// value `target` holds now is the default shown by --help.
  template <class T>
  CommandLine& option(std::string name, T& target, std::string value_name, std::string help) {
    std::string shown = default_text(target);
    entries_.push_back({std::move(name), std::move(value_name), std::move(help), std::move(shown),
                        [this, &target](const std::string& option_name, const std::string& text) {
                          target = parse_value<T>(option_name, text);
                        }});
    return *this;
  }

  /// --name, setting `target` to true.
  CommandLine& flag(std::string name, bool& target, std::string help) {
    entries_.push_back({std::move(name), "", std::move(help), "",
                        [&target](const std::string&, const std::string&) { target = true; }});
    return *this;
  }

  /// The options every example has: --seed N and --summary FILE.
  CommandLine& standard(std::uint64_t& seed, std::string& summary_path) {
    option("seed", seed, "N", "seed of every random choice (same seed, same result)");
    option("summary", summary_path, "FILE", "write the key figures as JSON to FILE");
    return *this;
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
  /// --help, or after a usage error, which it has printed).
  bool parse(int argc, char** argv) {
    try {
      for (int i = 1; i < argc; ++i) {
        std::string argument = argv[i];
        if (argument == "--help" || argument == "-h") {
          print_help(std::cout);
          exit_code_ = EXIT_SUCCESS;
          return false;
        }
        if (argument.rfind("--", 0) != 0) {
          throw UsageError("unexpected argument '" + argument + "' (options start with --)");
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
      std::cerr << program_ << ": " << error.what() << "\n(run " << program_
                << " --help for the options)\n";
      exit_code_ = 2;
      return false;
    }
  }

  int exit_code() const { return exit_code_; }
  const std::string& program() const { return program_; }

  void print_help(std::ostream& out) const {
    out << "usage: " << program_ << " [options]\n\n" << description_ << "\n\noptions:\n";
    for (const auto& e : entries_) {
      std::string left = "  --" + e.name + (e.value_name.empty() ? "" : " " + e.value_name);
      out << left;
      out << std::string(left.size() < 26 ? 26 - left.size() : 1, ' ') << e.help;
      if (!e.shown_default.empty()) {
        out << " (default: " << e.shown_default << ")";
      }
      out << '\n';
    }
    out << "  --help                  show this help and exit\n";
  }

 private:
  struct Entry {
    std::string name;
    std::string value_name;  // empty for flags
    std::string help;
    std::string shown_default;
    std::function<void(const std::string&, const std::string&)> assign;
  };

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
  int exit_code_ = EXIT_SUCCESS;
};

/// Throws ArgumentError for --resume without --checkpoint FILE or without that file, and for
/// --checkpoint in a run that only evaluates (`evaluating`; `evaluating_options` then names the
/// options that made it so, e.g. "--load only evaluates").
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

/// Runs `body`, turning any exception into a message and exit code 1.
inline int run_reporting_errors(const std::string& program, const std::function<int()>& body) {
  try {
    return body();
  } catch (const std::exception& error) {
    std::cerr << program << ": error: " << error.what() << '\n';
    return EXIT_FAILURE;
  }
}

}  // namespace examples

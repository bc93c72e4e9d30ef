#pragma once
// The frame the lesson programs share around their lessons (each main.cpp opens with its lesson
// and ends with its command line; its report.hpp prints and writes): the base of a report of the
// run, which keeps the options and fills the JSON summary, and run_lesson, the end of main().

#include "common/cli.hpp"

#include <nlohmann/json.hpp>

#include <utility>

namespace examples {

/// The base of a lesson's report: the options (with --summary's path) and the JSON summary
/// that the report fills as the lesson goes.
template <class Options>
class LessonReport {
 public:
  explicit LessonReport(const Options& options) : options_(options) {}

  /// Writes the JSON summary (with --summary FILE); the program's exit code, 0.
  int finish() {
    write_summary(options_.summary_path, summary_);
    return 0;
  }

 protected:
  const Options& options_;
  nlohmann::json summary_;
};

/// Parses argv into `options` through `cli`: exit code 0 after --help, 2 after a usage error.
/// Then checks the options (when they have a check()), makes a `Report` of them and returns
/// `lesson(options, report)`; an error on the way ends the program with its message and 1.
template <class Report, class Options, class Lesson>
int run_lesson(CommandLine& cli, int argc, char** argv, Options& options, Lesson&& lesson) {
  if (!cli.parse(argc, argv)) {
    return cli.exit_code();
  }
  return run_reporting_errors(cli.program(), [&] {
    if constexpr (requires { options.check(); }) {
      options.check();
    }
    Report report(options);
    return std::forward<Lesson>(lesson)(options, report);
  });
}

}  // namespace examples

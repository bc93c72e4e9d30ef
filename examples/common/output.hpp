#pragma once
// Where a program writes its files (--out DIR), and that it overwrites none without --force:
// a file that exists is kept and the new one numbered (NAME-2.png, NAME-3.png, ...). The music
// programs also take --wav/--no-wav and --score here (docs/cli.md).

#include "common/cli.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace examples {

/// Where a program writes its files and which: --out DIR, --force, --wav/--no-wav, --score.
struct OutputOptions {
  std::string folder = "bachprop_output";
  bool force = false;
  WavChoice wav = WavChoice::where_possible;
  bool score = false;  // --score: also engrave the music with LilyPond

  /// Declares --out DIR (for `what`), --force and, for programs that write music
  /// (`music`), --wav/--no-wav and --score.
  void declare(CommandLine& cli, const std::string& what, bool music = true) {
    cli.output(folder, force, what);
    if (music) {
      cli.wav(wav).flag("score", score,
                        "also engrave the music as sheet music: NAME.ly, and NAME-score.png "
                        "where LilyPond is installed");
    }
  }

  /// The path for file `name` (such as "lesson.png") in the folder, made if missing: `name`
  /// itself, or with --force overwritten; without --force, when it exists, the first free
  /// "stem-2.ext", "stem-3.ext", ...
  std::filesystem::path file(const std::string& name) const {
    const std::filesystem::path plain(name);
    return std::filesystem::path(folder) /
           (free_stem(plain.stem().string(), {plain.extension().string()}) +
            plain.extension().string());
  }

  /// The first of `stem`, "stem-2", "stem-3", ... for which no file stem+extension exists in
  /// the folder (for any of `extensions`); `stem` itself with --force. Makes the folder.
  std::string free_stem(const std::string& stem, const std::vector<std::string>& extensions) const {
    std::filesystem::create_directories(folder);
    if (force) {
      return stem;
    }
    for (int number = 1;; ++number) {
      const std::string candidate = number == 1 ? stem : stem + "-" + std::to_string(number);
      bool taken = false;
      for (const auto& extension : extensions) {
        taken = taken || std::filesystem::exists(std::filesystem::path(folder) /
                                                 (candidate + extension));
      }
      if (!taken) {
        return candidate;
      }
    }
  }
};

}  // namespace examples

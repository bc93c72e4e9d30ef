#pragma once
// The options the music programs share, declared once so that they are spelled and read the
// same everywhere (docs/cli.md): a melody or primer (--primer TEXT, --primer-midi FILE,
// --primer-abc FILE, --track N, --chorale N, or the one positional argument), and pitches
// given by name or number. Where the files go is common/output.hpp.

#include "common/cli.hpp"
#include "common/output.hpp"

#include <bachprop/core/error.hpp>
#include <bachprop/music/theory/key.hpp>
#include <bachprop/music/theory/pitch.hpp>

#include <charconv>
#include <filesystem>
#include <string>
#include <vector>

namespace examples {

/// The MIDI number of `text`, a pitch name ("C4", "Bb3", "F#5") or a MIDI number (0..127);
/// throws UsageError naming `option` otherwise.
inline int parse_pitch_option(const std::string& option, const std::string& text) {
  int number = 0;
  const char* end = text.data() + text.size();
  if (const auto [ptr, error] = std::from_chars(text.data(), end, number);
      error == std::errc() && ptr == end) {
    if (number < 0 || number > 127) {
      throw UsageError("--" + option + " expects a pitch name (C4) or a MIDI number 0..127, got " +
                       text);
    }
    return number;
  }
  int pitch = 0;
  std::string why;
  if (!bachprop::music::detail::parse_pitch_name(text, pitch, why)) {
    throw UsageError("--" + option + " expects a pitch name such as C4, Bb3 or F#5 (or a MIDI "
                     "number), got '" + text + "': expected " + why);
  }
  return pitch;
}

/// The key `text` names ("D major", "F# minor"), as given to `--option`; throws UsageError
/// naming the option for a text that is not a key.
inline bachprop::music::Key parse_key_option(const std::string& option, const std::string& text) {
  try {
    return bachprop::music::parse_key(text);
  } catch (const bachprop::FormatError& error) {
    throw UsageError("--" + option + ": " + error.what());
  }
}

/// Declares --NAME PITCH on `cli`, read by parse_pitch_option into `target`.
inline CommandLine& pitch_option(CommandLine& cli, const std::string& name, int& target,
                                 const std::string& help) {
  return cli.custom(name, "PITCH", help + " (a name such as C4, or a MIDI number)",
                    bachprop::music::pitch_name(target),
                    [name, &target](const std::string& text) {
                      target = parse_pitch_option(name, text);
                    });
}

/// Where a melody (or a primer) comes from: a note string, a MIDI file, an ABC file, a
/// held-out chorale, or the positional argument (a .mid/.midi or .abc file, else a note string).
struct MelodySource {
  std::string text;        // --primer TEXT (or --melody TEXT)
  std::string midi_path;   // --primer-midi FILE
  std::string abc_path;    // --primer-abc FILE
  std::string positional;  // the argument without "--"
  int track = 0;           // --track N: which part of the MIDI file (ABC: which voice/tune)
  long chorale = -1;       // --chorale N

  /// Declares the options with `role` as their prefix ("primer" or "melody"); `chorale_help`
  /// says what --chorale N takes ("" where the program offers no chorale).
  void declare(CommandLine& cli, const std::string& role, const std::string& chorale_help) {
    cli.option(role, text, "TEXT",
               "the " + role + " as a note string (\"C4 D4 E4/8 F4/8 G4/2\": pitch names, /N "
               "note values, R for a rest)")
        .option(role + "-midi", midi_path, "FILE",
                "the " + role + " from a MIDI file (the top line of a part)")
        .option(role + "-abc", abc_path, "FILE",
                "the " + role + " from an ABC file (its first tune)")
        .option("track", track, "N", "with a MIDI file: which part with notes to use");
    if (!chorale_help.empty()) {
      // No default shown: "none" is -1 inside, and the help says what the program does then.
      cli.custom("chorale", "N", chorale_help, "", [this](const std::string& text) {
        chorale = CommandLine::value_of<long>("chorale", text);
        if (chorale < 0) {
          throw UsageError("--chorale expects a chorale number 0, 1, ..., got " + text);
        }
      });
    }
    cli.positional(positional, role == "primer" ? "PRIMER" : "MELODY",
                   "the " + role + ": a MIDI file (.mid), an ABC file (.abc) or a note string");
    role_ = role;
  }

  /// Moves the positional argument to the option it stands for; throws UsageError when more
  /// than one source is given. Call once the command line is parsed.
  void settle() {
    if (!positional.empty()) {
      const std::string extension = std::filesystem::path(positional).extension().string();
      std::string& target = extension == ".mid" || extension == ".midi" ? midi_path
                            : extension == ".abc"                        ? abc_path
                                                                         : text;
      if (!target.empty()) {
        throw UsageError("the " + role_ + " is given twice: '" + positional + "' and --" +
                         role_ + (&target == &text ? "" : &target == &abc_path ? "-abc" : "-midi"));
      }
      target = positional;
      positional.clear();
    }
    const int sources = (text.empty() ? 0 : 1) + (midi_path.empty() ? 0 : 1) +
                        (abc_path.empty() ? 0 : 1) + (chorale >= 0 ? 1 : 0);
    if (sources > 1) {
      throw UsageError("give one " + role_ + ": --" + role_ + ", --" + role_ + "-midi, --" +
                       role_ + "-abc, --chorale or a positional argument");
    }
  }

  /// True when no source is given (the program's default applies).
  bool none() const {
    return text.empty() && midi_path.empty() && abc_path.empty() && chorale < 0 &&
           positional.empty();
  }

 private:
  std::string role_ = "primer";
};

}  // namespace examples

#pragma once
// Rendering a MIDI file to WAV with FluidSynth, where it is installed (Debian: fluidsynth and
// fluid-soundfont-gm). The examples write MIDI always and WAV when they can; without FluidSynth
// they say how to get it instead of failing.

#include <bachprop/io/file.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace examples {

/// The General MIDI soundfonts looked for, in order ($BACHPROP_SOUNDFONT first).
inline std::vector<std::filesystem::path> soundfont_candidates() {
  std::vector<std::filesystem::path> candidates;
  if (const char* env = std::getenv("BACHPROP_SOUNDFONT"); env != nullptr && *env != '\0') {
    candidates.emplace_back(env);
  }
  candidates.emplace_back("/usr/share/sounds/sf2/FluidR3_GM.sf2");
  candidates.emplace_back("/usr/share/sounds/sf2/default-GM.sf2");
  return candidates;
}

/// Why no WAV can be rendered here, or "" when it can.
inline std::string wav_unavailable_reason() {
  if (std::system("command -v fluidsynth >/dev/null 2>&1") != 0) {
    return "FluidSynth is not installed (Debian: apt-get install fluidsynth fluid-soundfont-gm)";
  }
  for (const auto& font : soundfont_candidates()) {
    if (std::filesystem::exists(font)) {
      return "";
    }
  }
  return "no General MIDI soundfont found (Debian: apt-get install fluid-soundfont-gm, or set "
         "BACHPROP_SOUNDFONT)";
}

// Wraps a path in single quotes for the shell, escaping any single quote inside.
inline std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

/// Renders `midi` to `wav` (44.1 kHz) with FluidSynth. Returns false, with `why` set, when
/// FluidSynth or a soundfont is missing; throws bachprop::IoError when rendering fails. The WAV
/// appears under its name only once complete.
inline bool render_wav(const std::filesystem::path& midi, const std::filesystem::path& wav,
                       std::string& why) {
  why = wav_unavailable_reason();
  if (!why.empty()) {
    return false;
  }
  std::filesystem::path font;
  for (const auto& candidate : soundfont_candidates()) {
    if (std::filesystem::exists(candidate)) {
      font = candidate;
      break;
    }
  }
  const std::filesystem::path partial = wav.string() + ".partial.wav";
  const std::string command = "fluidsynth -ni -q -g 0.8 -r 44100 -F " +
                              shell_quote(partial.string()) + " " + shell_quote(font.string()) +
                              " " + shell_quote(midi.string()) + " >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0 || !std::filesystem::exists(partial)) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    throw bachprop::IoError(wav.string() + ": FluidSynth failed to render " + midi.string());
  }
  std::filesystem::rename(partial, wav);
  return true;
}

}  // namespace examples
